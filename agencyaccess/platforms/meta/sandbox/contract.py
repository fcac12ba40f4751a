"""The Meta sandbox's Graph calls held against the facebook-business SDK (facebook.py): the
sandbox's nodes are typed by what its world says they are."""

import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.platforms import contracts

# The sandbox's kinds of asset -> the SDK class of such a node.
KIND_CLASSES = {
    "ad_account": "AdAccount",
    "page": "Page",
    "catalog": "ProductCatalog",
    "pixel": "AdsPixel",
    "instagram_account": "InstagramBusinessAsset",
}

Answer = Callable[[HttpResponse], HttpResponse]


def exchange(request: HttpRequest, url_kwargs: Mapping[str, Any]) -> Answer:
    """Check a Graph call the sandbox received (/{version}/me or /{version}/{node}/{edge});
    return the check of its answer. No-ops unless PLATFORM_CONTRACTS is on, and for the
    sandbox's login endpoints, which are no Graph nodes. A call Graph does not define is
    recorded and answered with Graph's error 100; an answer it does not define raises."""
    if not contracts.enabled():
        return _unchecked
    node = url_kwargs.get("node", "me" if request.path.endswith("/me") else None)
    node_class = node_class_of(node) if node else None
    if node_class is None:
        return _unchecked  # not a node (login), or none the sandbox has: it answers error 100
    from agencyaccess.platforms.meta.sandbox import sdk_definitions as facebook

    params = {**request.GET.dict(), **request.POST.dict()}
    try:
        edge = facebook.check_request(
            node_class, url_kwargs.get("edge"), request.method or "", params
        )
    except contracts.ContractViolation as refusal:
        return partial(_refused, refusal)

    def answer(response: HttpResponse) -> HttpResponse:
        if response.status_code < 400:
            facebook.check_response(node_class, edge, json.loads(response.content))
        return response

    return answer


def node_class_of(node: str) -> str | None:
    from agencyaccess.platforms.meta.sandbox import world

    if node == "me":
        return "User"
    if node in world.BUSINESSES:
        return "Business"
    asset = world.ASSETS.get(node)
    return KIND_CLASSES[asset.kind] if asset else None


def _refused(refusal: contracts.ContractViolation, sandbox_answer: HttpResponse) -> HttpResponse:
    """What Graph answers a field, edge or parameter it lacks: error 100 (the violation is
    recorded too)."""
    error = {"message": f"(#100) {refusal}", "type": "OAuthException", "code": 100}
    return JsonResponse({"error": error}, status=400)


def _unchecked(response: HttpResponse) -> HttpResponse:
    return response


def preload() -> None:
    """Import the SDK's object definitions ahead of the first check."""
    from agencyaccess.platforms.meta.sandbox import sdk_definitions

    sdk_definitions.edges("Business")
