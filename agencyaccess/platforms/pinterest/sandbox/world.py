"""The Pinterest sandbox's fake world: its people, businesses and ad accounts, and the roles and
partnerships they start with. What changes later lives in the database (state.py)."""

from dataclasses import dataclass

from agencyaccess.platforms.pinterest.config import SCOPES

AGENCY_PERSON = "alex"  # who works at Demo Agency: the demo seed signs them in
ALL_SCOPES = SCOPES  # what the sandbox app may ask for


@dataclass(frozen=True)
class Person:
    key: str  # how tests and the sign-in page name them
    id: str  # the user account id
    username: str
    business_name: str = ""
    expired: bool = False  # their tokens are already dead
    throttled: bool = False  # every API call answers 429


@dataclass(frozen=True)
class Business:
    id: str
    username: str


@dataclass(frozen=True)
class AdAccount:
    id: str
    name: str
    owner: str  # the business id that owns it
    # The ad account's `owner` in /ad_accounts, "the owning account's user ID" (the schema):
    # here the user account that made it, not the business (docs/platforms/pinterest.md#listing).
    owner_user: tuple[str, str]


PEOPLE = {
    p.key: p
    for p in (
        Person("paula", "1122334455667701", "paula_potter", "Paula's Pottery"),
        Person("eve", "1122334455667702", "eve_employee"),
        Person(AGENCY_PERSON, "1122334455667703", "alex_agency", "Demo Agency"),
        Person("old", "1122334455667704", "olivia_old", expired=True),
        Person("busy", "1122334455667705", "bert_busy", throttled=True),
    )
}
PEOPLE_BY_ID = {p.id: p for p in PEOPLE.values()}

CLIENT_BUSINESS = "729090764583391001"
AGENCY_BUSINESS = "729090764583391900"
OTHER_BUSINESS = "729090764583391500"  # another agency, which shares an account with Paula
BUSINESSES = {
    b.id: b
    for b in (
        Business(CLIENT_BUSINESS, "paulaspottery"),
        Business(AGENCY_BUSINESS, "demoagency"),
        Business(OTHER_BUSINESS, "otheragency"),
    )
}

PAULA_USER = (PEOPLE["paula"].id, PEOPLE["paula"].username)
OTHER_USER = ("1122334455667790", "otheragency_owner")  # nobody who signs in here
AD_ACCOUNTS = {
    a.id: a
    for a in (
        AdAccount("549755885001", "Paula's Pottery - Main", CLIENT_BUSINESS, PAULA_USER),
        AdAccount("549755885002", "Paula's Pottery - Seasonal", CLIENT_BUSINESS, PAULA_USER),
        AdAccount("549755885003", "Other Agency - Test", OTHER_BUSINESS, OTHER_USER),
    )
}

# (person key, business id, business role): who belongs to which business.
EMPLOYMENTS = (
    ("paula", CLIENT_BUSINESS, "BIZ_ADMIN"),
    ("eve", CLIENT_BUSINESS, "EMPLOYEE"),
    (AGENCY_PERSON, AGENCY_BUSINESS, "BIZ_ADMIN"),
)
# (owner business, partner business, asset, permissions) at the start: the other agency shares
# an ad account with Paula's business.
INITIAL_ACCESS = ((OTHER_BUSINESS, CLIENT_BUSINESS, "549755885003", ("ANALYST",)),)

# The business access reference's permissions (components/schemas/Permissions).
PERMISSIONS = frozenset(
    {
        "ADMIN",
        "ANALYST",
        "FINANCE_MANAGER",
        "FINANCE_EDIT",
        "FINANCE_VIEW",
        "AUDIENCE_MANAGER",
        "CAMPAIGN_MANAGER",
        "CATALOGS_MANAGER",
        "CATALOGS_VIEWER",
        "PROFILE_PUBLISHER",
        "CONSUMER_USER",
    }
)
INVITE_DAYS = 30  # how long a sandbox invite waits [unconfirmed: Pinterest's own delay]


def role_in(person: Person, business_id: str) -> str:
    return next((r for p, b, r in EMPLOYMENTS if p == person.key and b == business_id), "")
