"""/healthz, /readyz and /metrics, answered ahead of the site.

They come before every other middleware: a load balancer, an orchestrator or Prometheus asks by
the machine's address, which ALLOWED_HOSTS does not list (Django would answer 400), and a probe
needs no session, language, CSRF or user. They are not counted in the request metrics.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.lib.envelope import error_response
from agencyaccess.ops import metrics
from agencyaccess.ops.health import readiness


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers: nothing else is asked (a restart would not fix the database)."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    checks = readiness()
    failing = [name for name, check in checks.items() if not check["ok"]]
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics.metrics_view,
}


class ProbesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response: HttpResponse = error_response(
                405, f"Method {request.method} is not allowed on {request.path}; use GET."
            )
            response["Allow"] = "GET, HEAD"
        else:
            response = probe(request)
        # Every answer is about this moment.
        response["Cache-Control"] = "no-store"
        return response
