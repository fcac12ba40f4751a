"""The link page and the connect -> choose -> grant flow (spec/product.md §3, steps 1, 2, 5).

The client is anonymous: the link's unguessable id is the only key, so every page loads the
link from the URL (the friendly 404 page when there is none) and every POST is rate-limited
per address. Nothing the browser sends is trusted as is: platforms and services must be ones
the link requests, and assets are listed again from the platform before anything is granted.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from agencyaccess.links.models import Link, RequestedService, ServiceStatus
from agencyaccess.links.validation import clean_redirect
from agencyaccess.onboarding.journey import (
    NOTHING_LEFT_FOR_THE_CLIENT,
    SharedLine,
    journey_of,
    remember_just_shared,
    requested_services,
)
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
    GrantState,
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


@require_GET
@client_page
def link_page(request: HttpRequest, link: Link) -> HttpResponse:
    """The steps, the current one open (or the one picked with ?step=), the answered ones
    folded to a line with their result; once every step is answered, the finish first."""
    if link.opened is None and not is_agency_preview(request, link):
        opened_by_client(link)
    journey = journey_of(link)
    return render_page(
        request,
        link,
        "onboarding/link.html",
        {"journey": journey, "opened": journey.opened(request.GET.get("step", ""))},
    )


def is_agency_preview(request: HttpRequest, link: Link) -> bool:
    """A teammate of the link's agency, signed in, looking at it ("preview as the client")."""
    user = request.user
    return user.is_authenticated and user.memberships.filter(agency_id=link.agency_id).exists()


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
    # Skipped from the list of what to share: the rest of that list stays to be answered.
    if request.POST.get("from") == "assets" and any(
        service.status == ServiceStatus.PENDING for service in api_services(link, row.platform)
    ):
        return redirect("onboarding-assets", link.public_id, row.platform)
    return HttpResponseRedirect(journey_of(link).next_url())


@require_GET
@client_page
def done(request: HttpRequest, link: Link) -> HttpResponse:
    if not journey_of(link).finished:
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

    @property
    def choose_all(self) -> bool:
        """Several to share: a "select all" box is offered."""
        return len(self.grantable()) > 1

    @property
    def only_one(self) -> bool:
        """A single thing to share for a service still to answer: it comes ticked (the client
        was asked for this service, and can untick it). A skipped one is offered unticked."""
        return self.is_pending and len(self.grantable()) == 1

    @property
    def is_pending(self) -> bool:
        return self.service.status == ServiceStatus.PENDING


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
        "sandbox": registry.is_sandbox(platform),
        "choices": choices,
        "reconnect": any(choice.reconnect for choice in choices),
        "can_share": any(choice.grantable() for choice in choices),
        "journey": journey_of(link),
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
    everything = set(request.POST.getlist("all"))
    for choice in choices:
        grantable = choice.grantable()
        key = choice.service.service_key
        # "Select all" shares every one, also without the script that ticks them on the page.
        posted = list(grantable) if key in everything else request.POST.getlist(key)
        if not posted:
            continue
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
        results += grant_service(
            link, choice.service, connector, tokens, chosen, address=client_address(request)
        )
    retry = any(result.grant is None for result in results)
    # A passing error keeps the sign-in for "try again", and a step left to the client keeps it
    # for the worker's checks that see the step done (HubSpot's Super Admin is seen only with
    # the client's sign-in); either way it is purged within the hour.
    if not retry and not any(r.state == GrantState.PENDING_CLIENT for r in results):
        release_client_token(link, token)
    if not retry and all(r.state in NOTHING_LEFT_FOR_THE_CLIENT for r in results):
        # Nothing more to do here: on to the next step, which shows what was shared.
        remember_just_shared(request.session, link, [r.grant for r in results if r.grant])
        return HttpResponseRedirect(journey_of(link).next_url())
    agency = link.agency.shown_name
    return render_page(
        request,
        link,
        "onboarding/results.html",
        page
        | {
            "results": [result_line(r, agency) for r in results],
            "retry": retry,
            "reconnect": any(isinstance(r.error, SIGN_IN_AGAIN) for r in results),
            "next_url": journey_of(link).next_url(),
        },
    )


def result_line(result: GrantResult, agency: str) -> SharedLine:
    """One line of the result page: what happened and, after a failure, what to do."""
    advice = failure_advice(result, agency)
    if result.grant is not None:
        return SharedLine.of_grant(result.grant, advice)
    service = result.service.service
    return SharedLine(
        name=result.asset.name,
        service_name=service.name,
        platform_name=service.platform.name,
        receiver=result.account.email,
        state="",
        advice=advice,
    )


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
