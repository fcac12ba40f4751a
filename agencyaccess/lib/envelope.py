"""The API's response envelope: `{"error": false, "data": ...}` or `{"error": true, "msg": ...}`."""

from typing import Any

from django.http import JsonResponse


def ok(data: Any) -> dict[str, Any]:
    return {"error": False, "data": data}


def error_response(status: int, msg: str) -> JsonResponse:
    return JsonResponse({"error": True, "msg": msg}, status=status)
