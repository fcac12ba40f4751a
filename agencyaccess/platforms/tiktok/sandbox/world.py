"""The TikTok sandbox's fake world: people, their Business Centers and the assets in them."""

import enum
from dataclasses import dataclass


class Behaviour(enum.Enum):
    NORMAL = "normal"
    REVOKED = "revoked"  # every call with their token answers 40105
    RATE_LIMITED = "rate_limited"  # every call with their token answers 40100


@dataclass(frozen=True)
class FakeAsset:
    asset_id: str
    name: str
    asset_type: str  # ADVERTISER, CATALOG


@dataclass(frozen=True)
class BusinessCenter:
    bc_id: str
    name: str
    assets: tuple[FakeAsset, ...] = ()


@dataclass(frozen=True)
class Person:
    key: str
    display_name: str
    email: str
    roles: tuple[tuple[str, str], ...]  # (bc_id, ADMIN or STANDARD)
    behaviour: Behaviour = Behaviour.NORMAL


AGENCY_BC_ID = "7100000000000000001"
CLIENT_BC_ID = "7200000000000000001"
OTHER_BC_ID = "7300000000000000001"

BUSINESS_CENTERS = {
    bc.bc_id: bc
    for bc in (
        BusinessCenter(AGENCY_BC_ID, "Sandbox Agency BC"),
        BusinessCenter(
            CLIENT_BC_ID,
            "Jane's Shop BC",
            (
                FakeAsset("7210000000000000001", "Jane's Shop Ads", "ADVERTISER"),
                FakeAsset("7210000000000000002", "Jane's Shop Retargeting", "ADVERTISER"),
                FakeAsset("7220000000000000001", "Jane's Shop Products", "CATALOG"),
            ),
        ),
        BusinessCenter(
            OTHER_BC_ID,
            "Partner Store BC",
            (FakeAsset("7310000000000000001", "Partner Store Ads", "ADVERTISER"),),
        ),
    )
}

PEOPLE = {
    person.key: person
    for person in (
        Person(
            "jane",
            "Jane Client",
            "jane@example.com",
            ((CLIENT_BC_ID, "ADMIN"), (OTHER_BC_ID, "STANDARD")),
        ),
        Person("ada", "Ada Agency", "ada@agency.example", ((AGENCY_BC_ID, "ADMIN"),)),
        Person("sol", "Sol Standard", "sol@agency.example", ((AGENCY_BC_ID, "STANDARD"),)),
        Person(
            "rex", "Rex Revoked", "rex@example.com", ((CLIENT_BC_ID, "ADMIN"),), Behaviour.REVOKED
        ),
        Person(
            "rita",
            "Rita Busy",
            "rita@example.com",
            ((CLIENT_BC_ID, "ADMIN"),),
            Behaviour.RATE_LIMITED,
        ),
    )
}
AGENCY_PERSON = "ada"


def asset(asset_id: str) -> tuple[BusinessCenter, FakeAsset] | None:
    for bc in BUSINESS_CENTERS.values():
        for item in bc.assets:
            if item.asset_id == asset_id:
                return bc, item
    return None
