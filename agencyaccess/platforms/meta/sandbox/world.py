"""The Meta sandbox's fake world: people, businesses and their assets, fixed in code.

What changes as people use it (codes, tokens, shares) is in the database: see state.py.
Ids look like Meta's (15 digits, ad accounts prefixed `act_`).
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

AGENCY_BUSINESS_ID = "100000000000001"  # "Demo Agency", agency A's business in the test cast
AGENCY_PERSON = "alex"  # who works at Demo Agency: the demo seed signs them in

# What the product asks for (docs/platforms/meta.md#sign-in); public_profile comes with every
# sign-in.
PERMISSIONS = (
    "business_management",
    "ads_management",
    "pages_show_list",
    "pages_manage_metadata",
    "catalog_management",
    "instagram_basic",
)
ALWAYS_GRANTED = "public_profile"

# The tasks a partner can be given on each kind of asset (docs/platforms/meta.md#sharing).
PARTNER_TASKS: Mapping[str, frozenset[str]] = {
    "ad_account": frozenset({"MANAGE", "ADVERTISE", "ANALYZE", "DRAFT", "AA_ANALYZE"}),
    "page": frozenset(
        {"MANAGE", "CREATE_CONTENT", "MODERATE", "MESSAGING", "ADVERTISE", "ANALYZE"}
    ),
    "catalog": frozenset({"MANAGE", "ADVERTISE", "AA_ANALYZE", "MANAGE_AR"}),
    "pixel": frozenset({"ANALYZE", "UPLOAD", "ADVERTISE", "EDIT"}),
    "instagram_account": frozenset(
        {"ADVERTISE", "ANALYZE", "COMMUNITY_ACTIVITY", "CONTENT", "MESSAGES"}
    ),
}

FULL_PAGE_TASKS = ("ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE")


class Behaviour(enum.StrEnum):
    NORMAL = "normal"
    RATE_LIMITED = "rate_limited"  # every asset call answers "too many calls"
    EXPIRED = "expired"  # every token is born expired


@dataclass(frozen=True)
class Person:
    key: str  # what tests and the demo seed name them by
    id: str
    name: str
    about: str  # shown on the consent page: what signing in as them demonstrates
    businesses: tuple[str, ...] = ()  # the businesses they are an admin of
    page_tasks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    ad_accounts: tuple[str, ...] = ()  # every ad account they have a role on
    behaviour: Behaviour = Behaviour.NORMAL


@dataclass(frozen=True)
class Business:
    id: str
    name: str
    verification_status: str = "not_verified"


@dataclass(frozen=True)
class FakeAsset:
    id: str
    kind: str  # as the connectors' asset_type: "ad_account", "page", "catalog", …
    name: str
    business: str = ""  # the owning business; "" for a personal ad account or a lone Page
    fields: Mapping[str, object] = field(default_factory=dict)  # more Graph fields


BUSINESSES = {
    b.id: b
    for b in (
        Business(AGENCY_BUSINESS_ID, "Demo Agency", "verified"),
        Business("300000000000001", "Jane's Bakery"),
        Business("300000000000002", "Sam's Surf Shop"),
        Business("300000000000003", "Erin's Flowers"),
        Business("300000000000004", "Jane's Café"),
    )
}


def _ad_account(number: str, name: str, business: str = "") -> FakeAsset:
    fields = {"account_id": number, "account_status": 1, "currency": "EUR"}
    return FakeAsset(f"act_{number}", "ad_account", name, business, fields)


ASSETS = {
    a.id: a
    for a in (
        _ad_account("400000000000001", "Jane's Bakery - Main", "300000000000001"),
        _ad_account("400000000000002", "Jane's Bakery - Promotions", "300000000000001"),
        _ad_account("400000000000003", "Jane Doe (personal)"),
        _ad_account("400000000000004", "Jane's Bakery - Weddings", "300000000000001"),
        _ad_account("430000000000001", "Jane's Café - Main", "300000000000004"),
        _ad_account("410000000000001", "Surf Shop Ads", "300000000000002"),
        _ad_account("420000000000001", "Erin's Flowers Ads", "300000000000003"),
        FakeAsset("500000000000001", "page", "Jane's Bakery", "300000000000001"),
        FakeAsset("500000000000002", "page", "Bakery Lovers Club"),
        FakeAsset("510000000000001", "page", "Sam's Surf Shop", "300000000000002"),
        FakeAsset("600000000000001", "catalog", "Jane's Bakery products", "300000000000001"),
        FakeAsset("700000000000001", "pixel", "Jane's Bakery website", "300000000000001"),
        FakeAsset(
            "800000000000001",
            "instagram_account",
            "janesbakery",
            "300000000000001",
            {"ig_username": "janesbakery", "ig_user_id": "17841400000000001"},
        ),
    )
}

PEOPLE = {
    p.key: p
    for p in (
        Person(
            "jane",
            "200000000000001",
            "Jane Doe",
            "Admin of two businesses: Jane's Bakery (ad accounts, Pages, a catalog, a pixel, "
            "Instagram) and Jane's Café (an ad account).",
            businesses=("300000000000001", "300000000000004"),
            page_tasks={"500000000000001": FULL_PAGE_TASKS, "500000000000002": ("ANALYZE",)},
            ad_accounts=(
                "act_400000000000001",
                "act_400000000000002",
                "act_400000000000003",
                "act_400000000000004",
                "act_430000000000001",
            ),
        ),
        Person(
            "sam",
            "200000000000002",
            "Sam Rivera",
            "Signs in fine, then every call is rate limited.",
            businesses=("300000000000002",),
            page_tasks={"510000000000001": FULL_PAGE_TASKS},
            ad_accounts=("act_410000000000001",),
            behaviour=Behaviour.RATE_LIMITED,
        ),
        Person(
            "erin",
            "200000000000003",
            "Erin Example",
            "Her sign-in has expired (error 190).",
            businesses=("300000000000003",),
            ad_accounts=("act_420000000000001",),
            behaviour=Behaviour.EXPIRED,
        ),
        Person(
            AGENCY_PERSON,
            "200000000000004",
            "Alex Agent",
            "Works at Demo Agency, the business clients share with.",
            businesses=(AGENCY_BUSINESS_ID,),
        ),
    )
}
PEOPLE_BY_ID = {p.id: p for p in PEOPLE.values()}

# Shares that exist before anyone signs in: one of Jane's ad accounts is already the agency's.
INITIAL_SHARES = (("act_400000000000001", AGENCY_BUSINESS_ID, ("MANAGE", "ADVERTISE", "ANALYZE")),)


def owned_assets(business_id: str, kind: str) -> list[FakeAsset]:
    return [a for a in ASSETS.values() if a.business == business_id and a.kind == kind]
