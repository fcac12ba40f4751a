"""The sandbox's Snap sign-in: the authorize page and the token endpoint of the authorization
code flow, with refresh tokens (docs/platforms/snapchat.md#sign-in)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from agencyaccess.platforms import sandbox_codes
from agencyaccess.platforms.sandbox_sign_in import (
    SignInPage,
    SignInRefused,
    passed_on_state,
    redirect_to,
)
from agencyaccess.platforms.snapchat.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from agencyaccess.platforms.snapchat.sandbox import state, world

TEMPLATE = "platforms/snapchat/sandbox_sign_in.html"
PASSED_ON = ("client_id", "redirect_uri", "response_type", "scope", "state")


def requested_scopes(params: QueryDict) -> list[str]:
    if params.get("client_id") != SANDBOX_CLIENT_ID:
        raise SignInRefused("Invalid client_id.")
    if not params.get("redirect_uri", "").startswith(settings.SITE_URL + "/"):
        raise SignInRefused("The redirect_uri does not match the app's.")
    if params.get("response_type") != "code":
        raise SignInRefused("This sandbox supports only response_type=code.")
    scopes = params.get("scope", "").split()
    if not scopes or any(s not in state.SCOPES for s in scopes):
        raise SignInRefused("Invalid scope.")
    return scopes


def answer(form: QueryDict, scopes: list[str]) -> HttpResponse:
    redirect_uri = form.get("redirect_uri", "")
    passed_on = passed_on_state(form)
    if form.get("action") != "accept":
        return redirect_to(redirect_uri, {"error": "access_denied", **passed_on})
    person = world.PEOPLE.get(form.get("person", ""))
    if person is None:
        raise SignInRefused("Pick an account.")
    return redirect_to(
        redirect_uri, {"code": state.new_code(person, redirect_uri, scopes), **passed_on}
    )


authorize = SignInPage(
    TEMPLATE, PASSED_ON, requested_scopes, answer, people=lambda: world.PEOPLE.values()
).view()


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    form = request.POST
    if (form.get("client_id"), form.get("client_secret")) != (
        SANDBOX_CLIENT_ID,
        SANDBOX_CLIENT_SECRET,
    ):
        return oauth_error("invalid_client", "Invalid client credentials.", 401)
    grant_type = form.get("grant_type")
    tokens: dict[str, Any] | sandbox_codes.Refused | None
    if grant_type == "authorization_code":
        tokens = state.redeem_code(form.get("code", ""), form.get("redirect_uri", ""))
    elif grant_type == "refresh_token":
        tokens = state.refresh_tokens(form.get("refresh_token", ""))
    else:
        return oauth_error("unsupported_grant_type", "Unsupported grant type.")
    if tokens is None or isinstance(tokens, sandbox_codes.Refused):
        return oauth_error("invalid_grant", "Invalid authorization code or refresh token.")
    return JsonResponse(tokens)


def oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    """RFC 6749's error answer, which Snap's token endpoint gives."""
    return JsonResponse({"error": error, "error_description": description}, status=status)
