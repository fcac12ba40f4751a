"""Logos go through the configured file storage (STORAGES["default"]) and nothing else: the data
directory by default, an S3-compatible bucket with STORAGE_BACKEND=s3, so that every machine
serves the same logos."""

import os
from unittest import mock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.test import SimpleTestCase, override_settings
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage

from agencyaccess import settings as project_settings
from agencyaccess.accounts.tests.test_dashboard_branding import (
    BRANDING,
    BrandingTestCase,
    image_file,
)

S3_ENVIRONMENT = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": "agency-logos",
    "AWS_S3_ENDPOINT_URL": "http://minio.internal:9000",
    "AWS_S3_REGION_NAME": "eu-west-1",
    "AWS_S3_ADDRESSING_STYLE": "path",
}


def file_storage_with(environment: dict[str, str]):
    """The storage the settings choose with these variables, built as Django builds it."""
    others = {name: value for name, value in os.environ.items() if name not in S3_ENVIRONMENT}
    with mock.patch.dict(os.environ, others | environment, clear=True):
        config = project_settings._file_storage()
    return import_string(config["BACKEND"])(**config.get("OPTIONS", {}))


class FileStorageSettingTests(SimpleTestCase):
    def test_the_data_directory_by_default(self):
        self.assertIsInstance(file_storage_with({}), FileSystemStorage)

    def test_an_s3_compatible_bucket_when_asked(self):
        storage = file_storage_with(S3_ENVIRONMENT)  # builds no connection: nothing is sent
        self.assertIsInstance(storage, S3Storage)
        self.assertEqual(
            (storage.bucket_name, storage.endpoint_url, storage.region_name),
            ("agency-logos", "http://minio.internal:9000", "eu-west-1"),
        )
        self.assertEqual(storage.addressing_style, "path")
        self.assertIsNone(storage.default_acl)  # private: the app serves the logos

    def test_amazons_own_endpoint_when_none_is_given(self):
        storage = file_storage_with(S3_ENVIRONMENT | {"AWS_S3_ENDPOINT_URL": ""})
        self.assertIsNone(storage.endpoint_url)

    def test_a_bucket_is_required_and_the_backend_named(self):
        for environment, message in [
            ({"STORAGE_BACKEND": "s3"}, "STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME."),
            ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be local or s3, not 'ftp'."),
        ]:
            with self.subTest(message), self.assertRaisesMessage(ImproperlyConfigured, message):
                file_storage_with(environment)


@override_settings(
    STORAGES={
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
)
class LogoThroughTheConfiguredStorageTests(BrandingTestCase):
    """Another storage than the file system stands in for a bucket: the logo is stored, served,
    replaced and removed through it, and never touches MEDIA_ROOT."""

    def test_a_logo_lives_in_the_configured_storage(self):
        storage = storages["default"]
        self.assertIsInstance(storage, InMemoryStorage)
        upload = image_file("logo.png", "PNG")
        self.assertRedirects(self.upload(upload), BRANDING)
        first = str(self.agency().logo.name)
        self.assertTrue(storage.exists(first))
        self.assertEqual(self.stored_files(), [])

        self.client.logout()
        served = self.client.get(self.agency().logo.url)
        self.assertEqual(served.status_code, 200)
        upload.seek(0)
        self.assertEqual(served.getvalue(), upload.read())

        self.client.force_login(self.alice)
        self.upload(image_file("logo.webp", "WEBP"))
        second = str(self.agency().logo.name)
        self.assertFalse(storage.exists(first))
        self.assertTrue(storage.exists(second))

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/account/branding/logo/remove/")
        self.assertFalse(storage.exists(second))
        self.assertEqual(self.stored_files(), [])
