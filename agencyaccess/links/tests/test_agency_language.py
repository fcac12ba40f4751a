"""The agency reads its link page in the dashboard's language (English), whatever the client's:
Jane, a Spanish-speaking client, shares through the real Google connectors against their
sandbox, and what the connectors told her in Spanish reads in English on Alice's dashboard."""

import gettext
import json
from pathlib import Path

from django.conf import settings
from django.test import Client as Browser
from django.utils import translation

from agencyaccess.accounts.models import Membership, Role, User
from agencyaccess.links.models import Grant
from agencyaccess.notify.models import Event
from agencyaccess.onboarding.tests.test_flow_sandbox import JourneyTestCase
from agencyaccess.platforms.base import GrantState
from agencyaccess.platforms.google.sandbox.tokens import EVERY_SCOPE
from agencyaccess.platforms.google.sandbox.world import DEMO_AGENCY
from agencyaccess.platforms.google.sandbox.world import JANE as JANE_AT_GOOGLE
from agencyaccess.platforms.models import ConnectedAccount

PROPERTY = "properties/2001"
ADS_ACCOUNT = "customers/1111111111"


def spanish_sentences() -> list[str]:
    """The project's Spanish translations long enough to be sentences, and not the same in
    English: none of them may appear on an English page."""
    mo = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as stream:
        entries = gettext.GNUTranslations(stream)._catalog  # type: ignore[attr-defined]
    return [
        text.split("%(")[0].strip()
        for msgid, text in entries.items()
        if isinstance(msgid, str) and msgid and text != msgid and len(text.split("%(")[0]) > 20
    ]


class SpanishClientTests(JourneyTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Jane's pages and the Spanish browser activate Spanish in this thread (the test
        # client runs the views here): leave the tests after this one in the default.
        self.addCleanup(translation.deactivate)
        self.link.client.language = "es"
        self.link.client.save()
        self.request("google", "google_analytics", "EDITOR", email=DEMO_AGENCY)
        # Without a manager account id: Google Ads invites the agency's address.
        ads = self.link.services.create(
            platform="google", service_key="google_ads", access_level="STANDARD"
        )
        ads.account_links.create(connected_account=ConnectedAccount.objects.get())
        alice = User.objects.create_user("alice@example.org", "password")
        Membership.objects.create(user=alice, agency=self.agency, role=Role.OWNER)
        self.alice = Browser()
        self.alice.force_login(alice)

    def share_in_spanish(self) -> str:
        """Jane's answer to sharing: the results page she reads."""
        every = EVERY_SCOPE
        self.client.get(self.url())
        back = self.connect("google", {"decision": "allow", "user": JANE_AT_GOOGLE, "scope": every})
        self.client.get(back)
        shared = self.client.post(
            self.url("platform/google/"),
            {"google_analytics": PROPERTY, "google_ads": ADS_ACCOUNT},
            follow=True,
        )
        self.assertEqual(shared.status_code, 200)
        return shared.content.decode()

    def test_the_agencys_link_page_after_a_spanish_client_shows_no_spanish(self):
        jane_sees = self.share_in_spanish()
        self.assertEqual(
            dict(Grant.objects.values_list("service_key", "state")),
            {"google_analytics": GrantState.ACTIVE, "google_ads": GrantState.PENDING_AGENCY},
        )
        page = self.alice.get(
            f"/links/{self.link.public_id}/", headers={"accept-language": "es"}
        ).content.decode()

        self.assertIn(f"Google sent the invitation to {DEMO_AGENCY}.", page)
        self.assertIn(f"Done: {DEMO_AGENCY} now has access to", page)
        spanish = [sentence for sentence in spanish_sentences() if sentence in page]
        self.assertEqual(spanish, [])
        # The events that tell the agency's systems and teammates say it in English too.
        notes = [
            asset["notes"]
            for event in Event.objects.filter(link=self.link, type="service.granted")
            for asset in json.loads(event.body)["data"]["assets"]
        ]
        self.assertTrue(notes)
        self.assertEqual([n for n in notes if any(s in n for s in spanish_sentences())], [])
        # Jane read the same messages in Spanish.
        self.assertIn("Google ha enviado la invitación", jane_sees)
