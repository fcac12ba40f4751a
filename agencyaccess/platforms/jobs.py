"""Background jobs of the platforms app, run by the worker."""

import logging

from cryptography.fernet import InvalidToken

from agencyaccess.platforms import registry
from agencyaccess.platforms.base import TokenSet
from agencyaccess.platforms.models import PlatformToken

logger = logging.getLogger(__name__)

BATCH = 100


def purge_expired_tokens() -> int:
    """Delete the OAuth tokens whose `purge_after` has passed, first asking the platform to
    forget each one; returns how many were deleted."""
    deleted = 0
    for token in PlatformToken.objects.due_for_purge().order_by("purge_after")[:BATCH]:
        tokens = _readable(token)
        if tokens is not None:
            _revoke(token.platform, tokens)
        # Two workers may both get here for one token; only one deletes (and counts) it.
        deleted += PlatformToken.objects.filter(pk=token.pk).delete()[0]
    return deleted


def _readable(token: PlatformToken) -> TokenSet | None:
    try:
        return token.token_set()
    except InvalidToken:
        # Encrypted with a key since retired: nothing to revoke with, delete it all the same.
        logger.warning("token %s cannot be decrypted; deleting it unrevoked", token.pk)
        return None


def _revoke(platform_key: str, tokens: TokenSet) -> None:
    client = registry.client_for(platform_key)
    if client is None:
        return
    try:
        client.revoke_token(tokens)
    except Exception as e:  # best effort: whatever fails, the token is deleted on our side
        logger.warning("revoking a %s token failed: %s", platform_key, e)
