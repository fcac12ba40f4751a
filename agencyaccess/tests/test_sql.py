from django.db.models import F

from agencyaccess.clients.models import Client, ClientType
from agencyaccess.lib.sql import PreparedInsert, PreparedQuery
from agencyaccess.links.models import RequestedService, ServiceStatus
from agencyaccess.test import BaseTestCase

CLIENTS_OF_TYPE = PreparedQuery(
    lambda agency_id, email: Client.objects.filter(
        agency_id=agency_id, email=email, type=ClientType.PROSPECT
    ).order_by("name"),
    agency_id=-987654,
    email="sample@example.invalid",
)


class PreparedQueryTests(BaseTestCase):
    def test_it_answers_as_the_queryset_would_for_each_set_of_values(self):
        for name in ("Pat", "Pam"):
            Client.objects.create(
                agency=self.agency_a, name=name, email="p@example.com", type=ClientType.PROSPECT
            )
        Client.objects.create(agency=self.agency_a, name="Pablo", email="p@example.com")
        Client.objects.create(
            agency=self.agency_b, name="Paz", email="p@example.com", type=ClientType.PROSPECT
        )

        found = CLIENTS_OF_TYPE.objects(agency_id=self.agency_a.pk, email="p@example.com")

        self.assertEqual([c.name for c in found], ["Pam", "Pat"])  # the constant filter holds
        self.assertEqual(
            CLIENTS_OF_TYPE.objects(agency_id=self.agency_b.pk, email="p@example.com")[0].name,
            "Paz",
        )
        self.assertIsNone(CLIENTS_OF_TYPE.first(agency_id=self.agency_a.pk, email="z@example.com"))

    def test_a_lookup_that_rewrites_its_value_is_refused_when_compiled(self):
        starts_with = PreparedQuery(
            lambda name: Client.objects.filter(name__startswith=name), name="sample"
        )
        with self.assertRaises(AssertionError):
            starts_with.objects(name="Pa")

    def test_it_is_compiled_once(self):
        CLIENTS_OF_TYPE.objects(agency_id=self.agency_a.pk, email="x@example.com")
        with self.assertNumQueries(1):
            CLIENTS_OF_TYPE.objects(agency_id=self.agency_a.pk, email="y@example.com")
        self.assertIs(CLIENTS_OF_TYPE._compiled, CLIENTS_OF_TYPE._compiled)

    def test_values_are_converted_and_annotations_set_as_the_queryset_would(self):
        client = Client.objects.create(agency=self.agency_a, name="Ann", email="a@example.com")
        with_agency = PreparedQuery(
            lambda pk: Client.objects.filter(pk=pk).annotate(agency_name=F("agency__name")), pk=-1
        )
        columns = PreparedQuery(
            lambda pk: Client.objects.filter(pk=pk).values_list("created", "metadata"), pk=-2
        )
        client.refresh_from_db()

        found = with_agency.first(pk=client.pk)

        assert found is not None
        self.assertEqual(
            (found.name, found.created, found.agency_name),
            (client.name, client.created, self.agency_a.name),
        )
        self.assertEqual(columns.rows(pk=client.pk), [(client.created, client.metadata)])


class PreparedInsertTests(BaseTestCase):
    def test_rows_are_stored_as_the_model_would_store_them_with_defaults_filled_in(self):
        insert = PreparedInsert(RequestedService, returning=("service_key", "id"))

        returned = insert.insert(
            [
                {"link_id": self.link.pk, "platform": "meta", "service_key": "meta_ads"},
                {
                    "link_id": self.link.pk,
                    "platform": "google",
                    "service_key": "google_analytics",
                    "access_level": "Viewer",
                    "requested": False,
                    "position": 3,
                },
            ]
        )

        ids = dict(returned)
        self.assertEqual(set(ids), {"meta_ads", "google_analytics"})
        meta_ads = RequestedService.objects.get(pk=ids["meta_ads"])
        self.assertEqual(
            (meta_ads.link, meta_ads.access_level, meta_ads.requested, meta_ads.status),
            (self.link, "", True, ServiceStatus.PENDING),
        )
        analytics = RequestedService.objects.get(pk=ids["google_analytics"])
        self.assertEqual((analytics.requested, analytics.position), (False, 3))
        self.assertIsNotNone(analytics.updated)

    def test_a_name_that_is_not_a_column_is_refused_not_left_to_its_default(self):
        insert = PreparedInsert(RequestedService)
        for row in (
            {"link_id": self.link.pk, "service_key": "meta_ads", "requestd": False},
            {"link": self.link, "service_key": "meta_ads"},  # the field, not its column
        ):
            with self.subTest(row=row), self.assertRaises(ValueError):
                insert.insert([row])
        self.assertFalse(RequestedService.objects.filter(service_key="meta_ads").exists())

    def test_nothing_to_insert_runs_no_query(self):
        with self.assertNumQueries(0):
            self.assertEqual(PreparedInsert(RequestedService).insert([]), [])
