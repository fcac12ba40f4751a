"""The HubSpot sandbox's fake world: accounts (hubs) with their permission sets, and the people
who install the app in one of them, fixed in code. Users added through the API are in the
database: see state.py.

Ids look like HubSpot's: hub and user ids are numbers, permission set ids numeric strings.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Behaviour(enum.StrEnum):
    NORMAL = "normal"
    EXPIRED = "expired"  # every access token is born expired (401 EXPIRED_AUTHENTICATION)
    RATE_LIMITED = "rate_limited"  # every API call answers 429 RATE_LIMITS


@dataclass(frozen=True)
class PermissionSet:
    id: str
    name: str
    requires_billing_write: bool = False  # it comes with a paid seat


@dataclass(frozen=True)
class Hub:
    id: int
    domain: str
    permission_sets: tuple[PermissionSet, ...] = ()


@dataclass(frozen=True)
class Person:
    key: str
    user_id: int
    email: str
    hub_id: int  # the account they install the app in (a Super Admin of it)
    about: str  # shown on the install page: what signing in as them demonstrates
    behaviour: Behaviour = Behaviour.NORMAL


CLIENT_HUB_ID = 20000001
FREE_HUB_ID = 20000002
AGENCY_HUB_ID = 30000001  # "Demo Agency", a HubSpot partner account
AGENCY_PERSON = "alex"  # who works at Demo Agency: the demo seed signs them in

HUBS: Mapping[int, Hub] = {
    hub.id: hub
    for hub in (
        Hub(
            CLIENT_HUB_ID,
            "clara-bikes.example",
            (
                PermissionSet("1001", "Standard"),
                PermissionSet("1002", "View-only"),
                PermissionSet("1003", "Sales Hub seat", requires_billing_write=True),
            ),
        ),
        Hub(FREE_HUB_ID, "northwind.example"),
        Hub(AGENCY_HUB_ID, "demo-agency.example"),
    )
}

PEOPLE: Mapping[str, Person] = {
    person.key: person
    for person in (
        Person(
            "clara",
            4100001,
            "clara@clara-bikes.example",
            CLIENT_HUB_ID,
            "Super Admin of Clara Bikes, which has Standard and View-only permission sets",
        ),
        Person(
            "noor",
            4100002,
            "noor@northwind.example",
            FREE_HUB_ID,
            "Super Admin of Northwind, an account without Enterprise, so without permission sets",
        ),
        Person(
            AGENCY_PERSON,
            4300001,
            "alex@demo-agency.example",
            AGENCY_HUB_ID,
            "Super Admin of Demo Agency's partner account",
        ),
        Person(
            "ed",
            4100020,
            "ed@clara-bikes.example",
            CLIENT_HUB_ID,
            "Super Admin of Clara Bikes whose sign-in has expired",
            Behaviour.EXPIRED,
        ),
        Person(
            "rita",
            4100021,
            "rita@clara-bikes.example",
            CLIENT_HUB_ID,
            "Super Admin of Clara Bikes over the rate limit",
            Behaviour.RATE_LIMITED,
        ),
    )
}
