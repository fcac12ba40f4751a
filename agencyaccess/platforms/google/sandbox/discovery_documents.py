"""Google's discovery documents, as google-api-python-client ships them
(googleapiclient/discovery_cache/documents/), held against a call to one of the APIs they
describe: the path and HTTP method must be a method of the API, the query parameters that
method's (or the API's standard ones), the JSON body and the answer made only of the
properties of the method's request and response schemas, with enum values from their lists
(developers.google.com/discovery/v1/reference/apis)."""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from agencyaccess.platforms.contracts import violation

# The documents of the APIs the Google connectors call, by file name (name.version).
DOCUMENTS = (
    "analyticsadmin.v1alpha",
    "analyticsadmin.v1beta",
    "tagmanager.v2",
    "mybusinessaccountmanagement.v1",
    "mybusinessbusinessinformation.v1",
    "webmasters.v3",
    "siteVerification.v1",
    "merchantapi.accounts_v1",
)
DOCUMENTS_DIR = "googleapiclient/discovery_cache/documents"
# Search Console and Site Verification take a site's URL as a path parameter, escaped; the
# sandbox sees it unescaped, slashes and all.
URL_VALUE = r"(?:[A-Za-z][A-Za-z0-9+.-]*://.*|[^/]+)"


@dataclass(frozen=True)
class Method:
    api: str  # the document, such as "tagmanager.v2"
    id: str  # such as "tagmanager.accounts.user_permissions.create"
    http_method: str
    url: str  # the full URL template: rootUrl + servicePath + flatPath
    strict: re.Pattern[str]  # a {variable} is one path segment
    loose: re.Pattern[str]  # a {variable} may also be a whole URL (a site, decoded in the path)
    literal_length: int  # the more literal text, the more specific the template
    parameters: frozenset[str]
    request: str | None  # schema names
    response: str | None


@cache
def document(name: str) -> dict[str, Any]:
    """One discovery document, read from the installed package (not imported: nothing runs)."""
    package = metadata.distribution("google-api-python-client")
    path = Path(str(package.locate_file(f"{DOCUMENTS_DIR}/{name}.json")))
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def methods() -> tuple[Method, ...]:
    return tuple(m for name in DOCUMENTS for m in _methods_of(name, document(name)))


def check_request(
    http_method: str, url: str, query: Mapping[str, Any], body: Any, *, has_body: bool
) -> Method:
    """The method that `http_method url` calls, after checking its query and body; a
    ContractViolation when the API has no such method, parameter or body field."""
    method = find_method(http_method, url)
    api = document(method.api)
    unknown = set(query) - method.parameters - set(api.get("parameters", {}))
    if unknown:
        raise violation(
            f"{method.id} has no query parameter {', '.join(sorted(unknown))} ({method.api})"
        )
    if has_body:
        if method.request is None:
            raise violation(f"{method.id} takes no request body ({method.api})")
        check_value(api, {"$ref": method.request}, body, f"{method.id} request")
    return method


def check_response(method: Method, body: Any) -> None:
    """An answer of `method` (a success: errors have Google's own envelope)."""
    if body is None:
        return
    api = document(method.api)
    if method.response is None:
        if body:
            raise violation(f"{method.id} answers an empty body, not {sorted(body)}")
        return
    check_value(api, {"$ref": method.response}, body, f"{method.id} response")


def find_method(http_method: str, url: str) -> Method:
    candidates = [m for m in methods() if m.http_method == http_method]
    for pattern in ("strict", "loose"):
        found = [m for m in candidates if getattr(m, pattern).fullmatch(url)]
        if found:
            return max(found, key=lambda m: m.literal_length)
    raise violation(f"No Google API method {http_method} {url} in {', '.join(DOCUMENTS)}")


def check_value(api: Mapping[str, Any], schema: Mapping[str, Any], value: Any, where: str) -> None:
    """`value` against a discovery JSON schema: objects have only the listed properties (or any
    key, under additionalProperties), enum strings only the listed values."""
    if "$ref" in schema:
        check_value(api, api["schemas"][schema["$ref"]], value, f"{where} ({schema['$ref']})")
        return
    kind = schema.get("type")
    if kind == "object" and isinstance(value, Mapping):
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                check_value(api, properties[key], item, f"{where}.{key}")
            elif "additionalProperties" in schema:
                check_value(api, schema["additionalProperties"], item, f"{where}.{key}")
            else:
                raise violation(f"{where} has no field {key!r} (known: {', '.join(properties)})")
    elif kind == "array" and isinstance(value, list):
        for index, item in enumerate(value):
            check_value(api, schema.get("items", {}), item, f"{where}[{index}]")
    elif "enum" in schema and isinstance(value, str) and value not in schema["enum"]:
        raise violation(f"{where} is {value!r}, not one of {', '.join(schema['enum'])}")


def _methods_of(name: str, api: Mapping[str, Any]) -> list[Method]:
    base = api["rootUrl"] + api["servicePath"]
    found = []
    for resource in _resources(api):
        for method in resource.get("methods", {}).values():
            template = method.get("flatPath", method["path"])
            found.append(
                Method(
                    api=name,
                    id=method["id"],
                    http_method=method["httpMethod"],
                    url=base + template,
                    strict=_pattern(base, template, "[^/]+"),
                    loose=_pattern(base, template, URL_VALUE),
                    literal_length=len(re.sub(r"\{[^}]*\}", "", template)),
                    parameters=frozenset(method.get("parameters", {})),
                    request=method.get("request", {}).get("$ref"),
                    response=method.get("response", {}).get("$ref"),
                )
            )
    return found


def _resources(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = []
    for resource in node.get("resources", {}).values():
        found += [resource, *_resources(resource)]
    return found


def _pattern(base: str, template: str, variable: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]*\})", template)
    regex = "".join(
        (".+" if part.startswith("{+") else variable) if part.startswith("{") else re.escape(part)
        for part in parts
    )
    return re.compile(re.escape(base) + regex)
