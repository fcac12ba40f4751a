"""Signing in to a platform: the redirect out, and the one callback URL per platform.

Each sign-in started here is a "flow" kept in the browser's session under an unguessable
`state`, with its PKCE verifier and what it is for (a client connecting on a link, or the agency
connecting an account). The callback accepts only a state this same session started, within
15 minutes, once: a replayed callback, a stale state and another browser's state all fail.
Tokens never appear in a URL: the code is exchanged server-side.
"""

import base64
import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from agencyaccess.apikeys import ratelimit
from agencyaccess.lib.addresses import client_address
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import ConnectorError, TokenSet

SESSION_KEY = "oauth_flows"
FLOW_SECONDS = 15 * 60
MAX_FLOWS = 10
# Callbacks a minute from one address: a person signs in a few times, a code-guesser many.
CALLBACKS_PER_MINUTE = 30

# What finishes a flow, by purpose: f(request, flow payload, tokens or None, error or None).
HANDLERS: dict[str, str] = {
    "link": "agencyaccess.onboarding.views.platform_connected",
    "agency": "agencyaccess.platforms.dashboard_views.account_connected",
    "revoke": "agencyaccess.lifecycle.views.signed_in_to_revoke",
}

Handler = Callable[[HttpRequest, dict[str, Any], TokenSet | None, str | None], HttpResponse]


def callback_uri(platform_key: str) -> str:
    return settings.SITE_URL + reverse("platforms-oauth-callback", args=[platform_key])


def start(
    request: HttpRequest,
    platform_key: str,
    *,
    purpose: str,
    payload: dict[str, Any],
    scopes: Sequence[str],
    login_hint: str | None = None,
) -> HttpResponseRedirect:
    """Remember a new flow in the session and send the browser to the platform's consent."""
    client = registry.client_for(platform_key)
    if client is None or purpose not in HANDLERS:
        raise ValueError(f"no sign-in for {platform_key} / {purpose}")
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if client.supports_pkce else None
    flows = _live_flows(request)
    flows[state] = {
        "platform": platform_key,
        "purpose": purpose,
        "payload": payload,
        "verifier": verifier,
        "started": time.time(),
        # The callback answers in the language the person was reading when they left.
        "language": translation.get_language(),
    }
    # Keep the newest few: a client who starts again and again does not grow the session.
    request.session[SESSION_KEY] = dict(
        sorted(flows.items(), key=lambda item: item[1]["started"])[-MAX_FLOWS:]
    )
    url = client.authorize_url(
        state=state,
        redirect_uri=callback_uri(platform_key),
        scopes=scopes,
        code_challenge=_challenge(verifier) if verifier else None,
        login_hint=login_hint,
    )
    return HttpResponseRedirect(url)


def callback(request: HttpRequest, platform: str) -> HttpResponse:
    """GET /oauth/<platform>/callback: the platform sends the browser back here."""
    usage = ratelimit.hit(f"oauth-callback:{client_address(request)}", CALLBACKS_PER_MINUTE)
    if usage.exceeded:
        response = _error_page(
            request, _("Too many attempts in a short time. Wait a minute, then try again."), 429
        )
        response["Retry-After"] = str(usage.retry_after())
        return response
    flows = _live_flows(request)
    flow = flows.pop(request.GET.get("state", ""), None)
    request.session[SESSION_KEY] = flows  # used once, even if what follows fails
    client = registry.client_for(platform)
    if flow is None or flow["platform"] != platform or client is None:
        return _error_page(
            request,
            _(
                "This sign-in has expired or was already used. Go back to the page you "
                "came from and connect again."
            ),
            400,
        )
    if flow.get("language"):
        translation.activate(flow["language"])
    handler: Handler = import_string(HANDLERS[flow["purpose"]])
    code = request.GET.get(client.code_param)
    if "error" in request.GET or not code:
        # The person declined on the consent screen (or the platform said why not).
        return handler(request, flow["payload"], None, _("The sign-in was cancelled."))
    try:
        tokens = client.exchange_code(
            code=code,
            redirect_uri=callback_uri(platform),
            code_verifier=flow["verifier"],
        )
    except ConnectorError as e:
        return handler(request, flow["payload"], None, e.message)
    return handler(request, flow["payload"], tokens, None)


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "platforms/oauth_error.html", {"message": message}, status=status)


def _live_flows(request: HttpRequest) -> dict[str, dict[str, Any]]:
    now = time.time()
    return {
        state: flow
        for state, flow in request.session.get(SESSION_KEY, {}).items()
        if now - flow["started"] < FLOW_SECONDS
    }


def _challenge(verifier: str) -> str:
    """PKCE S256: base64url(sha256(verifier)) without padding (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
