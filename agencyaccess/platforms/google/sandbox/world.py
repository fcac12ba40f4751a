"""The sandbox's fake Google: who exists, what they own, and how their accounts start out.

The people and their behaviours are fixed here. Everything that can change (links, invitations,
access bindings, permissions, owners) starts as the records of `initial_records()` and lives in
the database from then on, so every web process serves the same world.
"""

import enum
from dataclasses import dataclass
from typing import Any

from agencyaccess.platforms.google import scopes


class Behaviour(enum.StrEnum):
    NORMAL = ""
    RATE_LIMITED = "rate_limited"  # every change answers 429 with Retry-After
    EXPIRED = "expired"  # every API call answers 401, refreshing fails


@dataclass(frozen=True)
class FakeUser:
    email: str
    name: str
    sub: str  # Google's stable id of the person
    summary: str  # one line on the consent page: what this person has
    behaviour: Behaviour = Behaviour.NORMAL


JANE = "jane@janes-bakery.example"
SAM = "sam@sams-surf.example"
ERIN = "erin@erins-florist.example"
OLIVE = "olive@olives-deli.example"
DEMO_AGENCY = "ads@demo-agency.example"
TEST_AGENCY = "ads@alice.example"  # the test cast's agency (agencyaccess/test.py)
AGENCY_MCC = "1234567890"  # managed by both agencies; the demo seed's manager id

USERS: tuple[FakeUser, ...] = (
    FakeUser(
        JANE,
        "Jane Doe",
        "110000000000000000001",
        "Owner of Jane's Bakery: Google Ads, Analytics, Tag Manager, Merchant Center, Business "
        "Profile and Search Console, with a few accounts she cannot share.",
    ),
    FakeUser(
        SAM,
        "Sam Rivera",
        "110000000000000000002",
        "Admin of Sam's Surf Shop everywhere, but every change he makes is rate limited (429).",
        Behaviour.RATE_LIMITED,
    ),
    FakeUser(
        ERIN,
        "Erin Walsh",
        "110000000000000000003",
        "Her sign-in goes through, then every Google API refuses it as expired (401).",
        Behaviour.EXPIRED,
    ),
    FakeUser(
        OLIVE,
        "Olive Grant",
        "110000000000000000006",
        "Her Google account has no Google Ads account: Google Ads refuses her as NOT_ADS_USER.",
    ),
    FakeUser(
        DEMO_AGENCY,
        "Demo Agency",
        "110000000000000000004",
        "The demo agency: administers the Google Ads manager account 123-456-7890.",
    ),
    FakeUser(
        TEST_AGENCY,
        "Alice & Co",
        "110000000000000000005",
        "The test agency: also administers the manager account 123-456-7890.",
    ),
)
USERS_BY_EMAIL = {user.email: user for user in USERS}

# Addresses Google Analytics refuses as "not a Google Account".
NOT_GOOGLE_DOMAIN = "not-google.example"

# Switches for conditions of the installation's Google Cloud project: name -> (default, label).
KNOBS: dict[str, tuple[bool, str]] = {
    "merchant_registered": (
        True,
        "Merchant Center: the Cloud project is registered (off: every call is a 401 "
        "'GCP project is not registered')",
    ),
    "ads_developer_token_basic": (
        True,
        "Google Ads: the developer token has Basic access (off: Test Account level, so every "
        "call on a real account is a 403 DEVELOPER_TOKEN_NOT_APPROVED)",
    ),
    "business_profile_approved": (
        True,
        "Business Profile: the Cloud project is approved (off: every call is a 429 with a quota "
        "of 0)",
    ),
}

# What the consent page says each scope allows, in Google's words.
SCOPE_DESCRIPTIONS = {
    scopes.ADWORDS: "See, edit, create and delete your Google Ads accounts and data.",
    scopes.ANALYTICS_READONLY: "See and download your Google Analytics data.",
    scopes.ANALYTICS_MANAGE_USERS: "Manage Google Analytics account users by email address.",
    scopes.TAGMANAGER_READONLY: "View your Google Tag Manager container and its subcomponents.",
    scopes.TAGMANAGER_MANAGE_USERS: "Manage user permissions of your Google Tag Manager account "
    "and container.",
    scopes.WEBMASTERS: "View and manage Search Console data for your verified sites.",
    scopes.SITE_VERIFICATION: "Manage the list of sites and domains you control.",
    scopes.CONTENT: "Manage your product listings and accounts for Google Shopping.",
    scopes.BUSINESS_MANAGE: "See, edit, create and delete your Google business listings.",
}

Record = tuple[str, str, dict[str, Any]]  # kind, key, data


def initial_records() -> list[Record]:
    return [
        *_ads(),
        *_analytics(),
        *_tag_manager(),
        *_merchant(),
        *_business_profile(),
        *_search_console(),
    ]


# Accounts Google Ads lists among the accessible ones but refuses every call on
# (AuthorizationError.CUSTOMER_NOT_ENABLED).
CANCELLED_CUSTOMERS = {"1111111100": "CANCELED"}


def _ads() -> list[Record]:
    customers = {
        "1111111111": ("Jane's Bakery", False, False),
        "1111111100": ("Jane's Old Bakery", False, False),  # cancelled
        "2222222222": ("Jane's Bakery Brand", False, True),  # multi-party approval on
        "3333333333": ("Jane's Catering", False, False),  # Jane is read-only
        "4444444444": ("Jane's Bakery Deliveries", False, False),  # already under the MCC
        "5555555555": ("Jane's Bakery Group", True, False),  # Jane's own manager account
        "5555555501": ("Jane's Bakery North", False, False),
        "5555555502": ("Jane's Bakery South", False, False),
        "6666666666": ("Jane's Bakery Outlet", False, False),  # under the MCC's sub-manager
        "7777777777": ("Sam's Surf Shop", False, False),
        AGENCY_MCC: ("Demo Agency", True, False),
        "1234567891": ("Demo Agency - Retail clients", True, False),
    }
    users = [
        ("1111111111", JANE, "ADMIN"),
        ("1111111100", JANE, "ADMIN"),
        ("2222222222", JANE, "ADMIN"),
        ("2222222222", "pat@janes-bakery.example", "ADMIN"),
        ("3333333333", JANE, "READ_ONLY"),
        ("3333333333", "owner@janes-catering.example", "ADMIN"),
        ("4444444444", JANE, "ADMIN"),
        ("5555555555", JANE, "ADMIN"),
        ("6666666666", JANE, "ADMIN"),
        ("7777777777", SAM, "ADMIN"),
        (AGENCY_MCC, DEMO_AGENCY, "ADMIN"),
        (AGENCY_MCC, TEST_AGENCY, "ADMIN"),
    ]
    links = [
        ("5555555555", "5555555501"),
        ("5555555555", "5555555502"),
        (AGENCY_MCC, "4444444444"),
        (AGENCY_MCC, "1234567891"),
        ("1234567891", "6666666666"),
    ]
    return [
        *(
            (
                "ads_customer",
                cid,
                {
                    "name": name,
                    "manager": manager,
                    "mpa": mpa,
                    "status": CANCELLED_CUSTOMERS.get(cid, "ENABLED"),
                },
            )
            for cid, (name, manager, mpa) in customers.items()
        ),
        *(
            (
                "ads_user",
                f"{cid}/{n}",
                {"customer": cid, "user_id": str(n), "email": email, "role": role},
            )
            for n, (cid, email, role) in enumerate(users, start=1001)
        ),
        *(
            (
                "ads_link",
                f"{manager}/{client}/{n}",
                {"manager": manager, "client": client, "link_id": str(n), "status": "ACTIVE"},
            )
            for n, (manager, client) in enumerate(links, start=501)
        ),
    ]


def _analytics() -> list[Record]:
    return [
        ("ga_account", "accounts/1001", {"displayName": "Jane's Bakery"}),
        ("ga_account", "accounts/1002", {"displayName": "Sam's Surf Shop"}),
        ("ga_property", "properties/2001", {"account": "accounts/1001", "displayName": "janes-bakery.example"}),
        ("ga_property", "properties/2002", {"account": "accounts/1001", "displayName": "Jane's Bakery Blog"}),
        ("ga_property", "properties/2003", {"account": "accounts/1002", "displayName": "sams-surf.example"}),
        ("ga_binding", "properties/2001/accessBindings/1", {"parent": "properties/2001", "user": JANE, "roles": ["predefinedRoles/admin"]}),
        ("ga_binding", "properties/2002/accessBindings/2", {"parent": "properties/2002", "user": JANE, "roles": ["predefinedRoles/viewer"]}),
        # At account level, so it covers every property of the account.
        ("ga_binding", "accounts/1002/accessBindings/3", {"parent": "accounts/1002", "user": SAM, "roles": ["predefinedRoles/admin"]}),
    ]  # fmt: skip


def _tag_manager() -> list[Record]:
    containers = [
        ("3001", "4001", "janes-bakery.example", "GTM-JB4001"),
        ("3001", "4002", "Jane's Bakery App", "GTM-JB4002"),
        ("3002", "4003", "bakery-supplies.example", "GTM-BS4003"),
        ("3003", "4004", "sams-surf.example", "GTM-SS4004"),
    ]
    permissions = [
        ("3001", JANE, "admin", []),
        ("3002", JANE, "user", [("4003", "read")]),
        ("3003", SAM, "admin", []),
    ]
    return [
        ("gtm_account", "3001", {"name": "Jane's Bakery"}),
        ("gtm_account", "3002", {"name": "Bakery Supplies Co"}),
        ("gtm_account", "3003", {"name": "Sam's Surf Shop"}),
        *(
            (
                "gtm_container",
                f"{account}/{cid}",
                {"account": account, "containerId": cid, "name": name, "publicId": public_id},
            )
            for account, cid, name, public_id in containers
        ),
        *(
            (
                "gtm_permission",
                f"accounts/{account}/user_permissions/{n}",
                {
                    "account": account,
                    "emailAddress": email,
                    "accountAccess": {"permission": level},
                    "containerAccess": [
                        {"containerId": cid, "permission": p} for cid, p in containers_access
                    ],
                },
            )
            for n, (account, email, level, containers_access) in enumerate(permissions, start=1)
        ),
    ]


def _merchant() -> list[Record]:
    accounts = {
        "5001": "Jane's Bakery Shop",
        "5002": "Bakery Supplies Marketplace",
        "5003": "Sam's Surf Shop",
    }
    users = [("5001", JANE, "ADMIN"), ("5002", JANE, "STANDARD"), ("5003", SAM, "ADMIN")]
    return [
        *(("merchant_account", aid, {"accountName": name}) for aid, name in accounts.items()),
        *(
            (
                "merchant_user",
                f"{aid}/{email}",
                {"account": aid, "email": email, "state": "VERIFIED", "accessRights": [right]},
            )
            for aid, email, right in users
        ),
    ]


def _business_profile() -> list[Record]:
    accounts = [
        ("accounts/6001", "Jane Doe", "PERSONAL", {JANE: "PRIMARY_OWNER"}),
        ("accounts/6002", "Bakery Franchise Group", "LOCATION_GROUP", {JANE: "MANAGER"}),
        ("accounts/6003", "Sam Rivera", "PERSONAL", {SAM: "PRIMARY_OWNER"}),
        ("accounts/9001", "Demo Agency", "PERSONAL", {DEMO_AGENCY: "PRIMARY_OWNER"}),
        ("accounts/9002", "Alice & Co", "PERSONAL", {TEST_AGENCY: "PRIMARY_OWNER"}),
    ]
    locations = [
        ("locations/7001", "accounts/6001", "Jane's Bakery", "1 Main Street"),
        ("locations/7002", "accounts/6002", "Jane's Bakery Station Road", "8 Station Road"),
        ("locations/7003", "accounts/6003", "Sam's Surf Shop", "2 Beach Road"),
    ]
    admins = [
        ("locations/7001", JANE, "PRIMARY_OWNER"),
        ("locations/7002", "franchise@bakery-group.example", "PRIMARY_OWNER"),
        ("locations/7002", JANE, "MANAGER"),
        ("locations/7003", SAM, "PRIMARY_OWNER"),
    ]
    return [
        *(
            ("gbp_account", name, {"accountName": title, "type": kind, "members": members})
            for name, title, kind, members in accounts
        ),
        *(
            (
                "gbp_location",
                name,
                {
                    "account": account,
                    "title": title,
                    "storefrontAddress": {"addressLines": [street], "locality": "Springfield"},
                },
            )
            for name, account, title, street in locations
        ),
        *(
            (
                "gbp_admin",
                f"{location}/admins/{n}",
                {"location": location, "admin": email, "role": role, "pendingInvitation": False},
            )
            for n, (location, email, role) in enumerate(admins, start=1)
        ),
    ]


def _search_console() -> list[Record]:
    """Site Verification resources are keyed by their id (a domain is "dns://<domain>"): its
    owners, and among them those who verified it themselves (the others are delegated)."""
    resources = [
        ("dns://janes-bakery.example", "INET_DOMAIN", "janes-bakery.example", [JANE], [JANE]),
        (
            "https://blog.janes-bakery.example/",
            "SITE",
            "https://blog.janes-bakery.example/",
            ["blogger@janes-bakery.example", JANE],
            ["blogger@janes-bakery.example"],
        ),
        ("dns://sams-surf.example", "INET_DOMAIN", "sams-surf.example", [SAM], [SAM]),
    ]
    listed = [
        (JANE, "sc-domain:janes-bakery.example"),
        (JANE, "https://blog.janes-bakery.example/"),
        (JANE, "https://shop.janes-bakery.example/"),
        (SAM, "sc-domain:sams-surf.example"),
    ]
    return [
        *(
            (
                "sv_resource",
                rid,
                {"type": kind, "identifier": ident, "owners": owners, "verified": verified},
            )
            for rid, kind, ident, owners, verified in resources
        ),
        *(
            ("sc_listed", f"{email} {site}", {"email": email, "site": site})
            for email, site in listed
        ),
        (
            "sc_user",
            f"{JANE} https://shop.janes-bakery.example/",
            {"email": JANE, "site": "https://shop.janes-bakery.example/", "level": "siteFullUser"},
        ),
    ]
