"""Behind reverse proxies the limits count each visitor, not the proxy."""

from django.test import RequestFactory, SimpleTestCase, override_settings

from agencyaccess.lib.addresses import client_address
from agencyaccess.test import BaseTestCase, rate_limit_clock

PROXY = "10.0.0.5"


def request_from(forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, headers=headers)


class ClientAddressTests(SimpleTestCase):
    def test_without_trusted_proxies_the_header_is_not_believed(self):
        self.assertEqual(client_address(request_from("203.0.113.9")), PROXY)

    @override_settings(TRUSTED_PROXIES=1)
    def test_behind_one_proxy_it_is_the_address_that_proxy_saw(self):
        # The client wrote the first entry itself; the proxy appended the second.
        self.assertEqual(client_address(request_from("198.51.100.1, 203.0.113.9")), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=2)
    def test_behind_two_proxies_it_is_the_address_the_outer_one_saw(self):
        forwarded = "198.51.100.1, 203.0.113.9, 192.0.2.7"
        self.assertEqual(client_address(request_from(forwarded)), "203.0.113.9")

    @override_settings(TRUSTED_PROXIES=2)
    def test_a_header_too_short_missing_or_not_an_address_falls_back_to_the_peer(self):
        for forwarded in ("203.0.113.9", None, "", "not-an-address, 192.0.2.7"):
            with self.subTest(forwarded):
                self.assertEqual(client_address(request_from(forwarded)), PROXY)

    @override_settings(TRUSTED_PROXIES=1)
    def test_ipv6_is_an_address_too(self):
        self.assertEqual(client_address(request_from("2001:db8::1")), "2001:db8::1")


@override_settings(TRUSTED_PROXIES=1, API_RATE_LIMIT_PER_MINUTE=2)
class LimitsBehindAProxyTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        clock = rate_limit_clock()  # no minute ends half-way through a test
        clock.start()
        self.addCleanup(clock.stop)

    def get_as(self, address: str):
        return self.client.get(
            "/api/clients/retrieve",
            {"id": self.jane.public_id},
            REMOTE_ADDR=PROXY,
            headers={"X-Forwarded-For": address},
        )

    def test_each_visitor_has_a_count_of_their_own(self):
        statuses = [self.get_as("203.0.113.9").status_code for _ in range(3)]

        self.assertEqual(statuses, [401, 401, 429])
        self.assertEqual(self.get_as("198.51.100.1").status_code, 401)
