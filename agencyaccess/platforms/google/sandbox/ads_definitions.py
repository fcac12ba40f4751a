"""The Google Ads API's REST calls held against the google-ads package's own messages: a request
body and an answer must parse as the RPC's request and response messages (protobuf's JSON
parser refuses a field the message lacks, and an enum value its enum lacks), an error's
GoogleAdsFailure as that message (so its error codes are the API's), every GAQL field must be a
field of GoogleAdsRow, and every resource name must have a form the package documents for one
of its resources.

The package has no REST transport: which RPC a URL calls (its google.api.http binding) is
listed here from the REST reference (developers.google.com/google-ads/api/rest/reference/rest);
a test checks each URL's collection against the resource names the package documents.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import import_module, metadata
from typing import Any

from agencyaccess.platforms.contracts import violation

HOST = "https://googleads.googleapis.com"
CUSTOMER = "customers/{customer_id}"


@dataclass(frozen=True)
class Rpc:
    module: str  # services/types/<module>.py
    request: str
    response: str


# REST path (after /vNN/) -> the RPC it calls.
RPCS: dict[tuple[str, str], Rpc] = {
    ("GET", "customers:listAccessibleCustomers"): Rpc(
        "customer_service", "ListAccessibleCustomersRequest", "ListAccessibleCustomersResponse"
    ),
    ("POST", CUSTOMER + "/googleAds:search"): Rpc(
        "google_ads_service", "SearchGoogleAdsRequest", "SearchGoogleAdsResponse"
    ),
    ("POST", CUSTOMER + "/customerClientLinks:mutate"): Rpc(
        "customer_client_link_service",
        "MutateCustomerClientLinkRequest",
        "MutateCustomerClientLinkResponse",
    ),
    ("POST", CUSTOMER + "/customerManagerLinks:mutate"): Rpc(
        "customer_manager_link_service",
        "MutateCustomerManagerLinkRequest",
        "MutateCustomerManagerLinkResponse",
    ),
    ("POST", CUSTOMER + "/customerUserAccessInvitations:mutate"): Rpc(
        "customer_user_access_invitation_service",
        "MutateCustomerUserAccessInvitationRequest",
        "MutateCustomerUserAccessInvitationResponse",
    ),
    ("POST", CUSTOMER + "/customerUserAccesses:mutate"): Rpc(
        "customer_user_access_service",
        "MutateCustomerUserAccessRequest",
        "MutateCustomerUserAccessResponse",
    ),
}
URL = re.compile(re.escape(HOST) + r"/(?P<version>v\d+)/(?P<path>.+)")
GAQL_SELECT = re.compile(r"^\s*SELECT\s+(?P<fields>.+?)\s+FROM\s+(?P<resource>\w+)", re.I | re.S)
# A resource name form in the package's docs: ``customers/{customer_id}/customerUserAccesses/{user_id}``
DOCUMENTED_NAME = re.compile(r"``(customers/\{[^`]*)``")


@dataclass(frozen=True)
class Call:
    version: str
    rpc: Rpc
    name: str  # "POST customers/{customer_id}/customerUserAccesses:mutate"

    def check_response(self, body: Any) -> None:
        parse(self.version, self.rpc.module, self.rpc.response, body or {}, f"{self.name} answer")
        check_resource_names(self.version, body, f"{self.name} answer")


def check_request(http_method: str, url: str, query: Mapping[str, Any], body: Any) -> Call:
    match = URL.fullmatch(url)
    if match is None:
        raise violation(f"Not a Google Ads API URL: {url}")
    version, path = match["version"], match["path"]
    template = re.sub(r"^customers/\d+", CUSTOMER, path)
    rpc = RPCS.get((http_method, template))
    if rpc is None:
        raise violation(f"The Google Ads API has no {http_method} {template} (in this contract)")
    call = Call(version, rpc, f"{http_method} {template}")
    if query:
        raise violation(f"{call.name} takes no query parameters, not {', '.join(sorted(query))}")
    parse(version, rpc.module, rpc.request, body or {}, f"{call.name} request")
    check_resource_names(version, body, f"{call.name} request")
    if rpc.request == "SearchGoogleAdsRequest":
        check_gaql(version, (body or {}).get("query", ""))
    return call


def check_error(body: Any) -> None:
    """A GoogleAdsFailure among the error's details must parse as the package's message: its
    errorCode names an error enum of the API, and the code is one of that enum's values."""
    details = (body or {}).get("error", {}).get("details", [])
    for detail in details:
        kind = detail.get("@type", "")
        match = re.fullmatch(
            r"type\.googleapis\.com/google\.ads\.googleads\.(v\d+)\.errors\.GoogleAdsFailure", kind
        )
        if match:
            failure = {k: v for k, v in detail.items() if k != "@type"}
            parse(
                match[1], "errors", "GoogleAdsFailure", failure, "GoogleAdsFailure", kind="errors"
            )


def parse(
    version: str, module: str, message: str, body: Any, where: str, *, kind: str = "services"
) -> None:
    from google.protobuf import json_format

    try:
        json_format.ParseDict(body, message_class(version, kind, module, message)())
    except json_format.ParseError as e:
        raise violation(f"{where}: {e}") from None


@cache
def message_class(version: str, kind: str, module: str, name: str) -> Any:
    """The protobuf class of a message of the package (proto-plus wraps it)."""
    return getattr(
        import_module(f"google.ads.googleads.{version}.{kind}.types.{module}"), name
    ).pb()


def check_gaql(version: str, query: str) -> None:
    """Each selected field `resource.field[.sub]` must be a field of GoogleAdsRow's message."""
    match = GAQL_SELECT.match(query)
    if match is None:
        return  # the sandbox answers a query it cannot read with Google's own QueryError
    row = message_class(version, "services", "google_ads_service", "GoogleAdsRow").DESCRIPTOR
    for field in (f.strip() for f in match["fields"].split(",")):
        descriptor = row
        for part in field.split("."):
            known = descriptor.fields_by_name.get(part) if descriptor else None
            if known is None:
                raise violation(f"GAQL: GoogleAdsRow has no field {field!r} (at {part!r})")
            descriptor = known.message_type


def check_resource_names(version: str, body: Any, where: str) -> None:
    forms = resource_name_forms(version)
    for value in _strings(body):
        if value.startswith("customers/") and not any(f.fullmatch(value) for f in forms):
            raise violation(f"{where}: {value!r} is no resource name the Google Ads API documents")


@cache
def resource_name_forms(version: str) -> tuple[re.Pattern[str], ...]:
    """Every resource name form the package's resources document, read from their source."""
    distribution = metadata.distribution("google-ads")
    prefix = f"google/ads/googleads/{version}/resources/types/"
    forms = set()
    for file in distribution.files or ():
        if file.as_posix().startswith(prefix) and file.suffix == ".py":
            forms.update(DOCUMENTED_NAME.findall(file.read_text(encoding="utf-8")))
    return tuple(_form_pattern(form) for form in sorted(forms))


def _form_pattern(form: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]*\})", form)
    return re.compile("".join("[^/~]+" if p.startswith("{") else re.escape(p) for p in parts))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
