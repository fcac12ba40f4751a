from django.test import SimpleTestCase

from agencyaccess.catalog import (
    PLATFORM_CHOICES,
    PLATFORMS,
    normalize_level,
    platform_by_key,
    platform_by_name,
    service_by_key,
)
from agencyaccess.catalog.requested_accounts import normalize_customer_id

ALL_SERVICES = [service for platform in PLATFORMS for service in platform.services]


class CatalogueTests(SimpleTestCase):
    def test_every_service_has_its_read_only_and_default_among_its_levels(self):
        for service in ALL_SERVICES:
            with self.subTest(service.key):
                self.assertIn(service.read_only, service.level_keys)
                self.assertIn(service.default, service.level_keys)

    def test_level_keys_are_canonical_upper_case_and_unique_per_service(self):
        for service in ALL_SERVICES:
            with self.subTest(service.key):
                self.assertTrue(service.levels)
                for key in service.level_keys:
                    self.assertEqual(normalize_level(key), key)
                    self.assertEqual(key, key.upper())
                self.assertEqual(len(set(service.level_keys)), len(service.level_keys))

    def test_platform_names_and_keys_are_unique_in_any_case(self):
        names = [p.name.casefold() for p in PLATFORMS]
        keys = [p.key for p in PLATFORMS]
        self.assertEqual(len(set(names)), len(names))
        self.assertEqual(len(set(keys)), len(keys))

    def test_service_names_are_unique_within_their_platform_in_any_case(self):
        for platform in PLATFORMS:
            with self.subTest(platform.name):
                names = [s.name.casefold() for s in platform.services]
                self.assertEqual(len(set(names)), len(names))

    def test_service_keys_are_unique_across_the_catalogue(self):
        keys = [s.key for s in ALL_SERVICES]
        self.assertEqual(len(set(keys)), len(keys))

    def test_every_service_knows_its_platform(self):
        for platform in PLATFORMS:
            for service in platform.services:
                self.assertIs(service.platform, platform)
                self.assertIs(service_by_key(service.key), service)
                self.assertEqual(service.path, f"{platform.name}.{service.name}")

    def test_only_google_ads_services_take_an_mcc_id(self):
        self.assertEqual(
            {s.key for s in ALL_SERVICES if s.accepts_mcc}, {"google_ads", "google_ads_mcc"}
        )
        self.assertEqual({s.key for s in ALL_SERVICES if s.requires_mcc}, {"google_ads_mcc"})

    def test_the_product_spec_platforms_are_all_there(self):
        self.assertEqual(
            [p.name for p in PLATFORMS][:11],
            [
                "Google",
                "Meta",
                "TikTok",
                "LinkedIn",
                "Twitter",
                "Pinterest",
                "Microsoft",
                "Snapchat",
                "Reddit",
                "Apple",
                "Amazon",
            ],
        )
        self.assertEqual(
            [s.name for s in platform_by_name("Google").services],  # type: ignore[union-attr]
            [
                "Google Ads",
                "Google Ads MCC",
                "Google Analytics",
                "Google Tag Manager",
                "Google Merchant Center",
                "Google Search Console",
                "YouTube Studio",
                "Google Business Profile",
                "Looker Studio",
            ],
        )
        self.assertEqual(len(PLATFORM_CHOICES), len(PLATFORMS))

    def test_every_platform_has_what_its_connected_accounts_hold(self):
        for platform in PLATFORMS:
            with self.subTest(platform.name):
                self.assertTrue(platform.account_fields)
                self.assertTrue(any(f.required for f in platform.account_fields))


class LookupTests(SimpleTestCase):
    def test_platforms_are_found_by_name_in_any_case(self):
        google = platform_by_key("google")
        for name in ["Google", "google", "GOOGLE", " Google "]:
            self.assertIs(platform_by_name(name), google)
        self.assertIsNone(platform_by_name("Myspace"))
        self.assertIsNone(platform_by_name(""))

    def test_services_are_found_by_name_in_any_case(self):
        meta = platform_by_key("meta")
        self.assertIs(meta.service("meta ads"), service_by_key("meta_ads"))
        self.assertIs(meta.service(" FACEBOOK PAGES "), service_by_key("facebook_pages"))
        self.assertIsNone(meta.service("Google Ads"))

    def test_levels_are_found_in_any_spelling(self):
        google_ads = service_by_key("google_ads")
        for spelling in [
            "READ_ONLY",
            "read_only",
            "Read only",
            "read-only",
            " Read  Only ",
            "READ-ONLY",
        ]:
            level = google_ads.level(spelling)
            self.assertIsNotNone(level, spelling)
            self.assertEqual(level.key, "READ_ONLY")  # type: ignore[union-attr]
        self.assertIsNone(google_ads.level("READONLY"))
        self.assertIsNone(google_ads.level(""))
        self.assertIsNone(google_ads.level("OWNER"))


class NormalizeTests(SimpleTestCase):
    def test_normalize_level(self):
        for value, normalized in [
            ("ADMIN", "ADMIN"),
            ("admin", "ADMIN"),
            ("Read only", "READ_ONLY"),
            ("read-only", "READ_ONLY"),
            ("read_only", "READ_ONLY"),
            ("  read   only  ", "READ_ONLY"),
            ("Campaign-Manager", "CAMPAIGN_MANAGER"),
            ("", ""),
        ]:
            with self.subTest(value):
                self.assertEqual(normalize_level(value), normalized)

    def test_normalize_customer_id(self):
        for value, normalized in [
            ("1234567890", "1234567890"),
            ("123-456-7890", "1234567890"),
            (" 123-456-7890 ", "1234567890"),
            ("123456-7890", "1234567890"),
            ("12345", None),
            ("123-45-67890", None),
            ("123 456 7890", None),
            ("abcdefghij", None),
            ("", None),
        ]:
            with self.subTest(value):
                self.assertEqual(normalize_customer_id(value), normalized)
