"""Settings for the test run: fast password hashing, static files served from the apps, and the
rate limiter's memory emptied before each test."""

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


@pytest.fixture(autouse=True)
def _fresh_rate_limiter():
    """The rate limiter's per-process memory (apikeys/ratelimit.py) starts empty in each test."""
    from agencyaccess.apikeys import ratelimit

    ratelimit.forget()
