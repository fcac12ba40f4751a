"""The activity feed on the dashboard's home: the agency's events, newest first, as sentences,
filtered by client and type, a page at a time; never another agency's."""

import itertools
from datetime import timedelta

from django.utils import timezone

from agencyaccess.clients.models import Client
from agencyaccess.links.models import Link
from agencyaccess.notify.events import CATALOGUE, emit
from agencyaccess.notify.feed import FEED_SIZE
from agencyaccess.notify.models import Event, EventType
from agencyaccess.test import BaseTestCase

HOME = "/links/"
_keys = itertools.count()


class FeedTests(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.start = timezone.now() - timedelta(days=1)

    def event(self, event_type: EventType, link: Link | None = None, minutes: int = 0) -> Event:
        """An event of the link's client, `minutes` after the test's start; its data is the
        catalogue's example with the link's ids."""
        link = link or self.link
        data = dict(CATALOGUE[event_type].example)
        data |= {"link_id": link.public_id, "client_id": link.client.public_id}
        if "client" in data:
            data["client"] = link.client.as_api()
        emit(
            link.agency_id,
            event_type,
            data,
            dedupe_key=str(next(_keys)),
            link_id=link.pk,
            client_id=link.client_id,
            occurred=self.start + timedelta(minutes=minutes),
        )
        return Event.objects.latest("id")

    def rows(self, url: str = HOME) -> list[str]:
        r = self.client.get(url)
        self.assertEqual(r.status_code, 200)
        return [row.sentence for row in r.context["activity"].rows]

    def test_the_home_shows_the_agencys_events_newest_first_as_sentences(self):
        self.event(EventType.LINK_OPENED, minutes=1)
        self.event(EventType.SERVICE_GRANTED, minutes=2)
        self.event(EventType.LINK_COMPLETED, minutes=3)
        self.assertEqual(
            self.rows(),
            [
                "Jane Doe completed their link",
                "Jane Doe granted Google Ads",
                "Link opened by Jane Doe",
            ],
        )
        r = self.client.get(HOME)
        self.assertContains(
            r, f'<a href="/links/{self.link.public_id}/">Jane Doe granted Google Ads</a>', html=True
        )

    def test_every_type_reads_as_a_sentence(self):
        for minutes, event_type in enumerate(CATALOGUE):
            self.event(EventType(event_type), minutes=minutes)
        self.assertEqual(
            self.rows()[::-1],
            [
                "Jane Doe was added as a client through the API",
                "Link created for Jane Doe",
                "Link opened by Jane Doe",
                "Jane Doe granted Google Ads",
                "Jane Doe could not grant Google Ads",
                "Jane Doe skipped Facebook Pages",
                "Jane Doe completed the intake form",
                "Jane Doe completed their link",
                "Jane Doe's Google Ads (Jane's Bakery Ads) is now active",
                "Access to Jane Doe's Google Ads (Jane's Bakery Ads) was removed outside "
                "AgencyAccess",
                "Access to Jane Doe's Google Ads (Jane's Bakery Ads) was removed",
                "Jane Doe was offboarded",
                "A webhook delivery to hooks.agency.example failed",
                "The webhook endpoint hooks.agency.example was disabled",
                "A test event was sent",
            ],
        )

    def test_the_sentence_has_the_clients_current_name_and_survives_its_deletion(self):
        self.event(EventType.LINK_OPENED)
        self.jane.name = "Jane Smith"
        self.jane.save()
        self.assertEqual(self.rows(), ["Link opened by Jane Smith"])
        link_id = self.link.public_id
        self.jane.delete()  # and her links
        self.assertEqual(self.rows(), ["Link opened by A client"])
        self.assertNotContains(self.client.get(HOME), f'href="/links/{link_id}/"')

    def test_filter_by_type(self):
        self.event(EventType.LINK_OPENED, minutes=1)
        self.event(EventType.SERVICE_GRANTED, minutes=2)
        self.assertEqual(self.rows(f"{HOME}?type=link.opened"), ["Link opened by Jane Doe"])
        # An unknown type is no filter.
        self.assertEqual(len(self.rows(f"{HOME}?type=nonsense")), 2)

    def test_filter_by_client(self):
        john = Client.objects.create(agency=self.agency_a, name="John Roe", email="j@example.com")
        johns_link = Link.objects.create(agency=self.agency_a, client=john)
        self.event(EventType.LINK_OPENED, minutes=1)
        self.event(EventType.LINK_OPENED, johns_link, minutes=2)
        self.assertEqual(self.rows(f"{HOME}?client={john.public_id}"), ["Link opened by John Roe"])
        self.assertEqual(
            self.rows(f"{HOME}?client={self.jane.public_id}&type=link.opened"),
            ["Link opened by Jane Doe"],
        )

    def test_charlies_events_never_show_in_alices_feed(self):
        self.event(EventType.LINK_OPENED, self.charlies_link)
        self.assertEqual(self.rows(), [])

    def test_another_agencys_client_in_the_filter_is_a_404(self):
        self.event(EventType.LINK_OPENED, self.charlies_link)
        r = self.client.get(f"{HOME}?client={self.charlies_client.public_id}")
        self.assertEqual(r.status_code, 404)
        self.assertNotContains(r, "Carl", status_code=404)

    def test_pages_go_back_in_time_by_keyset(self):
        events = [self.event(EventType.LINK_OPENED, minutes=i) for i in range(FEED_SIZE + 5)]
        # Two events in the same millisecond still page in a stable order.
        Event.objects.filter(pk__in=[e.pk for e in events[3:6]]).update(occurred=self.start)
        newest_first = list(
            Event.objects.order_by("-occurred", "-id").values_list("public_id", flat=True)
        )

        r = self.client.get(HOME)
        first = r.context["activity"]
        self.assertEqual([row.event.public_id for row in first.rows], newest_first[:FEED_SIZE])
        self.assertEqual(first.older, newest_first[FEED_SIZE - 1])
        self.assertContains(r, f"before={first.older}")

        r = self.client.get(f"{HOME}?before={first.older}")
        second = r.context["activity"]
        self.assertEqual([row.event.public_id for row in second.rows], newest_first[FEED_SIZE:])
        self.assertEqual(second.older, "")
        self.assertContains(r, "Newest")

    def test_a_page_after_another_agencys_event_is_a_404(self):
        charlies = self.event(EventType.LINK_OPENED, self.charlies_link)
        self.assertEqual(self.client.get(f"{HOME}?before={charlies.public_id}").status_code, 404)
        self.assertEqual(self.client.get(f"{HOME}?before=not-an-id").status_code, 404)

    def test_an_empty_feed_says_so(self):
        self.assertContains(self.client.get(HOME), "Nothing has happened yet")
        self.assertContains(self.client.get(f"{HOME}?type=link.opened"), "Nothing matches")

    def test_the_feed_costs_the_same_queries_whatever_the_number_of_events(self):
        other = Client.objects.create(agency=self.agency_a, name="John Roe", email="j@example.com")
        other_link = Link.objects.create(agency=self.agency_a, client=other)
        before = self.event(EventType.LINK_OPENED, minutes=500)

        def more_events():
            for i in range(30):
                self.event(EventType.SERVICE_GRANTED, minutes=i)
                self.event(EventType.LINK_OPENED, other_link, minutes=i)

        for url in (
            HOME,
            f"{HOME}?type=service.granted",
            f"{HOME}?client={self.jane.public_id}",
            f"{HOME}?before={before.public_id}",
        ):
            with self.subTest(url):
                Event.objects.exclude(pk=before.pk).delete()
                self.assertQueriesDoNotGrow(url, more_events)
