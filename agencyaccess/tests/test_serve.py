"""`serve`'s supervisor, with small Python programs for children: a child that exits is started
again (waiting longer each time), and stopping leaves nothing running."""

import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase

from agencyaccess.management.commands import serve
from agencyaccess.management.commands.serve import Child, Supervisor

LOGGER = "agencyaccess.management.commands.serve"
# Ignores SIGTERM, and starts a grandchild that does too; writes the grandchild's pid to argv[1].
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c", "import signal, time; "
    "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
open(sys.argv[1], "w").write(str(grandchild.pid))
time.sleep(60)
"""


def python(code: str, *argv: str) -> list[str]:
    return [sys.executable, "-c", code, *argv]


def running(pid: int) -> bool:
    """Alive, not a zombie waiting for a parent (or an init that never reaps it) to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def wait_for(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class SupervisorTests(SimpleTestCase):
    def setUp(self) -> None:
        if not Path("/proc/self/stat").exists():
            self.skipTest("reads process states from /proc")
        self.enterContext(mock.patch.object(serve, "BACKOFF_FIRST", 0.1))

    def supervise(self, *children: Child) -> tuple[Supervisor, threading.Thread]:
        supervisor = Supervisor(list(children))
        thread = threading.Thread(target=supervisor.run)
        thread.start()
        self.addCleanup(thread.join, 30)
        self.addCleanup(supervisor.stop)
        return supervisor, thread

    def test_a_child_that_exits_is_started_again_waiting_longer_each_time(self):
        dying = Child("dying", python("import sys; sys.exit(3)"))
        steady = Child("steady", python("import time; time.sleep(60)"))
        with self.assertLogs(LOGGER, "INFO") as logs:
            supervisor, thread = self.supervise(dying, steady)
            exits = lambda: [line for line in logs.output if "dying exited" in line]  # noqa: E731
            self.assertTrue(wait_for(lambda: len(exits()) >= 3))
            assert steady.process is not None
            steady_pid = steady.process.pid
            supervisor.stop()
            thread.join(30)

        self.assertEqual(
            [line.partition("code 3: ")[2] for line in exits()[:3]],
            [
                "starting it again in 0.1 s",
                "starting it again in 0.2 s",
                "starting it again in 0.4 s",
            ],
        )
        self.assertEqual(sum("steady started" in line for line in logs.output), 1)
        self.assertFalse(running(steady_pid))

    def test_a_child_that_ran_a_while_starts_over_at_the_first_wait(self):
        child = Child("worker", python("import sys; sys.exit(1)"), quick_exits=5)
        supervisor = Supervisor([child])
        child.started = 100.0
        with self.assertLogs(LOGGER, "ERROR") as logs:
            supervisor._exited(child, 1, now=100.0 + serve.STABLE_AFTER)
        self.assertEqual(child.quick_exits, 0)
        self.assertIn("starting it again in 0.1 s", logs.output[0])

    def test_stop_ends_the_children_gently_and_kills_what_is_left_with_its_own_children(self):
        pid_file = Path(tempfile.mkdtemp()) / "grandchild"
        gentle = Child("gentle", python("import time; time.sleep(60)"))
        stubborn = Child("stubborn", python(STUBBORN, str(pid_file)))
        with mock.patch.object(serve, "STOP_WITHIN", 1.0), self.assertLogs(LOGGER, "INFO") as logs:
            supervisor, thread = self.supervise(gentle, stubborn)
            self.assertTrue(wait_for(lambda: pid_file.exists() and pid_file.read_text()))
            assert gentle.process is not None and stubborn.process is not None
            pids = [gentle.process.pid, stubborn.process.pid, int(pid_file.read_text())]
            started = time.monotonic()
            supervisor.stop()
            thread.join(30)

        self.assertLess(time.monotonic() - started, 5)
        # SIGKILL takes effect as soon as the kernel gets to it: a moment.
        self.assertTrue(wait_for(lambda: not any(running(pid) for pid in pids), 2), pids)
        self.assertEqual(gentle.process.returncode, -15)  # SIGTERM was enough
        self.assertEqual(stubborn.process.returncode, -9)
        self.assertIn(f"pid {pids[1]} still running after 1 s: killed", "\n".join(logs.output))
