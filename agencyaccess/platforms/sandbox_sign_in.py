"""The sign-in page of a sandbox that stands in for a platform's OAuth authorization page: GET
shows who may sign in and what the app asks for, POST comes back to the app with a code, or with
`error=access_denied` when the person declines. Each sandbox says how its platform checks the
request and answers; this module is the page they share.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods


class SignInRefused(Exception):
    """A request the page refuses on its own, without going back to the app: worded as the
    platform words it."""


@dataclass(frozen=True)
class SignInPage:
    template: str
    passed_on: tuple[str, ...]  # the request's parameters the page's form sends back
    # The scopes the request asks for, once the platform's checks pass (else SignInRefused).
    requested_scopes: Callable[[QueryDict], list[str]]
    # Where the person's choice sends them: back to the app, with a code or an error.
    answer: Callable[[QueryDict, list[str]], HttpResponse]
    # Who may sign in, as the template lists them.
    people: Callable[[], Iterable[Any]]

    def view(self) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt  # the platform's page, not ours: it has no CSRF token of this site
        @require_http_methods(["GET", "POST"])
        def authorize(request: HttpRequest) -> HttpResponse:
            params = request.POST if request.method == "POST" else request.GET
            try:
                scopes = self.requested_scopes(params)
                if request.method == "POST":
                    return self.answer(request.POST, scopes)
            except SignInRefused as e:
                return render(request, self.template, {"error": str(e)}, status=400)
            context = {
                "people": self.people(),
                "scopes": scopes,
                "params": {name: params[name] for name in self.passed_on if name in params},
            }
            return render(request, self.template, context)

        return authorize


def redirect_to(uri: str, params: Mapping[str, str]) -> HttpResponseRedirect:
    """Back to the app's redirect URI, with the answer's parameters added to its own."""
    return HttpResponseRedirect(f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}")


def passed_on_state(form: QueryDict) -> dict[str, str]:
    """The app's `state`, returned as it came (RFC 6749 §4.1.2), when it sent one."""
    state = form.get("state", "")
    return {"state": state} if state else {}
