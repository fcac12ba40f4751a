"""Customer Management calls held against Microsoft's own definition of the service: the v13
WSDL the Bing Ads SDK ships (`bingads`, bingads/v13/proxies/production/
customermanagement_service.xml), whose XML Schema types are the REST API's JSON objects, member
for member: the REST reference of each operation
(learn.microsoft.com/advertising/customer-management-service/<operation>) shows the data objects
of its SOAP request and response.

Each operation the sandbox serves has its `<Operation>Request` and `<Operation>Response`
elements; a JSON object may carry only members of its type (a derived type's base included),
an `ArrayOfX` is a JSON list of X, and a value of an enumeration must be one of its values.
"""

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from agencyaccess.platforms.contracts import violation

XS = "{http://www.w3.org/2001/XMLSchema}"
# REST names the concrete type of a fault in a `Type` member (the REST reference's fault
# examples: `"Type": "ApiFault"`), which the XML types carry as xsi:type instead.
FAULT_TYPES = ("ApiFault", "AdApiFaultDetail")
TYPE_MEMBER = "Type"


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # a local type name: "long", "ClientLink", "ArrayOfClientLink", "ClientLinkStatus"


@dataclass(frozen=True)
class ComplexType:
    name: str
    fields: Mapping[str, Field]
    item: Field | None  # an ArrayOfX's one repeated element


def check_request(operation: str, body: Any) -> None:
    check_value(f"{operation}Request", body, f"{operation}Request")


def check_response(operation: str, body: Any) -> None:
    check_value(f"{operation}Response", body, f"{operation}Response")


def check_fault(body: Mapping[str, Any]) -> None:
    kind = body.get(TYPE_MEMBER)
    if kind not in FAULT_TYPES:
        raise violation(f"Customer Management: a fault of Type {kind!r}, not one of {FAULT_TYPES}")
    check_value(kind, {k: v for k, v in body.items() if k != TYPE_MEMBER}, kind)


def check_value(type_name: str, value: Any, where: str) -> None:
    """`value` as the JSON form of the schema type `type_name`."""
    if value is None:
        return
    enumeration = enumerations().get(type_name)
    if enumeration is not None:
        if value not in enumeration:
            raise violation(
                f"Customer Management: {where} is {value!r}, not one of {type_name}'s values"
            )
        return
    complex_type = complex_types().get(type_name)
    if complex_type is None:
        return  # a primitive (long, string, dateTime…)
    if complex_type.item is not None:
        if not isinstance(value, list):
            raise violation(f"Customer Management: {where} must be a list ({type_name})")
        for index, item in enumerate(value):
            check_value(complex_type.item.type, item, f"{where}[{index}]")
        return
    if not isinstance(value, dict):
        raise violation(f"Customer Management: {where} must be an object ({type_name})")
    for name, member in value.items():
        field = complex_type.fields.get(name)
        if field is None:
            raise violation(
                f"Customer Management: {where} ({type_name}) has no member {name} (it has: "
                f"{', '.join(sorted(complex_type.fields))})"
            )
        check_value(field.type, member, f"{where}.{name}")


@cache
def _schemas() -> list[ET.Element]:
    wsdl = resources.files("bingads") / "v13/proxies/production/customermanagement_service.xml"
    # A file of the installed SDK, not input from anyone: the stdlib parser is safe here.
    return list(ET.fromstring(wsdl.read_bytes()).iter(f"{XS}schema"))  # noqa: S314


@cache
def complex_types() -> dict[str, ComplexType]:
    """Every complex type and every operation's request and response element, by local name
    (no two of the service's namespaces share one)."""
    found: dict[str, ComplexType] = {}
    for schema in _schemas():
        for node in schema.findall(f"{XS}complexType"):
            found[node.get("name", "")] = _complex(node.get("name", ""), node)
        for element in schema.findall(f"{XS}element"):
            inline = element.find(f"{XS}complexType")
            if inline is not None:
                found[element.get("name", "")] = _complex(element.get("name", ""), inline)
    return {name: _with_bases(kind, found) for name, kind in found.items()}


@cache
def enumerations() -> dict[str, frozenset[str]]:
    return {
        node.get("name", ""): frozenset(e.get("value", "") for e in node.iter(f"{XS}enumeration"))
        for schema in _schemas()
        for node in schema.findall(f"{XS}simpleType")
        if node.find(f"{XS}restriction") is not None
    }


def _complex(name: str, node: ET.Element) -> ComplexType:
    fields = {
        element.get("name", ""): Field(element.get("name", ""), _local(element.get("type", "")))
        for element in node.iter(f"{XS}element")
    }
    repeated = [e for e in node.iter(f"{XS}element") if e.get("maxOccurs") == "unbounded"]
    item = fields[repeated[0].get("name", "")] if name.startswith("ArrayOf") and repeated else None
    extension = node.find(f".//{XS}extension")
    base = _local(extension.get("base", "")) if extension is not None else ""
    return ComplexType(name, {**fields, "": Field("", base)} if base else fields, item)


def _with_bases(kind: ComplexType, found: Mapping[str, ComplexType]) -> ComplexType:
    """The members a derived type inherits (ApiFault's TrackingId from ApplicationFault)."""
    fields = dict(kind.fields)
    base = fields.pop("", None)
    while base is not None and base.type in found:
        inherited = dict(found[base.type].fields)
        base = inherited.pop("", None)
        fields = inherited | fields
    return ComplexType(kind.name, fields, kind.item)


def _local(qualified: str) -> str:
    return qualified.rpartition(":")[2]
