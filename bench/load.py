"""Closed-loop HTTP load at a fixed concurrency: wrk when installed, else a Python fallback.

Both keep connections alive (renewing one now and then, see RENEW_EVERY) and report requests
per second, latency percentiles and the CPU the generator itself used.
"""

import http.client
import json
import math
import os
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

WRK_INSTALL = "apt-get install wrk"


# By default every 20th request closes its connection, which is then opened again. Keep-alive
# connections stay with the gunicorn worker that accepted them, and 16 opened at once are spread
# by an accept race that often leaves one worker most of them and others idle; renewing them
# spreads the load as many clients would. It costs both apps alike: a localhost connect.
RENEW_EVERY = 20


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes = b""


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # 4xx/5xx answers, connection errors, timeouts
    client_cpu: float  # CPU seconds the load generator used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def run(
    base_url: str,
    request: Request,
    *,
    concurrency: int,
    seconds: float,
    renew_every: int = RENEW_EVERY,
) -> Result:
    """Load `request` for `seconds` on `concurrency` connections; each connection is renewed
    after every `renew_every`-th request overall (0: never)."""
    if shutil.which("wrk"):
        return _wrk(base_url, request, concurrency, seconds, renew_every)
    return _python(base_url, request, concurrency, seconds, renew_every)


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


_WRK_SCRIPT = """
wrk.method = {method}
wrk.body = {body}
{headers}
local keep, renew
local sent = 0
init = function(args)
  keep = wrk.format()
  local headers = {{}}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Connection"] = "close"
  renew = wrk.format(nil, nil, headers)
end
request = function()
  sent = sent + 1
  if {renew_every} > 0 and sent % {renew_every} == 0 then return renew end
  return keep
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT %d %d %d %.0f %.0f\\n",
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua(value: str) -> str:
    return "[==[" + value + "]==]"


def _wrk(
    base_url: str, request: Request, concurrency: int, seconds: float, renew_every: int
) -> Result:
    script = _WRK_SCRIPT.format(
        method=_lua(request.method),
        body=_lua(request.body.decode()) if request.body else "nil",
        renew_every=renew_every,
        headers="\n".join(
            f"wrk.headers[ {_lua(name)} ] = {_lua(value)}"
            for name, value in request.headers.items()
        ),
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    cpu_before = _cpu(resource.RUSAGE_CHILDREN)
    try:
        # One wrk thread: it drives 16 connections easily and leaves the most CPU to the server.
        out = subprocess.run(
            [
                "wrk",
                "--threads",
                "1",
                "--connections",
                str(concurrency),
                "--duration",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "--script",
                f.name,
                base_url + request.path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next((line for line in out.splitlines() if line.startswith("BENCH_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    requests, duration_us, errors, p50_us, p99_us = (float(v) for v in line.split()[1:])
    return Result(
        int(requests),
        duration_us / 1e6,
        p50_us / 1000,
        p99_us / 1000,
        int(errors),
        _cpu(resource.RUSAGE_CHILDREN) - cpu_before,
    )


def _python(
    base_url: str, request: Request, concurrency: int, seconds: float, renew_every: int
) -> Result:
    """Threads with one keep-alive connection each. It shares the GIL and the CPU with nothing
    but itself, yet costs far more CPU per request than wrk: figures are lower bounds."""
    url = urlsplit(base_url)
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    start = threading.Event()
    deadline = 0.0

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        start.wait()
        mine = latencies[n]
        renew = request.headers | {"Connection": "close"}
        while True:
            began = time.perf_counter()
            if began >= deadline:
                break
            closing = renew_every > 0 and (len(mine) + 1) % (renew_every * concurrency) == 0
            try:
                conn.request(
                    request.method,
                    request.path,
                    body=request.body or None,
                    headers=renew if closing else request.headers,
                )
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                closing = True
            if closing:
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            mine.append(time.perf_counter() - began)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu_before = _cpu(resource.RUSAGE_SELF)
    began = time.perf_counter()
    deadline = began + seconds
    start.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    all_latencies = sorted(value for mine in latencies for value in mine)
    return Result(
        len(all_latencies),
        elapsed,
        _percentile(all_latencies, 50) * 1000,
        _percentile(all_latencies, 99) * 1000,
        sum(errors),
        _cpu(resource.RUSAGE_SELF) - cpu_before,
    )


def _percentile(values: list[float], percent: float) -> float:
    if not values:
        return math.nan
    return values[min(len(values) - 1, math.ceil(len(values) * percent / 100) - 1)]


def fetch(base_url: str, request: Request) -> tuple[int, dict[str, str], object]:
    """One request: status, headers, decoded JSON body."""
    url = urlsplit(base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request(
            request.method, request.path, body=request.body or None, headers=request.headers
        )
        response = conn.getresponse()
        body = response.read()
        return response.status, dict(response.getheaders()), json.loads(body or b"null")
    finally:
        conn.close()
