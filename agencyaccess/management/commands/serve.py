import os
import subprocess
import sys
from argparse import ArgumentParser

from django.core.management import call_command

from agencyaccess.lib import commands


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
        "4",
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
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))


def prepare() -> None:
    """What the server needs before it starts: the tables, the cache table, the static files."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


class Command(commands.Command):
    help = "Migrate, then serve the app with a production server and the background worker."

    def add_arguments(self, parser):
        add_server_arguments(parser)

    def handle(self, *, host, port, workers, **options):
        prepare()
        children = [
            subprocess.Popen([sys.executable, "-m", "agencyaccess.cli", "worker"]),
            subprocess.Popen(gunicorn_command(host, port, workers)),
        ]
        try:
            # Either child exiting ends the whole service; Ctrl-C reaches both children too.
            os.wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                child.wait()
