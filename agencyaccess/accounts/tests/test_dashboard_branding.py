import io
import shutil
import stat
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from agencyaccess.accounts.forms import LOGO_MAX_BYTES
from agencyaccess.accounts.models import Agency
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.test import BaseTestCase, usual_umask

BRANDING = "/account/branding/"


def image_file(
    name: str, image_format: str, size: tuple[int, int] = (64, 64)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#2563eb").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue())


class BrandingTestCase(PageChecks, BaseTestCase):
    media: Path

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.media = Path(tempfile.mkdtemp())
        cls.addClassCleanup(shutil.rmtree, cls.media)
        cls.enterClassContext(override_settings(MEDIA_ROOT=cls.media))

    def setUp(self):
        self.client.force_login(self.alice)
        self.addCleanup(shutil.rmtree, self.media / "logos", ignore_errors=True)

    def upload(self, logo: SimpleUploadedFile | None = None, **fields: str):
        data: dict = {"display_name": "", "brand_color": "#2563eb", "theme": "light"}
        if logo is not None:
            data["logo"] = logo
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(BRANDING, data | fields)

    def agency(self) -> Agency:
        return Agency.objects.get(pk=self.agency_a.pk)

    def stored_files(self) -> list[Path]:
        return sorted(p for p in self.media.rglob("*") if p.is_file())


class BrandingTests(BrandingTestCase):
    def test_the_page_has_a_labelled_form_and_a_preview(self):
        r = self.client.get(BRANDING)
        self.assertContains(r, 'id="brand-preview"')
        self.assertContains(r, 'hx-post="/account/branding/preview/"')
        self.assertAccessiblePage(r)

    def test_alice_sets_the_display_name_colour_and_theme(self):
        r = self.upload(
            display_name="Alice Studio",
            brand_color="#FF6600",
            theme="dark",
        )
        self.assertRedirects(r, BRANDING)
        agency = self.agency()
        self.assertEqual(
            (agency.display_name, agency.brand_color, agency.theme),
            ("Alice Studio", "#ff6600", "dark"),
        )
        self.assertFalse(agency.logo)

    def test_line_breaks_in_the_display_name_become_spaces(self):
        self.assertRedirects(self.upload(display_name="Alice\nStudio"), BRANDING)
        self.assertEqual(self.agency().display_name, "Alice Studio")

    def test_colour_and_theme_are_checked(self):
        r = self.upload(brand_color="red", theme="neon")
        self.assertEqual(set(r.context["form"].errors), {"brand_color", "theme"})
        self.assertEqual(self.agency().brand_color, "#2563eb")

    def test_the_preview_follows_what_is_typed_without_saving_it(self):
        r = self.client.post(
            "/account/branding/preview/",
            {"display_name": "Alice Studio", "brand_color": "#ff6600", "theme": "dark"},
        )
        self.assertContains(r, "--brand:#ff6600")
        self.assertContains(r, "theme-dark")
        self.assertContains(r, "Alice Studio asks for access")
        self.assertNotContains(r, "<html")
        self.assertEqual(self.agency().display_name, "")

    def test_a_colour_not_yet_complete_previews_the_saved_one(self):
        r = self.client.post(
            "/account/branding/preview/", {"brand_color": "#ff6", "theme": "light"}
        )
        self.assertContains(r, "--brand:#2563eb")
        self.assertContains(r, "Alice &amp; Co asks for access")


class LogoTests(BrandingTestCase):
    def test_png_jpeg_gif_and_webp_logos_are_stored_outside_the_code_and_served(self):
        for name, image_format, content_type in [
            ("logo.png", "PNG", "image/png"),
            ("photo.JPEG", "JPEG", "image/jpeg"),
            ("anim.gif", "GIF", "image/gif"),
            ("logo.webp", "WEBP", "image/webp"),
        ]:
            with self.subTest(name):
                upload = image_file(name, image_format)
                self.assertRedirects(self.upload(upload), BRANDING)
                logo = self.agency().logo
                directory, _, filename = str(logo.name).rpartition("/")
                self.assertEqual(directory, f"logos/{self.agency_a.public_id}")
                self.assertNotIn(name.split(".")[0], filename)  # a random name
                self.assertTrue(Path(logo.path).is_relative_to(self.media))
                # Replacing a logo removes the old file.
                self.assertEqual(self.stored_files(), [Path(logo.path)])

                url = logo.url
                self.assertTrue(
                    url.startswith(f"/account/branding/logo/{self.agency_a.public_id}/")
                )
                self.client.logout()  # clients see it without logging in
                r = self.client.get(url)
                self.assertEqual(r.status_code, 200)
                self.assertEqual(r["Content-Type"], content_type)
                upload.seek(0)
                self.assertEqual(r.getvalue(), upload.read())
                self.assertIn("immutable", r["Cache-Control"])
                self.assertIn("sandbox", r["Content-Security-Policy"])
                self.assertEqual(r["X-Content-Type-Options"], "nosniff")
                self.client.force_login(self.alice)

    def test_uploads_are_the_installs_own_files(self):
        # The data directory's files are its owner's only; the app serves the logo itself.
        with usual_umask():
            self.upload(image_file("logo.png", "PNG"))
        logo = Path(self.agency().logo.path)
        self.assertEqual(stat.S_IMODE(logo.stat().st_mode), 0o600)
        for directory in (logo.parent, logo.parent.parent):
            self.assertEqual(stat.S_IMODE(directory.stat().st_mode), 0o700, directory)

    def test_the_branding_page_and_preview_show_the_logo(self):
        self.upload(image_file("logo.png", "PNG"))
        r = self.client.get(BRANDING)
        self.assertContains(r, f'src="{self.agency().logo.url}"')
        self.assertContains(r, "Remove logo")

    def test_alice_removes_the_logo(self):
        self.upload(image_file("logo.png", "PNG"))
        url = self.agency().logo.url
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post("/account/branding/logo/remove/")
        self.assertRedirects(r, BRANDING)
        self.assertFalse(self.agency().logo)
        self.assertEqual(self.stored_files(), [])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_files_that_are_not_a_logo_are_refused(self):
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8)).save(buffer, "BMP")
        bmp = buffer.getvalue()
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        for upload, message in [
            (
                SimpleUploadedFile("logo.png", b"just some text"),
                "not a PNG, JPEG, GIF or WebP image",
            ),
            (SimpleUploadedFile("logo.svg", svg), "Upload a PNG, JPEG, GIF or WebP image"),
            (SimpleUploadedFile("logo.png", svg), "not a PNG, JPEG, GIF or WebP image"),
            (SimpleUploadedFile("logo.bmp", bmp), "Upload a PNG, JPEG, GIF or WebP image"),
            (SimpleUploadedFile("logo.png", bmp), "not a PNG, JPEG, GIF or WebP image"),
            (SimpleUploadedFile("logo", image_file("x.png", "PNG").read()), "Upload a PNG"),
            (image_file("logo.png", "JPEG"), "is a JPEG image but its name ends in .png"),
            (image_file("wide.png", "PNG", size=(6000, 10)), "6000 by 10 pixels"),
            (SimpleUploadedFile("huge.png", b"\0" * (LOGO_MAX_BYTES + 1)), "larger than 15 MB"),
        ]:
            with self.subTest(upload.name, message=message):
                r = self.upload(upload)
                self.assertContains(r, message, status_code=400)
        self.assertFalse(self.agency().logo)
        self.assertEqual(self.stored_files(), [])

    def test_only_an_agencys_current_logo_is_served(self):
        self.upload(image_file("logo.png", "PNG"))
        name = str(self.agency().logo.name).rpartition("/")[2]
        for url in (
            f"/account/branding/logo/{self.agency_b.public_id}/{name}",
            f"/account/branding/logo/{self.agency_a.public_id}/other.png",
            "/account/branding/logo/unknown/logo.png",
            f"/account/branding/logo/%00/{name}",  # no id: not even asked of the database
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 404)
