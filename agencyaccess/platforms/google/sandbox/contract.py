"""The Google sandbox's calls held against Google's definitions: the Google Ads API against the
google-ads package's messages (google_ads.py), every other API against its discovery document
(google_discovery.py). The sandbox serves each API under a path of its own (config.BASE_URLS);
the checks see the real URL it stands in for."""

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.platforms import contracts
from agencyaccess.platforms.google.config import BASE_URLS

SANDBOX_ROOT = "/sandbox/google/"
ADS_HOST = "https://googleads.googleapis.com"

Answer = Callable[[HttpResponse], HttpResponse]


def exchange(request: HttpRequest) -> Answer:
    """Check the request the sandbox received; return the check of its answer. Both are no-ops
    unless PLATFORM_CONTRACTS is on. A request Google does not define is recorded and answered
    with Google's 400 in place of the sandbox's answer; an answer it does not define raises."""
    if not contracts.enabled():
        return _unchecked
    try:
        return _check_request(request)
    except contracts.ContractViolation as refusal:
        return partial(_refused, refusal)


def _check_request(request: HttpRequest) -> Answer:
    url = real_url(request.path)
    body = _json(request.body)
    if url.startswith(ADS_HOST + "/"):
        from agencyaccess.platforms.google.sandbox import ads_definitions as google_ads

        call = google_ads.check_request(request.method or "", url, request.GET, body)
        return lambda response: _checked(response, call.check_response, google_ads.check_error)

    from agencyaccess.platforms.google.sandbox import discovery_documents as google_discovery

    method = google_discovery.check_request(
        request.method or "", url, request.GET, body, has_body=bool(request.body)
    )
    return lambda response: _checked(
        response, lambda answer: google_discovery.check_response(method, answer), _no_check
    )


def real_url(path: str) -> str:
    """/sandbox/google/tagmanager/v2/accounts -> https://tagmanager.googleapis.com/tagmanager/v2/accounts"""
    local = path.split(SANDBOX_ROOT, 1)[-1]
    matches = [
        (sandbox, real)
        for real, sandbox in BASE_URLS.values()
        if local == sandbox or local.startswith(sandbox + "/") or local.startswith(sandbox + ":")
    ]
    if not matches:
        raise contracts.violation(f"The Google sandbox serves no API at {path}")
    sandbox, real = max(matches, key=lambda match: len(match[0]))
    return real + local[len(sandbox) :]


def _checked(
    response: HttpResponse, success: Callable[[Any], None], error: Callable[[Any], None]
) -> HttpResponse:
    body = _json(response.content)
    (success if response.status_code < 400 else error)(body)
    return response


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None  # not JSON: the sandbox refuses it itself, as Google does


def _refused(refusal: contracts.ContractViolation, sandbox_answer: HttpResponse) -> HttpResponse:
    """What Google answers a call its API does not define (the violation is recorded too)."""
    error = {"code": 400, "message": str(refusal), "status": "INVALID_ARGUMENT"}
    return JsonResponse({"error": error}, status=400)


def _unchecked(response: HttpResponse) -> HttpResponse:
    return response


def _no_check(body: Any) -> None:
    """Errors of the discovery-era APIs have Google's generic envelope, which no document lists."""


def preload() -> None:
    """Import the vendor's definitions ahead of the first check (seconds for google-ads)."""
    from agencyaccess.platforms.google.sandbox import ads_definitions, discovery_documents

    ads_definitions.message_class(
        settings.GOOGLE_ADS_API_VERSION, "services", "google_ads_service", "GoogleAdsRow"
    )
    discovery_documents.methods()
