"""Where the time of one API request goes: cProfile over many requests in-process.

It seeds a throwaway database like bench/api.py (SQLite in a temp dir, or PostgreSQL with
--postgres URL: that database is created and dropped), then sends the requests straight to
the production WSGI application (agencyaccess.wsgi: every middleware, the request signals that
open and close the database connection) and prints the costliest functions.

    .venv/bin/python bench/profile_request.py [--endpoint links/retrieve] [-n 2000]
        [--postgres postgres://postgres@127.0.0.1:5432/agencyaccess_bench] [--sort tottime]
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--endpoint",
        choices=["links/retrieve", "links/create", "clients/retrieve"],
        default="links/retrieve",
    )
    parser.add_argument("-n", type=int, default=2000, help="requests profiled")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--postgres", help="profile on this PostgreSQL database (created, dropped)")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key")
    parser.add_argument("--limit", type=int, default=45)
    parser.add_argument("--dump", help="also write the raw profile to this file")
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall: time as the client sees it, database waits included; cpu: this thread's"
        " CPU time only, which other processes on the machine do not inflate",
    )
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="agencyaccess-profile-")
    os.environ |= {
        "AGENCYACCESS_DATA_DIR": data_dir,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "agencyaccess.settings",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DEBUG"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(BENCH_DIR))
    import api

    if args.postgres:
        api._create_postgres(args.postgres)
        os.environ["DATABASE_URL"] = args.postgres
    try:
        profile(args)
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            api._drop_postgres(args.postgres)
        shutil.rmtree(data_dir, ignore_errors=True)


def profile(args: argparse.Namespace) -> None:
    import django

    django.setup()
    import seed

    seed.prepare_database()
    seeded = seed.seed_agency()
    seed.seed_bulk(seeded["agency"], seeded["accounts"], args.rows)
    client = seeded["client"]
    body = seed.realistic_create_body(client.public_id, seeded["accounts"])

    from django.db import connections

    from agencyaccess.links.actions import create_link, parse_services
    from agencyaccess.wsgi import application

    link = create_link(
        client, parse_services(seeded["agency"].pk, client, body["requestedAccounts"])
    )
    connections.close_all()  # as a server thread starts: no connection yet
    if connections["default"].vendor == "sqlite":
        # Under load other threads keep the database open, so closing a request's connection
        # is never the last close, which would checkpoint and remove the WAL every time.
        import sqlite3

        held = sqlite3.connect(connections["default"].settings_dict["NAME"])
        held.execute("SELECT 1 FROM django_migrations LIMIT 1").fetchall()

    method, path, payload = {
        "links/retrieve": ("GET", f"/api/links/retrieve?id={link.public_id}", b""),
        "links/create": ("POST", "/api/links/create", json.dumps(body).encode()),
        "clients/retrieve": ("GET", f"/api/clients/retrieve?id={client.public_id}", b""),
    }[args.endpoint]
    url = urlsplit(path)

    def request() -> None:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": url.path,
            "QUERY_STRING": url.query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_X_AUTH": seeded["key"],
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(payload)),
            "wsgi.input": io.BytesIO(payload),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        response = application(environ, lambda status, headers: statuses.append(status))
        b"".join(response)
        response.close()  # request_finished: what gunicorn does after each answer
        assert statuses[0].startswith("200"), (statuses, b"".join(response))

    for _ in range(50):
        request()
    clock = time.thread_time if args.clock == "cpu" else time.perf_counter
    began = clock()
    for _ in range(args.n):
        request()
    plain = clock() - began
    profiler = cProfile.Profile(time.thread_time if args.clock == "cpu" else time.perf_counter)
    began = clock()
    profiler.enable()
    for _ in range(args.n):
        request()
    profiler.disable()
    elapsed = clock() - began
    print(
        f"{args.endpoint} on {connections['default'].vendor}: {args.n} requests, "
        f"{plain / args.n * 1000:.2f} ms each ({elapsed / args.n * 1000:.2f} ms under the "
        f"profiler), one thread, {args.clock} clock"
    )
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler)
    print_breakdown(stats, args.n)
    stats.sort_stats(args.sort).print_stats(args.limit)


# (label, path fragment, function name): cumulative time of these, per request.
LAYERS = (
    ("the whole request (WSGIHandler)", "django/core/handlers/wsgi.py", "__call__"),
    ("  ApiMiddleware: key lookup (for_key)", "agencyaccess/apikeys/models.py", "for_key"),
    ("  ApiMiddleware: rate limit (hit)", "agencyaccess/apikeys/ratelimit.py", "hit"),
    ("  ninja Operation.run", "ninja/operation.py", "run"),
    ("    auth (ApiKeyAuth)", "ninja/operation.py", "_run_authentication"),
    ("    input parsing and validation", "ninja/operation.py", "_get_values"),
    ("    the view function", "agencyaccess/", "links_retrieve"),
    ("    the view function", "agencyaccess/", "links_create"),
    ("    the view function", "agencyaccess/", "clients_retrieve"),
    ("    response validation + JSON", "ninja/operation.py", "_result_to_response"),
    ("  request_finished (close connection)", "django/http/response.py", "close"),
    ("database: new connections", "django/db/backends/base/base.py", "connect"),
    ("database: closing connections", "django/db/backends/base/base.py", "close"),
    ("ORM: building querysets (filter, ...)", "django/db/models/query.py", "_filter_or_exclude"),
    ("ORM: compiling SQL (as_sql)", "django/db/models/sql/compiler.py", "as_sql"),
    ("ORM: executing (driver + database)", "django/db/backends/utils.py", "execute"),
    ("ORM: rows to model instances", "django/db/models/base.py", "from_db"),
    ("ORM: prefetch_related", "django/db/models/query.py", "prefetch_related_objects"),
    ("locale middleware", "django/middleware/locale.py", "process_request"),
    ("Django signals (request started/finished)", "django/dispatch/dispatcher.py", "send"),
)


def print_breakdown(stats: pstats.Stats, n: int) -> None:
    """Cumulative time per request of the layers above (nested rows are parts of the row above
    them; the ORM rows overlap the rows above). Profiler overhead inflates every figure alike."""
    whole = None
    print(f"\n{'where (cumulative, per request)':<44}{'ms':>8}{'share':>8}")
    for label, fragment, function in LAYERS:
        total = sum(
            row[3]
            for (path, _, name), row in stats.stats.items()  # type: ignore[attr-defined]
            if name == function and fragment in path
        )
        if not total:
            continue
        whole = whole or total
        print(f"{label:<44}{total / n * 1000:8.2f}{total / whole:8.0%}")
    print()


if __name__ == "__main__":
    main()
