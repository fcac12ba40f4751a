"""The baseline of bench/api.py: the same three endpoints as a plain WSGI callable, no framework.

It does the database work each endpoint needs and nothing else: look up the key by its lookup
id and check the HMAC of its secret the way agencyaccess/apikeys/models.py does, fetch (or
insert) the rows, answer the same JSON. No rate limit, no validation beyond what the lookups
need, one connection per thread kept open. Served by gunicorn with the same flags as the app.

Environment: BENCH_DATABASE (`sqlite:////path/db.sqlite3` or a postgres:// URL), SECRET_KEY,
SITE_URL. Every answer carries X-Bench-Queries, the number of SQL statements it ran.
"""

import hashlib
import hmac
import json
import os
import secrets
import string
import threading
from datetime import UTC, datetime
from urllib.parse import parse_qs

# Pure data (a table of platforms and services); it imports nothing of Django.
from agencyaccess.catalog import platform_by_name, service_by_key

DATABASE = os.environ["BENCH_DATABASE"]
SECRET_KEY = os.environ["SECRET_KEY"]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SQLITE = DATABASE.startswith("sqlite:///")

LANGUAGES = {"en": "English", "es": "Spanish", "nl": "Dutch"}
ALPHABET = string.ascii_letters + string.digits
_local = threading.local()


def _hmac_key() -> bytes:
    # django.utils.crypto.salted_hmac("agencyaccess.apikeys", secret, algorithm="sha256")
    return hashlib.sha256(("agencyaccess.apikeys" + SECRET_KEY).encode()).digest()


HMAC_KEY = _hmac_key()


class Db:
    """One connection per thread, in autocommit; counts the statements it runs."""

    def __init__(self) -> None:
        if SQLITE:
            import sqlite3

            self.conn = sqlite3.connect(
                DATABASE.removeprefix("sqlite:///"),
                timeout=20,
                isolation_level=None,
                check_same_thread=False,
            )
            self.conn.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg

            self.conn = psycopg.connect(DATABASE, autocommit=True)
        self.queries = 0

    def all(self, sql: str, params=()) -> list[tuple]:
        self.queries += 1
        if SQLITE:
            return self.conn.execute(sql.replace("%s", "?"), params).fetchall()
        with self.conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def one(self, sql: str, params=()) -> tuple | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None


def db() -> Db:
    conn = getattr(_local, "db", None)
    if conn is None:
        conn = _local.db = Db()
    conn.queries = 0
    return conn


class Refused(Exception):
    def __init__(self, status: str, msg: str) -> None:
        self.status, self.msg = status, msg


def api_key(conn: Db, environ, capability: str) -> tuple[int, int]:
    """(key id, agency id) of the live key in X-Auth that has `capability`."""
    key = environ.get("HTTP_X_AUTH", "")
    lookup, _, secret = key.removeprefix("aak_").partition("_")
    if (
        not key.startswith("aak_")
        or len(lookup) != 12
        or len(secret) != 40
        or not all(c in ALPHABET for c in lookup + secret)
    ):
        raise Refused("401 Unauthorized", "Invalid API key.")
    row = conn.one(
        "SELECT id, agency_id, digest, capabilities FROM apikeys_apikey "
        "WHERE revoked IS NULL AND lookup = %s",
        (lookup,),
    )
    digest = hmac.new(HMAC_KEY, secret.encode(), hashlib.sha256).hexdigest()
    if row is None or not hmac.compare_digest(row[2], digest):
        raise Refused("401 Unauthorized", "Invalid API key.")
    if capability not in _json(row[3]):
        raise Refused("403 Forbidden", f"This API key lacks the {capability} capability.")
    return row[0], row[1]


def links_retrieve(conn: Db, environ) -> object:
    _, agency_id = api_key(conn, environ, "links:retrieve")
    public_id = _query_id(environ)
    link = conn.one(
        "SELECT l.id, l.public_id, l.cc, c.public_id, l.created, l.last_reminder, "
        "l.intake_form_requested, l.intake_completed, l.redirect, l.thank_you_message, "
        "l.retain_tokens FROM links_link l JOIN clients_client c ON c.id = l.client_id "
        "WHERE l.agency_id = %s AND l.public_id = %s",
        (agency_id, public_id),
    )
    if link is None:
        raise Refused("404 Not Found", f'No link of your agency has the id "{public_id}".')
    services = conn.all(
        "SELECT id, service_key, access_level, requested, status FROM links_requestedservice "
        "WHERE link_id = %s ORDER BY position",
        (link[0],),
    )
    account_links: dict[int, list[dict]] = {row[0]: [] for row in services}
    if services:
        rows = conn.all(
            "SELECT al.requested_service_id, al.mcc_id, ca.public_id "
            "FROM links_requestedaccountlink al "
            "JOIN platforms_connectedaccount ca ON ca.id = al.connected_account_id "
            f"WHERE al.requested_service_id IN ({', '.join(['%s'] * len(services))}) "
            "ORDER BY al.position",
            [row[0] for row in services],
        )
        for service_id, mcc_id, account_id in rows:
            account_links[service_id].append(
                {"internalAccountID": account_id}
                | ({"googleAdsMCCAccountID": mcc_id} if mcc_id else {})
            )
    requested: dict[str, dict] = {}
    for service_id, key, level, is_requested, status in services:
        service = service_by_key(key)
        requested.setdefault(service.platform.name, {})[service.name] = {
            "accessLevel": level,
            "requested": bool(is_requested),
            "granted": status == "granted",
            "skipped": status == "skipped",
            "requestedAccountLinks": account_links[service_id],
        }
    return {
        "id": link[1],
        "url": f"{SITE_URL}/l/{link[1]}/",
        "cc": _json(link[2]),
        "clientID": link[3],
        "created": _epoch_ms(link[4]),
        "lastReminderTimestamp": _epoch_ms(link[5]),
        "requestedAccounts": requested,
        "intakeForm": {"requested": bool(link[6]), "complete": link[7] is not None},
        "redirect": link[8],
        "staticLinkRef": "",
        "thankYouMessage": link[9],
        "retainTokens": bool(link[10]),
    }


def clients_retrieve(conn: Db, environ) -> object:
    _, agency_id = api_key(conn, environ, "clients:retrieve")
    public_id = _query_id(environ)
    row = conn.one(
        "SELECT public_id, name, email, company, website, language, type, created, metadata "
        "FROM clients_client WHERE agency_id = %s AND public_id = %s",
        (agency_id, public_id),
    )
    if row is None:
        raise Refused("404 Not Found", f'No client of your agency has the id "{public_id}".')
    return {
        "id": row[0],
        "name": row[1],
        "email": row[2],
        "company": row[3],
        "website": row[4],
        "language": LANGUAGES[row[5]],
        "type": row[6],
        "created": _epoch_ms(row[7]),
        "metadata": _json(row[8]),
    }


def links_create(conn: Db, environ) -> object:
    _, agency_id = api_key(conn, environ, "links:create")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length))
        requested_accounts = body["requestedAccounts"]
    except (ValueError, KeyError, TypeError):
        raise Refused("400 Bad Request", "The request body is not valid.") from None
    client = conn.one(
        "SELECT id FROM clients_client WHERE agency_id = %s AND public_id = %s",
        (agency_id, body.get("clientID")),
    )
    if client is None:
        raise Refused("400 Bad Request", "Please provide a valid clientID")
    # (service, level, requested, [(account public id, mcc id)]) in request order.
    specs = []
    for platform_name, services in requested_accounts.items():
        platform = platform_by_name(platform_name)
        for service_name, config in services.items():
            service = platform.service(service_name) if platform else None
            if service is None:
                raise Refused("400 Bad Request", f"Unknown service {service_name}.")
            level = config.get("accessLevel")
            level = service.level(level).key if level else service.default
            links = [
                (a["internalAccountID"], (a.get("googleAdsMCCAccountID") or "").replace("-", ""))
                for a in config.get("requestedAccountLinks") or []
            ]
            specs.append((service, level, config.get("requested", True), links))
    wanted = sorted({account for spec in specs for account, _ in spec[3]})
    accounts = {
        public_id: pk
        for pk, public_id in conn.all(
            "SELECT id, public_id FROM platforms_connectedaccount "
            f"WHERE agency_id = %s AND public_id IN ({', '.join(['%s'] * len(wanted))})",
            [agency_id, *wanted],
        )
    }
    if len(accounts) != len(wanted):
        raise Refused("400 Bad Request", "Unknown internalAccountID.")

    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if SQLITE else now
    public_id = "".join(secrets.choice(ALPHABET) for _ in range(20))
    conn.all("BEGIN IMMEDIATE" if SQLITE else "BEGIN")
    try:
        (link_id,) = conn.one(
            "INSERT INTO links_link (agency_id, client_id, public_id, intake_form_requested, "
            "send_email, thank_you_message, redirect, retain_tokens, cc, created, last_reminder, "
            "intake_answers, reminders_sent, completions) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '{}', 0, 0) RETURNING id",
            (
                agency_id,
                client[0],
                public_id,
                bool(body.get("intakeForm")),
                bool(body.get("sendEmail")),
                body.get("thankYouMessage") or "",
                (body.get("redirect") or "").removeprefix("https://").removeprefix("http://"),
                bool(body.get("retainTokens")),
                json.dumps(body.get("cc") or []),
                stamp,
                stamp,
            ),
        )
        service_ids = {
            position: pk
            for pk, position in conn.all(
                "INSERT INTO links_requestedservice (link_id, platform, service_key, "
                "access_level, requested, status, position, updated) VALUES "
                + ", ".join(["(%s, %s, %s, %s, %s, 'pending', %s, %s)"] * len(specs))
                + " RETURNING id, position",
                [
                    value
                    for position, (service, level, requested, _) in enumerate(specs)
                    for value in (
                        link_id,
                        service.platform.key,
                        service.key,
                        level,
                        bool(requested),
                        position,
                        stamp,
                    )
                ],
            )
        }
        rows = [
            (service_ids[position], accounts[account], mcc_id, index)
            for position, spec in enumerate(specs)
            for index, (account, mcc_id) in enumerate(spec[3])
        ]
        if rows:
            conn.all(
                "INSERT INTO links_requestedaccountlink (requested_service_id, "
                "connected_account_id, mcc_id, position) VALUES "
                + ", ".join(["(%s, %s, %s, %s)"] * len(rows)),
                [value for row in rows for value in row],
            )
        conn.all("COMMIT")
    except BaseException:
        conn.all("ROLLBACK")
        raise
    return public_id


ROUTES = {
    ("GET", "/api/links/retrieve"): links_retrieve,
    ("POST", "/api/links/create"): links_create,
    ("GET", "/api/clients/retrieve"): clients_retrieve,
}


def application(environ, start_response):
    view = ROUTES.get((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
    conn = db()
    if view is None:
        status, body = "404 Not Found", {"error": True, "msg": "Not found."}
    else:
        try:
            status, body = "200 OK", {"error": False, "data": view(conn, environ)}
        except Refused as refused:
            status, body = refused.status, {"error": True, "msg": refused.msg}
    content = json.dumps(body).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(content))),
            ("X-Bench-Queries", str(conn.queries)),
        ],
    )
    return [content]


def _query_id(environ) -> str:
    return parse_qs(environ.get("QUERY_STRING", "")).get("id", [""])[0]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _epoch_ms(value) -> int:
    if isinstance(value, str):  # SQLite keeps datetimes as text, in UTC
        value = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return int(value.timestamp() * 1000)
