"""Delivering events to webhook endpoints: the fan-out, then each attempt sent to a real HTTP
receiver on 127.0.0.1 that verifies the signature with the `standardwebhooks` library.

The delivery step is called directly (claim_due, then deliver); the worker's threads are in
test_webhook_worker.py. Loopback receivers need WEBHOOKS_ALLOW_PRIVATE_TARGETS on.
"""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from agencyaccess.notify.deliveries import (
    EXCERPT_BYTES,
    JITTER,
    KEEP,
    RETRY_AFTER_CAP,
    SCHEDULE,
    Outcome,
    claim_due,
    deliver,
    dispatch_events,
    failing_too_long,
    next_delay,
    purge_webhook_history,
)
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    EventType,
    OutgoingEmail,
    WebhookEndpoint,
)
from agencyaccess.notify.tests.receiver import Answer, running_receiver
from agencyaccess.notify.webhooks import (
    ROTATION_OVERLAP,
    create_endpoint,
    recover,
    resend,
    rotate_secret,
    send_test_event,
)
from agencyaccess.test import BaseTestCase

Status = Delivery.Status


@override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
class DeliveryTestCase(BaseTestCase):
    answers: list[Answer] = [Answer()]

    def setUp(self) -> None:
        super().setUp()
        self.receiver = self.enterContext(running_receiver(self.answers))
        self.endpoint, self.secret = create_endpoint(self.agency_a, self.receiver.url)

    def event(self, event_type: EventType = EventType.CLIENT_CREATED, key: str = "1") -> Event:
        emit(self.agency_a.pk, event_type, CATALOGUE[event_type].example, dedupe_key=key)
        return Event.objects.get(dedupe_key=f"{event_type.value}:{key}")

    def send_due(self, timeout: float = 5.0, *, later: timedelta = timedelta(0)) -> list[Outcome]:
        """Fan out, then one attempt of every delivery due `later` from now."""
        dispatch_events()
        return [deliver(d, timeout) for d in claim_due(100, timezone.now() + later)]

    def delivery(self, event: Event, endpoint: WebhookEndpoint | None = None) -> Delivery:
        return Delivery.objects.get(event=event, endpoint=endpoint or self.endpoint)


class SignedDeliveryTests(DeliveryTestCase):
    def test_an_event_reaches_the_endpoint_with_its_exact_body_signed_with_its_secret(self):
        event = self.event()
        [outcome] = self.send_due()

        self.assertTrue(outcome.ok)
        [received] = self.receiver.received
        self.assertTrue(received.verified_with(self.secret))
        self.assertEqual(received.body, event.body.encode())
        self.assertEqual(received.webhook_id, event.public_id)
        self.assertEqual(received.json["id"], event.public_id)
        self.assertEqual(received.headers["content-type"], "application/json")
        self.assertAlmostEqual(
            int(received.headers["webhook-timestamp"]), timezone.now().timestamp(), delta=5
        )
        delivery = self.delivery(event)
        self.assertEqual(
            (delivery.status, delivery.attempts, delivery.last_status), ("succeeded", 1, 200)
        )
        [attempt] = delivery.attempt_log.all()
        self.assertEqual((attempt.number, attempt.status, attempt.response_excerpt), (1, 200, "ok"))

    def test_another_secret_does_not_verify(self):
        self.event()
        self.send_due()
        _, other = create_endpoint(self.agency_a, self.receiver.url)
        self.assertFalse(self.receiver.received[0].verified_with(other))

    def test_during_a_rotation_both_secrets_sign_and_after_it_only_the_new_one(self):
        new = rotate_secret(self.endpoint)
        self.event(key="during")
        self.send_due()
        received = self.receiver.received[0]
        self.assertEqual(len(received.headers["webhook-signature"].split(" ")), 2)
        self.assertTrue(received.verified_with(self.secret))
        self.assertTrue(received.verified_with(new))

        WebhookEndpoint.objects.update(previous_secret_until=timezone.now() - ROTATION_OVERLAP / 24)
        self.event(key="after")
        self.send_due()
        received = self.receiver.received[1]
        self.assertEqual(len(received.headers["webhook-signature"].split(" ")), 1)
        self.assertTrue(received.verified_with(new))
        self.assertFalse(received.verified_with(self.secret))

    def test_a_zap_gets_the_events_data_with_its_id_and_type_signed_too(self):
        zap = WebhookEndpoint(
            agency=self.agency_a,
            kind=WebhookEndpoint.Kind.ZAPIER,
            url=self.receiver.url,
            event_types=["client.created"],
        )
        zap.secret = "whsec_" + "A" * 43 + "="
        zap.save()
        self.endpoint.delete()
        event = self.event()
        self.send_due()
        [received] = self.receiver.received
        self.assertEqual(received.json["event_id"], event.public_id)
        self.assertEqual(received.json["source"], "api")
        self.assertTrue(received.verified_with(zap.secret))

    def test_a_long_answer_is_kept_to_its_first_2_kb(self):
        self.receiver.answers = [Answer(body=b"x" * 10_000)]
        self.event()
        self.send_due()
        self.assertEqual(len(DeliveryAttempt.objects.get().response_excerpt), EXCERPT_BYTES)

    def test_an_answer_with_nul_bytes_is_kept_without_them(self):
        self.receiver.answers = [Answer(body=b"bin\x00ary")]
        self.event()
        self.send_due()
        self.assertEqual(DeliveryAttempt.objects.get().response_excerpt, "binary")


class FanOutTests(DeliveryTestCase):
    def test_each_event_makes_one_delivery_per_endpoint_that_wants_it_once(self):
        wants_links, _ = create_endpoint(
            self.agency_a, self.receiver.url, event_types=["link.completed"]
        )
        off, _ = create_endpoint(self.agency_a, self.receiver.url)
        off.is_active = False
        off.save()
        charlies, _ = create_endpoint(self.agency_b, self.receiver.url)
        client_created = self.event(EventType.CLIENT_CREATED)
        link_completed = self.event(EventType.LINK_COMPLETED)

        self.assertEqual(dispatch_events(), 2)
        self.assertEqual(dispatch_events(), 0)  # stamped: a second run (or worker) finds none

        made = set(Delivery.objects.values_list("event_id", "endpoint_id"))
        self.assertEqual(
            made,
            {
                (client_created.pk, self.endpoint.pk),
                (link_completed.pk, self.endpoint.pk),
                (link_completed.pk, wants_links.pk),
            },
        )
        self.assertFalse(Delivery.objects.filter(endpoint__in=[off, charlies]).exists())
        self.assertEqual(Event.objects.filter(endpoints_dispatched__isnull=True).count(), 0)

    def test_an_event_emitted_twice_is_sent_once(self):
        self.event(key="same")
        self.event(key="same")
        self.send_due()
        self.send_due()
        self.assertEqual(len(self.receiver.received), 1)

    def test_a_test_event_goes_to_its_endpoint_only_whatever_its_filter(self):
        self.endpoint.event_types = ["link.completed"]
        self.endpoint.save()
        other, _ = create_endpoint(self.agency_a, self.receiver.url)
        send_test_event(self.endpoint)
        self.send_due()
        [received] = self.receiver.received
        self.assertEqual(received.json["type"], "webhook.test")
        self.assertEqual(received.json["data"], {"message": "A test event from AgencyAccess."})
        self.assertFalse(Delivery.objects.filter(endpoint=other).exists())


class FailureTests(DeliveryTestCase):
    answers = [Answer(500, b"boom"), Answer(200)]

    def test_a_failure_is_retried_on_the_schedule_with_the_same_webhook_id(self):
        event = self.event()
        before = timezone.now()
        [failed] = self.send_due()

        delivery = self.delivery(event)
        self.assertEqual((failed.status, delivery.status, delivery.attempts), (500, "pending", 1))
        self.assertEqual(delivery.last_status, 500)
        wait = delivery.next_attempt - before
        self.assertGreaterEqual(wait, SCHEDULE[1] * (1 - JITTER) - timedelta(seconds=1))
        self.assertLessEqual(wait, SCHEDULE[1] * (1 + JITTER) + timedelta(seconds=1))
        self.endpoint.refresh_from_db()
        self.assertIsNotNone(self.endpoint.failing_since)
        self.assertEqual(self.send_due(), [])  # not due yet

        [succeeded] = self.send_due(later=timedelta(seconds=7))
        self.assertTrue(succeeded.ok)
        delivery.refresh_from_db()
        self.assertEqual((delivery.status, delivery.attempts), ("succeeded", 2))
        self.assertEqual(self.receiver.ids(), [event.public_id, event.public_id])
        self.assertTrue(all(r.verified_with(self.secret) for r in self.receiver.received))
        self.endpoint.refresh_from_db()
        self.assertIsNone(self.endpoint.failing_since)  # any success clears it
        self.assertEqual(
            list(delivery.attempt_log.values_list("number", "status", "response_excerpt")),
            [(1, 500, "boom"), (2, 200, "ok")],
        )

    def test_every_wait_of_the_schedule_has_its_jitter_and_the_last_attempt_ends_it(self):
        failure = Outcome(timezone.now(), 1, status=500)
        for attempts in range(1, len(SCHEDULE)):
            delay = next_delay(attempts, failure)
            assert delay is not None
            self.assertGreaterEqual(delay, SCHEDULE[attempts] * (1 - JITTER))
            self.assertLessEqual(delay, SCHEDULE[attempts] * (1 + JITTER))
        self.assertIsNone(next_delay(len(SCHEDULE), failure))
        self.assertEqual(len(SCHEDULE), 10)
        self.assertGreater(sum(SCHEDULE, timedelta()), timedelta(days=3))

    def test_retry_after_is_honoured_up_to_a_day(self):
        now = timezone.now()
        asked = Outcome(now, 1, status=429, retry_after=timedelta(hours=1))
        self.assertEqual(next_delay(1, asked), timedelta(hours=1))
        too_long = Outcome(now, 1, status=503, retry_after=timedelta(days=7))
        self.assertEqual(next_delay(1, too_long), RETRY_AFTER_CAP)

    def test_a_retry_after_header_sets_the_next_attempt(self):
        self.receiver.answers = [Answer(503, headers={"Retry-After": "120"})]
        event = self.event()
        before = timezone.now()
        self.send_due()
        wait = self.delivery(event).next_attempt - before
        self.assertGreaterEqual(wait, timedelta(seconds=119))
        self.assertLess(wait, timedelta(seconds=125))

    def test_a_redirect_is_a_failure_and_is_not_followed(self):
        self.receiver.answers = [Answer(302, headers={"Location": self.receiver.url + "/moved"})]
        event = self.event()
        self.send_due()
        self.assertEqual(len(self.receiver.received), 1)
        delivery = self.delivery(event)
        self.assertEqual((delivery.status, delivery.last_status), ("pending", 302))
        self.assertIn("Redirects are not followed", delivery.last_error)

    def test_a_receiver_that_does_not_answer_in_time_fails_the_attempt(self):
        self.receiver.answers = [Answer(delay=2.0)]
        event = self.event()
        [outcome] = self.send_due(timeout=0.3)
        self.assertIsNone(outcome.status)
        self.assertLess(outcome.duration_ms, 1500)
        delivery = self.delivery(event)
        self.assertEqual(delivery.status, "pending")
        self.assertIn("no answer within 0.3 s", delivery.last_error)

    def test_a_slow_receiver_that_answers_in_time_succeeds(self):
        self.receiver.answers = [Answer(delay=0.3)]
        self.event()
        [outcome] = self.send_due(timeout=2)
        self.assertTrue(outcome.ok)
        self.assertGreaterEqual(outcome.duration_ms, 300)

    def test_after_the_last_attempt_the_delivery_fails_and_the_other_endpoints_hear_of_it(self):
        other, _ = create_endpoint(self.agency_a, self.receiver.url + "/other")
        event = self.event()
        dispatch_events()
        Delivery.objects.filter(endpoint=other).update(status=Status.SUCCEEDED)
        Delivery.objects.filter(endpoint=self.endpoint).update(attempts=len(SCHEDULE) - 1)
        self.send_due()

        delivery = self.delivery(event)
        self.assertEqual((delivery.status, delivery.attempts), ("failed", len(SCHEDULE)))
        failed = Event.objects.get(type=EventType.WEBHOOK_FAILED)
        self.assertEqual(
            failed.data,
            {
                "endpoint": self.endpoint.as_ref(),
                "event": {"id": event.public_id, "type": "client.created"},
                "attempts": 10,
                "last_status": 500,
                "last_error": "",
            },
        )
        CATALOGUE["webhook.failed"].data.model_validate(failed.data)
        dispatch_events()
        # Sent to the other endpoint, never to the one that failed.
        self.assertEqual(
            list(Delivery.objects.filter(event=failed).values_list("endpoint", flat=True)),
            [other.pk],
        )

    def test_a_webhook_failed_that_fails_for_good_emits_no_other(self):
        failed = self.event(EventType.WEBHOOK_FAILED)
        dispatch_events()
        Delivery.objects.update(attempts=len(SCHEDULE) - 1)
        self.send_due()
        self.assertEqual(self.delivery(failed).status, "failed")
        self.assertEqual(Event.objects.filter(type=EventType.WEBHOOK_FAILED).count(), 1)

    def test_abort_message_stops_the_retries(self):
        self.receiver.answers = [Answer(400, headers={"webhook-delivery": "abort-message"})]
        event = self.event()
        self.send_due()
        self.assertEqual(self.delivery(event).status, "failed")
        self.assertEqual(self.delivery(event).attempts, 1)


class GoneAndDisabledTests(DeliveryTestCase):
    answers = [Answer(410)]

    def test_410_disables_the_endpoint_cancels_its_deliveries_and_tells_the_owners(self):
        other, _ = create_endpoint(self.agency_a, self.receiver.url + "/other")
        first, second = self.event(key="1"), self.event(key="2")
        dispatch_events()
        Delivery.objects.filter(endpoint=other).update(status=Status.SUCCEEDED)
        [delivery] = claim_due(1)
        deliver(delivery)

        self.endpoint.refresh_from_db()
        self.assertFalse(self.endpoint.is_active)
        self.assertEqual(self.endpoint.disabled_reason, "It answered 410 Gone.")
        self.assertEqual(Delivery.objects.get(pk=delivery.pk).status, "failed")
        waiting = second if delivery.event_id == first.pk else first
        self.assertEqual(self.delivery(waiting).status, "cancelled")
        [email] = OutgoingEmail.objects.filter(kind="webhook_disabled")
        self.assertEqual(email.to, ["alice@example.org"])
        self.assertIn(self.endpoint.url, email.text)
        self.assertIn("410 Gone", email.text)

        disabled = Event.objects.get(type=EventType.WEBHOOK_DISABLED)
        self.assertEqual(disabled.data["endpoint"]["id"], self.endpoint.public_id)
        CATALOGUE["webhook.disabled"].data.model_validate(disabled.data)
        dispatch_events()
        self.assertEqual(
            list(Delivery.objects.filter(event=disabled).values_list("endpoint", flat=True)),
            [other.pk],
        )
        self.assertFalse(Event.objects.filter(type=EventType.WEBHOOK_FAILED).exists())
        # Nothing more for the disabled endpoint.
        self.assertEqual([d.endpoint for d in claim_due(10)], [other])

    def test_410_from_zapier_deletes_the_subscription(self):
        self.endpoint.kind = WebhookEndpoint.Kind.ZAPIER
        self.endpoint.save()
        self.event()
        self.send_due()
        self.assertFalse(WebhookEndpoint.objects.exists())
        self.assertFalse(OutgoingEmail.objects.filter(kind="webhook_disabled").exists())


class AutoDisableTests(DeliveryTestCase):
    answers = [Answer(500)]

    def failing_since(self, days: float, attempts_at: list[float]) -> None:
        """The endpoint has failed since `days` ago, with failed attempts `attempts_at` days
        ago (a clock moved back instead of waiting days)."""
        now = timezone.now()
        WebhookEndpoint.objects.update(failing_since=now - timedelta(days=days))
        self.endpoint.refresh_from_db()
        old = self.event(key=f"old{days}{attempts_at}")
        delivery = Delivery.objects.create(event=old, endpoint=self.endpoint, status="failed")
        for number, ago in enumerate(attempts_at, 1):
            DeliveryAttempt.objects.create(
                delivery=delivery, number=number, at=now - timedelta(days=ago), status=500
            )
        Event.objects.filter(pk=old.pk).update(endpoints_dispatched=now)

    def test_failing_for_5_days_with_failures_spread_over_12_hours_disables(self):
        self.failing_since(6, [6, 5.5])
        self.event()
        self.send_due()  # the third failure
        self.endpoint.refresh_from_db()
        self.assertFalse(self.endpoint.is_active)
        self.assertIn("Every attempt failed since", self.endpoint.disabled_reason)
        self.assertEqual(OutgoingEmail.objects.filter(kind="webhook_disabled").count(), 1)
        self.assertEqual(Event.objects.filter(type=EventType.WEBHOOK_DISABLED).count(), 1)

    def test_not_before_5_days(self):
        self.failing_since(4.9, [4.9, 4, 3])
        self.event()
        self.send_due()
        self.endpoint.refresh_from_db()
        self.assertTrue(self.endpoint.is_active)

    def test_not_when_the_failures_came_in_a_short_burst(self):
        self.failing_since(6, [6, 5.96, 5.92])  # three failures within two hours
        self.assertFalse(failing_too_long(self.endpoint, timezone.now()))
        self.failing_since(6, [6, 5.96, 5.4])  # the same, spread over 14 hours
        self.assertTrue(failing_too_long(self.endpoint, timezone.now()))

    def test_not_with_fewer_than_3_failures(self):
        self.failing_since(6, [6])
        self.assertFalse(failing_too_long(self.endpoint, timezone.now()))


class ReplayTests(DeliveryTestCase):
    def test_resend_sends_the_same_event_id_and_body_again_as_a_new_attempt(self):
        event = self.event()
        self.send_due()
        delivery = self.delivery(event)
        resend(delivery)
        self.send_due()

        first, again = self.receiver.received
        self.assertEqual((first.webhook_id, again.webhook_id), (event.public_id, event.public_id))
        self.assertEqual(first.body, again.body)
        self.assertTrue(again.verified_with(self.secret))
        self.assertEqual(delivery.attempt_log.count(), 2)
        self.assertEqual(self.delivery(event).status, "succeeded")

    def test_recover_resends_the_failed_deliveries_since_a_date_once_each(self):
        old, recent, fine = self.event(key="old"), self.event(key="recent"), self.event(key="ok")
        dispatch_events()
        Delivery.objects.update(status=Status.FAILED, attempts=len(SCHEDULE))
        Delivery.objects.filter(event=old).update(created=timezone.now() - timedelta(days=3))
        Delivery.objects.filter(event=fine).update(status=Status.SUCCEEDED)

        self.assertEqual(recover(self.endpoint, timezone.now() - timedelta(days=1)), 1)
        self.send_due()
        self.assertEqual(self.receiver.ids(), [recent.public_id])
        self.assertEqual(self.delivery(recent).status, "succeeded")
        self.assertEqual(self.delivery(old).status, "failed")

    def test_a_replay_that_fails_is_not_retried_and_emits_nothing(self):
        self.receiver.answers = [Answer(500)]
        event = self.event()
        dispatch_events()
        Delivery.objects.update(status=Status.FAILED)
        resend(self.delivery(event))
        self.send_due()
        self.assertEqual(self.delivery(event).status, "failed")
        self.assertFalse(Event.objects.filter(type=EventType.WEBHOOK_FAILED).exists())


class PrivateTargetTests(DeliveryTestCase):
    def test_with_the_setting_off_a_loopback_endpoint_gets_nothing(self):
        event = self.event()
        with override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=False):
            [outcome] = self.send_due()
        self.assertEqual(self.receiver.received, [])
        self.assertIn("is not an https:// address", outcome.error)
        self.assertEqual(self.delivery(event).status, "pending")

    def test_with_the_setting_off_an_https_loopback_address_is_refused(self):
        WebhookEndpoint.objects.update(url=self.receiver.url.replace("http:", "https:"))
        self.event()
        with override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=False):
            [outcome] = self.send_due()
        self.assertIn("127.0.0.1 is a private, loopback or link-local address", outcome.error)


class PurgeTests(DeliveryTestCase):
    def test_events_deliveries_and_attempts_older_than_30_days_are_purged(self):
        old, recent = self.event(key="old"), self.event(key="recent")
        self.send_due()
        Event.objects.filter(pk=old.pk).update(occurred=timezone.now() - KEEP - timedelta(hours=1))

        self.assertEqual(purge_webhook_history(), 1)
        self.assertEqual(list(Event.objects.values_list("pk", flat=True)), [recent.pk])
        self.assertEqual(list(Delivery.objects.values_list("event", flat=True)), [recent.pk])
        self.assertEqual(DeliveryAttempt.objects.count(), 1)
        self.assertEqual(purge_webhook_history(), 0)
