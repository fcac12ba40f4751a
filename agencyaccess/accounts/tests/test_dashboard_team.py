from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencyaccess.accounts import actions
from agencyaccess.accounts.access import SESSION_AGENCY
from agencyaccess.accounts.models import Invitation, Membership, Role, User, invitation_digest
from agencyaccess.accounts.tests.pages import PageChecks, emailed_path
from agencyaccess.lib.errors import ActionError
from agencyaccess.notify.jobs import send_queued_emails
from agencyaccess.notify.models import OutgoingEmail
from agencyaccess.test import BaseTestCase

TEAM = "/account/team/"


class TeamTestCase(BaseTestCase):
    def invite(self, email: str) -> str:
        """Alice invites `email`; returns the path of the link in the e-mail the worker sends."""
        self.client.force_login(self.alice)
        mail.outbox.clear()
        r = self.client.post(TEAM, {"email": email})
        self.assertRedirects(r, TEAM)
        self.assertEqual(mail.outbox, [], "queued, not sent during the request")
        self.assertEqual(send_queued_emails(), 1)
        self.assertEqual(len(mail.outbox), 1)
        self.client.logout()
        return emailed_path(mail.outbox[0], "/account/invitations/")

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(user=user, agency=self.agency_a)


class TeamPageTests(PageChecks, TeamTestCase):
    def test_alice_sees_her_team_and_pending_invitations(self):
        self.invite("dana@example.org")
        self.client.force_login(self.alice)
        r = self.client.get(TEAM)
        self.assertContains(r, "bob@example.org")
        self.assertContains(r, "Owner")
        self.assertContains(r, "dana@example.org")
        self.assertContains(r, "Has not signed up yet")
        self.assertNotContains(r, "charlie@example.org")
        self.assertAccessiblePage(r)

    def test_the_team_page_makes_the_same_queries_however_big_the_team(self):
        self.client.force_login(self.alice)
        self.client.get(TEAM)
        with CaptureQueriesContext(connection) as small:
            self.client.get(TEAM)
        self.assertLessEqual(len(small), 5)  # session, user, their agencies, members, invitations
        for i in range(5):
            user = User.objects.create_user(f"member{i}@example.org", "password")
            Membership.objects.create(user=user, agency=self.agency_a)
            invitation = Invitation(agency=self.agency_a, email=f"invitee{i}@example.org")
            invitation.renew()
            invitation.save()
        with self.assertNumQueries(len(small)):
            r = self.client.get(TEAM)
        self.assertContains(r, "member4@example.org")
        self.assertContains(r, "invitee4@example.org")


class InviteTests(TeamTestCase):
    def test_an_invitation_is_emailed_with_a_link_whose_token_is_stored_hashed(self):
        link = self.invite("Dana@Example.org")
        message = mail.outbox[0]
        self.assertEqual(message.to, ["dana@example.org"])
        self.assertEqual(
            message.subject, "alice@example.org invited you to the Alice & Co team on AgencyAccess"
        )
        self.assertEqual(message.reply_to, ["alice@example.org"])
        self.assertIn("The link works once", message.body)
        # Sent: the row keeps who was invited, but not the link, since only its digest is kept.
        sent = OutgoingEmail.objects.get(kind="team_invitation")
        self.assertEqual(
            (sent.agency, sent.to, sent.text), (self.agency_a, ["dana@example.org"], "")
        )
        invitation = Invitation.objects.get(agency=self.agency_a)
        self.assertEqual(invitation.email, "dana@example.org")
        self.assertEqual(invitation.invited_by, self.alice)
        token = link.split("/")[-2]
        self.assertEqual(invitation.digest, invitation_digest(token))
        self.assertNotIn(token, invitation.digest)
        self.assertAlmostEqual(
            invitation.expires, timezone.now() + timedelta(days=14), delta=timedelta(minutes=1)
        )

    def test_someone_already_in_the_team_is_not_invited(self):
        self.client.force_login(self.alice)
        r = self.client.post(TEAM, {"email": "BOB@example.org"})
        self.assertContains(r, "already in the team", status_code=400)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Invitation.objects.exists())

    def test_inviting_again_sends_a_new_link_and_the_old_one_stops_working(self):
        first = self.invite("dana@example.org")
        second = self.invite("dana@example.org")
        self.assertNotEqual(first, second)
        self.assertEqual(Invitation.objects.count(), 1)
        self.assertEqual(self.client.get(first).status_code, 404)
        self.assertEqual(self.client.get(second).status_code, 200)

    def test_alice_revokes_an_invitation(self):
        link = self.invite("dana@example.org")
        invitation = Invitation.objects.get()
        self.client.force_login(self.alice)
        r = self.client.post(f"/account/team/invitations/{invitation.public_id}/revoke/")
        self.assertRedirects(r, TEAM)
        self.assertFalse(Invitation.objects.exists())
        self.client.logout()
        self.assertEqual(self.client.get(link).status_code, 404)


class AcceptInvitationTests(PageChecks, TeamTestCase):
    def test_a_new_user_signs_up_from_the_link_and_joins_as_a_member(self):
        link = self.invite("dana@example.org")
        r = self.client.get(link)
        self.assertContains(r, "Join Alice &amp; Co")
        self.assertContains(r, 'value="dana@example.org"')
        self.assertAccessiblePage(r)

        r = self.client.post(link, {"name": "Dana", "password": "correct horse battery"})
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        dana = User.objects.get(email="dana@example.org")
        self.assertEqual(self.membership(dana).role, Role.MEMBER)
        self.assertEqual(dana.memberships.count(), 1)  # no agency of her own
        self.assertEqual(self.client.session[SESSION_KEY], str(dana.pk))
        self.assertEqual(self.client.session[SESSION_AGENCY], self.agency_a.public_id)
        self.assertFalse(Invitation.objects.exists())

    def test_the_address_cannot_be_changed_on_the_sign_up_form(self):
        link = self.invite("dana@example.org")
        self.client.post(
            link, {"email": "mallory@example.org", "name": "M", "password": "correct horse battery"}
        )
        self.assertTrue(User.objects.filter(email="dana@example.org").exists())
        self.assertFalse(User.objects.filter(email="mallory@example.org").exists())

    def test_an_existing_user_logs_in_then_joins(self):
        link = self.invite("charlie@example.org")
        r = self.client.get(link)
        self.assertRedirects(r, f"/account/login/?next={link}", fetch_redirect_response=False)

        r = self.client.post(
            f"/account/login/?next={link}",
            {"email": "charlie@example.org", "password": "password", "next": link},
        )
        self.assertRedirects(r, link)
        r = self.client.get(link)
        self.assertContains(r, "Join the team")
        self.assertAccessiblePage(r)
        self.assertFalse(
            Membership.objects.filter(user=self.charlie, agency=self.agency_a).exists()
        )

        r = self.client.post(link)
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.membership(self.charlie).role, Role.MEMBER)
        # Charlie still owns his own agency, and now works in Alice's.
        self.assertEqual(self.charlie.memberships.get(agency=self.agency_b).role, Role.OWNER)
        self.assertEqual(self.client.session[SESSION_AGENCY], self.agency_a.public_id)

    def test_someone_logged_in_with_another_address_cannot_use_it(self):
        link = self.invite("dana@example.org")
        self.client.force_login(self.charlie)
        r = self.client.post(link)
        self.assertContains(r, "This invitation is for dana@example.org", status_code=403)
        self.assertFalse(
            Membership.objects.filter(user=self.charlie, agency=self.agency_a).exists()
        )
        self.assertTrue(Invitation.objects.exists())

    def test_a_link_works_once(self):
        link = self.invite("dana@example.org")
        self.client.post(link, {"name": "Dana", "password": "correct horse battery"})
        self.client.logout()
        r = self.client.post(link, {"name": "Eve", "password": "correct horse battery"})
        self.assertContains(r, "This invitation does not work", status_code=404)
        self.assertEqual(Membership.objects.filter(agency=self.agency_a).count(), 3)

    def test_an_expired_link_does_not_work(self):
        link = self.invite("dana@example.org")
        Invitation.objects.update(expires=timezone.now() - timedelta(seconds=1))
        r = self.client.post(link, {"name": "Dana", "password": "correct horse battery"})
        self.assertContains(r, "more than 14 days old", status_code=410)
        self.assertFalse(User.objects.filter(email="dana@example.org").exists())
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(TEAM), "Expired")

    def test_a_made_up_token_does_not_work(self):
        self.assertEqual(self.client.get("/account/invitations/made-up/").status_code, 404)


class OwnershipTests(TeamTestCase):
    def test_alice_makes_bob_the_owner_after_confirming(self):
        bob = self.membership(self.bob)
        self.client.force_login(self.alice)
        url = f"/account/team/members/{bob.public_id}/make-owner/"
        r = self.client.get(url)
        self.assertContains(r, "Make bob@example.org the owner?")
        self.assertEqual(self.membership(self.bob).role, Role.MEMBER)

        r = self.client.post(url)
        self.assertRedirects(r, "/", fetch_redirect_response=False)
        self.assertEqual(self.membership(self.bob).role, Role.OWNER)
        self.assertEqual(self.membership(self.alice).role, Role.MEMBER)
        self.assertEqual(self.agency_a.memberships.filter(role=Role.OWNER).count(), 1)
        # Alice is now a member: the team page is closed to her.
        self.assertEqual(self.client.get(TEAM).status_code, 403)

    def test_the_owner_cannot_be_made_owner_again(self):
        alice = self.membership(self.alice)
        self.client.force_login(self.alice)
        r = self.client.post(f"/account/team/members/{alice.public_id}/make-owner/")
        self.assertRedirects(r, TEAM)
        self.assertEqual(self.membership(self.alice).role, Role.OWNER)

    def test_a_deactivated_member_cannot_become_owner(self):
        User.objects.filter(pk=self.bob.pk).update(is_active=False)
        self.client.force_login(self.alice)
        self.client.post(f"/account/team/members/{self.membership(self.bob).public_id}/make-owner/")
        self.assertEqual(self.membership(self.alice).role, Role.OWNER)

    def test_a_former_owner_cannot_transfer_again(self):
        alice, bob = self.membership(self.alice), self.membership(self.bob)
        charlie = Membership.objects.create(user=self.charlie, agency=self.agency_a)
        actions.transfer_ownership(alice, bob)
        # Alice's second click, sent before the first one's answer came back.
        with self.assertRaisesMessage(ActionError, "no longer the owner"):
            actions.transfer_ownership(alice, charlie)
        self.assertEqual(self.membership(self.bob).role, Role.OWNER)
        self.assertEqual(self.membership(self.charlie).role, Role.MEMBER)

    def test_the_database_refuses_a_second_owner(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.filter(pk=self.membership(self.bob).pk).update(role=Role.OWNER)


class RemovalTests(TeamTestCase):
    def test_alice_removes_bob_after_confirming(self):
        url = f"/account/team/members/{self.membership(self.bob).public_id}/remove/"
        self.client.force_login(self.alice)
        self.assertContains(self.client.get(url), "Remove bob@example.org from the team?")
        r = self.client.post(url)
        self.assertRedirects(r, TEAM)
        self.assertFalse(Membership.objects.filter(user=self.bob).exists())
        self.assertTrue(User.objects.filter(pk=self.bob.pk).exists())

        # Bob, still logged in elsewhere, now lands on the page for users with no agency.
        self.client.force_login(self.bob)
        self.assertRedirects(self.client.get("/account/security/"), "/account/no-agency/")

    def test_the_owner_cannot_remove_herself(self):
        self.client.force_login(self.alice)
        url = f"/account/team/members/{self.membership(self.alice).public_id}/remove/"
        self.assertRedirects(self.client.get(url), TEAM)
        r = self.client.post(url, follow=True)
        self.assertContains(r, "The owner cannot be removed")
        self.assertTrue(Membership.objects.filter(user=self.alice).exists())


class TenantIsolationTests(TeamTestCase):
    """As Charlie, touch Alice's members and invitations by id -> 404, and nothing changes."""

    def test_charlie_cannot_act_on_alices_team(self):
        self.invite("dana@example.org")
        invitation = Invitation.objects.get()
        bob = self.membership(self.bob)
        self.client.force_login(self.charlie)
        for url in (
            f"/account/team/members/{bob.public_id}/make-owner/",
            f"/account/team/members/{bob.public_id}/remove/",
            f"/account/team/invitations/{invitation.public_id}/revoke/",
        ):
            with self.subTest(url):
                self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.membership(self.bob).role, Role.MEMBER)
        self.assertTrue(Invitation.objects.exists())
        self.assertEqual(
            self.client.get(f"/account/team/members/{bob.public_id}/remove/").status_code, 404
        )
