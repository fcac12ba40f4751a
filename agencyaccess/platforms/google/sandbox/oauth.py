"""The fake Google sign-in: the consent page, the token, revocation and userinfo endpoints, with
Google's rules (developers.google.com/identity/protocols/oauth2/web-server): registered client
and redirect URI, one-time codes bound to their redirect URI, PKCE S256, refresh tokens only for
access_type=offline, and granular consent (any product permission can be unticked)."""

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from agencyaccess.platforms.google.config import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from agencyaccess.platforms.google.sandbox import tokens, world
from agencyaccess.platforms.google.sandbox.endpoint import open_sandbox
from agencyaccess.platforms.google.sandbox.pages import render
from agencyaccess.platforms.google.scopes import IDENTITY


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """GET shows the consent page; POST (the page's form, same query string) decides."""
    open_sandbox()
    params = request.GET
    if problem := _authorize_problem(params):
        return render(request, "error.html", {"problem": problem}, status=400)
    requested = params["scope"].split()
    if request.method == "POST":
        return _decide(request, requested)
    return render(
        request,
        "consent.html",
        {
            "users": world.USERS,
            "hint": params.get("login_hint", ""),
            "permissions": [
                (scope, world.SCOPE_DESCRIPTIONS.get(scope, scope))
                for scope in requested
                if scope not in IDENTITY
            ],
        },
    )


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    open_sandbox()
    form = request.POST
    if (
        form.get("client_id") != SANDBOX_CLIENT_ID
        or form.get("client_secret") != SANDBOX_CLIENT_SECRET
    ):
        return _refusal(401, "invalid_client", "The OAuth client was not found.")
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        return _exchange(form)
    if grant_type == "refresh_token":
        answer = tokens.refreshed(form.get("refresh_token", ""))
        if answer is None:
            return _refusal(400, "invalid_grant", "Token has been expired or revoked.")
        return JsonResponse(answer)
    return _refusal(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")


@csrf_exempt
@require_POST
def revoke(request: HttpRequest) -> JsonResponse:
    open_sandbox()
    token = request.POST.get("token") or request.GET.get("token", "")
    if not tokens.revoke(token):
        return _refusal(400, "invalid_token", "Token expired or revoked")
    return JsonResponse({})


def userinfo(request: HttpRequest) -> JsonResponse:
    """Who signed in. It answers for everyone with a live token, Erin included: her sign-in
    works, the product APIs are what refuse her."""
    open_sandbox()
    held = tokens.holder(request.headers.get("Authorization", "").removeprefix("Bearer "))
    user = world.USERS_BY_EMAIL.get(held["email"]) if held else None
    if user is None:
        return _refusal(401, "invalid_request", "Invalid Credentials")
    first, _, last = user.name.partition(" ")
    return JsonResponse(
        {
            "sub": user.sub,
            "email": user.email,
            "email_verified": True,
            "name": user.name,
            "given_name": first,
            "family_name": last,
        }
    )


def _authorize_problem(params: Any) -> str:
    """What Google's error page would say about these parameters, or ""."""
    redirect_uri = params.get("redirect_uri", "")
    if params.get("client_id") != SANDBOX_CLIENT_ID:
        return "Error 401: invalid_client. The OAuth client was not found."
    if not redirect_uri.startswith(settings.SITE_URL + "/"):
        return (
            "Error 400: redirect_uri_mismatch. The redirect URI in the request does not match "
            f"the ones registered for the client ({settings.SITE_URL}/…)."
        )
    if params.get("response_type") != "code":
        return "Error 400: unsupported_response_type."
    if not params.get("scope"):
        return "Error 400: invalid_request. Missing required parameter: scope."
    if params.get("code_challenge_method", "S256") != "S256" or (
        "code_challenge_method" in params and not params.get("code_challenge")
    ):
        return "Error 400: invalid_request. Only PKCE S256 with a code_challenge is supported."
    return ""


def _decide(request: HttpRequest, requested: list[str]) -> HttpResponse:
    params = request.GET
    if request.POST.get("decision") != "allow":
        return _back(params, {"error": "access_denied"})
    user = world.USERS_BY_EMAIL.get(request.POST.get("user", ""))
    if user is None:
        return render(
            request, "error.html", {"problem": "Pick an account to continue."}, status=400
        )
    ticked = set(request.POST.getlist("scope"))
    granted = tokens.granted_scopes(s for s in requested if s in IDENTITY or s in ticked)
    code = tokens.new_code(
        {
            "client_id": params["client_id"],
            "redirect_uri": params["redirect_uri"],
            "challenge": params.get("code_challenge", ""),
            "email": user.email,
            "scopes": granted,
            "offline": params.get("access_type") == "offline",
        }
    )
    return _back(params, {"code": code, "scope": " ".join(granted), "authuser": "0"})


def _exchange(form: Any) -> JsonResponse:
    code = tokens.take_code(form.get("code", ""))
    if code is None or code["client_id"] != form.get("client_id"):
        return _refusal(400, "invalid_grant", "Bad Request")
    if code["redirect_uri"] != form.get("redirect_uri"):
        return _refusal(400, "redirect_uri_mismatch", "Bad Request")
    if code["challenge"]:
        verifier = form.get("code_verifier", "")
        if not verifier:
            return _refusal(400, "invalid_grant", "Missing code verifier.")
        if not secrets.compare_digest(_s256(verifier), code["challenge"]):
            return _refusal(400, "invalid_grant", "Invalid code verifier.")
    return JsonResponse(tokens.mint(code["email"], code["scopes"], offline=code["offline"]))


def _back(params: Any, answer: dict[str, str]) -> HttpResponseRedirect:
    redirect_uri = params["redirect_uri"]
    joiner = "&" if "?" in redirect_uri else "?"
    query = answer | ({"state": params["state"]} if "state" in params else {})
    return HttpResponseRedirect(f"{redirect_uri}{joiner}{urlencode(query)}")


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _refusal(status: int, error: str, description: str) -> JsonResponse:
    """The OAuth error shape (RFC 6749 §5.2), which Google's OAuth endpoints use."""
    return JsonResponse({"error": error, "error_description": description}, status=status)
