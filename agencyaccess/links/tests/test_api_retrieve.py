from agencyaccess.test import BaseTestCase


class LinkRetrieveTests(BaseTestCase):
    def test_alice_retrieves_her_link(self):
        data = self.assertOk(
            self.api_get("/api/links/retrieve", self.alice_key, id=self.link.public_id)
        )
        self.assertEqual(data["clientID"], self.jane.public_id)
        self.assertEqual(
            data["requestedAccounts"],
            {
                "Google": {
                    "Google Ads": {
                        "accessLevel": "STANDARD",
                        "requested": True,
                        "granted": False,
                        "skipped": False,
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}],
                    }
                }
            },
        )

    def test_charlie_cannot_see_alices_link(self):
        r = self.api_get("/api/links/retrieve", self.charlie_key, id=self.link.public_id)
        self.assertError(r, 404)
