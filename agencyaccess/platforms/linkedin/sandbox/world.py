"""The LinkedIn sandbox's fake world: its members, ad accounts and Company Pages, and the roles
they start with. What changes later lives in the database (state.py)."""

from dataclasses import dataclass

AGENCY_PERSON = "alex"  # who works at Demo Agency: the demo seed signs them in

# What the sandbox app may ask for (docs/platforms/linkedin.md#sign-in).
SCOPES = (
    "openid",
    "profile",
    "email",
    "r_ads",
    "rw_ads",
    "r_organization_admin",
    "rw_organization_admin",
)


@dataclass(frozen=True)
class Person:
    key: str  # how tests and the sign-in page name them
    id: str  # the member id: `sub`, and the id in urn:li:person:{id}
    name: str
    email: str
    expired: bool = False  # their tokens are already dead
    throttled: bool = False  # every API call answers 429

    @property
    def urn(self) -> str:
        return f"urn:li:person:{self.id}"


@dataclass(frozen=True)
class AdAccount:
    id: str
    name: str
    status: str = "ACTIVE"

    @property
    def urn(self) -> str:
        return f"urn:li:sponsoredAccount:{self.id}"


@dataclass(frozen=True)
class Organization:
    id: str
    name: str

    @property
    def urn(self) -> str:
        return f"urn:li:organization:{self.id}"


PEOPLE = {
    p.key: p
    for p in (
        Person("jane", "jAn3D0e7xQ", "Jane Doe", "jane@client.example"),
        Person(AGENCY_PERSON, "aL3xAg3nCy", "Alex Agency", "alex@agency.example"),
        Person("sam", "s4mV13wer0", "Sam Viewer", "sam@client.example"),
        Person("old", "0ldT0k3nZz", "Olivia Old", "olivia@client.example", expired=True),
        Person("busy", "bUsYc4ll3r", "Bert Busy", "bert@client.example", throttled=True),
    )
}
PEOPLE_BY_ID = {p.id: p for p in PEOPLE.values()}

AD_ACCOUNTS = {
    a.id: a
    for a in (
        AdAccount("508000001", "Jane Co - Main"),
        AdAccount("508000002", "Jane Co - Brand"),
        AdAccount("508000003", "Jane Co - Archive", status="CANCELED"),
    )
}
ORGANIZATIONS = {
    o.id: o
    for o in (Organization("2414001", "Jane Co"), Organization("2414002", "Jane Co Careers"))
}

# (account id, person key, role) and (organization id, role, person key) at the start.
INITIAL_ACCOUNT_USERS = (
    ("508000001", "jane", "ACCOUNT_MANAGER"),
    ("508000002", "jane", "ACCOUNT_BILLING_ADMIN"),
    ("508000003", "jane", "VIEWER"),
    ("508000001", "sam", "VIEWER"),
)
INITIAL_ORGANIZATION_ROLES = (
    ("2414001", "ADMINISTRATOR", "jane"),
    ("2414002", "ANALYST", "jane"),
    ("2414001", "ANALYST", "sam"),
)

ACCOUNT_ROLES = frozenset(
    {"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER", "CAMPAIGN_MANAGER", "CREATIVE_MANAGER", "VIEWER"}
)
ACCOUNT_MANAGING_ROLES = frozenset({"ACCOUNT_BILLING_ADMIN", "ACCOUNT_MANAGER"})
ORGANIZATION_ROLES = frozenset(
    {
        "ADMINISTRATOR",
        "DIRECT_SPONSORED_CONTENT_POSTER",
        "RECRUITING_POSTER",
        "LEAD_CAPTURE_ADMINISTRATOR",
        "LEAD_GEN_FORMS_MANAGER",
        "ANALYST",
        "CURATOR",
        "CONTENT_ADMINISTRATOR",
    }
)
ORGANIZATION_STATES = frozenset({"APPROVED", "REJECTED", "REQUESTED", "REVOKED"})
