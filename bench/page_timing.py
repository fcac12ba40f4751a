"""What bench/dashboard.py and bench/inventory.py share: a dashboard page asked through
django.test.Client as an agency's owner (the whole Django stack, server time only), warmed up,
its SQL queries counted, then timed. Use after django.setup(), in the benchmark's child process.
"""

import statistics
import time


def owner_browser(email: str):
    """A django.test.Client logged in as the user with this e-mail."""
    from django.test import Client as Browser

    from agencyaccess.accounts.models import User

    browser = Browser()
    browser.force_login(User.objects.get(email=email))
    return browser


def time_page(browser, url: str, requests: int, *, warmup: int) -> dict:
    """`warmup` requests first (caches, the session, the first connection), the SQL queries of
    the next one, then `requests` timed ones: p50 and p99 in milliseconds, and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        get(browser, url)
    with CaptureQueriesContext(connection) as queries:
        get(browser, url)
    query_count = len(queries)  # before the next request resets the log
    times = [timed(browser, url) for _ in range(requests)]
    return {
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": percentile(times, 99) * 1000,
        "queries": query_count,
    }


def get(browser, url: str) -> None:
    response = browser.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")


def timed(browser, url: str) -> float:
    started = time.perf_counter()
    get(browser, url)
    return time.perf_counter() - started


def percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]
