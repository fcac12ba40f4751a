"""The Pinterest sandbox's calls held against Pinterest's generated client (sdk_definitions.py):
the sandbox serves API v5 under /sandbox/pinterest/v5/, the checks see the path after /v5."""

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.platforms import contracts

API_ROOT = "/sandbox/pinterest/v5"

Answer = Callable[[HttpResponse], HttpResponse]


def exchange(request: HttpRequest) -> Answer:
    """Check an API call the sandbox received; return the check of its answer. No-ops unless
    PLATFORM_CONTRACTS is on, and for the OAuth page, which is no API call. A call the client
    does not define is recorded and answered with Pinterest's invalid request (code 1); an
    answer it does not define raises."""
    if not contracts.enabled() or not request.path.startswith(API_ROOT + "/"):
        return _unchecked
    from agencyaccess.platforms.pinterest.sandbox import sdk_definitions as pinterest

    form = request.POST.dict() if (request.content_type or "").endswith("urlencoded") else {}
    try:
        operation = pinterest.check_request(
            request.method or "",
            request.path.removeprefix(API_ROOT),
            request.GET,
            None if form else _json(request.body),
            form,
        )
    except contracts.ContractViolation as refusal:
        return partial(_refused, refusal)

    def answer(response: HttpResponse) -> HttpResponse:
        pinterest.check_response(
            operation, response.status_code, _json(response.content), form.get("grant_type", "")
        )
        return response

    return answer


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None  # not JSON: the sandbox refuses it itself, as Pinterest does


def _refused(refusal: contracts.ContractViolation, sandbox_answer: HttpResponse) -> HttpResponse:
    """What Pinterest answers a request it does not take (the violation is recorded too)."""
    return JsonResponse({"code": 1, "message": f"Invalid request: {refusal}"}, status=400)


def _unchecked(response: HttpResponse) -> HttpResponse:
    return response
