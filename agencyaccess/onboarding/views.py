"""The link page and the connect -> choose -> grant flow (spec/product.md §3, steps 1, 2, 5).

The client is anonymous: the link's unguessable id is the only key, so every page loads the
link from the URL (the friendly 404 page when there is none) and every POST is rate-limited
per address. Nothing the browser sends is trusted as is: platforms and services must be ones
the link requests, and assets are listed again from the platform before anything is granted.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.apikeys import ratelimit
from agencyaccess.catalog import Platform, platform_by_key
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.sql import PreparedQuery
from agencyaccess.links.actions import (
    GrantResult,
    ReceiverNotAllowed,
    answer_service,
    grant_service,
    live_client_token,
    opened_by_client,
    receiving_accounts,
    release_client_token,
    store_client_token,
)
from agencyaccess.links.models import Grant, Link, RequestedService, ServiceStatus
from agencyaccess.links.validation import clean_redirect
from agencyaccess.onboarding.pages import (
    LinkNotFound,
    load_link,
    not_found,
    remember_language,
    render_page,
)
from agencyaccess.platforms import oauth, registry
from agencyaccess.platforms.base import (
    Asset,
    ConnectorError,
    InsufficientRights,
    MissingScope,
    TokenExpired,
    TokenSet,
)
from agencyaccess.platforms.models import PlatformToken

# Enough for a client clicking through every step, far too few for anyone guessing or hammering.
POSTS_PER_MINUTE = 30
# Seconds the done page waits before taking the client to the agency's website.
REDIRECT_DELAY = 5
# Pages the language switcher may return to; the others are actions, not pages.
RETURNABLE_PAGES = frozenset(
    {
        "onboarding-link",
        "onboarding-assets",
        "onboarding-steps",
        "onboarding-intake",
        "onboarding-done",
    }
)

View = Callable[..., HttpResponse]
# Errors that signing in again (with another login, or allowing every permission) can solve.
SIGN_IN_AGAIN = (MissingScope, TokenExpired, InsufficientRights)


def client_page(view: View) -> View:
    """Load the link named in the URL; an unknown or deleted one gets the friendly 404 page.
    POSTs are counted per client address first, so guessing ids is slow too."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, link_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            usage = ratelimit.hit(f"onboarding:{client_address(request)}", POSTS_PER_MINUTE)
            if usage.exceeded:
                response = render(request, "onboarding/too_many.html", status=429)
                response["Retry-After"] = str(usage.retry_after())
                return response
        try:
            link = load_link(request, link_id)
        except LinkNotFound:
            return not_found(request)
        return view(request, link, *args, **kwargs)

    return wrapper


# -- The link page ---------------------------------------------------------------------------


@dataclass
class ServiceRow:
    """One requested service on the link page, with what the client shared of it."""

    requested: RequestedService
    grants: list[Grant]
    has_api: bool

    @property
    def is_pending(self) -> bool:
        return self.requested.status == ServiceStatus.PENDING


@dataclass
class PlatformCard:
    platform: Platform
    rows: list[ServiceRow] = field(default_factory=list)
    sandbox: bool = False

    @property
    def can_connect(self) -> bool:
        return any(row.has_api for row in self.rows)


@dataclass(frozen=True)
class Progress:
    """Steps answered (services granted or skipped, the intake form filled in) of all asked."""

    done: int
    total: int

    @classmethod
    def of(cls, link: Link, services: Sequence[RequestedService]) -> "Progress":
        done = sum(1 for s in services if s.status != ServiceStatus.PENDING)
        total = len(services)
        if link.intake_form_requested:
            total += 1
            done += link.intake_completed is not None
        return cls(done, total)

    @property
    def finished(self) -> bool:
        return self.done == self.total

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@require_GET
@client_page
def link_page(request: HttpRequest, link: Link) -> HttpResponse:
    if link.opened is None and not is_agency_preview(request, link):
        opened_by_client(link)
    services = requested_services(link)
    return render_page(
        request,
        link,
        "onboarding/link.html",
        {
            "cards": platform_cards(link, services),
            "progress": Progress.of(link, services),
            # A finished link whose client skipped something stays open to finish it later.
            "all_shared": link.completed is not None
            and all(s.status == ServiceStatus.GRANTED for s in services),
        },
    )


# The link page's two queries, compiled once (lib/sql.py): it is the page clients load most.
_REQUESTED_SERVICES = PreparedQuery(
    lambda link_id: RequestedService.objects.filter(link_id=link_id, requested=True).order_by(
        "position"
    ),
    link_id=int,
)
_GRANTS = PreparedQuery(
    lambda link_id: Grant.objects.filter(link_id=link_id).order_by("created", "id"), link_id=int
)


def is_agency_preview(request: HttpRequest, link: Link) -> bool:
    """A teammate of the link's agency, signed in, looking at it ("preview as the client")."""
    user = request.user
    return user.is_authenticated and user.memberships.filter(agency_id=link.agency_id).exists()


def requested_services(link: Link) -> list[RequestedService]:
    return _REQUESTED_SERVICES.objects(link_id=link.pk)


def platform_cards(link: Link, services: Sequence[RequestedService]) -> list[PlatformCard]:
    """The requested services grouped by platform, in the order the agency asked for them."""
    grants: dict[str, list[Grant]] = {}
    for grant in _GRANTS.objects(link_id=link.pk):
        grants.setdefault(grant.service_key, []).append(grant)
    cards: dict[str, PlatformCard] = {}
    for service in services:
        card = cards.get(service.platform)
        if card is None:
            card = cards[service.platform] = PlatformCard(
                platform_by_key(service.platform), sandbox=is_sandbox(service.platform)
            )
        card.rows.append(
            ServiceRow(
                service,
                grants.get(service.service_key, []),
                has_api=registry.connector_for(service.service_key) is not None,
            )
        )
    return list(cards.values())


def is_sandbox(platform_key: str) -> bool:
    """Whether the platform's local fake stands in for it (said on the page, so nobody thinks
    a real account was touched)."""
    client = registry.client_for(platform_key)
    if client is None:
        return False
    try:
        return client.config().sandbox
    except ConnectorError:
        return False


@require_POST
@client_page
def set_language(request: HttpRequest, link: Link) -> HttpResponse:
    remember_language(request, link, request.POST.get("language", ""))
    return HttpResponseRedirect(page_to_return_to(link, request.POST.get("back", "")))


def page_to_return_to(link: Link, back: str) -> str:
    """The page of this link the switcher was on, rebuilt from our own routes (never a
    URL taken from the browser as is); the link page otherwise."""
    try:
        match = resolve(back.split("?", 1)[0])
    except Resolver404:
        match = None
    if (
        match is not None
        and match.url_name in RETURNABLE_PAGES
        and match.kwargs.get("link_id") == link.public_id
    ):
        return reverse(match.url_name, kwargs=match.kwargs)
    return reverse("onboarding-link", args=[link.public_id])


@require_POST
@client_page
def skip(request: HttpRequest, link: Link, service: str) -> HttpResponse:
    row = link.services.filter(requested=True, service_key=service).first()
    if row is None:
        return not_found(request)
    # Only a service still to do is skipped: what was shared stays shared, and skipping twice
    # does not tell the agency twice.
    if row.status == ServiceStatus.PENDING:
        answer_service(link, row, ServiceStatus.SKIPPED)
    return redirect("onboarding-link", link.public_id)


@require_GET
@client_page
def done(request: HttpRequest, link: Link) -> HttpResponse:
    if not Progress.of(link, requested_services(link)).finished:
        messages.info(request, _("A few steps are still open. Finish or skip them first."))
        return redirect("onboarding-link", link.public_id)
    return render_page(
        request,
        link,
        "onboarding/done.html",
        {"redirect_url": redirect_url(link), "redirect_delay": REDIRECT_DELAY},
    )


def redirect_url(link: Link) -> str:
    """The agency's website to continue to, checked again as the API checks it on the way in:
    the done page sends the client nowhere else."""
    try:
        target = clean_redirect(link.redirect)
    except ValueError:
        return ""
    return f"https://{target}" if target else ""


# -- Connecting and granting -------------------------------------------------------------------


def api_services(link: Link, platform_key: str) -> list[RequestedService]:
    """The link's requested services on this platform that are granted through its API."""
    return [
        service
        for service in requested_services(link)
        if service.platform == platform_key
        and registry.connector_for(service.service_key) is not None
    ]


@require_POST
@client_page
def connect(request: HttpRequest, link: Link, platform: str) -> HttpResponse:
    client = registry.client_for(platform)
    services = api_services(link, platform)
    if client is None or not services:
        return not_found(request)
    try:
        return oauth.start(
            request,
            platform,
            purpose="link",
            payload={"link": link.public_id, "platform": platform},
            scopes=client.scopes_for([s.service_key for s in services]),
        )
    except ConnectorError:
        messages.error(
            request,
            # Translators: %(platform)s is a platform name, such as Google or Meta.
            _("%(platform)s cannot be reached right now. Please try again in a moment.")
            % {"platform": platform_by_key(platform).name},
        )
        return redirect("onboarding-link", link.public_id)


def platform_connected(
    request: HttpRequest, payload: dict[str, Any], tokens: TokenSet | None, error: str | None
) -> HttpResponse:
    """The end of a client's sign-in (platforms.oauth.callback): keep the tokens and show the
    assets, or go back to the link page saying what went wrong."""
    try:
        link = load_link(request, payload.get("link", ""))
    except LinkNotFound:
        return not_found(request)
    if tokens is None:
        messages.error(
            request,
            # Translators: %(error)s is the reason, such as "The sign-in was cancelled."
            _("Connecting did not work: %(error)s You can try again.") % {"error": error},
        )
        return redirect("onboarding-link", link.public_id)
    platform = payload.get("platform", "")
    if not api_services(link, platform):
        # The agency changed the request meanwhile: nothing is left to choose on this platform.
        return redirect("onboarding-link", link.public_id)
    remember_sign_in(request.session, store_client_token(link, platform, tokens))
    return redirect("onboarding-assets", link.public_id, platform)


# The client sign-ins made in this browser. A sign-in is kept with the link (until the grant,
# or 30 days with retainTokens), but only the browser that made it may list and share with
# it: someone the link was forwarded to does not get the client's access along with it.
SESSION_SIGN_INS = "onboarding_sign_ins"
KEPT_SIGN_INS = 10


def remember_sign_in(session: SessionBase, token: PlatformToken) -> None:
    session[SESSION_SIGN_INS] = [*session.get(SESSION_SIGN_INS, []), token.pk][-KEPT_SIGN_INS:]


def signed_in_here(session: SessionBase, token: PlatformToken) -> bool:
    return token.pk in session.get(SESSION_SIGN_INS, [])


@dataclass
class ServiceChoice:
    """One requested service on the assets page: what the client can share, or why not."""

    service: RequestedService
    assets: Sequence[Asset] = ()
    problem: str = ""
    reconnect: bool = False  # the problem is solved by signing in again

    def grantable(self) -> dict[str, Asset]:
        return {asset.external_id: asset for asset in self.assets if asset.grantable}


@require_http_methods(["GET", "POST"])
@client_page
def assets(request: HttpRequest, link: Link, platform: str) -> HttpResponse:
    services = api_services(link, platform)
    if not services:
        return not_found(request)
    token = live_client_token(link, platform)
    if token is None or not signed_in_here(request.session, token):
        messages.info(request, _("Connect first, then choose what to share."))
        return redirect("onboarding-link", link.public_id)
    choices = [list_choices(link, service, token) for service in services]
    page: dict[str, Any] = {
        "platform": platform_by_key(platform),
        "sandbox": is_sandbox(platform),
        "choices": choices,
        "reconnect": any(choice.reconnect for choice in choices),
        "can_share": any(choice.grantable() for choice in choices),
    }
    if request.method == "GET":
        return render_page(request, link, "onboarding/assets.html", page)
    picked = picked_assets(request, choices)
    if isinstance(picked, str):
        return render_page(
            request, link, "onboarding/assets.html", page | {"error": picked}, status=400
        )
    return grant_picked(request, link, token, picked, page)


def list_choices(link: Link, service: RequestedService, token: PlatformToken) -> ServiceChoice:
    platform = platform_by_key(service.platform)
    try:
        receiving_accounts(link, service)
    except ReceiverNotAllowed:
        return ServiceChoice(
            service,
            problem=_(
                # Translators: %(agency)s is the name of the marketing agency asking for access.
                "This request is not set up completely, so this cannot be shared yet. "
                "Please let %(agency)s know."
            )
            % {"agency": link.agency.shown_name},
        )
    connector = registry.connector_for(service.service_key)
    assert connector is not None  # api_services() kept only these
    try:
        # usable() refreshes (and saves) an expiring sign-in once; later calls find it fresh.
        return ServiceChoice(service, connector.list_assets(token.usable(), service.service_key))
    except ConnectorError as e:
        return ServiceChoice(
            service,
            problem=listing_problem(e, platform, service),
            reconnect=isinstance(e, SIGN_IN_AGAIN),
        )


def listing_problem(error: ConnectorError, platform: Platform, service: RequestedService) -> str:
    """What to tell the client when the platform would not list their assets."""
    names = {"platform": platform.name, "service": service.service.name}
    if isinstance(error, MissingScope):
        return (
            _(
                # Translators: %(platform)s is a platform (Google), %(service)s one of its services (Google Ads).
                "%(platform)s did not let us see your %(service)s accounts: a permission was "
                "not ticked. Connect again and allow everything asked."
            )
            % names
        )
    if isinstance(error, TokenExpired):
        # Translators: %(platform)s is a platform name, such as Google or Meta.
        return _("Your %(platform)s sign-in has expired. Connect again to continue.") % names
    if not error.permanent:
        # Translators: %(platform)s is a platform name, such as Google or Meta.
        return _("%(platform)s is busy right now. Try again in a moment.") % names
    return error.message


def picked_assets(
    request: HttpRequest, choices: Sequence[ServiceChoice]
) -> list[tuple[ServiceChoice, list[Asset]]] | str:
    """The assets ticked, per service, taken from the fresh listing (never the posted names);
    or what is wrong with the form."""
    picked = []
    for choice in choices:
        posted = request.POST.getlist(choice.service.service_key)
        if not posted:
            continue
        grantable = choice.grantable()
        if not set(posted) <= grantable.keys():
            return _(
                "Some of what you ticked cannot be shared any more. Check the list and try again."
            )
        picked.append((choice, [asset for key, asset in grantable.items() if key in posted]))
    if not picked:
        return _("Tick at least one item to share, or go back and skip this step.")
    return picked


def grant_picked(
    request: HttpRequest,
    link: Link,
    token: PlatformToken,
    picked: Sequence[tuple[ServiceChoice, list[Asset]]],
    page: dict[str, Any],
) -> HttpResponse:
    tokens = token.token_set()  # refreshed while listing, just before
    results: list[GrantResult] = []
    for choice, chosen in picked:
        connector = registry.connector_for(choice.service.service_key)
        assert connector is not None
        results += grant_service(link, choice.service, connector, tokens, chosen)
    retry = any(result.grant is None for result in results)
    # A passing error keeps the sign-in for "try again"; it is purged within the hour anyway.
    if not retry:
        release_client_token(link, token)
    agency = link.agency.shown_name
    return render_page(
        request,
        link,
        "onboarding/results.html",
        page
        | {
            "results": [ResultView(r, failure_advice(r, agency)) for r in results],
            "retry": retry,
            "reconnect": any(isinstance(r.error, SIGN_IN_AGAIN) for r in results),
        },
    )


@dataclass(frozen=True)
class ResultView:
    """One line of the result page: what happened and, after a failure, what to do."""

    result: GrantResult
    advice: str


def failure_advice(result: GrantResult, agency: str) -> str:
    error = result.error
    if error is None:
        return ""
    if result.grant is None:
        return _("Nothing was changed. Try again in a moment.")
    if isinstance(error, InsufficientRights):
        return _(
            # Translators: the client signed in with a login that cannot share this account.
            "Only an administrator of this account can share it. Connect again with an "
            "administrator's login, or ask an administrator to open this link."
        )
    if isinstance(error, MissingScope | TokenExpired):
        return _("Connect again and allow everything asked, then try once more.")
    # Translators: %(agency)s is the name of the marketing agency asking for access.
    return _("Please let %(agency)s know; they can help you finish this.") % {"agency": agency}
