import importlib
import itertools
import pkgutil
from unittest import mock

from django.db import connections
from django.db.models import F
from django.db.models.query import ModelIterable, QuerySet, ValuesListIterable

import agencyaccess
from agencyaccess.clients.models import Client, ClientType
from agencyaccess.lib import sql
from agencyaccess.lib.sql import PreparedInsert, PreparedQuery, UnsupportedQuery
from agencyaccess.links.models import RequestedService, ServiceStatus
from agencyaccess.test import BaseTestCase

CLIENTS_OF_TYPE = PreparedQuery(
    lambda agency_id, email: Client.objects.filter(
        agency_id=agency_id, email=email, type=ClientType.PROSPECT
    ).order_by("name"),
    agency_id=int,
    email=str,
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
            lambda name: Client.objects.filter(name__startswith=name), name=str
        )
        with self.assertRaises(UnsupportedQuery):
            starts_with.objects(name="Pa")

    def test_it_is_compiled_once(self):
        CLIENTS_OF_TYPE.objects(agency_id=self.agency_a.pk, email="x@example.com")
        with self.assertNumQueries(1):
            CLIENTS_OF_TYPE.objects(agency_id=self.agency_a.pk, email="y@example.com")
        self.assertIs(CLIENTS_OF_TYPE._compiled, CLIENTS_OF_TYPE._compiled)

    def test_values_are_converted_and_annotations_set_as_the_queryset_would(self):
        client = Client.objects.create(agency=self.agency_a, name="Ann", email="a@example.com")
        with_agency = PreparedQuery(
            lambda pk: Client.objects.filter(pk=pk).annotate(agency_name=F("agency__name")), pk=int
        )
        columns = PreparedQuery(
            lambda pk: Client.objects.filter(pk=pk).values_list("created", "metadata"), pk=int
        )
        client.refresh_from_db()

        found = with_agency.first(pk=client.pk)

        assert found is not None
        self.assertEqual(
            (found.name, found.created, found.agency_name),
            (client.name, client.created, self.agency_a.name),
        )
        self.assertEqual(columns.rows(pk=client.pk), [(client.created, client.metadata)])

    def test_a_constant_equal_to_a_value_passed_before_stays_a_constant(self):
        # The query of the issue: with sample values chosen by hand (link_id=0), position=0
        # was taken for link_id and replaced by it on every run.
        first_service = PreparedQuery(
            lambda link_id: RequestedService.objects.filter(
                link_id=link_id, position=0
            ).values_list("service_key", "position"),
            link_id=int,
        )
        RequestedService.objects.filter(link=self.link).update(position=self.link.pk)

        self.assertEqual(first_service.rows(link_id=self.link.pk), [])
        RequestedService.objects.filter(link=self.link).update(position=0)
        self.assertEqual(
            first_service.rows(link_id=self.link.pk),
            list(
                RequestedService.objects.filter(link=self.link).values_list(
                    "service_key", "position"
                )
            ),
        )

    def test_a_constant_equal_to_a_placeholder_is_refused_not_replaced(self):
        clashing: PreparedQuery = PreparedQuery(
            lambda pk: Client.objects.filter(pk=pk, agency_id=int(str(clashing.sample["pk"]))),
            pk=int,
        )
        with self.assertRaisesMessage(UnsupportedQuery, "a constant of the query equals pk"):
            clashing.objects(pk=self.jane.pk)

    def test_placeholders_are_unique_to_each_parameter_and_query(self):
        one = PreparedQuery(lambda a, b: Client.objects.filter(pk=a, agency_id=b), a=int, b=int)
        other = PreparedQuery(lambda a: Client.objects.filter(pk=a), a=int)
        values = [*one.sample.values(), *other.sample.values()]
        self.assertEqual(len(set(values)), 3)

    def test_what_the_layer_cannot_run_as_the_orm_would_is_refused_when_compiled(self):
        limits = itertools.count(1)
        unsupported = {
            "select_related": lambda pk: Client.objects.filter(pk=pk).select_related("agency"),
            "prefetch_related": lambda pk: Client.objects.filter(pk=pk).prefetch_related("links"),
            "values (dicts)": lambda pk: Client.objects.filter(pk=pk).values("name"),
            "flat values_list": lambda pk: Client.objects.filter(pk=pk).values_list(
                "name", flat=True
            ),
            "SQL that changes from one build to the next": (
                lambda pk: Client.objects.filter(pk=pk)[: next(limits)]
            ),
        }
        for shape, build in unsupported.items():
            with self.subTest(shape), self.assertRaises(UnsupportedQuery):
                PreparedQuery(build, pk=int).rows(pk=self.jane.pk)
        with self.assertRaises(UnsupportedQuery):
            PreparedQuery(lambda day: Client.objects.filter(created__date=day), day=object)

    def test_a_values_list_query_has_rows_not_objects(self):
        names = PreparedQuery(lambda pk: Client.objects.filter(pk=pk).values_list("name"), pk=int)
        self.assertEqual(names.rows(pk=self.jane.pk), [(self.jane.name,)])
        with self.assertRaises(UnsupportedQuery):
            names.objects(pk=self.jane.pk)

    def test_a_run_needs_exactly_the_parameters_it_was_declared_with(self):
        with self.assertRaises(TypeError):
            CLIENTS_OF_TYPE.rows(agency_id=self.agency_a.pk)

    def test_it_runs_on_the_querysets_own_database(self):
        on_default = PreparedQuery(lambda pk: Client.objects.using("default").filter(pk=pk), pk=int)
        used = []

        class Recording:
            def __getitem__(self, alias):
                used.append(alias)
                return connections[alias]

        on_default.rows(pk=self.jane.pk)  # compiled
        with mock.patch.object(sql, "connections", Recording()):
            self.assertEqual(on_default.objects(pk=self.jane.pk), [self.jane])
        self.assertEqual(set(used), {"default"})
        self.assertEqual(on_default._compiled.alias, "default")


class DjangoInternalsTests(BaseTestCase):
    """What lib/sql.py reads of Django's compiler is not public API: a Django upgrade that
    changes one of these fails here, by name, before a prepared query runs the wrong SQL."""

    def compiler(self, queryset: QuerySet):
        return queryset.query.get_compiler(using=queryset.db)

    def test_the_queryset_attributes_it_checks_exist(self):
        queryset = Client.objects.all()
        self.assertIs(queryset._iterable_class, ModelIterable)
        self.assertEqual(queryset._prefetch_related_lookups, ())  # type: ignore[attr-defined]
        self.assertIs(queryset.query.select_related, False)
        self.assertIs(queryset.values_list("name")._iterable_class, ValuesListIterable)

    def test_klass_info_names_the_model_and_its_columns(self):
        compiler = self.compiler(
            Client.objects.only("name").annotate(agency_name=F("agency__name"))
        )
        compiler.as_sql()
        info = compiler.klass_info
        self.assertIs(info["model"], Client)
        self.assertFalse(info.get("related_klass_infos"))
        columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
        attnames = [columns[i].target.attname for i in info["select_fields"]]
        self.assertEqual(attnames, ["id", "name"])
        self.assertEqual(compiler.annotation_col_map, {"agency_name": 2})
        self.assertEqual(compiler.col_count, 3)

    def test_select_related_shows_in_klass_info(self):
        compiler = self.compiler(Client.objects.select_related("agency"))
        compiler.as_sql()
        [related] = compiler.klass_info["related_klass_infos"]
        self.assertEqual(related["model"].__name__, "Agency")

    def test_converters_are_given_by_column_position(self):
        compiler = self.compiler(Client.objects.values_list("name", "created"))
        compiler.as_sql()
        columns = [expression for expression, _, _ in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(columns)
        for position, (functions, expression) in converters.items():
            self.assertIsInstance(position, int)
            self.assertTrue(all(callable(function) for function in functions))
            self.assertIs(expression, columns[position])

    def test_every_prepared_query_of_the_project_compiles_to_what_the_orm_would_run(self):
        prepared = list(_prepared_queries())
        self.assertGreaterEqual(len(prepared), 10)
        for name, query in prepared:
            with self.subTest(name):
                compiled = query._compiled
                values = sql._placeholders(query.parameters)
                queryset = query.build(**values)
                expected_sql, expected_params = self.compiler(queryset).as_sql()
                params = [values[n] if n else constant for n, constant in compiled.params]
                self.assertEqual((compiled.sql, params), (expected_sql, list(expected_params)))
                self.assertEqual(compiled.alias, queryset.db)
                if compiled.model is not None:
                    self.assertIs(compiled.model, queryset.model)
                    self.assertEqual(
                        query.objects(**values), list(queryset)
                    )  # nothing matches a placeholder: both empty, both run


def _prepared_queries():
    """Every PreparedQuery a module of the project defines at its top level."""
    for module_info in pkgutil.walk_packages(agencyaccess.__path__, "agencyaccess."):
        if ".tests" in module_info.name or module_info.name.endswith(("wsgi", "asgi")):
            continue
        module = importlib.import_module(module_info.name)
        for attribute, value in vars(module).items():
            if isinstance(value, PreparedQuery):
                yield f"{module_info.name}.{attribute}", value


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
