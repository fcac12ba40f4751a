"""lib/http.py's guard for addresses a customer typed: https only, public addresses only, and
the connection made to the address that was checked (no DNS rebinding)."""

import socket
from unittest import mock

from django.test import SimpleTestCase

from agencyaccess.lib import http
from agencyaccess.notify.tests.receiver import running_receiver

NOT_PUBLIC = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # link-local: the cloud metadata service
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "0.0.0.0",  # noqa: S104
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    "ff02::1",
]
PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


def resolving_to(*answers: list[str]):
    """A resolver that gives each answer in turn (the last one repeats)."""
    calls: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls), len(answers)) - 1]

    patch = mock.patch.object(http, "resolve", side_effect=resolve)
    return patch, calls


class CheckTargetTests(SimpleTestCase):
    def check(self, url: str, *addresses: str, allow_private: bool = False) -> http.Target:
        patch, _ = resolving_to(list(addresses))
        with patch:
            return http.check_target(url, allow_private=allow_private)

    def test_names_resolving_to_non_public_addresses_are_refused(self):
        for address in NOT_PUBLIC:
            with (
                self.subTest(address),
                self.assertRaisesMessage(
                    http.RefusedTarget,
                    "hooks.example.com resolves to a private, loopback or link-local address",
                ),
            ):
                self.check("https://hooks.example.com/in", address)

    def test_addresses_written_in_the_url_are_checked_too(self):
        for url in ("https://127.0.0.1/", "https://[::1]:8443/", "https://169.254.169.254/x"):
            with self.subTest(url), self.assertRaisesMessage(http.RefusedTarget, "is a private"):
                self.check(url)

    def test_one_private_address_among_public_ones_is_refused(self):
        with self.assertRaises(http.RefusedTarget):
            self.check("https://hooks.example.com/", PUBLIC_V4, "10.0.0.1")

    def test_public_addresses_are_accepted_and_the_first_is_the_one_to_connect_to(self):
        target = self.check("https://hooks.example.com/in", PUBLIC_V4, PUBLIC_V6)
        self.assertEqual((target.host, target.address), ("hooks.example.com", PUBLIC_V4))
        self.assertEqual(self.check("https://h.example/", PUBLIC_V6).address, PUBLIC_V6)

    def test_only_https(self):
        for url in ("http://hooks.example.com/", "ftp://hooks.example.com/", "hooks.example.com"):
            with self.subTest(url), self.assertRaisesMessage(http.RefusedTarget, "https://"):
                self.check(url, PUBLIC_V4)

    def test_a_name_that_does_not_resolve_is_refused(self):
        with (
            mock.patch.object(http, "resolve", side_effect=socket.gaierror("no such name")),
            self.assertRaisesMessage(http.RefusedTarget, "nowhere.invalid does not resolve"),
        ):
            http.check_target("https://nowhere.invalid/", allow_private=False)

    def test_allowing_private_targets_accepts_them_and_plain_http(self):
        target = self.check("http://intranet.local:8080/", "10.0.0.5", allow_private=True)
        self.assertEqual(target.address, "10.0.0.5")


class PinnedConnectionTests(SimpleTestCase):
    def test_the_connection_goes_to_the_checked_address_not_to_a_second_dns_answer(self):
        """DNS rebinding: the name resolves to a public address when checked, then to a
        loopback one. The one resolution that counts is the checked one."""
        patch, calls = resolving_to([PUBLIC_V4], ["127.0.0.1"])
        connected: list[tuple] = []

        def create_connection(address, *args, **kwargs):
            connected.append(address)
            raise ConnectionRefusedError("not in a test")

        with (
            patch,
            mock.patch("socket.create_connection", side_effect=create_connection),
            self.assertRaises(http.TransportError),
        ):
            http.post_to_public_url(
                "https://rebind.example/hook",
                b"{}",
                {},
                timeout=1,
                allow_private=False,
                read_limit=10,
            )
        self.assertEqual(calls, ["rebind.example"])
        self.assertEqual([address[0] for address in connected], [PUBLIC_V4])

    def test_the_request_keeps_the_host_name_while_connecting_to_the_address(self):
        with running_receiver() as receiver:
            port = receiver.server.server_port
            patch, calls = resolving_to(["127.0.0.1"])
            with patch:
                reply = http.post_to_public_url(
                    f"http://receiver.test:{port}/hooks",
                    b'{"a":1}',
                    {"Content-Type": "application/json"},
                    timeout=2,
                    allow_private=True,
                    read_limit=100,
                )
        self.assertEqual((reply.status, reply.excerpt), (200, b"ok"))
        [received] = receiver.received
        self.assertEqual(received.headers["host"], f"receiver.test:{port}")
        self.assertEqual(received.body, b'{"a":1}')
        self.assertEqual(calls, ["receiver.test"])

    def test_a_host_that_was_not_checked_is_never_connected_to(self):
        transport = http._PinnedTransport()
        with (
            mock.patch("socket.create_connection") as create_connection,
            self.assertRaisesMessage(Exception, "was not checked before connecting"),
        ):
            transport.handle_request(http.httpx.Request("POST", "http://unchecked.test/"))
        create_connection.assert_not_called()
