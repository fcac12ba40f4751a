"""The sandbox's HubSpot OAuth: the app's install page (the person picks the account it is
installed in) and the dated token, introspection and revocation endpoints
(docs/platforms/hubspot.md#sign-in)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from agencyaccess.platforms.hubspot.config import (
    INSTALL_SCOPES,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
)
from agencyaccess.platforms.hubspot.sandbox import contract, state, world
from agencyaccess.platforms.hubspot.sandbox.state import OAuthError
from agencyaccess.platforms.sandbox_sign_in import (
    SignInPage,
    SignInRefused,
    passed_on_state,
    redirect_to,
)

TEMPLATE = "platforms/hubspot/sandbox_install.html"
PASSED_ON = ("client_id", "redirect_uri", "scope", "state")


def requested_scopes(params: QueryDict) -> list[str]:
    if params.get("client_id") != SANDBOX_CLIENT_ID:
        raise SignInRefused("Couldn't complete the connection: the app's client ID is unknown.")
    if not params.get("redirect_uri", "").startswith(settings.SITE_URL + "/"):
        raise SignInRefused("Couldn't complete the connection: the redirect URL does not match.")
    return app_scopes(params.get("scope", "").split())


def app_scopes(scopes: list[str]) -> list[str]:
    """The sandbox's app has `INSTALL_SCOPES` all required: HubSpot refuses an install URL that
    leaves one out, or asks for one the app does not have, with these words
    (knowledge.hubspot.com/integrations/resolve-a-request-for-integration-permissions-error)."""
    if any(s not in INSTALL_SCOPES for s in scopes):
        raise SignInRefused(
            "Couldn't complete the connection: Authorization failed because there is a mismatch "
            "between the scopes in the install URL and the app's configured scopes. Please "
            "contact the app developer."
        )
    if any(s not in scopes for s in INSTALL_SCOPES):
        raise SignInRefused(
            "Couldn't complete the connection: Authorization failed because the provided "
            "scopes are insufficient. Please contact the app developer."
        )
    return scopes


def answer(form: QueryDict, scopes: list[str]) -> HttpResponse:
    redirect_uri = form.get("redirect_uri", "")
    passed_on = passed_on_state(form)
    if form.get("action") != "connect":
        return redirect_to(redirect_uri, {"error": "access_denied", **passed_on})
    person = world.PEOPLE.get(form.get("person", ""))
    if person is None:
        raise SignInRefused("Choose an account.")
    return redirect_to(
        redirect_uri, {"code": state.new_code(person, redirect_uri, scopes), **passed_on}
    )


authorize = SignInPage(
    TEMPLATE,
    PASSED_ON,
    requested_scopes,
    answer,
    people=lambda: [(p, world.HUBS[p.hub_id]) for p in world.PEOPLE.values()],
).view()


def token_endpoint(
    view: Callable[[QueryDict], dict[str, Any] | None],
) -> Callable[..., HttpResponse]:
    """A form POST under the token endpoint: the app authenticates with its id and secret in
    the body, a refusal is an OAuth error body, no answer is a 204."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        checked = contract.exchange(request)
        form = request.POST
        try:
            if (form.get("client_id"), form.get("client_secret")) != (
                SANDBOX_CLIENT_ID,
                SANDBOX_CLIENT_SECRET,
            ):
                raise OAuthError(
                    "invalid_client", "BAD_CLIENT_ID", "missing or unknown client id", 401
                )
            body = view(form)
        except OAuthError as e:
            return checked(JsonResponse(e.body(), status=e.http_status))
        return checked(HttpResponse(status=204) if body is None else JsonResponse(body))

    return wrapper


@token_endpoint
def token(form: QueryDict) -> dict[str, Any]:
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return state.redeem_code(form.get("code", ""), form.get("redirect_uri", ""))
    if grant_type == "refresh_token":
        return state.refresh_tokens(form.get("refresh_token", ""))
    raise OAuthError("unsupported_grant_type", "BAD_GRANT_TYPE", "unsupported grant_type")


@token_endpoint
def introspect(form: QueryDict) -> dict[str, Any]:
    """What the token is for; an unknown or expired one is only `{"active": false}`."""
    access = form.get("token", "")
    found = state.token_of(access)
    if found is None or found["seconds_left"] < 0:
        return {"active": False}
    person = world.PEOPLE[found["person"]]
    return {
        "active": True,
        "token": access,
        "token_type": "bearer",
        "token_use": "access_token",
        "client_id": SANDBOX_CLIENT_ID,
        "app_id": 1000001,
        "hub_id": person.hub_id,
        "hub_domain": world.HUBS[person.hub_id].domain,
        "user_id": person.user_id,
        "user": person.email,
        "scopes": found["scopes"],
        "expires_in": int(found["seconds_left"]),
        "is_private_distribution": False,
    }


@token_endpoint
def revoke(form: QueryDict) -> None:
    state.revoke_refresh(form.get("token", ""))
