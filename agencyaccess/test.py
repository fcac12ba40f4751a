"""The named cast every test uses (DESIGN.md, convention 13).

Alice owns agency A, which has a client (Jane), Google and Meta connected accounts, and a link
asking Jane for Google Ads. Bob is Alice's teammate. Charlie owns agency B, with its own
client and Google account. Cross-tenant tests read "as Charlie, touch Alice's link -> 404".
"""

import io
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.core.management import ManagementUtility
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections
from django.test import LiveServerTestCase, TestCase
from django.test.testcases import LiveServerThread
from django.test.utils import CaptureQueriesContext

from agencyaccess.accounts.models import Agency, Membership, Role, User
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link, RequestedAccountLink, RequestedService
from agencyaccess.platforms.models import ConnectedAccount

MCC_ID = "1234567890"


class BaseTestCase(TestCase):
    alice: User
    bob: User
    charlie: User
    agency_a: Agency
    agency_b: Agency
    google_a: ConnectedAccount
    meta_a: ConnectedAccount
    google_b: ConnectedAccount
    jane: Client
    charlies_client: Client
    link: Link
    charlies_link: Link
    alice_key_row: ApiKey
    alice_key: str
    charlie_key_row: ApiKey
    charlie_key: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.alice = User.objects.create_user("alice@example.org", "password")
        cls.agency_a = Agency.objects.create(name="Alice & Co", support_email="alice@example.org")
        Membership.objects.create(user=cls.alice, agency=cls.agency_a, role=Role.OWNER)

        cls.bob = User.objects.create_user("bob@example.org", "password")
        Membership.objects.create(user=cls.bob, agency=cls.agency_a, role=Role.MEMBER)

        cls.charlie = User.objects.create_user("charlie@example.org", "password")
        cls.agency_b = Agency.objects.create(name="Charlie Ltd")
        Membership.objects.create(user=cls.charlie, agency=cls.agency_b, role=Role.OWNER)

        cls.google_a = ConnectedAccount.objects.create(
            agency=cls.agency_a,
            platform="google",
            email="ads@alice.example",
            fields={"google_ads_manager_ids": [MCC_ID]},
        )
        cls.meta_a = ConnectedAccount.objects.create(
            agency=cls.agency_a, platform="meta", fields={"business_id": "100000000000001"}
        )
        cls.google_b = ConnectedAccount.objects.create(
            agency=cls.agency_b, platform="google", email="ads@charlie.example"
        )

        cls.jane = Client.objects.create(
            agency=cls.agency_a, name="Jane Doe", email="jane@example.com", company="Jane's Bakery"
        )
        cls.charlies_client = Client.objects.create(
            agency=cls.agency_b, name="Carl", email="carl@example.com"
        )

        cls.link = Link.objects.create(agency=cls.agency_a, client=cls.jane)
        service = RequestedService.objects.create(
            link=cls.link, platform="google", service_key="google_ads", access_level="STANDARD"
        )
        RequestedAccountLink.objects.create(
            requested_service=service, connected_account=cls.google_a
        )
        cls.charlies_link = Link.objects.create(agency=cls.agency_b, client=cls.charlies_client)

        cls.alice_key_row, cls.alice_key = ApiKey.issue(
            cls.agency_a, "Alice's key", list(API_CAPABILITIES)
        )
        cls.charlie_key_row, cls.charlie_key = ApiKey.issue(
            cls.agency_b, "Charlie's key", list(API_CAPABILITIES)
        )

    def api_get(self, path: str, key: str | None = None, **params: Any):
        headers = {"X-Auth": key} if key else {}
        return self.client.get(path, params, headers=headers)

    def api_post(self, path: str, body: Any, key: str | None = None, **headers: str):
        if key:
            headers["X-Auth"] = key
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", headers=headers)

    def assertQueriesDoNotGrow(self, url: str, add_rows: Callable[[], Any]) -> Any:
        """GET the page, add rows, GET it again: the second costs as many queries as the first
        (DESIGN.md, convention 14). Returns the second response."""
        with CaptureQueriesContext(connection) as before:
            self.assertEqual(self.client.get(url).status_code, 200)
        add_rows()
        with self.assertNumQueries(len(before)):
            return self.client.get(url)

    def assertError(self, response, status: int, msg: str | None = None) -> dict:
        """The response is the error envelope with this status (and message, if given)."""
        self.assertEqual(response.status_code, status, response.content)
        body = response.json()
        self.assertIs(body["error"], True)
        self.assertIsInstance(body["msg"], str)
        if msg is not None:
            self.assertEqual(body["msg"], msg)
        return body

    def assertOk(self, response) -> Any:
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertIs(body["error"], False)
        return body["data"]


class _NoDelayServer(ThreadedWSGIServer):
    """Django's test server sends a response's headers and body in two writes: on a kept-alive
    connection the body waits for the client's delayed ACK of the headers, 40 ms or more per
    request, unless Nagle's algorithm is off (TCP_NODELAY) as production servers have it."""

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


class _NoDelayLiveServerThread(LiveServerThread):
    server_class = _NoDelayServer

    def terminate(self) -> None:
        """Stop, and let the threads still answering finish (5 s at most) before the test's
        database goes: one closing its database connection afterwards fails with a traceback."""
        super().terminate()
        deadline = time.monotonic() + 5
        for thread in threading.enumerate():
            if "process_request_thread" in thread.name:
                thread.join(max(0.0, deadline - time.monotonic()))


def without_proxies() -> dict[str, str]:
    """The environment, less any proxy, for a program talking to the live server on this machine."""
    return {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


class LiveServerBaseTestCase(LiveServerTestCase):
    """The same cast, committed, for tests that drive a real server over HTTP (`live_server_url`)."""

    server_thread_class = _NoDelayLiveServerThread

    alice_key: str
    jane: Client
    link: Link
    google_a: ConnectedAccount
    meta_a: ConnectedAccount
    agency_a: Agency

    def setUp(self) -> None:
        super().setUp()
        # The cast is built by BaseTestCase's classmethod; here it lands on this class instead.
        BaseTestCase.setUpTestData.__func__(type(self))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CommandResult:
    code: int
    stdout: str
    stderr: str


def run_command(*argv: str) -> CommandResult:
    """`agencyaccess <argv>` as a user runs it (argument parsing, stdout, stderr, exit code), but
    in this process, so it sees the test database."""
    full_argv = ["agencyaccess", *argv]
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    # Django closes the connections when a command ends, which would end the test's transaction.
    with (
        redirect_stdout(stdout),
        redirect_stderr(stderr),
        mock.patch.object(connections, "close_all"),
    ):
        command = ManagementUtility(full_argv).fetch_command(argv[0])
        try:
            command.run_from_argv(full_argv)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return CommandResult(code, stdout.getvalue(), stderr.getvalue())


# 30 seconds into a rate-limit window: requests in a test all fall in the same minute.
RATE_LIMIT_NOW = 1_800_000_030.0


def rate_limit_clock(now: float = RATE_LIMIT_NOW) -> Any:
    """Stop the rate limiter's clock at `now`, so a test never straddles two one-minute windows."""
    clock = mock.Mock(spec=["time"])
    clock.time.return_value = now
    return mock.patch("agencyaccess.apikeys.ratelimit.time", clock)


@contextmanager
def usual_umask() -> Iterator[None]:
    """The umask most systems start processes with (022: new files readable by all), so that a
    test of file modes sees the modes the code sets, not a strict environment's."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)
