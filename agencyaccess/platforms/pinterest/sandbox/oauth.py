"""The sandbox's Pinterest OAuth: the consent page (www.pinterest.com/oauth/) and the token
endpoint (POST /v5/oauth/token) with the app's credentials as HTTP Basic, continuous refresh
tokens and Pinterest's error object (docs/platforms/pinterest.md#sign-in)."""

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from agencyaccess.platforms.pinterest.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from agencyaccess.platforms.pinterest.sandbox import state, world
from agencyaccess.platforms.sandbox_sign_in import passed_on_state

TEMPLATE = "platforms/pinterest/sandbox_authorize.html"
INVALID_GRANT = 283
PARAMS = ("client_id", "redirect_uri", "response_type", "scope", "state")


@csrf_exempt  # Pinterest's page, not ours: it has no CSRF token of this site to check
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """GET shows who can sign in and what the app asks for; POST is their answer."""
    params = request.POST if request.method == "POST" else request.GET
    problem = _refusal(params)
    if problem:
        return render(request, TEMPLATE, {"error": problem}, status=400)
    scopes = [s for s in params.get("scope", "").split(",") if s]
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
    passed_on = passed_on_state(params)
    if request.POST.get("action") != "allow":
        return _redirect(params["redirect_uri"], {"error": "access_denied", **passed_on})
    person = world.PEOPLE.get(request.POST.get("person", ""))
    if person is None:
        return render(request, TEMPLATE, {"error": "Choose who signs in."}, status=400)
    code = state.new_code(person, params["redirect_uri"], scopes)
    return _redirect(params["redirect_uri"], {"code": code, **passed_on})


def _refusal(params: Mapping[str, str]) -> str:
    """What Pinterest shows on its own page instead of redirecting back."""
    if params.get("client_id") != SANDBOX_CLIENT_ID:
        return "Invalid client_id."
    if not params.get("redirect_uri", "").startswith(settings.SITE_URL + "/"):
        return "The redirect_uri is not one of the app's redirect URIs."
    if params.get("response_type") != "code":
        return "response_type must be code."
    unknown = [s for s in params.get("scope", "").split(",") if s not in world.ALL_SCOPES]
    if unknown:
        return f"Invalid scope: {', '.join(unknown)}"
    return ""


def _redirect(uri: str, params: Mapping[str, str]) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{uri}{'&' if '?' in uri else '?'}{urlencode(params)}")


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    if _basic_credentials(request) != (SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET):
        return _error(401, 2, "Authentication failed.")
    form = request.POST
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        # The sandbox app predates 2025-09-25: without continuous_refresh=true its refresh
        # token is a legacy one, never renewed (the oauth/token description).
        continuous = form.get("continuous_refresh") == "true"
        issued = state.redeem_code(form.get("code", ""), form.get("redirect_uri", ""), continuous)
        if issued is None:
            return _error(400, 1, "Invalid authorization code.")
        return JsonResponse(issued.answer("authorization_code"))
    if grant_type == "refresh_token":
        issued = state.refresh_token(form.get("refresh_token", ""))
        if issued is None:  # as the official SDK's refresh meets it (pinterest-python-sdk #114)
            return _error(401, INVALID_GRANT, "The authorization grant is invalid")
        return JsonResponse(issued.answer("refresh_token"))
    return _error(400, 1, f"Invalid grant_type: {grant_type}")


def _basic_credentials(request: HttpRequest) -> tuple[str, str]:
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Basic":
        return "", ""
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return client_id, secret


def _error(status: int, code: int, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message}, status=status)
