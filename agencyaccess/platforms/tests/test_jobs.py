"""Purging the OAuth tokens whose time is up: revoked at the platform when possible, deleted
always."""

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from agencyaccess.platforms.base import ConnectorError, TokenSet
from agencyaccess.platforms.jobs import purge_expired_tokens
from agencyaccess.platforms.models import PlatformToken
from agencyaccess.test import BaseTestCase


class PurgeExpiredTokensTests(BaseTestCase):
    def token(self, purge_after, value="jane-access-token"):
        token = PlatformToken(platform="google", link=self.link, purge_after=purge_after)
        token.store(TokenSet(value, refresh_token="jane-refresh-token"))
        token.save()
        return token

    def purge(self, revoke_error=None):
        client = mock.Mock()
        client.revoke_token.side_effect = revoke_error
        with mock.patch("agencyaccess.platforms.jobs.registry.client_for", return_value=client):
            deleted = purge_expired_tokens()
        return deleted, client

    def test_tokens_past_their_time_are_revoked_then_deleted(self):
        now = timezone.now()
        expired = self.token(now - timedelta(seconds=1))
        kept = self.token(now + timedelta(days=29), "kept-token")
        agency_token = PlatformToken(platform="google", connected_account=self.google_a)
        agency_token.store(TokenSet("alice-token"))
        agency_token.save()

        deleted, client = self.purge()

        self.assertEqual(deleted, 1)
        self.assertFalse(PlatformToken.objects.filter(pk=expired.pk).exists())
        self.assertEqual(
            set(PlatformToken.objects.values_list("pk", flat=True)), {kept.pk, agency_token.pk}
        )
        [call] = client.revoke_token.call_args_list
        self.assertEqual(call.args[0].access_token, "jane-access-token")
        self.assertEqual(call.args[0].refresh_token, "jane-refresh-token")

    def test_a_failed_revoke_still_deletes_the_token(self):
        self.token(timezone.now() - timedelta(days=1))
        deleted, _ = self.purge(ConnectorError("Google is down", permanent=False))
        self.assertEqual(deleted, 1)
        self.assertFalse(PlatformToken.objects.exists())

    def test_a_token_that_cannot_be_decrypted_is_deleted_unrevoked(self):
        token = self.token(timezone.now() - timedelta(days=1))
        PlatformToken.objects.filter(pk=token.pk).update(access_token="not-a-fernet-token")
        deleted, client = self.purge()
        self.assertEqual(deleted, 1)
        client.revoke_token.assert_not_called()

    def test_nothing_due_deletes_nothing(self):
        self.token(timezone.now() + timedelta(hours=1))
        self.assertEqual(self.purge()[0], 0)
        self.assertEqual(PlatformToken.objects.count(), 1)
