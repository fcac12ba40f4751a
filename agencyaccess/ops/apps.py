from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running the install: the probes (/healthz, /readyz), /metrics, JSON logs and the
    worker's heartbeat (docs/operations.md)."""

    name = "agencyaccess.ops"
    label = "ops"
