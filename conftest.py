"""Settings for the test run: fast password hashing, static files served from the apps, the
sandboxes checked against the vendors' API definitions, and the rate limiter's memory emptied
before each test."""

import os
import threading

import pytest


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PLATFORM_CONTRACTS = True
    # The vendors' definitions take seconds to import: begin now, not in a sandbox's first
    # answer, which a connector waits for with a timeout.
    from agencyaccess.platforms.google.sandbox.contract import preload as preload_google
    from agencyaccess.platforms.meta.sandbox.contract import preload as preload_meta
    from agencyaccess.platforms.microsoft.sandbox.contract import preload as preload_microsoft
    from agencyaccess.platforms.tiktok.sandbox.contract import preload as preload_tiktok

    if os.environ.get("PYTEST_XDIST_WORKER") or not getattr(config.option, "numprocesses", None):
        for preload in (
            preload_google,
            preload_meta,
            preload_microsoft,
            preload_tiktok,
        ):  # not in xdist's controller
            threading.Thread(target=preload, daemon=True).start()


@pytest.fixture(autouse=True)
def _fresh_rate_limiter():
    """The rate limiter's per-process memory (apikeys/ratelimit.py) starts empty in each test."""
    from agencyaccess.apikeys import ratelimit

    ratelimit.forget()


@pytest.fixture(autouse=True)
def _sandboxes_keep_to_the_vendors_contracts():
    """A test fails when a sandbox received or answered something the vendor's definition of
    its API lacks (agencyaccess/platforms/contracts/), even if the connector survived the 500."""
    from agencyaccess.platforms import contracts

    contracts.forget()
    yield
    found = contracts.recorded()
    contracts.forget()
    assert not found, "Against the vendors' API definitions:\n" + "\n".join(map(str, found))
