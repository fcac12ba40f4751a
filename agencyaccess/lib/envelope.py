"""The API's response envelope: `{"error": false, "data": ...}` or `{"error": true, "msg": ...}`."""

from typing import Any

from django.http import JsonResponse


def ok(data: Any, status: int = 200) -> JsonResponse:
    """The success envelope as a finished response. ninja passes a response through as it is;
    given a dict it would validate it against the endpoint's schema again, which cost a third of
    links/retrieve's CPU (bench/profile_request.py). The schemas still document every answer in
    the OpenAPI document, and the fuzz tests check the answers against them."""
    return JsonResponse({"error": False, "data": data}, status=status)


def error_response(status: int, msg: str) -> JsonResponse:
    return JsonResponse({"error": True, "msg": msg}, status=status)
