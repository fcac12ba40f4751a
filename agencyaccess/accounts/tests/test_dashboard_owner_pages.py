from agencyaccess.accounts.models import Agency, Invitation, Membership, Role
from agencyaccess.accounts.tests.pages import PageChecks
from agencyaccess.test import BaseTestCase


class MembersAreRefusedOwnerPagesTests(PageChecks, BaseTestCase):
    """Bob is a member: every owner page answers him 403, by GET and by POST, and changes
    nothing; hiding the links is not what protects them."""

    def owner_pages(self) -> list[str]:
        invitation = Invitation(agency=self.agency_a, email="dana@example.org")
        invitation.renew()
        invitation.save()
        alice = Membership.objects.get(user=self.alice)
        return [
            "/account/team/",
            f"/account/team/invitations/{invitation.public_id}/revoke/",
            f"/account/team/members/{alice.public_id}/make-owner/",
            f"/account/team/members/{alice.public_id}/remove/",
            "/account/settings/",
            "/account/branding/",
            "/account/branding/preview/",
            "/account/branding/logo/remove/",
        ]

    def test_bob_gets_a_friendly_403_on_every_owner_page(self):
        self.client.force_login(self.bob)
        for url in self.owner_pages():
            for method in ("get", "post"):
                with self.subTest(url, method=method):
                    r = getattr(self.client, method)(
                        url, {"name": "Bob's agency", "email": "x@example.org"}
                    )
                    self.assertContains(r, "Only the agency's owner", status_code=403)
        self.assertAccessiblePage(r)
        self.assertEqual(Agency.objects.get(pk=self.agency_a.pk).name, "Alice & Co")
        self.assertEqual(Membership.objects.get(user=self.alice).role, Role.OWNER)
        self.assertTrue(Invitation.objects.exists())

    def test_bobs_menu_has_no_owner_links(self):
        self.client.force_login(self.bob)
        r = self.client.get("/account/security/")
        for url in ("/account/team/", "/account/settings/", "/account/branding/"):
            self.assertNotContains(r, f'href="{url}"')

    def test_alices_menu_has_them(self):
        self.client.force_login(self.alice)
        r = self.client.get("/account/security/")
        for url in ("/account/team/", "/account/settings/", "/account/branding/"):
            self.assertContains(r, f'href="{url}"')
