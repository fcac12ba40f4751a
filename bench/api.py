"""Benchmark of the public API against a framework-free baseline (`make bench`).

For each database (SQLite, PostgreSQL) it makes a throwaway database, seeds it (bench/seed.py,
which also counts each endpoint's SQL queries on a small and on a large data set), then starts
the production server exactly as `agencyaccess serve` does (serve.gunicorn_command(), the same
workers and threads) and loads links/retrieve, links/create and clients/retrieve at a fixed
concurrency. It does the same with bench/baseline.py, a plain WSGI app doing the same database
work, on the same gunicorn flags, and prints requests per second, p50 and p99 of both, the CPU
each request took, and the ratios ours/baseline.

    .venv/bin/python bench/api.py [--db sqlite|postgres|both] [--duration S] [--concurrency N]
"""

import argparse
import json
import math
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import cpu
import load

from agencyaccess.management.commands.serve import Command as ServeCommand
from agencyaccess.management.commands.serve import gunicorn_command

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

ENDPOINTS = ("links/retrieve", "links/create", "clients/retrieve")
# "orm": ours with lib/sql.PreparedQuery answered by the ORM (bench/orm_queries), to see what
# the compiled queries still gain.
APPS = ("ours", "orm", "baseline")
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/agencyaccess_bench"
TARGET_RATIO = 0.5
NOISY = 0.1  # other processes taking more of the CPU than this during a run make it unreliable


def main() -> None:
    args = parse_args()
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print_header(args)
    summary: dict[str, dict] = {}
    for name in databases:
        with database(name, args.postgres) as env:
            if env is None:
                continue
            summary[name] = bench_database(name, env, args)
    if not summary:
        sys.exit("No database could be benchmarked.")
    print_summary(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
        print(f"\nResults written to {args.json}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--duration", type=float, default=5, help="seconds of each measured run (default 5)"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="measured runs per endpoint and app, each on new connections; the median is shown",
    )
    parser.add_argument(
        "--warmup", type=float, default=2, help="seconds of load before the runs (default 2)"
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--renew-every",
        type=int,
        default=load.RENEW_EVERY,
        help="close a connection (to open a new one) every N requests, 0 never (default"
        " %(default)s): spreads the connections over gunicorn's workers",
    )
    parser.add_argument(
        "--rows",
        type=int,
        default=5000,
        help="clients and links seeded for each of two agencies (default 5000)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=ServeCommand().create_parser("agencyaccess", "serve").parse_args([]).workers,
        help="gunicorn workers (default: what `agencyaccess serve` uses)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="database to create, use and drop (default %(default)s; env BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--show-sql", action="store_true", help="print each endpoint's queries")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    return parser.parse_args()


def print_header(args: argparse.Namespace) -> None:
    generator = load.generator_name()
    print("AgencyAccess API benchmark")
    print(
        f"  server:    gunicorn, {args.workers} workers x 4 threads (gthread), started with"
        " serve.gunicorn_command() as `make run` starts it (not its background worker)"
    )
    renewal = (
        f", each request in {args.renew_every} closing its connection for a new one"
        if args.renew_every
        else ""
    )
    print(
        f"  load:      {generator}, {args.concurrency} keep-alive connections{renewal};"
        " per endpoint and"
        f" app {args.warmup:g} s warm-up, then {args.runs} runs of {args.duration:g} s, each on"
        " new connections (median run shown)"
    )
    if generator != "wrk":
        print(
            f"             (wrk not found: `{load.WRK_INSTALL}` gives lighter, more exact load;"
            " the Python generator takes more of the CPU)"
        )
    print(
        f"  machine:   {os.cpu_count()} CPU cores shared by the server, the database and the load"
        " generator: absolute figures are below a dedicated server's; compare the ratios"
    )
    print(
        "  baseline:  bench/baseline.py, a plain WSGI app on the same gunicorn flags: key lookup"
        " and HMAC check, the same rows read (or inserted), the same JSON; no rate limit"
    )


@contextmanager
def database(name: str, postgres_url: str) -> Iterator[dict[str, str] | None]:
    """The environment of a throwaway database, removed afterwards; None when unavailable."""
    data_dir = Path(tempfile.mkdtemp(prefix="agencyaccess-bench-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DEBUG")
    }
    env |= {
        "AGENCYACCESS_DATA_DIR": str(data_dir),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PYTHONUNBUFFERED": "1",
    }
    try:
        if name == "sqlite":
            env["BENCH_DATABASE"] = f"sqlite:///{data_dir / 'db.sqlite3'}"
            yield env
            return
        try:
            _create_postgres(postgres_url)
        except Exception as e:
            reason = " ".join(str(e).split())
            print(
                f"\n== PostgreSQL: skipped, {_redacted(postgres_url)} is not reachable ({reason})."
            )
            yield None
            return
        try:
            env["DATABASE_URL"] = env["BENCH_DATABASE"] = postgres_url
            yield env
        finally:
            _drop_postgres(postgres_url)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _maintenance(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"a plain database name is needed in {url}")
    return urlunsplit(parts._replace(path="/postgres")), name


def _create_postgres(url: str) -> None:
    import psycopg

    admin, name = _maintenance(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_postgres(url: str) -> None:
    import psycopg

    admin, name = _maintenance(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@"))
    return urlunsplit(parts)


@dataclass(frozen=True)
class Run:
    """One measured run of one endpoint, and the CPU it took."""

    load: load.Result
    server_cpu: float | None  # seconds, gunicorn master and workers
    database_cpu: float | None  # seconds, PostgreSQL's processes (SQLite runs in the server)
    worker_shares: tuple[float, ...]  # each gunicorn worker's CPU, as a share of one core
    others_share: float | None  # CPU used by everything else, as a share of all cores


@dataclass(frozen=True)
class Measure:
    runs: tuple[Run, ...]

    @property
    def median(self) -> load.Result:
        by_rps = sorted(self.runs, key=lambda run: run.load.rps)
        return by_rps[len(by_rps) // 2].load

    @property
    def rps_range(self) -> tuple[float, float]:
        return min(r.load.rps for r in self.runs), max(r.load.rps for r in self.runs)

    @property
    def others_share(self) -> float | None:
        """The largest share of the CPU that other processes took during a run."""
        shares = [run.others_share for run in self.runs if run.others_share is not None]
        return max(shares) if shares else None

    @property
    def errors(self) -> int:
        return sum(run.load.errors for run in self.runs)

    @property
    def cpu_ms(self) -> float:
        """CPU per request over all runs, server and database, in milliseconds."""
        return self._per_request(lambda run: (run.server_cpu or 0) + (run.database_cpu or 0))

    @property
    def database_cpu_ms(self) -> float:
        return self._per_request(lambda run: run.database_cpu or 0)

    def _per_request(self, seconds) -> float:
        if any(run.server_cpu is None for run in self.runs):
            return math.nan
        requests = sum(run.load.requests for run in self.runs)
        return sum(seconds(run) for run in self.runs) / max(requests, 1) * 1000

    def as_json(self) -> dict:
        return {
            "rps": self.median.rps,
            "p50_ms": self.median.p50_ms,
            "p99_ms": self.median.p99_ms,
            "cpu_ms_per_request": self.cpu_ms,
            "errors": self.errors,
            "others_max": self.others_share,
            "runs": [asdict(run) | {"rps": run.load.rps} for run in self.runs],
        }


def bench_database(name: str, env: dict[str, str], args: argparse.Namespace) -> dict:
    title = {"sqlite": "SQLite", "postgres": "PostgreSQL"}[name]
    print(f"\n== {title}")
    began = time.monotonic()
    seeded = json.loads(
        subprocess.run(
            [sys.executable, str(BENCH_DIR / "seed.py"), "--rows", str(args.rows)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()[-1]
    )
    rows = ", ".join(f"{count:,} {what}" for what, count in seeded["rows"].items())
    size = seeded["link_size"]
    print(f"  seeded in {time.monotonic() - began:.0f} s: {rows}")
    print(
        f"  links/retrieve reads a link of {size['services']} services and"
        f" {size['account links']} account links; links/create posts the same link (a new one"
        " each time); clients/retrieve reads one client among the others"
    )

    headers = {"X-Auth": seeded["key"]}
    requests = {
        "links/retrieve": load.Request(
            "GET", f"/api/links/retrieve?id={seeded['link_id']}", headers
        ),
        "links/create": load.Request(
            "POST",
            "/api/links/create",
            headers | {"Content-Type": "application/json"},
            json.dumps(seeded["create_body"]).encode(),
        ),
        "clients/retrieve": load.Request(
            "GET", f"/api/clients/retrieve?id={seeded['client_id']}", headers
        ),
    }

    measures: dict[str, dict[str, Measure]] = {endpoint: {} for endpoint in ENDPOINTS}
    answers: dict[str, dict[str, object]] = {app: {} for app in APPS}
    baseline_queries: dict[str, int] = {}
    for app in APPS:
        with server(app, env, args.workers, requests["clients/retrieve"]) as (base_url, pid):
            for endpoint, request in requests.items():
                status, response_headers, body = load.fetch(base_url, request)
                if status != 200:
                    raise SystemExit(f"{app} {endpoint}: HTTP {status}: {body}")
                answers[app][endpoint] = body
                if app == "baseline":
                    baseline_queries[endpoint] = int(response_headers["X-Bench-Queries"])
                load.run(
                    base_url,
                    request,
                    concurrency=args.concurrency,
                    seconds=args.warmup,
                    renew_every=args.renew_every,
                )
                measures[endpoint][app] = measure = Measure(
                    tuple(
                        _run(base_url, pid, request, args, postgres=name == "postgres")
                        for _ in range(args.runs)
                    )
                )
                print("  " + _progress_line(app, endpoint, measure))

    same = [
        endpoint
        for endpoint in ("links/retrieve", "clients/retrieve")
        if answers["ours"][endpoint] == answers["baseline"][endpoint] == answers["orm"][endpoint]
    ]
    print(
        "  the baseline's answers equal ours on: "
        + (", ".join(same) or "NONE: the baseline does not do the same work")
    )
    queries = seeded["queries"]
    print_table(title, measures, queries, baseline_queries)
    if args.show_sql:
        for endpoint in ENDPOINTS:
            print(f"\n  SQL of {endpoint} (large data set):")
            for sql in queries["large"][endpoint]["sql"]:
                print("    " + " ".join(sql.split())[:300])
    return {
        "rows": seeded["rows"],
        "link_size": size,
        "endpoints": {
            endpoint: {
                **{app: measure.as_json() for app, measure in measures[endpoint].items()},
                "ratio_rps": _ratio(
                    measures[endpoint]["ours"].median.rps,
                    measures[endpoint]["baseline"].median.rps,
                ),
                # What lib/sql.py's compiled queries gain over the same code on the ORM.
                "prepared_gain_rps": _ratio(
                    measures[endpoint]["ours"].median.rps, measures[endpoint]["orm"].median.rps
                ),
                "prepared_gain_cpu": _ratio(
                    measures[endpoint]["orm"].cpu_ms, measures[endpoint]["ours"].cpu_ms
                ),
                "queries_small": queries["small"][endpoint]["queries"],
                "queries_large": queries["large"][endpoint]["queries"],
                "queries_baseline": baseline_queries[endpoint],
            }
            for endpoint in ENDPOINTS
        },
    }


def _run(
    base_url: str, pid: int, request: load.Request, args: argparse.Namespace, *, postgres: bool
) -> Run:
    workers = cpu.children(pid)
    server_before = cpu.tree_seconds(pid)
    workers_before = [cpu.tree_seconds(worker) for worker in workers]
    database_before = cpu.postgres_seconds() if postgres else None
    machine_before = cpu.machine_busy_seconds()
    result = load.run(
        base_url,
        request,
        concurrency=args.concurrency,
        seconds=args.duration,
        renew_every=args.renew_every,
    )
    machine_after = cpu.machine_busy_seconds()
    server_after = cpu.tree_seconds(pid)
    workers_after = [cpu.tree_seconds(worker) for worker in workers]
    database_after = cpu.postgres_seconds() if postgres else None
    server_cpu = _delta(server_before, server_after)
    database_cpu = _delta(database_before, database_after)
    machine = _delta(machine_before, machine_after)
    others = (
        None
        if machine is None or server_cpu is None
        else max(0.0, machine - server_cpu - (database_cpu or 0) - result.client_cpu)
        / result.seconds
        / (os.cpu_count() or 1)
    )
    return Run(
        result,
        server_cpu,
        database_cpu,
        tuple(
            (_delta(before, after) or 0) / result.seconds
            for before, after in zip(workers_before, workers_after, strict=True)
        ),
        others,
    )


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def _progress_line(app: str, endpoint: str, measure: Measure) -> str:
    result = measure.median
    low, high = measure.rps_range
    line = (
        f"{app:8} {endpoint:16} {result.rps:6.0f} req/s ({low:.0f}-{high:.0f})"
        f"  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
    )
    if measure.errors:
        line += f"  {measure.errors:,} ERRORS"
    if not math.isnan(measure.cpu_ms):
        line += f"  CPU {measure.cpu_ms:5.2f} ms/req"
        if measure.runs[0].database_cpu is not None:
            line += f" (postgres {measure.database_cpu_ms:.2f})"
        median_run = next(run for run in measure.runs if run.load is result)
        line += "  workers busy " + "/".join(f"{s:.0%}" for s in median_run.worker_shares)
        cores = os.cpu_count() or 1
        line += f"; {load.generator_name()} {result.client_cpu / result.seconds / cores:.0%}"
        others = measure.others_share
        if others is not None:
            line += f", other processes {others:.0%} of the CPU"
            if others > NOISY:
                line += " (NOISY)"
    return line


@contextmanager
def server(
    app: str, env: dict[str, str], workers: int, probe: load.Request
) -> Iterator[tuple[str, int]]:
    """gunicorn serving our app or the baseline, started as `agencyaccess serve` starts it:
    yields its address and process id."""
    port = _free_port()
    command = gunicorn_command("127.0.0.1", port, workers)
    env = dict(env)
    if app == "baseline":
        command[command.index("agencyaccess.wsgi")] = "baseline:application"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BENCH_DIR), env.get("PYTHONPATH")]))
    if app == "orm":
        orm_queries = str(BENCH_DIR / "orm_queries")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [orm_queries, env.get("PYTHONPATH")]))
    log_path = Path(env["AGENCYACCESS_DATA_DIR"]) / f"gunicorn-{app}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(process, base_url, probe, log_path)
        yield base_url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(process, base_url: str, probe: load.Request, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with suppress(OSError):
            if load.fetch(base_url, probe)[0] == 200:
                return
        time.sleep(0.2)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise SystemExit(f"The server at {base_url} did not start:\n{tail}")


def _ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline else math.nan


def print_table(title: str, measures, queries, baseline_queries) -> None:
    print(
        f"\n  {title}: ours and the baseline (base) at the same concurrency;"
        " ratio = ours / base (req/s: higher is better; the rest: lower is better)"
    )
    groups = ("req/s", "p50 ms", "p99 ms", "CPU ms/req")
    print(
        f"  {'':<17}"
        + "".join(f"{group:^26}" for group in groups)
        + f"  {'SQL queries':^22}\n"
        + f"  {'endpoint':<17}"
        + f"{'ours':>8}{'base':>9}{'ratio':>8} " * len(groups)
        + f"  {'ours small/large':>16}{'base':>6}"
    )
    for endpoint in ENDPOINTS:
        ours, base = measures[endpoint]["ours"], measures[endpoint]["baseline"]
        cells = ""
        for a, b, fmt in (
            (ours.median.rps, base.median.rps, ".0f"),
            (ours.median.p50_ms, base.median.p50_ms, ".1f"),
            (ours.median.p99_ms, base.median.p99_ms, ".1f"),
            (ours.cpu_ms, base.cpu_ms, ".2f"),
        ):
            cells += f"{a:8{fmt}}{b:9{fmt}}{_ratio(a, b):8.2f} "
        small = queries["small"][endpoint]["queries"]
        large = queries["large"][endpoint]["queries"]
        print(f"  {endpoint:<17}{cells}  {small:>9} / {large:<4}{baseline_queries[endpoint]:>6}")
    print(
        "  req/s, p50, p99: the median run. CPU ms/req: CPU time of the gunicorn processes"
        " (and of PostgreSQL) over all runs, per request served: it does not depend on how the"
        " load generator shares the cores."
    )
    print(
        "  SQL queries: ours counted in-process (django.test.Client + CaptureQueriesContext),"
        " small = a one-service link in an otherwise empty database, large = the benchmarked"
        " link with the bulk data; BEGIN/COMMIT included; the key's last_used write (at most"
        " once a minute) left out. base: statements the baseline ran for the same request."
    )


def print_summary(summary: dict[str, dict]) -> None:
    print(
        f"\n== Summary (aim: ours/baseline req/s >= {TARGET_RATIO}; a query count that does not"
        " grow with the data)"
    )
    ratios = []
    noisy = any(
        (figures[app]["others_max"] or 0) > NOISY
        for result in summary.values()
        for figures in result["endpoints"].values()
        for app in APPS
    )
    for name, result in summary.items():
        for endpoint, figures in result["endpoints"].items():
            ratio = figures["ratio_rps"]
            ratios.append(ratio)
            constant = figures["queries_small"] == figures["queries_large"]
            cpu_ratio = _ratio(
                figures["ours"]["cpu_ms_per_request"], figures["baseline"]["cpu_ms_per_request"]
            )
            print(
                f"  {name:<9}{endpoint:<17} req/s ratio {ratio:5.2f} "
                f"{'ok  ' if ratio >= TARGET_RATIO else 'LOW '}"
                f" CPU/request {cpu_ratio:5.1f}x the baseline's"
                f"   compiled queries: req/s {figures['prepared_gain_rps']:4.2f}x,"
                f" CPU {figures['prepared_gain_cpu']:4.2f}x the ORM's"
                f"   queries {figures['queries_large']:>2},"
                f" {'constant' if constant else 'GROWING WITH THE DATA'}"
            )
    print(f"  geometric mean of the req/s ratios: {statistics.geometric_mean(ratios):.2f}")
    if noisy:
        print(
            f"  WARNING: other processes took over {NOISY:.0%} of the CPU during some runs"
            " (NOISY above): those figures are unreliable; run again on a quiet machine."
        )


if __name__ == "__main__":
    main()
