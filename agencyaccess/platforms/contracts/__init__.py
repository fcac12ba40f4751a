"""Contract checks: what a platform sandbox receives and answers, held against the vendor's own
machine-readable definition of its API, so that the sandboxes (and the connectors tested against
them) cannot drift from the vendors.

The definitions come from the vendors' client libraries, installed with the test dependencies
only: Google's discovery documents (google-api-python-client), the Google Ads API's messages and
error enums (google-ads), the Graph API's objects and edges (facebook-business), HubSpot's
user provisioning and OAuth models (hubspot-api-client), the API for Business calls of TikTok's
SDK (tiktok-business-api-sdk-official), the Customer Management WSDL of Microsoft's Bing Ads
SDK (bingads) and Pinterest API v5's operations and models (Pinterest-Generated-Client). A
production
install has none of them, so the checks run only where PLATFORM_CONTRACTS is on: the test suite
turns it on (conftest.py).

This module keeps what every platform shares: the switch and the record of violations. Each
platform's checks live in its own sandbox (platforms/<name>/sandbox/contract.py), with the
readers of its vendor's definitions beside them.
A sandbox calls its `contract.exchange(request)` once per request, and the function it returns
on its answer. A request the vendor does not define is answered with the vendor's own refusal
(Google's 400, Graph's error 100); an answer it does not define raises (a 500: the sandbox is
wrong). Both are recorded, and the test that caused them fails even where the connector took
the refusal in its stride (see `recorded`, and conftest.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings


class ContractViolation(Exception):
    """A path, parameter or field that the vendor's definition of its API lacks."""


_recorded: list[ContractViolation] = []
_expected_depth = 0


def enabled() -> bool:
    return bool(getattr(settings, "PLATFORM_CONTRACTS", False))


def violation(message: str) -> ContractViolation:
    """Record a violation and return it for the caller to raise."""
    found = ContractViolation(message)
    _recorded.append(found)
    return found


def recorded() -> list[ContractViolation]:
    """The violations since the last `forget()`, unless a test said it expected them."""
    return [] if _expected_depth else list(_recorded)


def forget() -> None:
    _recorded.clear()


@contextmanager
def expected() -> Iterator[list[ContractViolation]]:
    """For a test that sends a sandbox what the vendor refuses, on purpose: the violations are
    still raised, and handed to the test instead of failing it."""
    global _expected_depth
    start = len(_recorded)
    caught: list[ContractViolation] = []
    _expected_depth += 1
    try:
        yield caught
    finally:
        _expected_depth -= 1
        caught.extend(_recorded[start:])
        del _recorded[start:]
