"""The demo as a new user runs it, in a throwaway data directory: `agencyaccess migrate`,
`agencyaccess seed_demo`, then `agencyaccess serve` (gunicorn and the background worker, as
`make run` starts them) on a free port, with SITE_URL pointing at it so the connectors reach
the sandboxes over HTTP. Shared by demo_walkthrough.py and onboarding.py."""

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGENCYACCESS = [sys.executable, "-m", "agencyaccess.cli"]
START_TIMEOUT = 60  # seconds for serve to migrate, collect the static files and answer


@dataclass(frozen=True)
class Demo:
    url: str  # SITE_URL, where the server answers
    api_key: str  # the demo agency's key, as seed_demo printed it
    links: dict[str, str]  # language name as printed ("English") -> the client's link
    env: dict[str, str]  # the environment the server runs with (data directory, database)
    data_dir: Path
    log: Path  # the server's and the worker's output
    pid: int  # `agencyaccess serve`, leader of its process group

    def server_errors(self) -> list[str]:
        """Lines of the server's log that report an error or a traceback."""
        return [
            line
            for line in self.log.read_text(errors="replace").splitlines()
            if "Traceback" in line or re.search(r"\b(ERROR|CRITICAL)\b", line)
        ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args: list[str], env: dict[str, str]) -> str:
    """One `agencyaccess` command; its stdout. Fails loudly with its stderr."""
    done = subprocess.run(
        AGENCYACCESS + args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"agencyaccess {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


@contextmanager
def running_demo(
    *,
    workers: int | None = None,
    extra_env: dict[str, str] | None = None,
    keep: bool = False,
) -> Iterator[Demo]:
    """Migrate, seed and serve the demo; stop the server and remove the data afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="agencyaccess-demo-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY")
    }
    env |= {
        "AGENCYACCESS_DATA_DIR": str(data_dir),
        "SITE_URL": url,
        "PYTHONUNBUFFERED": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    env |= extra_env or {}
    log = data_dir / "serve.log"
    server = None
    try:
        run(["migrate", "--noinput", "-v0"], env)
        printed = run(["seed_demo"], env)
        api_key = re.search(r"API key:\s+(\S+)", printed)
        links = dict(re.findall(r"^\s+(English|Spanish|Dutch)\s+(\S+)$", printed, re.M))
        if api_key is None or len(links) != 3:
            raise SystemExit(f"seed_demo printed no API key or not three links:\n{printed}")
        serve = ["serve", "--port", str(port)]
        if workers:
            serve += ["--workers", str(workers)]
        with log.open("w") as out:
            # A process group of its own, so the worker and gunicorn's workers stop with it.
            server = subprocess.Popen(
                AGENCYACCESS + serve,
                env=env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _wait_until_up(url + "/static/onboarding/onboarding.css", server, log)
        yield Demo(url, api_key.group(1), links, env, data_dir, log, server.pid)
    finally:
        if server is not None:
            _stop(server)
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"agencyaccess serve exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit(
        f"agencyaccess serve did not answer within {START_TIMEOUT} s:\n{log.read_text()}"
    )


def _stop(server: subprocess.Popen) -> None:
    """Ctrl-C, as a user stops `make run` (serve then stops its children); then the group."""
    try:
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        return
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # anything left in the group
