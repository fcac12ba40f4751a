"""A Python client generated from the live OpenAPI document by openapi-python-client, as an
integrator would make one, creates and reads a client and a link on a live server, and asks who
its key is and subscribes to a Zapier trigger (an answer of 201)."""

import importlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link
from agencyaccess.notify.models import WebhookEndpoint
from agencyaccess.test import LiveServerBaseTestCase, without_proxies

PACKAGE = "agencyaccess_api_client"


class GeneratedClientTests(LiveServerBaseTestCase):
    def generate(self) -> ModuleType:
        """Generate the client into a temporary directory and import it; all undone afterwards."""
        directory = Path(self.enterContext(tempfile.TemporaryDirectory()))
        env = without_proxies()
        # Its post-generation hooks run ruff, installed beside this Python.
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        result = subprocess.run(
            [
                *(sys.executable, "-m", "openapi_python_client", "generate", "--meta", "none"),
                *("--url", f"{self.live_server_url}/api/openapi.json"),
                *("--output-path", str(directory / PACKAGE)),
                "--fail-on-warning",  # a part of the document it could not turn into code
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        self.assertEqual((result.returncode, result.stderr), (0, ""), result.stdout)

        sys.path.insert(0, str(directory))
        self.addCleanup(sys.path.remove, str(directory))
        self.addCleanup(_forget_modules, PACKAGE)
        return importlib.import_module(PACKAGE)

    def connect(self, *operations: str) -> tuple[ModuleType, ModuleType, Any]:
        """The generated package's `api` and `models`, with its operations (`tag.name`)
        imported, and a client of it with Alice's key."""
        client_package = self.generate()
        api = importlib.import_module(f"{PACKAGE}.api")
        models = importlib.import_module(f"{PACKAGE}.models")
        for operation in operations:
            importlib.import_module(f"{PACKAGE}.api.{operation}")
        http = self.enterContext(
            client_package.AuthenticatedClient(
                base_url=self.live_server_url,
                token=self.alice_key,
                prefix="",
                auth_header_name="X-Auth",
                # A status the document does not give for the operation raises.
                raise_on_unexpected_status=True,
                httpx_args={"trust_env": False},  # the server is on this machine: no proxy
            )
        )
        return api, models, http

    def test_the_generated_client_creates_and_reads_a_client_and_a_link(self):
        api, models, http = self.connect(
            "clients.clients_create",
            "clients.clients_retrieve",
            "links.links_create",
            "links.links_retrieve",
        )

        created = api.clients.clients_create.sync(
            client=http,
            body=models.ClientCreateIn(
                name="Ann Smith",
                email="ann@example.com",
                language=models.ClientCreateInLanguage.SPANISH,
                company="Ann's Bikes",
            ),
        )
        self.assertIsInstance(created, models.Okstr)
        self.assertEqual(Client.objects.get(public_id=created.data).name, "Ann Smith")

        client = api.clients.clients_retrieve.sync(client=http, id=created.data).data
        self.assertIsInstance(client, models.ClientOut)
        self.assertEqual(
            (client.id, client.name, client.email, client.company),
            (created.data, "Ann Smith", "ann@example.com", "Ann's Bikes"),
        )
        self.assertEqual(
            (client.language, client.type_),
            (models.ClientOutLanguage.SPANISH, models.ClientOutType.CLIENT),
        )

        link_id = api.links.links_create.sync(
            client=http,
            body=models.LinkCreateIn.from_dict(
                {
                    "clientID": created.data,
                    "requestedAccounts": {
                        "Google": {
                            "Google Ads": {
                                "accessLevel": "ADMIN",
                                "requestedAccountLinks": [
                                    {"internalAccountID": self.google_a.public_id}
                                ],
                            }
                        }
                    },
                    "thankYouMessage": "Gracias",
                }
            ),
        ).data
        self.assertEqual(Link.objects.get(public_id=link_id).client.public_id, created.data)

        link = api.links.links_retrieve.sync(client=http, id=link_id).data
        self.assertIsInstance(link, models.LinkOut)
        self.assertEqual(
            (link.id, link.client_id, link.thank_you_message), (link_id, created.data, "Gracias")
        )
        google_ads = link.requested_accounts["Google"]["Google Ads"]
        self.assertEqual((google_ads.access_level, google_ads.granted), ("ADMIN", False))
        self.assertEqual(
            google_ads.requested_account_links[0].internal_account_id, self.google_a.public_id
        )

        # An error is the envelope, parsed as the document describes it.
        missing = api.clients.clients_retrieve.sync(client=http, id="NoSuchClientAtAll000")
        self.assertIsInstance(missing, models.ErrorOut)
        self.assertIn("NoSuchClientAtAll000", missing.msg)

    def test_the_generated_client_tells_its_key_and_subscribes_to_a_trigger(self):
        api, models, http = self.connect(
            "account.me", "zapier.hooks_subscribe", "zapier.hooks_unsubscribe"
        )

        me = api.account.me.sync(client=http).data
        self.assertIsInstance(me, models.MeOut)
        self.assertEqual(
            (me.agency.id, me.agency.name, me.key.name),
            (self.agency_a.public_id, "Alice & Co", "Alice's key"),
        )

        target_url = "https://hooks.zapier.com/hooks/standard/1234567/abcdef0123456789/"
        subscribed = api.zapier.hooks_subscribe.sync(
            client=http,
            body=models.SubscribeIn(
                event=models.SubscribeInEvent.ACCESS_GRANTED, target_url=target_url
            ),
        )
        self.assertIsInstance(subscribed, models.OkSubscriptionOut)  # its 201, as documented
        subscription = subscribed.data
        self.assertEqual(
            (subscription.event, subscription.target_url), ("access_granted", target_url)
        )
        self.assertEqual(WebhookEndpoint.objects.get(public_id=subscription.id).url, target_url)

        unsubscribed = api.zapier.hooks_unsubscribe.sync(
            client=http, body=models.UnsubscribeIn(id=subscription.id)
        )
        self.assertEqual(unsubscribed.data.id, subscription.id)
        self.assertFalse(WebhookEndpoint.objects.filter(public_id=subscription.id).exists())


def _forget_modules(package: str) -> None:
    for name in [name for name in sys.modules if name.split(".")[0] == package]:
        del sys.modules[name]
