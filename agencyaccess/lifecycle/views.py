"""The pages of giving access back (docs/lifecycle.md).

For the client, reached with the link's id (the link is their credential, as on every client
page): what the agency holds in their accounts, with a button to remove each, and a sign-in
where removing needs one; and the dated confirmation of an offboarding, at its own unguessable
address. For the agency: offboarding a client or one service of a link, and trying failed
revocations again.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import CLIENTS_EDIT, LINKS_EDIT
from agencyaccess.catalog import Service, service_by_key
from agencyaccess.clients.models import CLIENT_OF_AGENCY, Client
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.ids import looks_like_public_id
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.lifecycle.models import Offboarding, Reason, Revocation, RevocationStatus
from agencyaccess.lifecycle.offboarding import (
    NothingToRemove,
    offboard,
    removable_grants,
    retry,
    retry_waiting_for_sign_in,
)
from agencyaccess.links.actions import store_client_token
from agencyaccess.links.models import Grant, Link
from agencyaccess.onboarding.pages import LinkNotFound, load_link, not_found, render_page
from agencyaccess.onboarding.views import client_page
from agencyaccess.platforms import oauth, registry
from agencyaccess.platforms.base import ConnectorError, GrantState, TokenSet

# -- The client's own page ---------------------------------------------------------------------


@dataclass
class HeldAccess:
    """One grant as the client's page shows it, with its removal if one was asked."""

    grant: Grant
    revocation: Revocation | None

    @property
    def platform_key(self) -> str:
        return self.grant_service.platform.key

    @property
    def grant_service(self) -> Service:
        return service_by_key(self.grant.service_key)

    @property
    def needs_sign_in(self) -> bool:
        """Removing it waits for the client's sign-in: it goes through an API, but no sign-in
        of theirs is held (the revocation was left for steps by hand)."""
        return (
            self.revocation is not None
            and self.revocation.status == RevocationStatus.MANUAL
            and registry.connector_for(self.grant.service_key) is not None
            and registry.client_for(self.platform_key) is not None
        )


def held_access(link_client_id: int) -> list[HeldAccess]:
    """The client's grants still held or being removed, each with its latest removal; in a
    fixed number of queries."""
    grants = (
        Grant.objects.filter(link__client_id=link_client_id)
        .exclude(state=GrantState.FAILED)
        .select_related("connected_account")
        .prefetch_related(
            Prefetch("revocations", Revocation.objects.order_by("-offboarding__created", "-id"))
        )
        .order_by("created", "id")
    )
    rows = []
    for grant in grants:
        latest = next(iter(grant.revocations.all()), None)
        if grant.state == GrantState.REVOKED and latest is None:
            continue  # removed outside AgencyAccess before any request: nothing to show
        rows.append(HeldAccess(grant, latest))
    return rows


@require_GET
@client_page
def client_access(request: HttpRequest, link) -> HttpResponse:
    return render_page(
        request, link, "lifecycle/client_access.html", {"held": held_access(link.client_id)}
    )


@require_POST
@client_page
def client_revoke(request: HttpRequest, link, grant_id: int) -> HttpResponse:
    """The client removes one grant of theirs; the worker carries it out, the agency hears of
    it (`grant.revoked` with reason `client`)."""
    grant = Grant.objects.filter(pk=grant_id, link__client_id=link.client_id).first()
    if grant is None:
        return not_found(request)
    try:
        offboard(
            link.client,
            reason=Reason.CLIENT,
            actor=link.client,
            address=client_address(request),
            link=grant.link,
            service_key=grant.service_key,
            grants=removable_grants(link.client).filter(pk=grant.pk),
        )
    except NothingToRemove:
        messages.info(request, _("This access is already removed, or being removed."))
    else:
        messages.success(request, _("Removing this access now. This page shows when it is done."))
    return redirect("lifecycle-client-access", link.public_id)


@require_POST
@client_page
def client_sign_in(request: HttpRequest, link, platform: str) -> HttpResponse:
    """Removing needs the client's own sign-in on this platform: send them to sign in."""
    client = registry.client_for(platform)
    waiting = [row for row in held_access(link.client_id) if row.needs_sign_in]
    keys = [row.grant.service_key for row in waiting if row.platform_key == platform]
    if client is None or not keys:
        return not_found(request)
    try:
        return oauth.start(
            request,
            platform,
            purpose="revoke",
            payload={"link": link.public_id, "platform": platform},
            scopes=client.scopes_for(keys),
        )
    except ConnectorError:
        messages.error(request, _("The platform cannot be reached right now. Please try again."))
        return redirect("lifecycle-client-access", link.public_id)


def signed_in_to_revoke(
    request: HttpRequest, payload: dict[str, Any], tokens: TokenSet | None, error: str | None
) -> HttpResponse:
    """The end of that sign-in (platforms.oauth.callback): keep the tokens with the link for
    the worker, and try the removals that waited for it again."""
    try:
        link = load_link(request, payload.get("link", ""))
    except LinkNotFound:
        return not_found(request)
    if tokens is None:
        messages.error(
            request,
            # Translators: %(error)s is the reason, such as "The sign-in was cancelled."
            _("Signing in did not work: %(error)s You can try again.") % {"error": error},
        )
        return redirect("lifecycle-client-access", link.public_id)
    platform = payload.get("platform", "")
    with transaction.atomic():
        store_client_token(link, platform, tokens)
        retry_waiting_for_sign_in(
            link.client,
            [
                row.revocation.pk
                for row in held_access(link.client_id)
                if row.revocation is not None and row.needs_sign_in and row.platform_key == platform
            ],
            platform=platform,
            address=client_address(request),
        )
    messages.success(request, _("Thank you. Removing the access now."))
    return redirect("lifecycle-client-access", link.public_id)


@require_GET
def confirmation(request: HttpRequest, offboarding_id: str) -> HttpResponse:
    """The dated confirmation of an offboarding, as the client was e-mailed it, kept current."""
    offboarding = (
        Offboarding.objects.filter(public_id=offboarding_id)
        .select_related("client", "agency")
        .first()
        if looks_like_public_id(offboarding_id)
        else None
    )
    if offboarding is None:
        return not_found(request)
    link = offboarding.link or offboarding.client.links.order_by("-created").first()
    if link is None:
        return not_found(request)
    link.client, link.agency = offboarding.client, offboarding.agency
    revocations = offboarding.revocations.select_related("grant").order_by("grant__created", "id")
    return render_page(
        request,
        link,
        "lifecycle/confirmation.html",
        {"offboarding": offboarding, "revocations": revocations},
    )


# -- The agency's side -------------------------------------------------------------------------


@agency_view(CLIENTS_EDIT)
@require_http_methods(["GET", "POST"])
def offboard_client(request: AgencyRequest, client_id: str) -> HttpResponse:
    """Confirm, then offboard the client: every grant of every link."""
    client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=client_id)
    return _offboard_page(request, client, link=None, service_key="")


@agency_view(LINKS_EDIT)
@require_http_methods(["GET", "POST"])
def offboard_service(request: AgencyRequest, link_id: str, service_key: str) -> HttpResponse:
    """Confirm, then remove one service of one link."""
    link = agency_object(request, Link, "link", public_id=link_id)
    return _offboard_page(request, link.client, link=link, service_key=service_key)


def _offboard_page(
    request: AgencyRequest, client: Client, *, link: Link | None, service_key: str
) -> HttpResponse:
    grants = removable_grants(client, link=link, service_key=service_key).select_related(
        "connected_account"
    )
    if request.method == "POST":
        try:
            offboarding = offboard(
                client,
                reason=Reason.AGENCY,
                actor=request.user,
                address=client_address(request),
                link=link,
                service_key=service_key,
            )
        except NothingToRemove as error:
            messages.info(request, str(error))
        else:
            messages.success(
                request,
                f"Removing {offboarding.revocations.count()} grant(s). The client is e-mailed "
                "a dated confirmation once each is removed or left to remove by hand.",
            )
        return redirect("clients-detail", client.public_id)
    return render(
        request,
        "lifecycle/offboard.html",
        {
            "client": client,
            "link": link,
            "service": service_by_key(service_key) if service_key else None,
            "grants": grants,
        },
    )


@agency_view(CLIENTS_EDIT)
@require_POST
def retry_offboarding(request: AgencyRequest, offboarding_id: str) -> HttpResponse:
    offboarding = Offboarding.objects.filter(
        agency_id=request.agency_id, public_id=offboarding_id
    ).first()
    if offboarding is None:
        raise Http404("No such offboarding in your agency.")
    count = retry(offboarding, actor=request.user, address=client_address(request))
    messages.success(request, f"Trying {count} revocation(s) again.")
    return redirect("clients-detail", offboarding.client.public_id)
