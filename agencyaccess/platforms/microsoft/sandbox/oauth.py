"""The sandbox's Microsoft identity platform: the authorize page and the token endpoint of the
authorization code flow, with PKCE and refresh token rotation
(docs/platforms/microsoft.md#sign-in)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from agencyaccess.platforms.microsoft.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from agencyaccess.platforms.microsoft.sandbox import state, world
from agencyaccess.platforms.microsoft.sandbox.faults import OAuthError
from agencyaccess.platforms.sandbox_sign_in import (
    SignInPage,
    SignInRefused,
    passed_on_state,
    redirect_to,
)

TEMPLATE = "platforms/microsoft/sandbox_consent.html"
PASSED_ON = (
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)


def requested_scopes(params: QueryDict) -> list[str]:
    if params.get("client_id") != SANDBOX_CLIENT_ID:
        raise SignInRefused("AADSTS700016: Application not found in the directory.")
    if not params.get("redirect_uri", "").startswith(settings.SITE_URL + "/"):
        raise SignInRefused("AADSTS50011: The redirect URI does not match the app's.")
    if params.get("response_type") != "code":
        raise SignInRefused("This sandbox supports only response_type=code.")
    if params.get("code_challenge") and params.get("code_challenge_method") != "S256":
        raise SignInRefused("AADSTS501491: Invalid code_challenge_method.")
    scopes = params.get("scope", "").split()
    unknown = [s for s in scopes if s not in state.SCOPES]
    if unknown or not scopes:
        raise SignInRefused(f"AADSTS70011: The provided scope is not valid: {' '.join(unknown)}")
    return scopes


def answer(form: QueryDict, scopes: list[str]) -> HttpResponse:
    redirect_uri = form.get("redirect_uri", "")
    passed_on = passed_on_state(form)
    if form.get("action") != "accept":
        return redirect_to(
            redirect_uri,
            {
                "error": "access_denied",
                "error_description": "AADSTS65004: User declined to consent.",
                **passed_on,
            },
        )
    person = world.PEOPLE.get(form.get("person", ""))
    if person is None:
        raise SignInRefused("Pick an account.")
    code = state.new_code(person, redirect_uri, scopes, form.get("code_challenge", ""))
    return redirect_to(redirect_uri, {"code": code, **passed_on})


authorize = SignInPage(
    TEMPLATE, PASSED_ON, requested_scopes, answer, people=lambda: world.PEOPLE.values()
).view()


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    form = request.POST
    try:
        if (form.get("client_id"), form.get("client_secret")) != (
            SANDBOX_CLIENT_ID,
            SANDBOX_CLIENT_SECRET,
        ):
            raise OAuthError(
                "invalid_client", "AADSTS7000215: Invalid client secret provided.", 401
            )
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            tokens = state.redeem_code(
                form.get("code", ""), form.get("redirect_uri", ""), form.get("code_verifier", "")
            )
        elif grant_type == "refresh_token":
            tokens = state.refresh_tokens(form.get("refresh_token", ""))
        else:
            raise OAuthError("unsupported_grant_type", "AADSTS70003: Unsupported grant type.")
    except OAuthError as e:
        return JsonResponse(
            {"error": e.error, "error_description": e.description, "error_codes": []},
            status=e.status,
        )
    return JsonResponse(tokens)
