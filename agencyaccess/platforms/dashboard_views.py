"""The agency's connected accounts (reference-product.md §1.6, §2.3): every platform of the
catalogue with the accounts connected on it; connecting one by signing in to the platform (its
sandbox by default) or by entering what the platform needs; refreshing; disconnecting.

Members manage accounts as owners do (accounts:manage). Accounts are only ever looked up within
the request's agency, so another agency's id is a 404.

Views leave `request` unannotated: accounts.access.agency_view adds request.agency and
request.agency_id, which HttpRequest does not declare.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.accounts.access import agency_view
from agencyaccess.accounts.models import Agency
from agencyaccess.apikeys.capabilities import ACCOUNTS_MANAGE
from agencyaccess.catalog import PLATFORMS, AccountField, FieldKind, Platform, platform_by_key
from agencyaccess.lib.errors import ActionError
from agencyaccess.links.access_pages import pages_naming
from agencyaccess.links.models import Link
from agencyaccess.platforms import oauth, registry
from agencyaccess.platforms.actions import (
    add_manual_account,
    disconnect_account,
    save_manual_account,
    store_sign_in,
)
from agencyaccess.platforms.base import ConnectorError, SignIn, TokenSet
from agencyaccess.platforms.models import ConnectedAccount, ConnectionMethod, PlatformToken

# The confirmation before disconnecting lists this many of the links using the account.
LINKS_SHOWN = 50


def get_account_for_request(request, public_id: str) -> ConnectedAccount:
    """The connected account of the request's agency with this id; another agency's is a 404."""
    account = ConnectedAccount.objects.filter(
        agency_id=request.agency_id,
        public_id=public_id,
    ).first()
    if account is None:
        raise Http404("No connected account of your agency has this id.")
    return account


def platform_or_404(key: str) -> Platform:
    try:
        return platform_by_key(key)
    except KeyError:
        raise Http404("No such platform.") from None


# -- The page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountRow:
    account: ConnectedAccount
    details: list[tuple[str, str]]  # (label, value) of the fields it holds besides its e-mail
    status: str
    tone: str  # the badge's colour: ok, warn, bad
    can_choose: bool  # signed in, but what receives access is still to be chosen


@dataclass
class PlatformAccounts:
    """One platform on the connected-accounts page, with the agency's accounts on it."""

    platform: Platform
    can_sign_in: bool
    sandbox: bool
    rows: list[AccountRow] = field(default_factory=list)


@require_GET
@agency_view(ACCOUNTS_MANAGE)
def accounts(request) -> HttpResponse:
    """Every platform of the catalogue, each with its accounts: one query for any number."""
    cards = {
        platform.key: PlatformAccounts(
            platform,
            can_sign_in=can_sign_in(platform),
            sandbox=can_sign_in(platform) and registry.is_sandbox(platform.key),
        )
        for platform in PLATFORMS
    }
    rows = (
        ConnectedAccount.objects.filter(agency_id=request.agency_id)
        .annotate(
            link_count=Count("requested_links__requested_service__link", distinct=True),
            # A sign-in that can still be used: one without a refresh token (Meta's) ends.
            signed_in=Exists(
                PlatformToken.objects.filter(connected_account=OuterRef("pk")).exclude(
                    refresh_token="", expires_at__lte=timezone.now()
                )
            ),
        )
        .order_by("created", "id")
    )
    for account in rows:
        card = cards[account.platform]
        card.rows.append(account_row(card.platform, account))
    return render(request, "platforms/accounts.html", {"cards": list(cards.values())})


def can_sign_in(platform: Platform) -> bool:
    return platform.oauth and registry.client_for(platform.key) is not None


def account_row(platform: Platform, account: Any) -> AccountRow:
    details = [
        (account_field.label, shown(account.field_value(account_field.key)))
        for account_field in platform.account_fields
        if account_field.key != "email" and account.field_value(account_field.key)
    ]
    missing = [
        account_field.label
        for account_field in platform.account_fields
        if account_field.required and not account.field_value(account_field.key)
    ]
    if account.disconnected:
        status, tone = "Disconnected", "bad"
    elif account.method == ConnectionMethod.OAUTH and not account.signed_in:
        status, tone = "Sign in again", "warn"
    elif missing:
        status, tone = f"Needs {', '.join(missing)}", "warn"
    else:
        status, tone = "Connected", "ok"
    signed_in = account.method == ConnectionMethod.OAUTH and account.signed_in
    can_choose = signed_in and bool(missing) and not account.disconnected
    return AccountRow(account, details, status, tone, can_choose)


def shown(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


# -- Entering an account by hand -------------------------------------------------------------------


class ManualAccountForm(forms.Form):
    """The platform's account fields (catalogue), checked by platforms.actions when saved."""

    name = forms.CharField(
        max_length=200,
        required=False,
        help_text="How your team recognises this account. Left empty, its e-mail address is used.",
    )

    def __init__(self, platform: Platform, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = platform
        for account_field in platform.account_fields:
            self.fields[account_field.key] = field_for(account_field)

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "fields": {f.key: data[f.key] for f in self.platform.account_fields if data[f.key]},
        }


def field_for(account_field: AccountField) -> forms.CharField:
    """A text box: the checks are platforms.actions', shared with the command line."""
    attrs: dict[str, str] = {}
    help_text = ""
    if account_field.kind == FieldKind.EMAIL:
        attrs = {"type": "email", "autocomplete": "email"}
    elif account_field.kind == FieldKind.DIGITS:
        attrs = {"inputmode": "numeric"}
    elif account_field.kind == FieldKind.CUSTOMER_IDS:
        help_text = "10-digit ids separated by commas, such as 123-456-7890."
    return forms.CharField(
        label=account_field.label,
        required=account_field.required,
        max_length=1000,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
    )


def initial_of(account: ConnectedAccount, platform: Platform) -> dict[str, str]:
    values = {f.key: shown(account.field_value(f.key) or "") for f in platform.account_fields}
    return {"name": account.name, **values}


@require_http_methods(["GET", "POST"])
@agency_view(ACCOUNTS_MANAGE)
def add_account(request, platform: str) -> HttpResponse:
    found = platform_or_404(platform)
    form = ManualAccountForm(found, request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            account = add_manual_account(
                request.agency,
                found,
                **form.details(),
            )
        except ActionError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"{account} added.")
            return redirect("platforms-accounts")
    return render(
        request,
        "platforms/account_form.html",
        {"form": form, "platform": found, "account": None},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@agency_view(ACCOUNTS_MANAGE)
def edit_account(request, account_id: str) -> HttpResponse:
    """A hand-entered account's details. An account connected by signing in is refreshed by
    signing in again instead: what it holds comes from the platform."""
    account = get_account_for_request(request, account_id)
    if account.method != ConnectionMethod.MANUAL:
        raise Http404("This account is refreshed by signing in again.")
    platform = platform_by_key(account.platform)
    if request.method == "POST":
        form = ManualAccountForm(platform, request.POST)
    else:
        form = ManualAccountForm(platform, initial=initial_of(account, platform))
    if form.is_valid():
        try:
            save_manual_account(account, platform, **form.details())
        except ActionError as e:
            form.add_error(None, e.message)
        else:
            messages.success(request, f"{account} saved.")
            return redirect("platforms-accounts")
    return render(
        request,
        "platforms/account_form.html",
        {"form": form, "platform": platform, "account": account},
        status=400 if form.errors else 200,
    )


# -- Signing in ---------------------------------------------------------------------------------


@require_POST
@agency_view(ACCOUNTS_MANAGE)
def connect(request, platform: str) -> HttpResponse:
    """Connect a new account by signing in to the platform."""
    found = platform_or_404(platform)
    if not can_sign_in(found):
        raise Http404("This platform has no sign-in.")
    return start_sign_in(request, found, None)


@require_POST
@agency_view(ACCOUNTS_MANAGE)
def refresh(request, account_id: str) -> HttpResponse:
    """Sign in again for an account connected by signing in (or disconnected since): new tokens
    and permissions, the platform's ids read again."""
    account = get_account_for_request(request, account_id)
    if account.method != ConnectionMethod.OAUTH:
        raise Http404("This account was entered by hand: edit it instead.")
    return start_sign_in(request, platform_by_key(account.platform), account)


def start_sign_in(request, platform: Platform, account: ConnectedAccount | None) -> HttpResponse:
    """Off to the platform's consent page, asking for every service it grants through its API:
    the same sign-in then serves every request that names this account. The flow remembers the
    agency, which the callback checks against the agency the person is working in then."""
    client = registry.client_for(platform.key)
    assert client is not None  # can_sign_in() or an OAuth account
    services = [s.key for s in platform.services if registry.connector_for(s.key) is not None]
    try:
        return oauth.start(
            request,
            platform.key,
            purpose="agency",
            payload={
                "agency": request.agency.public_id,
                "platform": platform.key,
                "account": account.public_id if account else None,
            },
            scopes=client.scopes_for(services),
            login_hint=(account.email or None) if account else None,
        )
    except ConnectorError as e:
        messages.error(request, f"{platform.name} cannot be reached right now: {e.message}")
        return redirect("platforms-accounts")


@agency_view(ACCOUNTS_MANAGE)
def account_connected(
    request, payload: dict[str, Any], tokens: TokenSet | None, error: str | None
) -> HttpResponse:
    """The end of an agency's sign-in (platforms.oauth.callback): store the tokens on a new
    account, or on the one being refreshed, and read what the platform says it holds."""
    agency: Agency = request.agency
    if payload.get("agency") != agency.public_id:
        # Started in another of the person's agencies (switched since, in another tab).
        messages.error(
            request,
            "This sign-in was started while you worked in another agency. Nothing was "
            "connected: switch back to that agency and connect again.",
        )
        return redirect("platforms-accounts")
    platform = platform_or_404(payload.get("platform", ""))
    account = (
        get_account_for_request(request, payload["account"]) if payload.get("account") else None
    )
    if tokens is None:
        messages.error(request, f"Connecting {platform.name} did not work: {error}")
        return redirect("platforms-accounts")
    try:
        signed_in = registry.agency_sign_in(platform.key, tokens)
    except ConnectorError as e:
        messages.error(request, f"{platform.name} signed you in, but: {e.message}")
        return redirect("platforms-accounts")
    problem = refusal(platform, account, signed_in)
    if problem:
        messages.error(request, problem)
        return redirect("platforms-accounts")
    account = store_sign_in(agency, platform, account, tokens, signed_in)
    if signed_in.note:
        messages.warning(request, signed_in.note)
    if signed_in.options and not account.fields.get(signed_in.options.key):
        return redirect("platforms-choose-detail", account.public_id)
    messages.success(request, f"{account} connected.")
    return redirect("platforms-accounts")


def refusal(platform: Platform, account: ConnectedAccount | None, signed_in: SignIn) -> str:
    """Why this sign-in cannot connect (or refresh) the account, or "". Refreshing renews an
    account's sign-in: it never turns the account into another one that links would then
    give access to without anyone noticing."""
    options = signed_in.options
    if options is not None and not options.values:
        label = field_label(platform, options.key)
        return f"The person who signed in has no {label} on {platform.name}: nothing was connected."
    if account is None:
        return ""
    if signed_in.email and account.email and signed_in.email.lower() != account.email.lower():
        return (
            f"You signed in as {signed_in.email}, but this account is {account.email}. Sign in "
            f"as {account.email} to refresh it, or connect {signed_in.email} as another account."
        )
    current = account.fields.get(options.key) if options else None
    if options and current and current not in dict(options.values):
        label = field_label(platform, options.key)
        return (
            f"The person who signed in cannot use {label} {current}, which this account "
            "receives access with. Sign in as someone who can, or connect a new account."
        )
    return ""


def field_label(platform: Platform, key: str) -> str:
    return next(f.label for f in platform.account_fields if f.key == key)


@require_http_methods(["GET", "POST"])
@agency_view(ACCOUNTS_MANAGE)
def choose_detail(request, account_id: str) -> HttpResponse:
    """Pick, among what the account's sign-in can use (a person in several Business Managers),
    the one that receives access. The choices are read from the platform again, so only one
    the sign-in can use is ever stored."""
    account = get_account_for_request(request, account_id)
    platform = platform_by_key(account.platform)
    token = account.latest_token()
    if token is None or registry.client_for(account.platform) is None or account.disconnected:
        raise Http404("This account has no sign-in to choose from.")
    try:
        options = registry.agency_sign_in(account.platform, token.usable()).options
    except ConnectorError as e:
        messages.error(request, f"{platform.name} could not list the choices: {e.message}")
        return redirect("platforms-accounts")
    if options is None:
        raise Http404("This platform has nothing to choose.")
    label = field_label(platform, options.key)
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("value", "")
        if chosen in dict(options.values):
            account.fields = {**account.fields, options.key: chosen}
            account.name = options.label(chosen)
            account.save(update_fields=["fields", "name"])
            messages.success(request, f"{account} connected.")
            return redirect("platforms-accounts")
        error = f"Choose one of the {label}s listed."
    return render(
        request,
        "platforms/choose_detail.html",
        {
            "account": account,
            "platform": platform,
            "label": label,
            "options": options,
            "current": account.fields.get(options.key),
            "error": error,
        },
        status=400 if error else 200,
    )


# -- Disconnecting ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@agency_view(ACCOUNTS_MANAGE)
def disconnect(request, account_id: str) -> HttpResponse:
    """GET: what uses the account; POST: disconnect it."""
    account = get_account_for_request(request, account_id)
    links = Link.objects.filter(
        agency_id=account.agency_id, services__account_links__connected_account=account
    ).distinct()
    pages = pages_naming(account)
    if request.method == "POST":
        keep = bool(pages) or links.exists() or account.grants.exists()
        disconnect_account(account, keep=keep)
        if keep:
            messages.success(
                request,
                f"{account} was disconnected. The links that name it keep it; it cannot be "
                "chosen for new links.",
            )
        else:
            messages.success(request, f"{account} was disconnected and removed.")
        return redirect("platforms-accounts")
    return render(
        request,
        "platforms/disconnect.html",
        {
            "account": account,
            "platform": platform_by_key(account.platform),
            "links": links.select_related("client").order_by("-created")[:LINKS_SHOWN],
            "link_count": links.count(),
            "pages": pages,
        },
    )
