"""A link's retained tokens: the client's platform sign-ins that a link with `retainTokens` keeps
for 30 days (links.actions.store_client_token), as the agency's owners see them on the link's
page and as the `link.completed` webhook and Zapier's `access_granted` carry them.

Owners see them only after typing their password again (and their two-factor code when it is
on); every time they are shown is a TokenReveal row. Tokens are never logged.
"""

import logging
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone

from agencyaccess.accounts.models import User
from agencyaccess.audit import log as audit
from agencyaccess.lib.addresses import ip_address_or_none
from agencyaccess.lib.timestamps import epoch_ms
from agencyaccess.links.models import Link, TokenReveal
from agencyaccess.platforms.models import PlatformToken

logger = logging.getLogger(__name__)


def live_tokens(link: Link) -> list[PlatformToken]:
    """The link's kept sign-ins not yet due for purge, one per platform (the newest), in the
    order of the platform keys; none for a link without retainTokens. One query, none without
    retainTokens. Nothing is decrypted."""
    if not link.retain_tokens:
        return []
    newest: dict[str, PlatformToken] = {}
    rows = link.tokens.filter(purge_after__gt=timezone.now()).order_by("platform", "-created")
    for token in rows:
        newest.setdefault(token.platform, token)
    return list(newest.values())


def retained_tokens(link: Link) -> list[dict[str, Any]]:
    """The link's retained tokens, decrypted, one dict per platform in the order of the platform
    keys: empty unless the link has retainTokens and the client signed in less than 30 days ago.
    One query whatever the number of tokens; none for a link without retainTokens.

    Each dict, in the API's style (camelCase, times in milliseconds since the epoch):

        {
            "platform": "Google",           # the platform's name, as in requestedAccounts
            "accessToken": "ya29.…",
            "refreshToken": "1//0g…",       # or null when the platform gave none
            "scopes": ["https://…/adwords"],  # what the client granted, sorted
            "expiresAt": 1767225600000,     # when the access token expires, or null if unknown
            "keptUntil": 1769817600000      # when it is deleted here (and revoked if it can be)
        }

    These are the tokens as stored: an access token may have expired, and the refresh token is
    what gets a new one. A token that can no longer be decrypted (encrypted with a key since
    retired) is left out.
    """
    return [shown for token in live_tokens(link) if (shown := _shown(token)) is not None]


def _shown(token: PlatformToken) -> dict[str, Any] | None:
    try:
        tokens = token.token_set()
    except InvalidToken:
        logger.warning("token %s cannot be decrypted; left out of the retained tokens", token.pk)
        return None
    assert token.purge_after is not None  # live_tokens() only finds tokens with a purge date
    return {
        "platform": token.get_platform_display(),
        "accessToken": tokens.access_token,
        "refreshToken": tokens.refresh_token,
        "scopes": sorted(tokens.scopes),
        "expiresAt": epoch_ms(tokens.expires_at) if tokens.expires_at else None,
        "keptUntil": epoch_ms(token.purge_after),
    }


def reveal_tokens(link: Link, user: User, address: str) -> list[dict[str, Any]]:
    """The retained tokens, for a user who has just proved who they are; records that they were
    shown to them (nothing is recorded when there is nothing to show)."""
    tokens = retained_tokens(link)
    if tokens:
        platforms = [token["platform"] for token in tokens]
        with transaction.atomic():  # the reveal and its audit entry, or neither
            TokenReveal.objects.create(
                link=link,
                user=user,
                email=user.email,
                address=ip_address_or_none(address),
                platforms=platforms,
            )
            audit.record(
                audit.Action.TOKENS_REVEALED,
                agency=link.agency_id,
                actor=user,
                target=link,
                address=address,
                details={"platforms": platforms},
            )
        logger.info(
            "link %s: retained tokens (%s) shown to user %s", link.public_id, platforms, user.pk
        )
    return tokens
