"""The TikTok sandbox's API for Business calls held against TikTok's Python SDK
(sdk_definitions.py): the path, the query parameters, `filtering` and the JSON body of each
call, and the envelope of each answer."""

import json
from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponse

from agencyaccess.platforms import contracts

SANDBOX_ROOT = "/sandbox/tiktok"
PARAM_ERROR = 40002  # what TikTok answers a parameter it does not take (api.py)

Answer = Callable[[HttpResponse], HttpResponse]


def exchange(request: HttpRequest) -> Answer:
    """Check a call the sandbox received; return the check of its answer. No-ops unless
    PLATFORM_CONTRACTS is on. A call the SDK does not define is recorded and answered with
    TikTok's parameter error; an answer outside the envelope raises."""
    if not contracts.enabled():
        return _unchecked
    from agencyaccess.platforms.tiktok.sandbox import sdk_definitions as sdk

    try:
        body = json.loads(request.body) if request.method == "POST" and request.body else {}
    except ValueError:
        return _unchecked  # not JSON: the sandbox refuses it as TikTok does
    try:
        sdk.check_request(
            request.method or "",
            request.path.removeprefix(SANDBOX_ROOT),
            request.GET.dict(),
            body,
        )
    except contracts.ContractViolation as refusal:
        return partial(_refused, refusal)

    def answer(response: HttpResponse) -> HttpResponse:
        sdk.check_response(json.loads(response.content))
        return response

    return answer


def _refused(refusal: contracts.ContractViolation, sandbox_answer: HttpResponse) -> HttpResponse:
    from agencyaccess.platforms.tiktok.sandbox.api import envelope

    return envelope(PARAM_ERROR, str(refusal))


def _unchecked(response: HttpResponse) -> HttpResponse:
    return response


def preload() -> None:
    """Read the SDK's calls ahead of the first check."""
    from agencyaccess.platforms.tiktok.sandbox import sdk_definitions

    sdk_definitions.calls()
