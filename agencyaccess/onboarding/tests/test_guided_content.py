"""Every guided service of the catalogue has its steps: a guide, a template, a name for each of
its levels, and a page that renders in every client language with the agency's ids in it."""

from django.template.loader import get_template
from django.urls import reverse

from agencyaccess.catalog import PLATFORMS, FieldKind
from agencyaccess.links.models import RequestedAccountLink, RequestedService
from agencyaccess.onboarding.pages import LANGUAGES
from agencyaccess.onboarding.steps import FIELD_LABELS, GUIDES
from agencyaccess.platforms.models import ConnectedAccount
from agencyaccess.test import BaseTestCase

# A heading of the steps page, as each language says it.
WHO_GETS_ACCESS = {
    "en": "Who gets access",
    "es": "Quién recibe el acceso",
    "nl": "Wie krijgt toegang",
    "de": "Wer Zugriff bekommt",
    "fr": "Qui reçoit l'accès",
    "pt": "Quem recebe o acesso",
    "it": "Chi riceve l'accesso",
    "pl": "Kto dostaje dostęp",
}
SERVICES = [service for platform in PLATFORMS for service in platform.services]
GUIDED = [service for service in SERVICES if service.connector is None]


def sample(kind: FieldKind, key: str) -> str:
    return {
        FieldKind.EMAIL: f"{key}@alice.example",
        FieldKind.DIGITS: "7000000000000000001",
    }.get(kind, f"Alice {key}")


class GuideCatalogueTests(BaseTestCase):
    def test_exactly_the_services_without_a_connector_have_a_guide(self):
        self.assertEqual(sorted(GUIDES), sorted(service.key for service in GUIDED))

    def test_each_guide_names_every_level_of_its_service(self):
        for service in GUIDED:
            with self.subTest(service=service.key):
                self.assertEqual(sorted(GUIDES[service.key].roles), sorted(service.level_keys))

    def test_each_guide_has_its_template_in_its_platform_folder(self):
        for service in GUIDED:
            with self.subTest(service=service.key):
                get_template(f"onboarding/steps/{service.platform.key}/{service.key}.html")

    def test_the_id_the_client_enters_is_one_the_agency_must_have(self):
        for service in GUIDED:
            receiver = GUIDES[service.key].receiver
            fields = {f.key: f for f in service.platform.account_fields}
            with self.subTest(service=service.key):
                self.assertIn(receiver, FIELD_LABELS)
                self.assertTrue(fields[receiver].required)

    def test_start_addresses_are_https(self):
        for key, guide in GUIDES.items():
            with self.subTest(service=key):
                self.assertTrue(
                    guide.start_url == "" or guide.start_url.startswith(("https://", "{website}"))
                )


class EveryGuideRendersTests(BaseTestCase):
    def test_every_guided_service_shows_its_steps_in_every_language(self):
        for service in GUIDED:
            account = ConnectedAccount.objects.create(
                agency=self.agency_a,
                platform=service.platform.key,
                email="ads@alice.example",
                fields={
                    f.key: sample(f.kind, f.key)
                    for f in service.platform.account_fields
                    if f.key != "email"
                },
            )
            row = RequestedService.objects.create(
                link=self.link,
                platform=service.platform.key,
                service_key=service.key,
                access_level=service.read_only,
            )
            RequestedAccountLink.objects.create(requested_service=row, connected_account=account)
            receiver = str(account.field_value(GUIDES[service.key].receiver))
            for language in LANGUAGES:
                self.jane.language = language
                self.jane.save()
                with self.subTest(service=service.key, language=language):
                    r = self.client.get(
                        reverse("onboarding-steps", args=[self.link.public_id, service.key])
                    )
                    self.assertContains(r, WHO_GETS_ACCESS[language])
                    self.assertContains(r, receiver.lstrip("@"))
                    self.assertGreaterEqual(r.content.decode().count("<li>"), 3)
