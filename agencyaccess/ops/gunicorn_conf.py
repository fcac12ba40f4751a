"""gunicorn's configuration for `agencyaccess serve` and `agencyaccess web`
(`--config python:agencyaccess.ops.gunicorn_conf`). It runs in gunicorn's master process,
before the app is loaded and before the worker processes are forked, so what it sets in the
environment reaches every one of them. It reads the environment, not Django's settings: the
master never loads Django.
"""

import os
import shutil
import tempfile

# Metrics on: gunicorn's worker processes each count their own requests into files of one
# directory, which a scrape adds up (prometheus_client's multiprocess mode). The directory is
# this server's own, new at each start and removed at its end: files left from an earlier run
# would be counted again, and one shared with another server (two on one machine, or on a
# volume several containers mount, where process ids repeat) would mix or wipe its figures.
# An operator who sets PROMETHEUS_MULTIPROC_DIR keeps it, and its cleaning, in their hands.
if os.environ.get("METRICS_TOKEN") and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    metrics_dir = tempfile.mkdtemp(prefix="agencyaccess-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir

    def on_exit(server) -> None:
        shutil.rmtree(metrics_dir, ignore_errors=True)


# LOG_FORMAT=json: gunicorn's own lines (its errors, and the access log: one line a request)
# are JSON objects like the app's (ops/logs.py), the access line as the message. gunicorn
# merges this into its defaults, whose root logger writes to the "console" handler.
if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "formatters": {"json": {"()": "agencyaccess.ops.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            },
            "error_console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            },
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
    }
