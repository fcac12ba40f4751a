"""Connected-account workflows shared by the command line and the dashboard."""

from typing import Any

from agencyaccess.accounts.models import Agency
from agencyaccess.catalog import AccountField, FieldKind, Platform
from agencyaccess.catalog.requested_accounts import normalize_customer_id
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib.errors import ActionError
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod


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
