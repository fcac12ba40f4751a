"""Connected-account workflows shared by the command line and the dashboard: entering an account
by hand, keeping an agency's sign-in on it, disconnecting it."""

import logging
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import transaction
from django.utils import timezone

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import AccountField, FieldKind, Platform
from agencyaccess.catalog.requested_accounts import normalize_customer_id
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib.errors import ActionError
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import ConnectorError, PlatformClient, SignIn, TokenSet
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken

logger = logging.getLogger(__name__)


def add_manual_account(
    agency: Agency, platform: Platform, *, email: str = "", name: str = "", fields: dict[str, str]
) -> ConnectedAccount:
    """A connected account entered by hand: its fields checked against the catalogue."""
    account = ConnectedAccount(agency=agency, platform=platform.key, method=ConnectionMethod.MANUAL)
    return save_manual_account(account, platform, email=email, name=name, fields=fields)


def save_manual_account(
    account: ConnectedAccount,
    platform: Platform,
    *,
    email: str = "",
    name: str = "",
    fields: dict[str, str],
) -> ConnectedAccount:
    """Give an account these hand-entered details, checked against the catalogue, replacing
    what it held. A disconnected account is connected again: it holds what it needs now."""
    known = {f.key: f for f in platform.account_fields}
    unknown = sorted(set(fields) - set(known) - {"email"})
    if unknown:
        raise ActionError(
            f"{platform.name} accounts have no field {', '.join(unknown)}; "
            f"their fields are: {', '.join(known) or 'none'}."
        )
    values = {key: _clean_field(known[key], raw) for key, raw in fields.items() if key != "email"}
    email = email or fields.get("email", "")
    if email:
        email = _clean_field(AccountField("email", "Email address", FieldKind.EMAIL), email)
    for account_field in platform.account_fields:
        present = email if account_field.key == "email" else values.get(account_field.key)
        if account_field.required and not present:
            raise ActionError(
                f"{platform.name} accounts need {account_field.label.lower()} ({account_field.key})."
            )
    account.name = name.strip() or email
    account.email = email
    account.fields = values
    account.disconnected = None
    account.save()
    return account


def _clean_field(account_field: AccountField, raw: str) -> Any:
    raw = raw.strip()
    if account_field.kind == FieldKind.EMAIL:
        try:
            return clean_email(raw).lower()
        except ValueError as e:
            raise ActionError(f"{account_field.key} {e}.") from None
    if account_field.kind == FieldKind.DIGITS:
        if not raw.isdigit():
            raise ActionError(f"{account_field.key} must be digits only.")
        return raw
    if account_field.kind == FieldKind.CUSTOMER_IDS:
        ids = [normalize_customer_id(part) for part in raw.split(",") if part.strip()]
        if not ids or None in ids:
            raise ActionError(
                f"{account_field.key} must be 10-digit Google Ads customer ids separated by commas, "
                "such as 123-456-7890."
            )
        return ids
    if len(raw) > 500:
        raise ActionError(f"{account_field.key} must be at most 500 characters.")
    return raw


def store_sign_in(
    agency: Agency,
    platform: Platform,
    account: ConnectedAccount | None,
    tokens: TokenSet,
    signed_in: SignIn,
) -> ConnectedAccount:
    """Keep the sign-in on the account (a new one when none), replacing its earlier tokens; a
    disconnected account is connected again."""
    if account is None:
        account = ConnectedAccount(agency=agency, platform=platform.key)
    account.method = ConnectionMethod.OAUTH
    account.disconnected = None
    account.email = signed_in.email or account.email
    account.fields = {**account.fields, **signed_in.fields}
    options = signed_in.options
    chosen = ""
    if options:
        if not account.fields.get(options.key) and len(options.values) == 1:
            account.fields[options.key] = options.values[0][0]
        chosen = (
            options.label(account.fields[options.key]) if account.fields.get(options.key) else ""
        )
    account.name = account.name or chosen or signed_in.name or account.email
    token = PlatformToken(platform=platform.key)
    token.store(tokens)
    with transaction.atomic():
        account.save()
        account.tokens.all().delete()
        token.connected_account = account
        token.save()
    return account


def connect_to_sandbox(agency: Agency, platform: Platform) -> ConnectedAccount:
    """A new connected account signed in to the platform's sandbox as its demo agency person,
    holding what that sign-in says (a Business Center, a manager customer, a member id) as the
    dashboard's "Connect" would. The sandbox is called over HTTP, so it must be served at
    SITE_URL. Raises ActionError when the platform has no sandbox standing in."""
    tokens = registry.sandbox_agency_sign_in(platform.key)
    if tokens is None:
        raise ActionError(f"{platform.name} has no sandbox standing in for it here.")
    signed_in = registry.agency_sign_in(platform.key, tokens)
    return store_sign_in(agency, platform, None, tokens, signed_in)


def disconnect_account(account: ConnectedAccount, *, keep: bool) -> None:
    """Forget the account's sign-in (asking the platform to revoke it first) and, unless
    something still names it (a link, a grant, an access page), the account itself. What
    names it keeps the row, marked disconnected, so their history stays readable."""
    client = registry.client_for(account.platform)
    tokens = list(account.tokens.all())
    if client is not None:
        for token in tokens:
            revoke(client, token)
    with transaction.atomic():
        account.tokens.all().delete()
        if keep:
            account.disconnected = account.disconnected or timezone.now()
            account.save(update_fields=["disconnected"])
        else:
            account.delete()


def revoke(client: PlatformClient, token: PlatformToken) -> None:
    """Best effort: the token is deleted here whatever the platform answers."""
    try:
        client.revoke_token(token.token_set())
    except (ConnectorError, InvalidToken):
        logger.warning(
            "could not revoke the %s token of account %s",
            token.platform,
            token.connected_account_id,
        )
