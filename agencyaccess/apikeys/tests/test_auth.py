from datetime import timedelta
from typing import Any

from django.utils import timezone

from agencyaccess.apikeys.auth import INVALID_KEY, MISSING_KEY
from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link
from agencyaccess.test import BaseTestCase, rate_limit_clock


class ApiKeyAuthTests(BaseTestCase):
    def retrieve_jane(self, key: str | None):
        return self.api_get("/api/clients/retrieve", key, id=self.jane.public_id)

    def test_a_request_without_x_auth_is_unauthorized(self):
        self.assertError(self.retrieve_jane(None), 401, MISSING_KEY)
        self.assertEqual(MISSING_KEY, "Missing API key: send your key in the X-Auth header.")

    def test_an_empty_x_auth_is_a_missing_key(self):
        r = self.client.get(
            "/api/clients/retrieve", {"id": self.jane.public_id}, headers={"X-Auth": ""}
        )
        self.assertError(r, 401, MISSING_KEY)

    def test_a_malformed_key_is_unauthorized(self):
        lookup = self.alice_key_row.lookup
        secret = self.alice_key.rsplit("_", 1)[1]
        for key in [
            "your-api-key-here",
            "aak_",
            f"aak_{lookup}",
            f"aak_{lookup}_",
            f"aak_{lookup}_{secret[:-1]}",
            f"aak_{lookup}_{secret}x",
            f"AAK_{lookup}_{secret}",
            f"Bearer {self.alice_key}",
            f"{self.alice_key} ",
            f"aak_{lookup[:-1]}\x00_{secret}",
            f"aak_{lookup[:-1]}é_{secret}",
        ]:
            with self.subTest(key):
                self.assertError(self.retrieve_jane(key), 401, INVALID_KEY)

    def test_a_wrong_secret_for_a_real_lookup_id_is_unauthorized(self):
        wrong = f"aak_{self.alice_key_row.lookup}_{'x' * 40}"
        self.assertError(self.retrieve_jane(wrong), 401, INVALID_KEY)

    def test_a_revoked_key_is_unauthorized(self):
        self.alice_key_row.revoke()
        self.assertError(self.retrieve_jane(self.alice_key), 401, INVALID_KEY)

    def test_a_rolled_key_dies_at_once_and_the_new_one_works(self):
        new_key = self.alice_key_row.roll()

        self.assertError(self.retrieve_jane(self.alice_key), 401, INVALID_KEY)
        self.assertOk(self.retrieve_jane(new_key))
        rolled = ApiKey.objects.get(pk=self.alice_key_row.pk)
        self.assertEqual(rolled.name, "Alice's key")
        self.assertEqual(rolled.capabilities, list(API_CAPABILITIES))
        self.assertEqual(rolled.agency, self.agency_a)

    def test_an_unauthorized_write_changes_nothing(self):
        r = self.api_post(
            "/api/clients/create", {"name": "X", "email": "x@example.com", "language": "English"}
        )
        self.assertError(r, 401, MISSING_KEY)
        self.assertFalse(Client.objects.filter(name="X").exists())

    def test_the_key_is_checked_before_the_body(self):
        self.assertError(
            self.api_post("/api/links/create", "not json", "nonsense"), 401, INVALID_KEY
        )

    def test_keys_are_stored_only_as_a_digest(self):
        secret = self.alice_key.rsplit("_", 1)[1]
        row = ApiKey.objects.get(pk=self.alice_key_row.pk)
        self.assertNotIn(secret, row.digest)
        self.assertEqual(len(row.digest), 64)
        self.assertTrue(self.alice_key.startswith(f"aak_{row.lookup}_"))
        self.assertEqual((len(row.lookup), len(secret)), (12, 40))


class LastUsedTests(BaseTestCase):
    def last_used(self):
        return ApiKey.objects.get(pk=self.alice_key_row.pk).last_used

    def use_key(self) -> None:
        self.assertOk(self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id))

    def test_the_first_use_is_recorded(self):
        self.assertIsNone(self.last_used())
        self.use_key()
        last_used = self.last_used()
        assert last_used is not None
        self.assertLess(timezone.now() - last_used, timedelta(seconds=60))

    def test_use_is_recorded_at_most_once_a_minute(self):
        recent = timezone.now() - timedelta(seconds=30)
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=recent)

        self.use_key()

        self.assertEqual(self.last_used(), recent)

    def test_use_after_a_minute_is_recorded_again(self):
        old = timezone.now() - timedelta(seconds=61)
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=old)

        self.use_key()

        last_used = self.last_used()
        assert last_used is not None
        self.assertGreater(last_used, old)

    def test_a_failed_request_still_counts_as_use(self):
        self.assertError(self.api_get("/api/clients/retrieve", self.alice_key, id="nope"), 404)
        self.assertIsNotNone(self.last_used())

    def test_a_rate_limited_request_is_not_recorded(self):
        ApiKey.objects.filter(pk=self.alice_key_row.pk).update(rate_limit_per_minute=1)
        with rate_limit_clock():
            self.use_key()
            ApiKey.objects.filter(pk=self.alice_key_row.pk).update(last_used=None)

            r = self.api_get("/api/clients/retrieve", self.alice_key, id=self.jane.public_id)

        self.assertError(r, 429)
        self.assertIsNone(self.last_used())


class CapabilityTests(BaseTestCase):
    """Each capability guards its endpoint, and only that one."""

    def endpoints(self) -> dict[str, Any]:
        link_body = {
            "clientID": self.jane.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]
                    }
                }
            },
        }
        return {
            "links:create": lambda key: self.api_post("/api/links/create", link_body, key),
            "links:retrieve": lambda key: self.api_get(
                "/api/links/retrieve", key, id=self.link.public_id
            ),
            "links:edit": lambda key: self.api_post(
                "/api/links/update",
                {"id": self.link.public_id, "requestedAccounts": link_body["requestedAccounts"]},
                key,
            ),
            "clients:create": lambda key: self.api_post(
                "/api/clients/create",
                {"name": "Ann", "email": "ann@example.com", "language": "English"},
                key,
            ),
            "clients:retrieve": lambda key: self.api_get(
                "/api/clients/retrieve", key, id=self.jane.public_id
            ),
            "clients:edit": lambda key: self.api_post(
                "/api/clients/update", {"id": self.jane.public_id, "company": "Renamed"}, key
            ),
        }

    def test_a_key_lacking_one_capability_is_forbidden_there_and_only_there(self):
        for missing, label in API_CAPABILITIES.items():
            with self.subTest(missing):
                capabilities = [c for c in API_CAPABILITIES if c != missing]
                _, key = ApiKey.issue(self.agency_a, f"All but {missing}", capabilities)
                for capability, call in self.endpoints().items():
                    r = call(key)
                    if capability == missing:
                        self.assertError(
                            r,
                            403,
                            f"This API key lacks the {missing} capability ({label}). "
                            "Create a key that has it.",
                        )
                    else:
                        self.assertOk(r)

    def test_a_key_with_one_capability_can_do_that_one_thing(self):
        for only in API_CAPABILITIES:
            with self.subTest(only):
                _, key = ApiKey.issue(self.agency_a, f"Only {only}", [only])
                for capability, call in self.endpoints().items():
                    r = call(key)
                    if capability == only:
                        self.assertOk(r)
                    else:
                        self.assertError(r, 403)

    def test_a_forbidden_write_changes_nothing(self):
        _, key = ApiKey.issue(self.agency_a, "Read only", ["links:retrieve", "clients:retrieve"])
        links, clients = Link.objects.count(), Client.objects.count()
        for capability in ["links:create", "links:edit", "clients:create", "clients:edit"]:
            self.assertError(self.endpoints()[capability](key), 403)
        self.assertEqual((Link.objects.count(), Client.objects.count()), (links, clients))
        self.assertEqual(Client.objects.get(pk=self.jane.pk).company, "Jane's Bakery")
        self.assertEqual(
            list(self.link.services.values_list("service_key", "access_level")),
            [("google_ads", "STANDARD")],
        )

    def test_a_key_without_capabilities_is_forbidden_everywhere(self):
        _, key = ApiKey.issue(self.agency_a, "Nothing", [])
        for call in self.endpoints().values():
            self.assertError(call(key), 403)
