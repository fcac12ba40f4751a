"""Benchmark of the client's pages (not part of the tests).

Server time of the link page and of the asset list (p50, p99 at a fixed concurrency, 16 by
default), measured side by side with a static file served by the same server, and the bytes
a phone downloads for the link page (HTML, CSS, JS, images, fonts; no third-party requests).
Aims (the issue's): a first page under 60 KB, and the link page's server time within twice
the static file's.

The server is the one `make run` starts (bench/demo.py: `agencyaccess serve`, gunicorn as
serve.gunicorn_command() runs it, and the background worker) on a throwaway database seeded
with `seed_demo`, plus the sandbox's client person (registry.sandbox_client_sign_in) signed in
to the platform (`--platform`, Google by default: any platform the registry has) on the English
demo link when it asks for that platform, else on a new link for the same client asking for
every service of the platform granted through an API, from an account of the demo agency
connected to the platform's sandbox as the dashboard's "Connect" would.

The asset list lists what the client's sign-in can share by calling the platform, here its
sandbox, over HTTP: that wait is part of its server time. By default the sandbox is served by a
second, identical gunicorn, standing in for the platform as a separate service: the measured
server's SITE_URL is that gunicorn's address, and every platform in sandbox mode calls
SITE_URL/sandbox/<platform>/. The measured server then spends its threads on its own pages
only, and the sandbox's share (its calls, their time, its CPU) is reported separately.
`--sandbox same` keeps the sandbox in the measured server, as the demo runs it; at a
concurrency near its thread count the pages then wait on calls that wait for a free thread of
the same server.

`--platform-latency MS` puts a round trip of MS milliseconds between the server and the
separate sandbox (bench/latency_proxy.py), as between a server and the platform: the asset
list's calls then wait on the network as they do in production.

Last, the client shares one asset (the first the page lets her tick) as the page's form does,
and the calls that share makes to the platform are counted from the sandbox's access log.

    .venv/bin/python bench/onboarding.py [--duration S] [--runs N] [--concurrency N]
        [--sandbox separate|same] [--platform-latency MS] [--platform KEY]
"""

import argparse
import gzip
import html
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import cpu
import django
import load
from demo import AGENCYACCESS, ROOT, Demo, free_port, running_demo
from django.conf import global_settings  # settings.py keeps Django's session cookie name
from latency_proxy import LatencyProxy

# A platform package imports its sandbox, whose records are models: Django is set up first.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencyaccess.settings")
django.setup()

from agencyaccess.management.commands.serve import Command as ServeCommand  # noqa: E402
from agencyaccess.management.commands.serve import gunicorn_command  # noqa: E402
from agencyaccess.platforms import registry  # noqa: E402

PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Mobile Safari/537.36"
)
# What a phone's browser sends; the load uses the same headers.
PHONE_HEADERS = {
    "User-Agent": PHONE_USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
    "Accept-Language": "en",
}
FIRST_PAGE_BUDGET = 60 * 1024
TARGET_RATIO = 2.0
# The link whose asset list is measured (BENCH_LINK, the English demo link, when it asks for
# BENCH_PLATFORM; else a new one for its client asking for every service of the platform with a
# connector), and the sandbox's client person signed in on it as the OAuth callback leaves it:
# kept with the link and remembered in her browser's session. Prints the link's id and the
# session's key (the asset list needs both).
SIGN_CLIENT_IN = """
import os
from django.contrib.sessions.backends.db import SessionStore
from agencyaccess.catalog import platform_by_key
from agencyaccess.links.actions import create_link, parse_services, store_client_token
from agencyaccess.links.models import Link
from agencyaccess.onboarding.views import remember_sign_in
from agencyaccess.platforms import registry
from agencyaccess.platforms.actions import connect_to_sandbox

link = Link.objects.get(public_id=os.environ["BENCH_LINK"])
platform = platform_by_key(os.environ["BENCH_PLATFORM"])
if not link.services.filter(platform=platform.key).exists():
    account = {"internalAccountID": connect_to_sandbox(link.agency, platform).public_id}
    wanted = {
        service.name: {"accessLevel": service.default, "requestedAccountLinks": [account]}
        for service in platform.services
        if registry.connector_for(service.key)
    }
    services = parse_services(link.agency_id, link.client, {platform.name: wanted})
    link = create_link(link.client, services)
tokens = registry.sandbox_client_sign_in(platform.key)
session = SessionStore()
remember_sign_in(session, store_client_token(link, platform.key, tokens))
session.create()
print(link.public_id, session.session_key)
"""
# A box the asset list lets the client tick: not disabled, not "select all" (html-escaped).
SHAREABLE = re.compile(r'<input type="checkbox" name="(\w+)" value="([^"]+)"(?: checked)?>')
SANDBOX_LOG_FORMAT = "%(r)s %(s)s %(D)s"  # request line, status, microseconds


def main() -> None:
    args = parse_args()
    sandbox_port = free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    if args.platform_latency:
        proxy = LatencyProxy(sandbox_port, args.platform_latency).start()
        sandbox_url = f"http://127.0.0.1:{proxy.port}"
    # Every platform in sandbox mode calls SITE_URL/sandbox/<platform>/: pointing the measured
    # server's SITE_URL at the separate gunicorn moves all of them there (the pages use paths).
    extra_env = {"SITE_URL": sandbox_url} if args.sandbox == "separate" else {}
    print_header(args)
    with running_demo(workers=args.workers, extra_env=extra_env) as demo:
        sandbox = (
            Sandbox.start(demo, sandbox_port, args.workers) if args.sandbox == "separate" else None
        )
        try:
            bench(demo, sandbox, args)
        finally:
            if sandbox is not None:
                sandbox.stop()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10, help="seconds of each run")
    parser.add_argument(
        "--runs", type=int, default=3, help="rounds of runs, one of each page in turn (median)"
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds of load per page first")
    parser.add_argument(
        "--workers",
        type=int,
        default=ServeCommand().create_parser("agencyaccess", "serve").parse_args([]).workers,
        help="gunicorn workers (default: what `agencyaccess serve` uses)",
    )
    parser.add_argument("--sandbox", choices=["separate", "same"], default="separate")
    parser.add_argument(
        "--platform",
        choices=sorted(registry.INTEGRATIONS),
        default="google",
        help="whose asset list and grant are measured (default google)",
    )
    parser.add_argument(
        "--platform-latency",
        type=float,
        default=0,
        metavar="MS",
        help="round trip added between the server and the separate sandbox (default 0)",
    )
    args = parser.parse_args()
    if args.platform_latency and args.sandbox != "separate":
        parser.error("--platform-latency needs the separate sandbox")
    return args


def print_header(args: argparse.Namespace) -> None:
    print("AgencyAccess client pages benchmark")
    print(
        f"  server:   `agencyaccess serve` as `make run` starts it: gunicorn, {args.workers}"
        " workers x 4 threads (gthread), and the background worker; SQLite (the default),"
        " seeded with seed_demo"
    )
    print(
        f"  load:     {load.generator_name()}, {args.concurrency} keep-alive connections; per"
        f" page {args.warmup:g} s warm-up, then {args.runs} rounds of {args.duration:g} s runs,"
        " the pages in turn (side by side); the median run is shown"
    )
    where = (
        f"a second gunicorn (same command), standing in for {args.platform}"
        if args.sandbox == "separate"
        else "the measured server itself, as the demo runs it"
    )
    if args.platform_latency:
        where += f", through a proxy adding a {args.platform_latency:g} ms round trip"
    print(f"  sandbox:  the asset list's calls to {args.platform} go to {where}")
    print(
        f"  machine:  {os.cpu_count()} CPU cores shared by the servers, the database and the"
        " load generator"
    )


@dataclass
class Sandbox:
    """The sandboxes in a gunicorn of their own, with an access log that times each call."""

    process: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, demo: Demo, port: int, workers: int) -> "Sandbox":
        log = demo.data_dir / "sandbox-access.log"
        command = [
            *gunicorn_command("127.0.0.1", port, workers),
            *("--access-logfile", str(log), "--access-logformat", SANDBOX_LOG_FORMAT),
        ]
        process = subprocess.Popen(
            command,
            env=demo.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while not log.exists() or get(f"http://127.0.0.1:{port}", "/static/")[0] == 0:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the sandbox's gunicorn did not start")
            time.sleep(0.2)
        return cls(process, log)

    @property
    def pid(self) -> int:
        return self.process.pid

    def calls(self, since: int) -> list[tuple[str, float]]:
        """(request line, milliseconds) of each call logged after byte `since`."""
        with self.log.open("rb") as f:
            f.seek(since)
            lines = f.read().decode(errors="replace").splitlines()
        calls = []
        for line in lines:
            request, _, micros = line.rpartition(" ")
            if micros.isdigit():
                calls.append((request.rsplit(" ", 1)[0], int(micros) / 1000))
        return calls

    def log_size(self) -> int:
        return self.log.stat().st_size

    def stop(self) -> None:
        stop_group(self.process, signal.SIGTERM)


def stop_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


@dataclass(frozen=True)
class Run:
    result: load.Result
    server_cpu: float | None  # seconds, the measured gunicorn and its workers
    sandbox_cpu: float | None  # seconds, the sandbox's gunicorn
    others_share: float | None  # CPU other processes took, as a share of all cores
    sandbox_calls: tuple[tuple[str, float], ...] = ()


def bench(demo: Demo, sandbox: Sandbox | None, args: argparse.Namespace) -> None:
    link_path = urlsplit(demo.links["English"]).path
    signed_in = subprocess.run(
        [*AGENCYACCESS, "shell", "-c", SIGN_CLIENT_IN],
        env=demo.env
        | {"BENCH_LINK": link_path.strip("/").split("/")[-1], "BENCH_PLATFORM": args.platform},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if signed_in.returncode:
        raise SystemExit(f"signing the client in to {args.platform} failed:\n{signed_in.stderr}")
    client_link, session_key = signed_in.stdout.strip().splitlines()[-1].split()
    janes_browser = {"Cookie": f"{global_settings.SESSION_COOKIE_NAME}={session_key}"}
    asset_list = f"/l/{client_link}/platform/{args.platform}/"
    status, _, page = get(demo.url, link_path)
    stylesheet = next((u for u in Subresources.of(page.decode()).urls if u.endswith(".css")), None)
    if status != 200 or stylesheet is None:
        raise SystemExit(f"the link page answered {status} with no stylesheet")
    # A first visit to the link page (no session); the asset list in Jane's browser.
    pages = {
        "static file": request(urlsplit(stylesheet).path),
        "link page": request(link_path),
        "asset list": request(asset_list, janes_browser),
    }
    for name, page_request in pages.items():
        path = page_request.path
        status, _, body = get(demo.url, path, page_request.headers)
        print(f"  {name:<12} GET {path}: HTTP {status}, {len(body):,} bytes")
        if status != 200 or (name == "asset list" and not SHAREABLE.search(body.decode())):
            raise SystemExit(f"{name}: not the page expected:\n{body[:2000].decode()}")

    for page_request in pages.values():
        load.run(demo.url, page_request, concurrency=args.concurrency, seconds=args.warmup)
    gunicorn = gunicorn_master(demo.pid)
    drain(demo, [gunicorn] + ([sandbox.pid] if sandbox else []))
    runs: dict[str, list[Run]] = {name: [] for name in pages}
    for _ in range(args.runs):
        for name, page_request in pages.items():
            runs[name].append(measure(demo, gunicorn, sandbox, page_request, args))
    report(runs, sandbox is not None)
    if sandbox is not None:
        share_one(demo, sandbox, asset_list, janes_browser)
    errors = demo.server_errors()
    print("\nserver log: " + ("no errors" if not errors else "\n  ".join(["", *errors[:20]])))
    phone_download(demo, link_path)


def request(path: str, headers: dict[str, str] | None = None) -> load.Request:
    return load.Request("GET", path, PHONE_HEADERS | (headers or {}))


def measure(
    demo: Demo,
    gunicorn: int,
    sandbox: Sandbox | None,
    page_request: load.Request,
    args: argparse.Namespace,
) -> Run:
    pids = [gunicorn] + ([sandbox.pid] if sandbox else [])
    before = [cpu.tree_seconds(pid) for pid in pids]
    machine_before = cpu.machine_busy_seconds()
    log_before = sandbox.log_size() if sandbox else 0
    result = load.run(demo.url, page_request, concurrency=args.concurrency, seconds=args.duration)
    machine = delta(machine_before, cpu.machine_busy_seconds())
    used = [delta(b, cpu.tree_seconds(pid)) for b, pid in zip(before, pids, strict=True)]
    calls = tuple(sandbox.calls(log_before)) if sandbox else ()
    others = (
        None
        if machine is None or None in used
        else max(0.0, machine - sum(u or 0 for u in used) - result.client_cpu)
        / result.seconds
        / (os.cpu_count() or 1)
    )
    drain(demo, pids)
    return Run(result, used[0], used[1] if sandbox else None, others, calls)


def drain(demo: Demo, pids: list[int]) -> None:
    """Wait until the servers are idle and answer at once: the requests the load generator
    left unanswered when it stopped would otherwise slow the next run down."""
    deadline = time.monotonic() + 120
    idle = 0
    while idle < 2 and time.monotonic() < deadline:
        before = sum(cpu.tree_seconds(pid) or 0 for pid in pids)
        time.sleep(0.25)
        busy = (sum(cpu.tree_seconds(pid) or 0 for pid in pids) - before) / 0.25
        began = time.perf_counter()
        get(demo.url, "/static/onboarding/onboarding.css")
        quick = time.perf_counter() - began < 0.05
        idle = idle + 1 if busy < 0.1 and quick else 0


def gunicorn_master(serve_pid: int) -> int:
    """The gunicorn that `agencyaccess serve` started (its other child is the worker)."""
    for pid in cpu.children(serve_pid):
        if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    raise SystemExit("no gunicorn under `agencyaccess serve`")


def delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda run: run.result.rps)[len(runs) // 2]


def report(runs: dict[str, list[Run]], separate_sandbox: bool) -> None:
    print(
        f"\n  {'':<12} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
        f" {'CPU ms/req':>11} {'others':>7}"
    )
    medians = {name: median_run(page_runs) for name, page_runs in runs.items()}
    for name, run in medians.items():
        r = run.result
        cpu_ms = (
            f"{run.server_cpu / r.requests * 1000:.1f}" if run.server_cpu and r.requests else "-"
        )
        errors = sum(x.result.errors for x in runs[name])
        shares = [x.others_share for x in runs[name] if x.others_share is not None]
        others = f"{max(shares):.0%}" if shares else "-"
        print(
            f"  {name:<12} {r.rps:>8.0f} {r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {errors:>7}"
            f" {cpu_ms:>11} {others:>7}"
        )
        spread = [f"{x.result.rps:.0f}" for x in runs[name]]
        print(f"  {'':<12} (req/s of the runs: {', '.join(spread)})")
    print(
        "  CPU ms/req: the measured gunicorn's CPU per answered request; others: the largest"
        " share of the machine's CPU that other processes took during a run (noise)"
    )

    static, page, assets = (medians[n].result for n in ("static file", "link page", "asset list"))
    if not assets.requests:
        print(
            "  NO asset list was answered: each holds a thread of the server while it calls the"
            " sandbox on the same server, and with as many pages loading as the server has"
            " threads, those calls wait for a thread that never comes free (until the"
            " platform calls time out)"
        )
    p50_ratio, p99_ratio = page.p50_ms / static.p50_ms, page.p99_ms / static.p99_ms
    verdict = "within" if p50_ratio <= TARGET_RATIO else "OVER"
    print(
        f"\n  link page / static file: p50 x{p50_ratio:.2f}, p99 x{p99_ratio:.2f},"
        f" req/s x{page.rps / static.rps:.2f} ({verdict} the aim of x{TARGET_RATIO:g} on p50)"
    )
    if assets.requests:
        print(
            f"  asset list / static file: p50 x{assets.p50_ms / static.p50_ms:.1f},"
            f" p99 x{assets.p99_ms / static.p99_ms:.1f}"
        )

    run = medians["asset list"]
    if separate_sandbox and run.result.requests:
        calls = run.sandbox_calls
        per_page = len(calls) / run.result.requests
        sandbox_ms = sum(ms for _, ms in calls) / run.result.requests
        kinds = call_kinds(calls)
        print(
            f"\n  the asset list's calls to the sandbox (the platform's stand-in), per page:"
            f" {per_page:.1f}"
            f" calls, {sandbox_ms:.0f} ms of sandbox server time in all"
            f" (p50 of one call {statistics.median(ms for _, ms in calls):.1f} ms),"
            f" {run.sandbox_cpu / run.result.requests * 1000:.1f} ms of sandbox CPU"
            if calls and run.sandbox_cpu is not None
            else "\n  the sandbox logged no calls"
        )
        for kind, count in kinds.items():
            print(f"    {count / run.result.requests:5.1f} x {kind}")
        own = run.server_cpu / run.result.requests * 1000 if run.server_cpu else float("nan")
        print(
            f"  of the asset list's p50 {run.result.p50_ms:.0f} ms, the platform spent"
            f" {sandbox_ms:.0f} ms answering (in all: calls about different accounts overlap,"
            f" lib/parallel.py); our own work is {own:.1f} ms CPU per page (listing, checks,"
            f" rendering), and at this load the rest is waiting for the 2 cores"
        )


def share_one(demo: Demo, sandbox: Sandbox, path: str, browser: dict[str, str]) -> None:
    """The client shares the first asset the list lets her tick, as its form posts it, once
    (her sign-in is forgotten after sharing): the platform calls of the share, less those of
    listing her assets again (the page lists them before it grants, to check what she ticked),
    are the calls of one grant."""
    before = sandbox.log_size()
    status, headers, body = exchange(demo.url, "GET", path, browser)
    cookies = [cookie.split(";", 1)[0] for cookie in headers.get_all("Set-Cookie") or []]
    listing = sandbox.calls(before)
    page = body.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    ticked = SHAREABLE.search(page)
    if status != 200 or token is None or ticked is None:
        raise SystemExit(f"the asset list has nothing to share:\n{page[:2000]}")
    service, asset = ticked.group(1), html.unescape(ticked.group(2))
    form = urlencode({service: asset, "csrfmiddlewaretoken": token.group(1)})
    cookie = "; ".join([browser["Cookie"], *cookies])
    before = sandbox.log_size()
    began = time.perf_counter()
    status, _, _ = exchange(
        demo.url,
        "POST",
        path,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        form.encode(),
    )
    took = (time.perf_counter() - began) * 1000
    if status != 302:
        raise SystemExit(f"sharing {service} {asset} answered HTTP {status}")
    shared = sandbox.calls(before)
    print(
        f'\nOne grant, {service} {asset} ("Share what I ticked", {took:.0f} ms):'
        f" {len(shared)} calls to the platform, {len(listing)} of them listing her assets"
        f" again (as the asset list does), so {len(shared) - len(listing)} for the grant"
    )
    for kind, count in call_kinds(shared).items():
        print(f"    {count} x {kind}")


def call_kinds(calls: list[tuple[str, float]] | tuple[tuple[str, float], ...]) -> dict[str, int]:
    """How many calls of each kind: method and path, ids and the query left out, most first."""
    kinds: dict[str, int] = {}
    for line, _ in calls:
        kind = re.sub(r"/\d+", "/{id}", line.split("?")[0].removesuffix(" HTTP/1.1"))
        kinds[kind] = kinds.get(kind, 0) + 1
    return dict(sorted(kinds.items(), key=lambda item: -item[1]))


# -- What a phone downloads -------------------------------------------------------------------


class Subresources(HTMLParser):
    """Every URL a browser fetches to show a page: stylesheets, scripts, images, icons,
    preloads, and url(...) in inline styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @classmethod
    def of(cls, html: str) -> "Subresources":
        parser = cls()
        parser.feed(html)
        return parser

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        rel = a.get("rel", "").lower().split()
        if tag == "link" and ({"stylesheet", "icon", "preload", "modulepreload"} & set(rel)):
            self.urls.append(a.get("href", ""))
        elif tag in ("script", "img", "source", "iframe", "audio", "video") and a.get("src"):
            self.urls.append(a["src"])
        if a.get("srcset"):
            self.urls += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if a.get("style"):
            self.urls += css_urls(a["style"])

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.urls += css_urls(data)


def css_urls(css: str) -> list[str]:
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css)
    found += re.findall(r"""@import\s+['"]([^'"]+)['"]""", css)
    return [url for url in found if not url.startswith("data:")]


def phone_download(demo: Demo, link_path: str) -> None:
    """Fetch the link page as a phone does and everything it references; sum the bytes."""
    print(f"\nWhat a phone downloads for the link page ({link_path}):")
    site = urlsplit(demo.url)
    pending = [urljoin(demo.url, link_path)]
    fetched: dict[str, tuple[int, bytes, int]] = {}  # url -> status, body, bytes as sent
    off_site = []
    while pending:
        url = pending.pop(0)
        parts = urlsplit(url)
        if url in fetched or parts.scheme == "data":  # data: URLs are in the page already
            continue
        if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
            off_site.append(url)
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        status, headers, body = get(demo.url, path)
        _, compressed_headers, sent = get(demo.url, path, {"Accept-Encoding": "gzip, deflate, br"})
        fetched[url] = (status, body, len(sent))
        kind = headers.get("content-type", "")
        encoding = compressed_headers.get("content-encoding", "none")
        print(
            f"  {status} {path}: {len(body):,} bytes ({kind}), {len(sent):,} as sent with"
            f" Accept-Encoding (encoding: {encoding})"
        )
        if "text/html" in kind:
            pending += [urljoin(url, u) for u in Subresources.of(body.decode()).urls if u]
        elif "text/css" in kind:
            pending += [urljoin(url, u) for u in css_urls(body.decode())]

    raw = sum(len(body) for _, body, _ in fetched.values())
    compressed = sum(len(gzip.compress(body, 6)) for _, body, _ in fetched.values())
    sent = sum(n for _, _, n in fetched.values())
    print(
        f"  total: {len(fetched)} requests, {raw:,} bytes raw, {compressed:,} gzip-compressed,"
        f" {sent:,} as this server sends them to a browser that accepts compression"
    )
    favicon_status, _, favicon = get(demo.url, "/favicon.ico")
    print(
        f"  (a browser also asks for /favicon.ico when a page names no icon: HTTP"
        f" {favicon_status}, {len(favicon):,} bytes; with it {raw + len(favicon):,} bytes raw)"
    )
    verdict = "under" if raw + len(favicon) < FIRST_PAGE_BUDGET else "OVER"
    print(f"  {verdict} the aim of {FIRST_PAGE_BUDGET // 1024} KB for a first page (raw bytes)")
    if off_site:
        raise SystemExit("third-party requests: " + ", ".join(off_site))
    print("  no URL points off-host: no third-party requests")


def get(
    base_url: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """A GET as a phone's browser sends it; status 0 when nothing answered."""
    try:
        status, message, body = exchange(base_url, "GET", path, headers or {})
    except OSError:
        return 0, {}, b""
    return status, {k.lower(): v for k, v in message.items()}, body


def exchange(
    base_url: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request with a phone browser's headers: the status, the headers, the body."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=PHONE_HEADERS | headers)
        response = conn.getresponse()
        return response.status, response.msg, response.read()
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
