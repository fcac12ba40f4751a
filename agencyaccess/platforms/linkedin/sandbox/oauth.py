"""The sandbox's LinkedIn sign-in: the authorization page, the token endpoint, revocation and
OpenID Connect's userinfo (docs/platforms/linkedin.md#sign-in)."""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from agencyaccess.platforms.linkedin.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from agencyaccess.platforms.linkedin.sandbox import state, world
from agencyaccess.platforms.sandbox_sign_in import passed_on_state

TEMPLATE = "platforms/linkedin/sandbox_authorize.html"
PARAMS = ("response_type", "client_id", "redirect_uri", "state", "scope")


@require_http_methods(["GET", "POST"])
def authorization(request: HttpRequest) -> HttpResponse:
    """GET shows who can sign in and what the app asks for; POST is their answer."""
    params = request.POST if request.method == "POST" else request.GET
    problem = _refusal(params)
    if problem:
        return render(request, TEMPLATE, {"error": problem}, status=400)
    scopes = params.get("scope", "").split()
    passed_on = passed_on_state(params)
    unknown = [s for s in scopes if s not in world.SCOPES]
    if unknown:  # LinkedIn sends an unauthorized scope back to the app
        return _redirect(
            params["redirect_uri"],
            {
                "error": "unauthorized_scope_error",
                "error_description": f"Scope &quot;{unknown[0]}&quot; is not authorized for your application",
                **passed_on,
            },
        )
    if request.method == "GET":
        return render(
            request,
            TEMPLATE,
            {
                "people": world.PEOPLE.values(),
                "scopes": scopes,
                "params": {n: params[n] for n in PARAMS if n in params},
            },
        )
    if request.POST.get("action") != "allow":
        return _redirect(
            params["redirect_uri"],
            {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled the authorization",
                **passed_on,
            },
        )
    person = world.PEOPLE.get(request.POST.get("person", ""))
    if person is None:
        return render(request, TEMPLATE, {"error": "Choose who signs in."}, status=400)
    code = state.new_code(person, params["redirect_uri"], scopes)
    return _redirect(params["redirect_uri"], {"code": code, **passed_on})


def _refusal(params: Mapping[str, str]) -> str:
    """What LinkedIn shows on its own page instead of redirecting back."""
    if params.get("client_id") != SANDBOX_CLIENT_ID:
        return "The application is not found (invalid client_id)."
    if not params.get("redirect_uri", "").startswith(settings.SITE_URL + "/"):
        return "The redirect_uri does not match the registered value."
    if params.get("response_type") != "code":
        return "response_type must be code."
    return ""


def _redirect(uri: str, params: Mapping[str, str]) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}")


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": error, "error_description": description}, status=status)


@csrf_exempt
@require_POST
def access_token(request: HttpRequest) -> JsonResponse:
    """grant_type=authorization_code or refresh_token, with the app's id and secret in the form."""
    form = request.POST
    if (
        form.get("client_id") != SANDBOX_CLIENT_ID
        or form.get("client_secret") != SANDBOX_CLIENT_SECRET
    ):
        return _oauth_error("invalid_client", "Client authentication failed", 401)
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        token = state.redeem_code(form.get("code", ""), form.get("redirect_uri", ""))
        if token is None:
            return _oauth_error(
                "invalid_request",
                "Unable to retrieve access token: appid/redirect uri/code verifier does not match "
                "authorization code. Or authorization code expired.",
            )
    elif grant_type == "refresh_token":
        token = state.refresh_token(form.get("refresh_token", ""))
        if token is None:
            return _oauth_error(
                "invalid_request", "The provided refresh token is invalid or expired"
            )
    else:
        return _oauth_error("unsupported_grant_type", f"Unsupported grant type: {grant_type}")
    answer: dict[str, Any] = {
        "access_token": token.value,
        "expires_in": state.ACCESS_SECONDS,
        "refresh_token": token.refresh,
        "refresh_token_expires_in": state.REFRESH_SECONDS,
        "scope": ",".join(sorted(token.scopes)),
        "token_type": "Bearer",
    }
    return JsonResponse(answer)


@csrf_exempt
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    form = request.POST
    if (
        form.get("client_id") != SANDBOX_CLIENT_ID
        or form.get("client_secret") != SANDBOX_CLIENT_SECRET
    ):
        return _oauth_error("invalid_client", "Client authentication failed", 401)
    state.revoke(form.get("token", ""))
    return HttpResponse(status=200)


def userinfo(request: HttpRequest) -> JsonResponse:
    """Who signed in (OpenID Connect), for a token carrying `openid`."""
    header = request.headers.get("Authorization", "")
    token = (
        state.valid_token(header.removeprefix("Bearer ")) if header.startswith("Bearer ") else None
    )
    if token is None:
        return JsonResponse(
            {
                "status": 401,
                "serviceErrorCode": 65600,
                "code": "INVALID_ACCESS_TOKEN",
                "message": "Invalid access token",
            },
            status=401,
        )
    if "openid" not in token.scopes:
        return JsonResponse(
            {
                "status": 403,
                "serviceErrorCode": 100,
                "code": "ACCESS_DENIED",
                "message": "Not enough permissions to access: userinfo.GET.NO_VERSION",
            },
            status=403,
        )
    person = token.person
    first, _, last = person.name.partition(" ")
    return JsonResponse(
        {
            "sub": person.id,
            "name": person.name,
            "given_name": first,
            "family_name": last,
            "email": person.email if "email" in token.scopes else None,
            "email_verified": True,
            "locale": {"country": "US", "language": "en"},
        }
    )
