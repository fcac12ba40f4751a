"""/metrics in Prometheus's text format, on only when METRICS_TOKEN is set (docs/operations.md).

Two kinds of figures:
- per process, counted as requests pass: requests and their latency per route (the URL
  pattern, never the path, so the series stay few). gunicorn runs several processes; with
  PROMETHEUS_MULTIPROC_DIR set (ops/gunicorn_conf.py sets it) each writes its figures to files
  there and a scrape adds up all of them, whichever process answers it.
- the database's, read at each scrape: the queues' depth and age, the e-mails, grants and
  webhook deliveries by status, the workers' heartbeat. They are the install's, not this
  process's: every web process reports the same, so aggregate them with max, not sum.
"""

import hmac
import logging
import os
from collections.abc import Iterable, Iterator
from time import perf_counter

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from agencyaccess.lib.envelope import error_response
from agencyaccess.links.models import Grant
from agencyaccess.notify.models import Delivery, OutgoingEmail
from agencyaccess.ops import heartbeat
from agencyaccess.ops.queues import QUEUES, backlog
from agencyaccess.platforms.base import GrantState

logger = logging.getLogger(__name__)

# Registered in no registry here: a scrape builds its own (below), from these or from the
# multiprocess files.
REQUESTS = Counter(
    "agencyaccess_http_requests",
    "HTTP requests answered, by route, method and status.",
    ["route", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "agencyaccess_http_request_duration_seconds",
    "Time from the request reaching the app to its response, by route and method.",
    ["route", "method"],
    registry=None,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
# Anything else a client sends is counted as "other": the label's values stay few.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "(unmatched)"


class RequestMetricsMiddleware:
    """Counts and times every request after the probes. Absent unless metrics are on."""

    def __init__(self, get_response):
        if not settings.METRICS_TOKEN:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = perf_counter()
        response = self.get_response(request)
        elapsed = perf_counter() - started
        match = getattr(request, "resolver_match", None)
        route = "/" + match.route if match is not None else UNMATCHED
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(route, method, str(response.status_code)).inc()
        LATENCY.labels(route, method).observe(elapsed)
        return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        return error_response(404, f"Not found: there is nothing at {request.path}.")
    given = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(given, f"Bearer {token}".encode()):
        response = error_response(401, "Send the metrics token: Authorization: Bearer <token>.")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:  # one process (runserver, tests): its own figures are all there are
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(DatabaseCollector())
    return registry


class DatabaseCollector(Collector):
    """The install's figures from the database, read when scraped."""

    def collect(self) -> Iterator[Metric]:
        try:
            families = list(_database_families())
        except DatabaseError as error:
            logger.warning("metrics: the database cannot be read: %s", error)
            families = []
        yield GaugeMetricFamily(
            "agencyaccess_database_up",
            "1 when the database answered this scrape's queries, else 0.",
            value=1 if families else 0,
        )
        yield from families


def _database_families() -> Iterator[Metric]:
    now = timezone.now()
    depth = GaugeMetricFamily(
        "agencyaccess_queue_due_items", "Items due for a worker now, by queue.", labels=["queue"]
    )
    age = GaugeMetricFamily(
        "agencyaccess_queue_oldest_due_seconds",
        "How long the oldest due item has waited, by queue (0 when none is due).",
        labels=["queue"],
    )
    for queue in QUEUES:
        measured = backlog(queue, now)
        depth.add_metric([queue.name], measured.depth)
        age.add_metric([queue.name], measured.oldest_seconds)
    yield depth
    yield age
    yield _by_status(
        "agencyaccess_emails",
        "E-mails by status.",
        OutgoingEmail,
        "status",
        OutgoingEmail.Status.values,
    )
    yield _by_status(
        "agencyaccess_grants", "Grants by state.", Grant, "state", [s.value for s in GrantState]
    )
    yield _by_status(
        "agencyaccess_webhook_deliveries",
        "Webhook deliveries by status.",
        Delivery,
        "status",
        Delivery.Status.values,
    )
    last = heartbeat.last_beat()
    if last is not None:  # no worker ever: the series is absent, for absent() to alert on
        yield GaugeMetricFamily(
            "agencyaccess_worker_heartbeat_age_seconds",
            "Seconds since the most recent worker went round its loop.",
            value=max((now - last).total_seconds(), 0.0),
        )
    yield GaugeMetricFamily(
        "agencyaccess_workers_alive",
        f"Worker processes that went round their loop in the last {heartbeat.STALE_AFTER.seconds} s.",
        value=heartbeat.alive_workers(now),
    )


def _by_status(
    name: str, documentation: str, model: type[Model], field: str, values: Iterable[str]
) -> GaugeMetricFamily:
    """Rows by status, every status named (0 included), so that each series always exists.
    It counts the whole table: an index-only scan on PostgreSQL, a few milliseconds at 100,000
    rows."""
    counts = dict(model._default_manager.values_list(field).annotate(n=Count("pk")).order_by())
    family = GaugeMetricFamily(name, documentation, labels=[field])
    for value in values:
        family.add_metric([value], counts.get(value, 0))
    return family
