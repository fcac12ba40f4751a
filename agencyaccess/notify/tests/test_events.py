"""Events: one row per happening, written with the change, its body matching the catalogue.

Jane opens, grants, skips and answers on Alice's link through the real pages (the fake Google
of fake_platform answers for the platform); clients and links come through the API and the
dashboard. Every body recorded is checked against its type's schema.
"""

import json
import re

from django.db import connection, transaction
from django.test import TestCase
from django.utils import timezone
from pydantic import ValidationError

from agencyaccess.clients.tests.test_dashboard_clients import client_form
from agencyaccess.links.models import Grant, IntakeForm, IntakeQuestion, Link
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.models import Event, EventType
from agencyaccess.onboarding.tests.fake_platform import (
    ACTIVE_ID,
    CLIENT_ACCESS_TOKEN,
    FAILING_ID,
    PENDING_ID,
    FlowTestCase,
)
from agencyaccess.test import BaseTestCase


def raw_rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class EventAssertions(TestCase):
    def events(self, event_type: EventType) -> list[Event]:
        return list(Event.objects.filter(type=event_type).order_by("id"))

    def the_event(self, event_type: EventType) -> Event:
        [event] = self.events(event_type)
        self.assertValidBody(event)
        return event

    def assertValidBody(self, event: Event) -> None:
        envelope = event.envelope
        self.assertEqual(
            set(envelope), {"id", "type", "timestamp", "api_version", "agency", "data"}
        )
        self.assertEqual(envelope["id"], event.public_id)
        self.assertEqual(envelope["type"], event.type)
        self.assertEqual(envelope["agency"], event.agency.public_id)
        self.assertEqual(envelope["api_version"], 1)
        self.assertRegex(envelope["timestamp"], TIMESTAMP)
        CATALOGUE[event.type].data.model_validate(envelope["data"])


class CatalogueTests(BaseTestCase):
    def test_every_event_type_has_a_schema_and_an_example_that_fits_it(self):
        self.assertEqual(set(CATALOGUE), set(EventType.values))
        for event_type, spec in CATALOGUE.items():
            with self.subTest(event_type):
                spec.data.model_validate(spec.example)
                self.assertEqual(spec.json_schema()["type"], "object")
                self.assertTrue(spec.when)

    def test_a_schema_refuses_a_field_it_does_not_document(self):
        spec = CATALOGUE[EventType.SERVICE_SKIPPED]
        with self.assertRaises(ValidationError):
            spec.data.model_validate({**spec.example, "surprise": 1})


class EmitTests(BaseTestCase, EventAssertions):
    def emit_test(self, dedupe_key: str = "one") -> None:
        emit(
            self.agency_a.pk,
            EventType.WEBHOOK_TEST,
            {"message": "hello"},
            dedupe_key=dedupe_key,
        )

    def test_the_body_is_compact_json_rendered_once(self):
        self.emit_test()
        event = self.the_event(EventType.WEBHOOK_TEST)
        self.assertNotIn(", ", event.body)
        self.assertEqual(json.loads(event.body)["data"], {"message": "hello"})
        self.assertEqual(event.dedupe_key, "webhook.test:one")

    def test_the_same_happening_twice_is_recorded_once_and_the_transaction_goes_on(self):
        with transaction.atomic():
            self.emit_test()
            self.emit_test()
            self.emit_test("two")
            self.assertEqual(Event.objects.count(), 2, "the transaction is still usable")
        self.assertEqual(len(self.events(EventType.WEBHOOK_TEST)), 2)

    def test_an_event_rolls_back_with_its_change(self):
        try:
            with transaction.atomic():
                self.emit_test()
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
        self.assertFalse(Event.objects.exists())


class ApiAndDashboardEventTests(BaseTestCase, EventAssertions):
    def test_a_client_created_through_the_api(self):
        r = self.api_post(
            "/api/clients/create",
            {"name": "Ann", "email": "ann@example.com", "language": "Spanish"},
            self.alice_key,
        )
        event = self.the_event(EventType.CLIENT_CREATED)
        self.assertEqual(event.data["source"], "api")
        self.assertEqual(event.data["client"]["id"], r.json()["data"])
        self.assertEqual(event.data["client"]["language"], "Spanish")
        self.assertEqual(Event.objects.filter(client__public_id=r.json()["data"]).count(), 1)

    def test_a_client_created_on_the_dashboard(self):
        self.client.force_login(self.bob)
        r = self.client.post("/clients/new/", client_form())
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.the_event(EventType.CLIENT_CREATED).data["source"], "dashboard")

    def test_a_link_created_through_the_api(self):
        r = self.api_post(
            "/api/links/create",
            {
                "clientID": self.jane.public_id,
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
            },
            self.alice_key,
        )
        event = self.the_event(EventType.LINK_CREATED)
        link = event.data["link"]
        self.assertEqual(link["id"], r.json()["data"])
        self.assertEqual(link["clientID"], self.jane.public_id)
        self.assertEqual(
            link["services"],
            [
                {
                    "platform": "Google",
                    "service": "Google Ads",
                    "access_level": "ADMIN",
                    "requested": True,
                }
            ],
        )
        self.assertEqual(event.data["client"]["email"], "jane@example.com")

    def test_a_refused_request_records_nothing(self):
        self.api_post("/api/links/create", {"clientID": "nope"}, self.alice_key)
        self.assertFalse(Event.objects.exists())


class ClientJourneyEventTests(FlowTestCase, EventAssertions):
    def test_the_first_open_is_told_once(self):
        self.client.get(self.url())
        self.client.get(self.url())
        event = self.the_event(EventType.LINK_OPENED)
        self.assertEqual(event.data["link_id"], self.link.public_id)
        self.assertEqual(event.data["language"], "English")

    def test_a_teammate_previewing_the_link_does_not_open_it(self):
        self.client.force_login(self.bob)
        self.client.get(self.url())
        self.assertFalse(self.events(EventType.LINK_OPENED))
        self.link.refresh_from_db()
        self.assertIsNone(self.link.opened)

    def test_a_grant_tells_what_was_shared_and_completes_the_link(self):
        self.connect()
        self.share(ACTIVE_ID)

        granted = self.the_event(EventType.SERVICE_GRANTED)
        self.assertEqual(granted.data["result"], "granted")
        [asset] = granted.data["assets"]
        self.assertEqual(asset["state"], "active")
        self.assertEqual(asset["connected_account"]["id"], self.google_a.public_id)

        completed = self.the_event(EventType.LINK_COMPLETED)
        self.assertEqual(completed.data["id"], self.link.public_id)
        self.assertEqual(completed.data["client"]["owner"], self.agency_a.public_id)
        self.assertEqual(completed.data["services"][0]["status"], "granted")
        self.assertEqual(completed.data["skipped"], 0)
        self.assertIsNone(completed.data["tokens"])

    def test_a_link_that_retains_tokens_sends_them_with_its_completion(self):
        Link.objects.filter(pk=self.link.pk).update(retain_tokens=True)
        self.connect()
        self.share(ACTIVE_ID)
        [token] = self.the_event(EventType.LINK_COMPLETED).data["tokens"]
        self.assertEqual(token["platform"], "Google")
        self.assertEqual(token["accessToken"], CLIENT_ACCESS_TOKEN)
        # Read back as JSON, but stored encrypted: the tokens are secrets at rest.
        [(stored,)] = raw_rows("SELECT body FROM notify_event WHERE type = 'link.completed'")
        self.assertTrue(stored.startswith("sealed:"))
        self.assertNotIn(CLIENT_ACCESS_TOKEN, stored)
        self.assertEqual(
            Event.objects.filter(type=EventType.LINK_COMPLETED).values_list("body", flat=True)[0],
            self.the_event(EventType.LINK_COMPLETED).body,
        )

    def test_a_link_without_retained_tokens_is_stored_as_it_is_sent(self):
        self.connect()
        self.share(ACTIVE_ID)
        [(stored,)] = raw_rows("SELECT body FROM notify_event WHERE type = 'link.completed'")
        self.assertEqual(stored, self.the_event(EventType.LINK_COMPLETED).body)

    def test_one_asset_failing_beside_one_granted_is_partial(self):
        self.connect()
        self.share(ACTIVE_ID, FAILING_ID)
        self.assertEqual(self.the_event(EventType.SERVICE_GRANTED).data["result"], "partial")

    def test_nothing_granted_is_a_failed_service_and_the_link_stays_open(self):
        self.connect()
        self.share(FAILING_ID)
        failed = self.the_event(EventType.SERVICE_FAILED)
        self.assertEqual(failed.data["result"], "failed")
        self.assertTrue(failed.data["assets"][0]["notes"])
        self.assertFalse(self.events(EventType.SERVICE_GRANTED))
        self.assertFalse(self.events(EventType.LINK_COMPLETED))

    def test_granting_twice_tells_the_agency_once(self):
        self.connect()
        self.share(ACTIVE_ID)
        self.share(ACTIVE_ID)
        self.assertEqual(len(self.events(EventType.SERVICE_GRANTED)), 1)
        self.assertEqual(len(self.events(EventType.LINK_COMPLETED)), 1)

    def test_a_link_asked_again_completes_again_and_tells_again(self):
        self.client.post(self.url("skip/google_ads/"))
        self.assertEqual(len(self.events(EventType.LINK_COMPLETED)), 1)

        body = {
            "id": self.link.public_id,
            "requestedAccounts": {
                "Google": {
                    "Google Ads": {
                        "requestedAccountLinks": [{"internalAccountID": self.google_a.public_id}]
                    }
                }
            },
        }
        self.api_post("/api/links/update", body, self.alice_key)
        self.link.refresh_from_db()
        self.assertIsNone(self.link.completed, "asked again: no longer complete")

        self.connect()
        self.share(ACTIVE_ID)
        completions = self.events(EventType.LINK_COMPLETED)
        self.assertEqual(len(completions), 2)
        self.assertEqual(completions[1].data["services"][0]["status"], "granted")
        self.assertEqual(completions[1].dedupe_key, f"link.completed:{self.link.pk}:2")

    def test_a_pending_grant_that_becomes_active_is_told(self):
        from agencyaccess.links.actions import grant_activated
        from agencyaccess.platforms.base import GrantState

        self.connect()
        self.share(PENDING_ID)
        grant = Grant.objects.select_related("link__client", "connected_account").get()
        grant.state = GrantState.ACTIVE
        grant.updated = timezone.now()
        grant.save()
        grant_activated(grant, GrantState.PENDING_AGENCY)

        event = self.the_event(EventType.GRANT_ACTIVATED)
        self.assertEqual(event.data["previous_state"], "pending_agency")
        self.assertEqual(event.data["grant"]["state"], "active")

    def test_the_intake_form_is_told_once_and_completes_the_link_last(self):
        form = IntakeForm.objects.create(agency=self.agency_a)
        IntakeQuestion.objects.create(
            form=form, key="budget", type="number", required=True, labels={"en": "Budget"}
        )
        Link.objects.filter(pk=self.link.pk).update(intake_form_requested=True)
        self.client.post(self.url("skip/google_ads/"))
        self.assertFalse(self.events(EventType.LINK_COMPLETED), "the intake is still open")

        self.client.post(self.url("intake/"), {"budget": "1500"})
        self.client.post(self.url("intake/"), {"budget": "1500"})

        intake = self.the_event(EventType.INTAKE_COMPLETED)
        self.assertEqual(intake.data["answers"], {"budget": "1500"})
        completed = self.the_event(EventType.LINK_COMPLETED)
        self.assertEqual(completed.data["client"]["intakeForm"], {"budget": "1500"})
        self.assertEqual(completed.data["skipped"], 1)
