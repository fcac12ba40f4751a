"""`agencyaccess serve`: migrate, then run the production server and the background worker under
a small supervisor.

A child that exits is started again, after a wait that doubles with each quick exit in a row
(1 s, 2 s, 4 s ... up to 30 s; a child that ran for a minute starts over at 1 s): the site stays
up while the worker is down, and the other way round. SIGTERM or SIGINT stops both: each gets
SIGTERM, and whatever still runs STOP_WITHIN seconds later is killed, with its own children.
"""

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connections

from agencyaccess.lib import commands

logger = logging.getLogger(__name__)

# Each gunicorn process runs this many threads, each holding at most one database connection:
# settings.DATABASE_POOL_SIZE is the same number (README, "Running in production").
THREADS = 4
# Processes, unless --workers says otherwise. gunicorn's usual 2 x CPU is for CPU-bound apps;
# this one waits on its database, and 2 x 15 cores x 4 threads ran PostgreSQL (100 connections
# by default) out of connections.
DEFAULT_WORKERS = min(2 * (os.cpu_count() or 1), 4)
# gunicorn's workers get this long to finish their requests when it stops.
GRACEFUL_TIMEOUT = 10
# Then everything still running is killed. The worker stops within its own 10 s.
STOP_WITHIN = GRACEFUL_TIMEOUT + 5
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 30.0
# A child that ran this long before exiting is restarted after BACKOFF_FIRST again.
STABLE_AFTER = 60.0


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """The production server, as `make run` and the benchmarks start it."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "agencyaccess.wsgi",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
        "--graceful-timeout",
        str(GRACEFUL_TIMEOUT),
        # Its default is one socket per user (~/.gunicorn/gunicorn.ctl) that every gunicorn of
        # that user shares, and deletes when it stops; nothing here uses it.
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        "127.0.0.1",
        # Metrics across its processes, JSON logs (docs/operations.md).
        "--config",
        "python:agencyaccess.ops.gunicorn_conf",
    ]


def add_server_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)


def prepare() -> None:
    """What the server needs before it starts: the tables, the cache table, the static files."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def worker_command() -> list[str]:
    return [sys.executable, "-m", "agencyaccess.cli", "worker"]


@dataclass
class Child:
    """A process the supervisor keeps running."""

    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    quick_exits: int = 0  # in a row
    restart_at: float = 0.0


class Supervisor:
    def __init__(self, children: list[Child]) -> None:
        self.children = children
        self.stop_requested = False

    def run(self) -> None:
        """Keep the children running until stop() is called; then stop them (within
        STOP_WITHIN seconds)."""
        for child in self.children:
            self._start(child)
        while not self.stop_requested:
            time.sleep(0.2)
            now = time.monotonic()
            for child in self.children:
                if child.process is None:
                    if now >= child.restart_at:
                        self._start(child)
                elif (code := child.process.poll()) is not None:
                    self._exited(child, code, now)
        self._stop_children()

    def stop(self) -> None:
        """Safe in a signal handler (which must take no lock): it only sets a flag run() reads."""
        self.stop_requested = True

    def _start(self, child: Child) -> None:
        # A session of its own: a Ctrl-C in the terminal reaches this supervisor only, which
        # stops the children in order, and the final kill can take the child's own children.
        child.process = subprocess.Popen(
            child.argv, start_new_session=True, preexec_fn=_die_with_parent
        )
        child.started = time.monotonic()
        logger.info("%s started (pid %d)", child.name, child.process.pid)

    def _exited(self, child: Child, code: int, now: float) -> None:
        child.process = None
        stable = now - child.started >= STABLE_AFTER
        child.quick_exits = 0 if stable else child.quick_exits + 1
        wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, child.quick_exits - 1))
        child.restart_at = now + wait
        logger.error("%s exited with code %d: starting it again in %g s", child.name, code, wait)

    def _stop_children(self) -> None:
        running = [child.process for child in self.children if child.process is not None]
        for process in running:
            _signal_group(process, signal.SIGTERM, leader_only=True)
        deadline = time.monotonic() + STOP_WITHIN
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("pid %d still running after %g s: killed", process.pid, STOP_WITHIN)
        # The leaders that stopped took their children with them; this is for the others.
        for process in running:
            _signal_group(process, signal.SIGKILL, leader_only=False)
            process.wait()


def _signal_group(process: subprocess.Popen, signum: int, *, leader_only: bool) -> None:
    """SIGTERM the child itself (gunicorn stops its own workers, gracefully); SIGKILL whatever
    is left of its process group."""
    try:
        if leader_only:
            process.send_signal(signum)
        else:
            os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def _die_with_parent() -> None:
    """In the child, before it runs: on Linux, SIGTERM when the supervisor dies, even by SIGKILL,
    so that no child outlives it."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _close_database() -> None:
    """The supervisor needs no database: it keeps no connection for its lifetime, nor the
    pool's threads, which must not run while it forks the children (preexec_fn)."""
    for connection in connections.all(initialized_only=True):
        connection.close()
        if connection.vendor == "postgresql":
            connection.close_pool()  # type: ignore[attr-defined]


class Command(commands.Command):
    help = "Migrate, then serve the app with a production server and the background worker."

    def add_arguments(self, parser):
        add_server_arguments(parser)

    def handle(self, *, host, port, workers, **options):
        prepare()
        _close_database()
        supervisor = Supervisor(
            [
                Child("worker", worker_command()),
                Child("gunicorn", gunicorn_command(host, port, workers)),
            ]
        )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda signum, frame: supervisor.stop())
        supervisor.run()
