"""The sandbox's Facebook Login: the consent dialog, the token endpoint and token inspection
(docs/platforms/meta.md#sign-in; facebook-login/guides/advanced/manual-flow)."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from agencyaccess.platforms.meta.config import SANDBOX_APP_ID, SANDBOX_APP_SECRET
from agencyaccess.platforms.meta.sandbox import state, world
from agencyaccess.platforms.meta.sandbox.api import authenticate, param, token_value
from agencyaccess.platforms.meta.sandbox.errors import GraphError, graph_view
from agencyaccess.platforms.sandbox_sign_in import passed_on_state, redirect_to

DIALOG_PARAMS = ("client_id", "redirect_uri", "state", "response_type", "scope", "config_id")
DIALOG_TEMPLATE = "platforms/meta/sandbox_dialog.html"


class DialogError(Exception):
    """A sign-in request Facebook would refuse on its own page, without redirecting back."""


@require_http_methods(["GET", "POST"])
def dialog(request: HttpRequest, version: str) -> HttpResponse:
    """GET shows who can sign in and what the app asks for; POST is their answer."""
    params = request.POST if request.method == "POST" else request.GET
    try:
        requested = requested_permissions(params)
        if request.method == "POST":
            return answer(request.POST, requested)
    except DialogError as e:
        return render(request, DIALOG_TEMPLATE, {"error": str(e)}, status=400)
    return render(
        request,
        DIALOG_TEMPLATE,
        {
            "people": world.PEOPLE.values(),
            "permissions": requested,
            "all_or_nothing": bool(params.get("config_id")),
            "params": {name: params[name] for name in DIALOG_PARAMS if name in params},
        },
    )


def requested_permissions(params: QueryDict) -> list[str]:
    """What the app asks for, after the checks Facebook makes before showing the dialog."""
    if params.get("client_id") != SANDBOX_APP_ID:
        raise DialogError("Invalid App ID: The provided app ID does not look like a valid app ID.")
    if not params.get("redirect_uri", "").startswith(settings.SITE_URL + "/"):
        raise DialogError(
            "URL blocked: This redirect failed because the redirect URI is not whitelisted in "
            "the app's Client OAuth Settings."
        )
    if params.get("response_type", "code") != "code":
        raise DialogError("This sandbox supports only response_type=code.")
    if params.get("config_id"):
        # Login for Business: the configuration's permissions, all granted or none (§8.1).
        return list(world.PERMISSIONS)
    scopes = [s.strip() for s in params.get("scope", "").replace(" ", ",").split(",")]
    asked = [s for s in scopes if s and s != world.ALWAYS_GRANTED]
    unknown = [s for s in asked if s not in world.PERMISSIONS]
    if unknown:
        raise DialogError(f"Invalid Scopes: {', '.join(unknown)}.")
    return list(dict.fromkeys(asked))


def answer(form: QueryDict, requested: list[str]) -> HttpResponse:
    redirect_uri = form.get("redirect_uri", "")
    passed_on = passed_on_state(form)
    if form.get("action") != "continue":
        return redirect_to(
            redirect_uri,
            {
                "error": "access_denied",
                "error_code": "200",
                "error_description": "Permissions error",
                "error_reason": "user_denied",
                **passed_on,
            },
        )
    person = world.PEOPLE.get(form.get("person", ""))
    if person is None:
        raise DialogError("Choose who signs in.")
    ticked = set(requested if form.get("config_id") else form.getlist("permission"))
    granted = [p for p in requested if p in ticked]
    declined = [p for p in requested if p not in ticked]
    code = state.new_code(person, redirect_uri, granted, declined)
    return redirect_to(redirect_uri, {"code": code, **passed_on})


@graph_view
def access_token(request: HttpRequest, version: str) -> Mapping[str, Any]:
    """A code for a short-lived token, or a token for a long-lived one (fb_exchange_token)."""
    if param(request, "client_id") != SANDBOX_APP_ID:
        raise GraphError(101, "Error validating application. Invalid application ID.")
    if param(request, "client_secret") != SANDBOX_APP_SECRET:
        raise GraphError(1, "Error validating client secret.")
    if param(request, "grant_type") == "fb_exchange_token":
        old = state.valid_token(param(request, "fb_exchange_token"))
        token = state.issue_token(old.person, old.granted, old.declined, state.LONG_LIVED_SECONDS)
        lifetime = state.LONG_LIVED_SECONDS
    elif code := param(request, "code"):
        if not param(request, "redirect_uri"):
            raise GraphError(100, "Missing redirect_uri parameter.", subcode=36008)
        token = state.redeem_code(code, param(request, "redirect_uri"))
        lifetime = state.SHORT_LIVED_SECONDS
    else:
        raise GraphError(100, "Missing authorization code")
    return {"access_token": token.value, "token_type": "bearer", "expires_in": lifetime}


@graph_view
def debug_token(request: HttpRequest, version: str) -> Mapping[str, Any]:
    """What a token is, asked with the app's token `{app-id}|{app-secret}` or a person's."""
    if token_value(request) != f"{SANDBOX_APP_ID}|{SANDBOX_APP_SECRET}":
        authenticate(request)
    try:
        token = state.valid_token(param(request, "input_token"))
    except GraphError as e:
        return {
            "data": {
                "app_id": SANDBOX_APP_ID,
                "is_valid": False,
                "scopes": [],
                "error": {"code": e.code, "message": e.message, "subcode": e.subcode},
            }
        }
    scopes = sorted(token.granted | {world.ALWAYS_GRANTED})
    return {
        "data": {
            "app_id": SANDBOX_APP_ID,
            "type": "PAGE" if token.page_id else "USER",
            "application": "AgencyAccess (Meta sandbox)",
            "expires_at": int(token.expires or 0),  # 0: never
            "is_valid": True,
            "issued_at": int(token.issued),
            "scopes": scopes,
            "granular_scopes": [{"scope": s} for s in scopes],
            "user_id": token.person.id,
        }
    }
