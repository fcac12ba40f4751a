"""The sandbox's advertiser authorization page: pick a person, and come back to the app with
`auth_code` and `state`, as TikTok documents (docs/platforms/tiktok.md#sign-in)."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from agencyaccess.platforms.tiktok.config import SANDBOX_APP_ID
from agencyaccess.platforms.tiktok.sandbox import state, world


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    params = request.POST if request.method == "POST" else request.GET
    if params.get("app_id") != SANDBOX_APP_ID:
        return HttpResponseBadRequest("Invalid app_id.")
    redirect_uri = params.get("redirect_uri", "")
    if not redirect_uri.startswith(settings.SITE_URL + "/"):
        return HttpResponseBadRequest("redirect_uri does not match the app's advertiser URL.")
    if request.method == "GET":
        return render(
            request,
            "platforms/tiktok/sandbox_auth.html",
            {
                "people": world.PEOPLE.values(),
                "params": {k: params.get(k, "") for k in ("app_id", "state", "redirect_uri")},
            },
        )
    person = world.PEOPLE.get(params.get("person", ""))
    if person is None:
        return HttpResponseBadRequest("Pick someone to sign in as.")
    code = state.new_code(person, redirect_uri)
    query = urlencode({"auth_code": code, "state": params.get("state", "")})
    return HttpResponseRedirect(f"{redirect_uri}?{query}")
