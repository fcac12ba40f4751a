"""Graph API calls held against the facebook-business SDK's own model of the API: the SDK's
object classes (facebook_business.adobjects) list each node's fields (`Class.Field`) and its
edges (a get_/create_/delete_ method per edge, which, called with pending=True, hands back the
request it would send: HTTP method, edge, parameter names and the class of what comes back).

A call must name an edge the node's class has for that HTTP method, send only that edge's
parameters (besides Graph's own: access_token, fields, paging), ask only for fields of the
class that comes back, and get back only such fields.

The SDK models nodes, not the fields a few edges add to each node they return; those are listed
in EDGE_FIELDS from Meta's reference pages, edge by edge.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from agencyaccess.platforms.contracts import violation

# Parameters any Graph call may carry (graph-api/guides: paging, field expansion, tokens).
GRAPH_PARAMETERS = frozenset(
    {"access_token", "appsecret_proof", "fields", "limit", "after", "before", "summary"}
)
# Fields an edge adds to each node it returns, by (SDK class, edge), from the reference pages
# developers.facebook.com/docs/marketing-api/reference/<node>/<edge>.
EDGE_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    # ad-account/agencies: "The following fields will be added to each node that is returned".
    ("AdAccount", "agencies"): frozenset(
        {"access_requested_time", "access_status", "access_updated_time", "permitted_tasks"}
    ),
    # ads-pixel/agencies: the tasks and roles the pixel's partner businesses hold.
    ("AdsPixel", "agencies"): frozenset({"permitted_tasks", "permitted_roles"}),
    # business/client_ad_accounts and pending_client_ad_accounts: the tasks on the account.
    ("Business", "client_ad_accounts"): frozenset({"permitted_tasks"}),
    ("Business", "pending_client_ad_accounts"): frozenset({"permitted_tasks"}),
    # user/accounts: the person's tasks on each Page (graph-api/reference/user/accounts).
    ("User", "accounts"): frozenset({"tasks"}),
}
# What the connectors read on partner edges that neither the SDK nor a reference page found
# lists: allowed until checked against a live app, and kept few by a test.
UNCONFIRMED_EDGE_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    (node, "agencies"): frozenset(
        {"access_requested_time", "access_status", "access_updated_time", "permitted_tasks"}
    )
    for node in ("Page", "ProductCatalog", "InstagramBusinessAsset")
}


@dataclass(frozen=True)
class Edge:
    node: str  # SDK class name
    http_method: str
    name: str
    parameters: frozenset[str]
    returns: str  # SDK class name of the nodes it returns

    def fields(self) -> frozenset[str]:
        edge = (self.node, self.name)
        return (
            node_fields(self.returns)
            | EDGE_FIELDS.get(edge, frozenset())
            | UNCONFIRMED_EDGE_FIELDS.get(edge, frozenset())
        )


# Edges Meta's reference documents that the SDK no longer models: the agency asking a client's
# business for access (marketing-api/business-manager/guides/business-to-business, "Request
# access to a client's ad account / Page"). The connectors never ask; the sandbox answers them
# so that tests can stage the agency's own waiting requests (pending_client_*).
REFERENCE_EDGES: dict[str, tuple[Edge, ...]] = {
    "Business": (
        Edge(
            "Business",
            "POST",
            "client_ad_accounts",
            frozenset({"adaccount_id", "permitted_tasks"}),
            "Business",
        ),
        Edge(
            "Business",
            "POST",
            "client_pages",
            frozenset({"page_id", "permitted_tasks"}),
            "Business",
        ),
    )
}


def check_request(
    node_class: str, edge: str | None, http_method: str, params: Mapping[str, str]
) -> Edge | None:
    """`edge` None: a read of the node itself (GET /me)."""
    if edge is None:
        if http_method != "GET":
            raise violation(f"Graph: {http_method} on a {node_class} node is not in this contract")
        _check_fields(node_class, node_fields(node_class), params.get("fields"))
        return None
    found = edges(node_class).get((http_method, edge))
    if found is None:
        raise violation(f"Graph: {node_class} has no {http_method} /{edge} edge")
    unknown = set(params) - found.parameters - GRAPH_PARAMETERS
    if unknown:
        raise violation(
            f"Graph: {http_method} {node_class}/{edge} takes no parameter "
            f"{', '.join(sorted(unknown))} (it takes: {', '.join(sorted(found.parameters))})"
        )
    if http_method == "GET":
        _check_fields(f"{node_class}/{edge}", found.fields(), params.get("fields"))
    return found


def check_response(node_class: str, edge: Edge | None, body: Any) -> None:
    """The fields of what a read answers: the node's, or each listed node's."""
    if edge is None:
        items, known, where = [body], node_fields(node_class), node_class
    elif edge.http_method == "GET":
        items, known, where = body.get("data", []), edge.fields(), f"{node_class}/{edge.name}"
    else:
        return  # a write answers {"success": true}
    for item in items:
        unknown = set(item) - known
        if unknown:
            raise violation(f"Graph: {where} answers no field {', '.join(sorted(unknown))}")


def top_level_fields(fields: str) -> list[str]:
    """`id,name,business{id,name},insights.limit(5)` -> id, name, business, insights."""
    depth, names, current = 0, [], ""
    for char in fields + ",":
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(current.split(".")[0].strip())
            current = ""
        elif depth == 0:
            current += char
    return [name for name in names if name]


@cache
def node_fields(class_name: str) -> frozenset[str]:
    cls = sdk_class(class_name)
    return frozenset(v for k, v in vars(cls.Field).items() if not k.startswith("_"))


@cache
def edges(class_name: str) -> dict[tuple[str, str], Edge]:
    """Every edge of the class, read from the requests its methods would send."""
    from facebook_business.api import FacebookAdsApi, FacebookRequest, FacebookSession

    node = sdk_class(class_name)("0", api=FacebookAdsApi(FacebookSession()))
    found = {}
    for name in dir(node):
        if not name.startswith(("get_", "create_", "delete_")):
            continue
        try:
            request = getattr(node, name)(pending=True)
        except TypeError:
            continue  # get_id and the like: not an edge
        if isinstance(request, FacebookRequest) and request._api_type == "EDGE":
            edge = Edge(
                node=class_name,
                http_method=request._method,
                name=request._endpoint.strip("/"),
                parameters=frozenset(request._param_checker._type_check_info),
                returns=request._target_class.__name__,
            )
            found[(edge.http_method, edge.name)] = edge
    for edge in REFERENCE_EDGES.get(class_name, ()):
        found.setdefault((edge.http_method, edge.name), edge)
    return found


@cache
def sdk_class(class_name: str) -> Any:
    from importlib import import_module

    module = import_module(f"facebook_business.adobjects.{class_name.lower()}")
    return getattr(module, class_name)


def _check_fields(where: str, known: frozenset[str], fields: str | None) -> None:
    unknown = [f for f in top_level_fields(fields or "") if f not in known]
    if unknown:
        raise violation(f"Graph: {where} has no field {', '.join(unknown)}")
