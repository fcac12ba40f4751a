"""The servers the fault tests break: a PostgreSQL cluster, Redis, SMTP servers and the app's own
processes, each started by the test on a free port of this machine and stopped after it.

PostgreSQL runs from Debian's server programs (/usr/lib/postgresql/<version>/bin), as the
`postgres` user when the tests run as root (it refuses to run as root). One migrated cluster,
with an agency, its API key, a client and a Google account, is built once and kept in the
temporary directory; every test starts a copy of its own: migrating takes seconds, copying a
fraction of one.
"""

import asyncio
import contextlib
import fcntl
import functools
import hashlib
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import SkipTest

import psycopg

AGENCYACCESS = Path(sys.executable).with_name("agencyaccess")
SECRET_KEY = "fault-tests-secret"  # the seeded API key's digest is keyed by it
DATABASE = "agencyaccess"
# Memory-backed where there is one: a cluster's files are written often and thrown away.
SHM = Path("/dev/shm")  # noqa: S108 (directories of our own are made inside)

# Run in the template's database: the cast every fault test starts with, printed as JSON.
SEED = """
import json
from agencyaccess.accounts.actions import create_agency
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.platforms.models import ConnectedAccount

agency = create_agency("Fault Agency", "faults@example.org")
_, key = ApiKey.issue(agency, "Faults", list(API_CAPABILITIES))
client = Client.objects.create(agency=agency, name="Jane Doe", email="jane@example.com")
google = ConnectedAccount.objects.create(
    agency=agency,
    platform="google",
    email="ads@faults.example",
    fields={"google_ads_manager_ids": ["1234567890"]},
)
print(json.dumps({"key": key, "client": client.public_id, "google": google.public_id}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def temporary_directory() -> Path:
    return Path(tempfile.mkdtemp(prefix="aa-faults-", dir=SHM if SHM.is_dir() else None))


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `condition` until it returns something true; its value. The servers started here
    take their own time to come up or go down: there is no clock to move instead."""
    deadline = time.monotonic() + timeout
    while True:
        if value := condition():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


def running(pid: int) -> bool:
    """Alive: not gone, nor a zombie that nobody reaps."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def descendants(pid: int) -> list[int]:
    """Every live process under `pid`, children first."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] not in ("Z", "X"):
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        for child in parents.get(queue.pop(0), []):
            found.append(child)
            queue.append(child)
    return found


# --- PostgreSQL ------------------------------------------------------------------------------


def _postgres_bin() -> Path:
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3])
    )
    if not versions:
        raise SkipTest(
            "PostgreSQL's server programs are not installed (Debian: apt-get install postgresql)"
        )
    return versions[-1].parent


def _as_postgres() -> list[str]:
    """What runs a command as the user PostgreSQL accepts to run as."""
    if os.getuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise SkipTest(
            "running as root, and there is no postgres user to run PostgreSQL as"
        ) from None
    return ["runuser", "-u", "postgres", "--"]


def _give_to_postgres(path: Path) -> None:
    if os.getuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@dataclass
class Postgres:
    """A cluster of its own: a copy of the migrated template, on a free port."""

    cast: dict[str, str]
    directory: Path = field(default_factory=temporary_directory)
    port: int = field(default_factory=free_port)

    @classmethod
    def start_copy(cls) -> "Postgres":
        template, cast = _template()
        server = cls(cast)
        _give_to_postgres(server.directory)
        subprocess.run(
            [*_as_postgres(), "cp", "-a", str(template), str(server.directory / "data")],
            check=True,
        )
        server.start()
        return server

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            # Thrown away after the test: nothing to make durable.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("start", "-w", "-t", "30", "-l", str(self.directory / "log"), "-o", options)

    def stop(self) -> None:
        """Stopped as an operator would stop it under load: sessions are cut off."""
        self._pg_ctl("stop", "-w", "-m", "fast")

    def destroy(self) -> None:
        if (self.directory / "data" / "postmaster.pid").exists():
            self._pg_ctl("stop", "-w", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [
                *_as_postgres(),
                str(_postgres_bin() / "pg_ctl"),
                "-D",
                str(self.directory / "data"),
                *args,
            ],
            check=True,
            capture_output=True,
        )

    def query(self, sql: str, *params: Any) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url)


@functools.cache
def _template() -> tuple[Path, dict[str, str]]:
    """A migrated, seeded cluster, stopped, for the tests to copy: built by the first test
    process that needs it (the others wait on its lock), and kept in the temporary directory
    for later runs while the schema stays the same (the digest of the migrations, the pinned
    packages and the seed)."""
    _postgres_bin()
    _as_postgres()
    directory = Path(tempfile.gettempdir()) / f"aa-faults-template-{_schema_digest()}"
    with open(f"{directory}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (directory / "cast.json").exists():
            shutil.rmtree(directory, ignore_errors=True)  # a build that was cut short
            directory.mkdir()
            _build_template(directory)
    return directory / "data", json.loads((directory / "cast.json").read_text())


def _schema_digest() -> str:
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256(SEED.encode())
    for path in sorted(root.glob("agencyaccess/**/migrations/*.py")):
        digest.update(path.read_bytes())
    digest.update((root / "constraints.txt").read_bytes())
    return digest.hexdigest()[:16]


def _build_template(directory: Path) -> None:
    server = Postgres({}, directory)
    _give_to_postgres(directory)
    subprocess.run(
        [
            *_as_postgres(),
            str(_postgres_bin() / "initdb"),
            "-D",
            str(directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    server.start()
    data_dir = temporary_directory()
    try:
        admin = f"postgresql://postgres@127.0.0.1:{server.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        env = app_environment(server.url, data_dir)
        run_app(env, "migrate", "--noinput", "-v0")
        cast = run_app(env, "shell", "-v0", "-c", SEED).splitlines()[-1]
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    (directory / "log").unlink(missing_ok=True)
    (directory / "cast.json").write_text(cast)


# --- The app's processes ---------------------------------------------------------------------


def app_environment(database_url: str, data_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of the app's processes: this test's database and data directory, its home
    (gunicorn would otherwise write under the real one), no proxy, no Redis unless given."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "EMAIL_HOST") and "proxy" not in name.lower()
    }
    return inherited | {
        "DATABASE_URL": database_url,
        "AGENCYACCESS_DATA_DIR": str(data_dir),
        "HOME": str(data_dir),
        "SECRET_KEY": SECRET_KEY,
        **settings,
    }


def run_app(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [str(AGENCYACCESS), *argv], env=env, capture_output=True, text=True, timeout=120
    )
    if result.returncode:
        raise AssertionError(f"agencyaccess {argv[0]} failed:\n{result.stderr}")
    return result.stdout


@dataclass
class Process:
    """One of the app's long-running commands, its output in a file."""

    popen: subprocess.Popen
    log: Path

    @classmethod
    def start(cls, argv: list[str], env: dict[str, str], log: Path) -> "Process":
        with log.open("ab") as out:
            popen = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        return cls(popen, log)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        self.popen.send_signal(signum)

    def end(self) -> None:
        """Whatever is left of it and its children, at the end of a test."""
        for pid in [*descendants(self.pid), self.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.popen.wait()


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer (the connection failed)
    headers: dict[str, str]
    body: Any


def call(
    port: int,
    path: str,
    *,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Answer:
    """One HTTP request to the app on this machine; never raises for what the server does."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=data,
        headers={"Content-Type": "application/json", **(headers or {})},
        method="POST" if data is not None else "GET",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), _json(response.read()))
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), _json(error.read()))
    except (OSError, http.client.HTTPException):
        return Answer(0, {}, None)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def wait_until_serving(port: int, timeout: float = 60) -> None:
    wait_for(lambda: call(port, "/api/openapi.json", timeout=2).status == 200, timeout, "the app")


# --- Redis -------------------------------------------------------------------------------------


@dataclass
class Redis:
    popen: subprocess.Popen
    port: int

    @classmethod
    def start(cls) -> "Redis":
        binary = shutil.which("redis-server")
        if binary is None:
            raise SkipTest("redis-server is not installed (Debian: apt-get install redis-server)")
        port = free_port()
        popen = subprocess.Popen(
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        server = cls(popen, port)
        wait_for(server.answers, 10, "Redis")
        return server

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16) == b"+PONG\r\n"
        except OSError:
            return False

    def end(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGCONT)
            self.popen.kill()
        self.popen.wait()


# --- SMTP --------------------------------------------------------------------------------------


class SmtpServer:
    """A real SMTP server (aiosmtpd) that keeps each message's Message-ID and recipients and
    may run a hook while it holds the message, before it answers."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.port = free_port()
        self.received: list[str] = []  # Message-IDs, in order
        self.on_message: Callable[[int], None] = lambda count: None
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server, session, envelope) -> str:
        from email import message_from_bytes

        message_id = message_from_bytes(envelope.original_content or envelope.content)["Message-ID"]
        with self._lock:
            self.received.append(message_id)
            count = len(self.received)
        await asyncio.get_running_loop().run_in_executor(None, self.on_message, count)
        return "250 Message accepted for delivery"

    def end(self) -> None:
        self.controller.stop()


@contextmanager
def silent_smtp_server() -> Iterator[int]:
    """A server that takes the connection and never says a word: the hung SMTP server."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]
