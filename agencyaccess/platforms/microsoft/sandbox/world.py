"""The Microsoft Advertising sandbox's fake world: people, customers and their ad accounts,
fixed in code. What changes as people use it (codes, tokens, links, invitations, users added by
accepted invitations) is in the database: see state.py.

Ids look like Microsoft's: customers and accounts are numbers, account numbers "F1…" strings.
RoleId values are the documented ones (docs/platforms/microsoft.md#roles).
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass

SUPER_ADMIN, STANDARD, CAMPAIGN_MANAGER, VIEWER = 41, 203, 16, 100
SHARING_ROLES = frozenset({SUPER_ADMIN, STANDARD})  # may invite and add, update, search links

AGENCY_CUSTOMER_ID = 3000001  # "Demo Agency", agency A's manager customer in the test cast
AGENCY_PERSON = "alex"  # who works at Demo Agency: the demo seed signs them in
CLIENT_CUSTOMER_ID = 2000001


class Behaviour(enum.StrEnum):
    NORMAL = "normal"
    RATE_LIMITED = "rate_limited"  # every Customer Management call answers code 117
    EXPIRED = "expired"  # every access token is born expired (code 109)


@dataclass(frozen=True)
class Role:
    """One of a user's CustomerRoles: a role on a customer's accounts (None: all of them)."""

    customer_id: int
    role_id: int
    account_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Person:
    key: str
    user_id: int
    email: str
    first_name: str
    last_name: str
    about: str  # shown on the consent page: what signing in as them demonstrates
    roles: tuple[Role, ...] = ()
    behaviour: Behaviour = Behaviour.NORMAL

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    number: str
    customer_id: int


CUSTOMERS: Mapping[int, str] = {
    CLIENT_CUSTOMER_ID: "Clara Bikes",
    2000002: "Northwind Outdoor",
    AGENCY_CUSTOMER_ID: "Demo Agency",
}

CUSTOMER_NUMBERS: Mapping[int, str] = {  # ten alphanumeric characters (customer)
    customer: f"CN{customer:08d}" for customer in CUSTOMERS
}

ACCOUNTS: Mapping[int, Account] = {
    account.id: account
    for account in (
        Account(1800001, "Clara Bikes - Search", "F1200001", CLIENT_CUSTOMER_ID),
        Account(1800002, "Clara Bikes - Shopping", "F1200002", CLIENT_CUSTOMER_ID),
        Account(1800003, "Northwind - Brand", "F1200003", 2000002),
    )
}

PEOPLE: Mapping[str, Person] = {
    person.key: person
    for person in (
        Person(
            "clara",
            500001,
            "clara@clara-bikes.example",
            "Clara",
            "Jansen",
            "Super Admin of Clara Bikes (2 accounts); Viewer of one Northwind account",
            (Role(CLIENT_CUSTOMER_ID, SUPER_ADMIN), Role(2000002, VIEWER, (1800003,))),
        ),
        Person(
            "sam",
            500002,
            "sam@clara-bikes.example",
            "Sam",
            "Peeters",
            "Standard User of one Clara Bikes account: can share it, not as Super Admin",
            (Role(CLIENT_CUSTOMER_ID, STANDARD, (1800001,)),),
        ),
        Person(
            "vic",
            500003,
            "vic@clara-bikes.example",
            "Vic",
            "Maes",
            "Viewer of Clara Bikes: sees the accounts, cannot share them",
            (Role(CLIENT_CUSTOMER_ID, VIEWER),),
        ),
        Person(
            AGENCY_PERSON,
            500010,
            "alex@demo-agency.example",
            "Alex",
            "Agent",
            "Super Admin of Demo Agency, the manager customer asking for links",
            (Role(AGENCY_CUSTOMER_ID, SUPER_ADMIN),),
        ),
        Person(
            "ed",
            500020,
            "ed@clara-bikes.example",
            "Ed",
            "Expired",
            "Super Admin of Clara Bikes whose sign-in has expired",
            (Role(CLIENT_CUSTOMER_ID, SUPER_ADMIN),),
            Behaviour.EXPIRED,
        ),
        Person(
            "rita",
            500021,
            "rita@clara-bikes.example",
            "Rita",
            "Ratelimit",
            "Super Admin of Clara Bikes over the call limit",
            (Role(CLIENT_CUSTOMER_ID, SUPER_ADMIN),),
            Behaviour.RATE_LIMITED,
        ),
    )
}

PEOPLE_BY_ID: Mapping[int, Person] = {person.user_id: person for person in PEOPLE.values()}
PEOPLE_BY_EMAIL: Mapping[str, Person] = {person.email: person for person in PEOPLE.values()}
