"""The Snapchat sandbox's fake world: people, organizations, their ad accounts and the
memberships people start with, fixed in code. What changes as people use it (codes, tokens,
invited members and the roles given to them) is in the database: see state.py.

Ids are UUIDs, as Snap's are; role types are the documented ones
(developers.snap.com/api/marketing-api/Ads-API/roles).
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

CLIENT_ORG = "5c1a0000-0000-4000-8000-000000000001"  # Clara Bikes
NORTHWIND_ORG = "5c1a0000-0000-4000-8000-000000000002"
AGENCY_ORG = "5c1a0000-0000-4000-8000-000000000003"  # Demo Agency
MAIN_ACCOUNT = "5ad00000-0000-4000-8000-000000000001"
PROMO_ACCOUNT = "5ad00000-0000-4000-8000-000000000002"
BRAND_ACCOUNT = "5ad00000-0000-4000-8000-000000000003"
AGENCY_PERSON = "alex"  # who works at Demo Agency: the demo seed signs them in

ORGANIZATION_ROLES = frozenset({"admin", "business_admin", "data_admin", "member"})
AD_ACCOUNT_ROLES = frozenset({"admin", "creative", "general", "reports", "audience"})


class Behaviour(enum.StrEnum):
    NORMAL = "normal"
    RATE_LIMITED = "rate_limited"  # every Ads API call answers 429
    EXPIRED = "expired"  # every access token is born expired (401)


@dataclass(frozen=True)
class Membership:
    """A person's place in an organization from the start: member id and roles."""

    organization: str
    member_id: str
    roles: tuple[str, ...]  # organization role types
    ad_account_roles: Mapping[str, str] = field(default_factory=dict)  # account -> role type


@dataclass(frozen=True)
class Person:
    key: str
    id: str
    email: str
    display_name: str
    about: str  # shown on the sign-in page: what signing in as them demonstrates
    memberships: tuple[Membership, ...] = ()
    behaviour: Behaviour = Behaviour.NORMAL


ORGANIZATIONS: Mapping[str, str] = {
    CLIENT_ORG: "Clara Bikes",
    NORTHWIND_ORG: "Northwind Outdoor",
    AGENCY_ORG: "Demo Agency",
}

AD_ACCOUNTS: Mapping[str, tuple[str, str]] = {  # id -> (name, organization)
    MAIN_ACCOUNT: ("Clara Bikes - Main", CLIENT_ORG),
    PROMO_ACCOUNT: ("Clara Bikes - Promo", CLIENT_ORG),
    BRAND_ACCOUNT: ("Northwind - Brand", NORTHWIND_ORG),
}


def _admin_of(organization: str, member_id: str) -> Membership:
    return Membership(organization, member_id, ("admin",))


PEOPLE: Mapping[str, Person] = {
    person.key: person
    for person in (
        Person(
            "clara",
            "9e000000-0000-4000-8000-000000000001",
            "clara@clara-bikes.example",
            "Clara Jansen",
            "Admin of Clara Bikes (2 ad accounts); Reports on one Northwind ad account",
            (
                _admin_of(CLIENT_ORG, "3e000000-0000-4000-8000-000000000001"),
                Membership(
                    NORTHWIND_ORG,
                    "3e000000-0000-4000-8000-000000000002",
                    ("member",),
                    {BRAND_ACCOUNT: "reports"},
                ),
            ),
        ),
        Person(
            "sam",
            "9e000000-0000-4000-8000-000000000002",
            "sam@clara-bikes.example",
            "Sam Peeters",
            "Member of Clara Bikes with General on one ad account: cannot invite anyone",
            (
                Membership(
                    CLIENT_ORG,
                    "3e000000-0000-4000-8000-000000000003",
                    ("member",),
                    {MAIN_ACCOUNT: "general"},
                ),
            ),
        ),
        Person(
            "bea",
            "9e000000-0000-4000-8000-000000000003",
            "bea@clara-bikes.example",
            "Bea Business",
            "Business admin of Clara Bikes: manages members and roles, like an admin",
            (Membership(CLIENT_ORG, "3e000000-0000-4000-8000-000000000004", ("business_admin",)),),
        ),
        Person(
            AGENCY_PERSON,
            "9e000000-0000-4000-8000-000000000010",
            "alex@demo-agency.example",
            "Alex Agent",
            "Admin of Demo Agency, the agency the clients invite",
            (_admin_of(AGENCY_ORG, "3e000000-0000-4000-8000-000000000010"),),
        ),
        Person(
            "ed",
            "9e000000-0000-4000-8000-000000000020",
            "ed@clara-bikes.example",
            "Ed Expired",
            "Admin of Clara Bikes whose sign-in has expired",
            (_admin_of(CLIENT_ORG, "3e000000-0000-4000-8000-000000000020"),),
            Behaviour.EXPIRED,
        ),
        Person(
            "rita",
            "9e000000-0000-4000-8000-000000000021",
            "rita@clara-bikes.example",
            "Rita Ratelimit",
            "Admin of Clara Bikes over the rate limit",
            (_admin_of(CLIENT_ORG, "3e000000-0000-4000-8000-000000000021"),),
            Behaviour.RATE_LIMITED,
        ),
    )
}

PEOPLE_BY_EMAIL: Mapping[str, Person] = {person.email: person for person in PEOPLE.values()}
