"""Django settings, read from the environment.

With no environment at all this runs: SQLite in the data directory, e-mails kept as files there
(their paths printed), the sandbox platforms, a secret key generated once into the data directory.
Every variable read here is listed in the README.
"""

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def envbool(name: str, default: bool) -> bool:
    """On for `1`, `true`, `yes`, `on`; off for `0`, `false`, `no`, `off` (any case); the
    default when unset or empty. Anything else stops the start: `DEBUG=ture` read as off
    would be a setting silently lost."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is neither on ({', '.join(TRUE_WORDS)}) "
            f"nor off ({', '.join(FALSE_WORDS)})."
        )
    return word in TRUE_WORDS


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# Runtime state (the SQLite file, uploads, the secret key, the e-mail outbox shown by the demo)
# lives in one directory outside the code tree, so a read-only install and several processes
# both work: ./var of the directory the command runs in, however the package was installed.
# What it holds is for the install's own user: the directory is made 0700, its files 0600.
DATA_DIR = Path(env("AGENCYACCESS_DATA_DIR", str(Path.cwd() / "var"))).resolve()
SECRET_KEY_FILE = DATA_DIR / "secret_key"  # when SECRET_KEY is not set; backups keep it


def _create_private_file(path: Path, content: str = "") -> None:
    """Create `path` readable by its owner only, in a directory made 0700, unless it exists.
    O_EXCL: when two processes start together, one writes and both read the same file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as f:
        f.write(content)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in DATA_DIR."""
    if key := env("SECRET_KEY"):
        return key
    if not SECRET_KEY_FILE.exists():
        _create_private_file(SECRET_KEY_FILE, secrets.token_urlsafe(50))
    return SECRET_KEY_FILE.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
# The address clients and agencies reach this install at; links and e-mails are built from it.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [SITE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "agencyaccess",
    "agencyaccess.accounts",
    "agencyaccess.apikeys",
    "agencyaccess.platforms",
    "agencyaccess.clients",
    "agencyaccess.links",
    "agencyaccess.notify",
    "agencyaccess.onboarding",
    "agencyaccess.lifecycle",
    "agencyaccess.ops",
    "agencyaccess.audit",
    "agencyaccess.inventory",
]

MIDDLEWARE = [
    # First: the probes answer before the host check (a load balancer or Prometheus asks by IP
    # address), and the request metrics time everything after them.
    "agencyaccess.ops.middleware.ProbesMiddleware",
    "agencyaccess.ops.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "agencyaccess.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "agencyaccess.apikeys.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "agencyaccess.urls"
WSGI_APPLICATION = "agencyaccess.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts-login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts-login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Each platform package keeps its templates (its sandbox's pages) in its own folder.
        "DIRS": [BASE_DIR / "templates", *sorted(BASE_DIR.glob("platforms/*/templates"))],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite by default. WAL lets the web server's processes read while the worker writes; IMMEDIATE
# transactions take the write lock up front instead of failing half-way with "database is locked".
_SQLITE: dict[str, Any] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": str(DATA_DIR / "db.sqlite3"),
    # Keep each thread's connection: opening one (and its PRAGMAs) costs about 1 ms a request.
    "CONN_MAX_AGE": 600,
    "CONN_HEALTH_CHECKS": True,
    "OPTIONS": {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    },
}
# PostgreSQL connections come from a pool of DATABASE_POOL_SIZE in each process (psycopg_pool):
# one per thread, and `serve` runs 4 threads per gunicorn process and the worker one per lane
# (worker.py). A fixed size, so that the total is known: the README gives it ("Running in
# production"). 0 turns the pool off: one connection per thread, kept 10 minutes (e.g. behind
# PgBouncer).
DATABASE_POOL_SIZE = envint("DATABASE_POOL_SIZE", 4)
DATABASE_POOL: dict[str, Any] = {
    "min_size": DATABASE_POOL_SIZE,
    "max_size": DATABASE_POOL_SIZE,
    # How long a request waits for a connection: with a connection per thread, only while
    # PostgreSQL cannot be reached (or refuses more clients). Then it is answered 503.
    "timeout": 2,
    # psycopg_pool retries a failed connection with a wait that doubles for up to this long,
    # then the next request starts again from 1 s: PostgreSQL back, the pool follows within
    # seconds, however long it was away (the default, 5 minutes, let the wait grow as long).
    "reconnect_timeout": 5,
}
DATABASES: dict[str, Any]
if database_url := env("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(database_url, conn_max_age=600, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = _SQLITE["OPTIONS"]
    elif DATABASE_POOL_SIZE:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = DATABASE_POOL
else:
    DATABASES = {"default": _SQLITE}
_database = DATABASES["default"]
if _database["ENGINE"] == "django.db.backends.sqlite3" and _database["NAME"] != ":memory:":
    # Made before SQLite opens it, 0600: SQLite's unix VFS gives the -wal and -shm files it
    # creates the database file's own mode, so they are the owner's only too.
    _create_private_file(Path(_database["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL := env("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # A database table, so every process sees the same cache with nothing else to run.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A password-reset link works for a day (the e-mail says so).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60
# Off: a private install, where nobody can sign up and start an agency from the login page;
# people join a team by invitation (and `agencyaccess create_agency` still makes agencies).
SIGNUP_ENABLED = envbool("SIGNUP_ENABLED", True)

LANGUAGE_CODE = "en"
# The client's languages (clients.models.Language), each named in itself for the switcher.
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("nl", "Nederlands"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("it", "Italiano"),
    ("pl", "Polski"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True


def _file_storage() -> dict[str, Any]:
    """Where uploads (the agencies' logos) are kept: the data directory, or with
    STORAGE_BACKEND=s3 a bucket of S3 or an S3-compatible store (MinIO, R2, ...), which every
    web process on every machine shares. The credentials are boto3's own: AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY, or an instance role. Objects stay private: the app serves them."""
    backend = env("STORAGE_BACKEND") or "local"
    if backend == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise ImproperlyConfigured(f"STORAGE_BACKEND must be local or s3, not {backend!r}.")
    if not env("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options = {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env("AWS_S3_REGION_NAME") or None,
        "addressing_style": env("AWS_S3_ADDRESSING_STYLE") or None,
        "default_acl": None,  # the bucket's own policy: private
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": _file_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
# Uploads (logos) are the install's files like the rest of DATA_DIR: the app serves them.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Bodies over 1 MB are refused before they are read (the API answers 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# Cookies: sent only over HTTPS when the site is served over it, never readable by scripts
# (session), and not sent with cross-site POSTs. Sessions last two weeks; Django gives a new
# session key at login.
SESSION_COOKIE_SECURE = SITE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Reverse proxies in front of the app (nginx, a load balancer...). Behind them every request
# comes from the proxy's address: the rate limits and login throttles would count all visitors
# together. With N > 0 the client's address is read from X-Forwarded-For as the outermost of the
# N proxies saw it (lib/addresses.py), and X-Forwarded-Proto says whether it was HTTPS. Leave it
# at 0 when clients reach the app directly: they could then write those headers themselves.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The public API.
# Requests a minute for each API key (and for each address sending no valid key).
API_RATE_LIMIT_PER_MINUTE = envint("API_RATE_LIMIT_PER_MINUTE", 120)

# Webhooks (docs/webhooks.md). Endpoints must be public https addresses; on, they may also be
# private, loopback or plain http ones: for tests, and for an install whose receivers are on
# its own intranet. Off on any install that agencies it does not trust can use.
WEBHOOKS_ALLOW_PRIVATE_TARGETS = envbool("WEBHOOKS_ALLOW_PRIVATE_TARGETS", False)

# Fernet keys for tokens at rest, newest first; derived from SECRET_KEY when empty.
ENCRYPTION_KEYS = [k for k in env("ENCRYPTION_KEYS").split(",") if k]

# The platforms. A platform with no client id set runs against its local sandbox, served by this
# app under /sandbox/<platform>/; setting its credentials switches it to the real endpoints.
# Every base URL and API version can be overridden (e.g. to point at a staging fake).
# On, each sandbox checks what it receives and answers against the vendor's own definition of
# its API, and refuses what that lacks (agencyaccess/platforms/contracts/). The definitions come
# with the test dependencies only: the tests turn this on (conftest.py).
PLATFORM_CONTRACTS = envbool("PLATFORM_CONTRACTS", False)
GOOGLE_CLIENT_ID = env("GOOGLE_CLIENT_ID")
GOOGLE_CLIENT_SECRET = env("GOOGLE_CLIENT_SECRET")
GOOGLE_ADS_DEVELOPER_TOKEN = env("GOOGLE_ADS_DEVELOPER_TOKEN")
GOOGLE_ADS_API_VERSION = env("GOOGLE_ADS_API_VERSION", "v26")
GOOGLE_URLS = {
    name: env(f"GOOGLE_{name.upper()}_URL")
    for name in (
        "authorize",
        "token",
        "revoke",
        "userinfo",
        "ads",
        "analytics_admin",
        "tag_manager",
        "merchant",
        "business_accounts",
        "business_information",
        "search_console",
        "site_verification",
    )
}
META_APP_ID = env("META_APP_ID")
META_APP_SECRET = env("META_APP_SECRET")
META_CONFIG_ID = env("META_CONFIG_ID")  # Facebook Login for Business configuration, if any
META_API_VERSION = env("META_API_VERSION", "v26.0")
META_URLS = {name: env(f"META_{name.upper()}_URL") for name in ("authorize", "graph")}
TIKTOK_APP_ID = env("TIKTOK_APP_ID")
TIKTOK_APP_SECRET = env("TIKTOK_APP_SECRET")
TIKTOK_URLS = {name: env(f"TIKTOK_{name.upper()}_URL") for name in ("authorize", "api")}
LINKEDIN_CLIENT_ID = env("LINKEDIN_CLIENT_ID")
LINKEDIN_CLIENT_SECRET = env("LINKEDIN_CLIENT_SECRET")
LINKEDIN_API_VERSION = env("LINKEDIN_API_VERSION", "202611")  # sunset about a year after release
LINKEDIN_URLS = {
    name: env(f"LINKEDIN_{name.upper()}_URL") for name in ("oauth", "rest", "userinfo")
}
MICROSOFT_CLIENT_ID = env("MICROSOFT_CLIENT_ID")  # the Microsoft Entra app registration
MICROSOFT_CLIENT_SECRET = env("MICROSOFT_CLIENT_SECRET")
MICROSOFT_ADS_DEVELOPER_TOKEN = env("MICROSOFT_ADS_DEVELOPER_TOKEN")
MICROSOFT_URLS = {
    name: env(f"MICROSOFT_{name.upper()}_URL")
    for name in ("authorize", "token", "customer_management")
}
SNAPCHAT_CLIENT_ID = env("SNAPCHAT_CLIENT_ID")  # an OAuth app of Snap Business Manager
SNAPCHAT_CLIENT_SECRET = env("SNAPCHAT_CLIENT_SECRET")
SNAPCHAT_URLS = {
    name: env(f"SNAPCHAT_{name.upper()}_URL") for name in ("authorize", "token", "ads")
}
HUBSPOT_CLIENT_ID = env("HUBSPOT_CLIENT_ID")  # the HubSpot app (OAuth)
HUBSPOT_CLIENT_SECRET = env("HUBSPOT_CLIENT_SECRET")
HUBSPOT_API_VERSION = env("HUBSPOT_API_VERSION", "2026-03")  # user provisioning and OAuth
HUBSPOT_URLS = {name: env(f"HUBSPOT_{name.upper()}_URL") for name in ("authorize", "api")}
PINTEREST_CLIENT_ID = env("PINTEREST_CLIENT_ID")  # developers.pinterest.com/apps
PINTEREST_CLIENT_SECRET = env("PINTEREST_CLIENT_SECRET")
PINTEREST_URLS = {name: env(f"PINTEREST_{name.upper()}_URL") for name in ("authorize", "api")}

# E-mail. With EMAIL_HOST set, mail goes out by SMTP; without it, every message is kept as an
# .eml file under EMAIL_FILE_PATH (0600) and its path printed, so a demo shows what would have
# been sent.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# Seconds before a silent SMTP server counts as a failure (then the worker retries later).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 20)
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "agencyaccess.notify.backends.ConsoleAndFileBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "AgencyAccess <noreply@agencyaccess.local>")

# /metrics answers only with this token (`Authorization: Bearer <token>`); without one it is off
# (404) and nothing is measured (docs/operations.md).
METRICS_TOKEN = env("METRICS_TOKEN")

# Logs: `plain` lines for a person, or `json`, one object a line, for a log collector.
LOG_FORMAT = env("LOG_FORMAT") or "plain"
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "agencyaccess.ops.logs.JsonFormatter"},
    },
    "filters": {
        "unavailable": {"()": "agencyaccess.lib.unavailable.DropUnavailable"},
        "one_per_minute": {"()": "agencyaccess.lib.unavailable.OnePerInterval"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django logs every 4xx as a warning; the API's 4xx are answers, not incidents. Its
        # line (and traceback) for every 503 of a database outage gives way to one a minute.
        "django.request": {"level": "ERROR", "filters": ["unavailable"]},
        # httpx logs every request's whole URL at INFO. Meta's token endpoint takes the app
        # secret, the sign-in code and access tokens in the query (meta/client.py), which must
        # never reach a log; lib/http.py reports failures itself, without the query.
        "httpx": {"level": "WARNING"},
        # The task runner says at INFO that it starts and finds nothing, on every tick of the
        # worker (each second); the worker logs the work it does itself.
        "django_tasks_db": {"level": "WARNING"},
        # The connection pool warns of each failed attempt to connect, several a second.
        "psycopg.pool": {"filters": ["one_per_minute"]},
    },
}
