import signal

from agencyaccess.lib import commands
from agencyaccess.worker import Worker


class Command(commands.Command):
    help = "Run the background worker: queued tasks and periodic jobs, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due once, then exit")

    def handle(self, *, once, **options):
        worker = Worker()
        if once:
            worker.tick()
            worker.close()
            return

        def stop(signum, frame):
            worker.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run()
