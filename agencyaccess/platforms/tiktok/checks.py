"""What `agencyaccess check_platform tiktok` checks beyond the sign-in: the app's id and secret
with the advertisers that authorized the app, the Business Centers the agency's sign-in belongs
to, and whether the Business Center set on the connected account is one of them, with a role that
can receive partner shares (docs/platforms/tiktok.md#checking-the-setup). Read-only calls."""

from collections.abc import Mapping, Sequence
from typing import Any

from agencyaccess.platforms.base import Check, ConnectorError, TokenSet, refusal
from agencyaccess.platforms.tiktok.api import call
from agencyaccess.platforms.tiktok.config import tiktok_settings
from agencyaccess.platforms.tiktok.connectors import BC_ADMIN, BC_FIELD, business_centers


def platform_checks(tokens: TokenSet, fields: Mapping[str, Any]) -> Sequence[Check]:
    checks = [_authorized_advertisers(tokens)]
    label = "Business Centers (/bc/get/)"
    try:
        centers = {bc_id: (name, role) for bc_id, name, role in business_centers(tokens)}
    except ConnectorError as e:
        return [*checks, Check(label, False, refusal(e))]
    if not centers:
        return [*checks, Check(label, False, "this sign-in belongs to none")]
    listed = ", ".join(f"{name} ({bc_id}, {role})" for bc_id, (name, role) in centers.items())
    return [*checks, Check(label, True, listed), _agency_center(centers, fields)]


def _authorized_advertisers(tokens: TokenSet) -> Check:
    """TikTok's tokens are not refreshed, so this read is what proves the app's id and secret:
    `oauth2/advertiser/get/` takes both, and lists the advertisers that authorized the app."""
    label = "App credentials and authorized advertisers (/oauth2/advertiser/get/)"
    tiktok = tiktok_settings()
    try:
        answer = call(
            "GET",
            "oauth2/advertiser/get/",
            token=tokens.access_token,
            params={"app_id": tiktok.app_id, "secret": tiktok.secret},
        )
    except ConnectorError as e:
        return Check(label, False, f"{refusal(e)}: check the app's id and secret in the settings")
    return Check(label, True, f"{len(answer.get('list') or [])} advertiser(s) authorized the app")


def _agency_center(centers: Mapping[str, tuple[str, str]], fields: Mapping[str, Any]) -> Check:
    label = "Agency Business Center"
    bc_id = str(fields.get(BC_FIELD) or "")
    if not bc_id:
        return Check(label, False, f"none set: set {BC_FIELD} on the connected account")
    if bc_id not in centers:
        return Check(
            label,
            False,
            f"{bc_id} is not among this sign-in's Business Centers: sign in with a member of it "
            f"or correct {BC_FIELD}",
        )
    name, role = centers[bc_id]
    if role != BC_ADMIN:
        return Check(
            label,
            False,
            f"{name} ({bc_id}): this sign-in is {role or 'no'} member, not an admin, so it cannot "
            "accept partner requests nor read what clients share: sign in with an admin",
        )
    return Check(label, True, f"{name} ({bc_id}): admin, receives clients' partner shares")
