"""The dashboard's link pages: the list (the dashboard's home, with the agency's activity feed
beside it: notify/feed.py), creating a link with the Requested Accounts Builder, a link's page,
editing what it requests, reminding, deleting, and showing the client's tokens a retainTokens
link keeps (links/tokens.py).

Creating and editing run the API's own workflow (links.actions: parse_services, then
create_link or replace_services), so the dashboard and the API accept and refuse the same
links with the same messages. An htmx request to either form's address only previews: it
answers with the equivalent API JSON and never saves.
"""

from typing import cast

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.accounts.access import agency_view
from agencyaccess.accounts.forms import ReauthenticateForm
from agencyaccess.accounts.models import User
from agencyaccess.apikeys import ratelimit
from agencyaccess.apikeys.capabilities import (
    LINKS_CREATE,
    LINKS_EDIT,
    LINKS_RETRIEVE,
    LINKS_TOKENS,
)
from agencyaccess.clients.models import CLIENT_OF_AGENCY, Client
from agencyaccess.lib.addresses import client_address
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.pages import page_number, paginate
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.links.actions import (
    create_link,
    has_enabled_intake_form,
    parse_services,
    replace_services,
)
from agencyaccess.links.api import requested_accounts_with_answers
from agencyaccess.links.builder import (
    RequestedAccounts,
    as_request,
    builder_for,
    create_body,
    requested_accounts_from,
    update_body,
)
from agencyaccess.links.forms import CcRows, LinkOptionsForm, UpdateOptionsForm
from agencyaccess.links.jobs import check_now
from agencyaccess.links.link_templates import chosen_template, template_menu
from agencyaccess.links.models import IntakeQuestion, Link, LinkStatus
from agencyaccess.links.tokens import live_tokens, reveal_tokens
from agencyaccess.notify.emails import link_updated
from agencyaccess.notify.feed import feed_for_request
from agencyaccess.notify.reminders import remind

# "Check now" on pending grants: each call reaches the platform, under its quotas.
CHECKS_PER_GRANT_A_MINUTE = 1
CHECKS_PER_AGENCY_A_MINUTE = 20
# Clients offered when a link is started without one.
CLIENT_CHOICES = 10
# The newest reveals of a link's tokens listed on its page (there are rarely more).
REVEALS_SHOWN = 20


@agency_view(LINKS_RETRIEVE)
@require_GET
def links_list(request: AgencyRequest) -> HttpResponse:
    links = Link.objects.filter(agency_id=request.agency_id)
    status = request.GET.get("status", "")
    if status in LinkStatus.values:
        links = links.in_status(LinkStatus(status))
    else:
        status = ""
    client = None
    if client_id := request.GET.get("client"):
        client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=client_id)
        links = links.filter(client=client)
    page = paginate(
        links.for_list().order_by("-created", "-id"), page_number(request.GET.get("page"))
    )
    return render(
        request,
        "links/list.html",
        {
            "page": page,
            "status": status,
            "statuses": LinkStatus.choices,
            "client": client,
            "activity": feed_for_request(request, client),
        },
    )


@agency_view(LINKS_CREATE)
@require_http_methods(["GET", "POST"])
def links_create(request: AgencyRequest) -> HttpResponse:
    """Step 1 without ?client=: choose the client. Step 2: the builder, for that client."""
    if not request.GET.get("client"):
        return _choose_client(request)
    client = agency_object(request, CLIENT_OF_AGENCY, "client", public_id=request.GET["client"])
    data = request.POST if request.method == "POST" else None
    options = LinkOptionsForm(data, intake_available=has_enabled_intake_form(request.agency_id))
    cc = CcRows(data, prefix="cc")
    # A template fills the builder in when the page opens; a submitted form says it all.
    template = chosen_template(request) if data is None else None
    if data is not None:
        requested = requested_accounts_from(data, prospect=client.is_prospect, end_dates=True)
    else:
        requested = as_request(template.requested_accounts) if template else {}
    body = create_body(client, requested, options, cc)
    if request.htmx:
        return _preview(request, client, requested, body)

    error, status = "", 200
    if data is not None:
        if all([options.is_valid(), cc.is_valid()]):
            try:
                link = _create(request, client, requested, options.cleaned_data, cc.cleaned_data)
            except ActionError as e:
                error, status = e.message, e.status
            else:
                messages.success(request, f"The link for {client.name} is ready.")
                return redirect("links-detail", link.public_id)
        else:
            status = 400
    return render(
        request,
        "links/create.html",
        {
            "client": client,
            "platforms": builder_for(request.agency_id, requested, prospect=client.is_prospect),
            "options": options,
            "cc": cc,
            "body": body,
            "error": error,
            "templates": template_menu(request.agency_id),
            "template": template,
        },
        status=status,
    )


def _choose_client(request: AgencyRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    clients = Client.objects.filter(agency_id=request.agency_id).search(search)
    order = ("name", "id") if search else ("-created", "-id")
    return render(
        request,
        "links/choose_client.html",
        {"clients": clients.order_by(*order)[:CLIENT_CHOICES], "search": search},
    )


def _create(request: AgencyRequest, client: Client, requested, options, cc) -> Link:
    services = parse_services(request.agency_id, client, requested)
    return create_link(
        client,
        services,
        intake_form=options["intake_form"],
        send_email=options["send_email"],
        thank_you_message=options["thank_you_message"],
        redirect=options["redirect"],
        retain_tokens=options["retain_tokens"],
        access_until=options["access_until"],
        cc=[row for row in cc if row],  # the formset's untouched rows clean to {}
    )


def _preview(
    request: AgencyRequest, client: Client, requested: RequestedAccounts, body: str
) -> HttpResponse:
    """The API JSON of the form as it is, and what the API would say of its requestedAccounts."""
    try:
        parse_services(request.agency_id, client, requested)
    except ActionError as e:
        problem = e.message
    else:
        problem = ""
    return render(request, "links/_api_json.html", {"body": body, "problem": problem})


@agency_view(LINKS_RETRIEVE)
@require_GET
def links_detail(request: AgencyRequest, link_id: str) -> HttpResponse:
    link = agency_object(request, Link.objects.with_grants(), "link", public_id=link_id)
    questions = (
        IntakeQuestion.objects.filter(form__agency_id=request.agency_id)
        if link.intake_answers
        else IntakeQuestion.objects.none()
    )
    return render(
        request,
        "links/detail.html",
        {
            "link": link,
            "intake": link.shown_intake(questions),
            "kept_tokens": live_tokens(link),
            "reveals": (
                link.token_reveals.order_by("-created", "-id")[:REVEALS_SHOWN]
                if link.retain_tokens
                else []
            ),
        },
    )


@agency_view(LINKS_TOKENS)
@sensitive_post_parameters("password", "code")
@never_cache  # the answer holds the tokens: no copy in the browser's cache or history
@require_http_methods(["GET", "POST"])
@sensitive_variables("tokens")
def links_tokens(request: AgencyRequest, link_id: str) -> HttpResponse:
    """The client's tokens a retainTokens link keeps, shown once, in the answer to the owner's
    password (and two-factor code): never kept in the session, and each showing recorded."""
    link = agency_object(request, Link.objects.select_related("client"), "link", public_id=link_id)
    if not link.retain_tokens:
        raise Http404("This link does not keep the client's tokens.")
    user = cast(User, request.user)  # agency_view has checked the login
    kept = live_tokens(link)
    form = ReauthenticateForm(request, user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and kept:
        if form.is_valid():
            tokens = reveal_tokens(link, user, client_address(request))
            return render(request, "links/tokens.html", {"link": link, "tokens": tokens})
        status = 429 if form.throttled_minutes else 400
    response = render(
        request, "links/tokens.html", {"link": link, "kept": kept, "form": form}, status=status
    )
    if form.throttled_minutes:
        response["Retry-After"] = str(form.throttled_minutes * 60)
    return response


@agency_view(LINKS_EDIT)
@require_http_methods(["GET", "POST"])
def links_edit(request: AgencyRequest, link_id: str) -> HttpResponse:
    """What the API's update does: the link asks for exactly the services chosen, and each is
    asked of the client again."""
    link = agency_object(request, Link.objects.select_related("client"), "link", public_id=link_id)
    client = link.client
    data = request.POST if request.method == "POST" else None
    template = chosen_template(request) if data is None else None
    if data is None:
        requested = as_request(
            template.requested_accounts if template else requested_accounts_with_answers(link.pk)
        )
    else:
        requested = requested_accounts_from(data, prospect=client.is_prospect, end_dates=True)
    body = update_body(link.public_id, requested)
    if request.htmx:
        return _preview(request, client, requested, body)

    options = UpdateOptionsForm(data)
    error, status = "", 200
    if data is not None and options.is_valid():
        try:
            with transaction.atomic():
                replace_services(link, parse_services(request.agency_id, client, requested))
                if options.cleaned_data["send_update_email"]:
                    link_updated(link)
        except ActionError as e:
            error, status = e.message, e.status
        else:
            messages.success(request, "The requested accounts were saved.")
            return redirect("links-detail", link.public_id)
    return render(
        request,
        "links/edit.html",
        {
            "link": link,
            "client": client,
            "platforms": builder_for(request.agency_id, requested, prospect=client.is_prospect),
            "options": options,
            "body": body,
            "error": error,
            "templates": template_menu(request.agency_id),
            "template": template,
        },
        status=status,
    )


@agency_view(LINKS_EDIT)
@require_POST
def links_remind(request: AgencyRequest, link_id: str) -> HttpResponse:
    link = agency_object(
        request, Link.objects.select_related("agency", "client"), "link", public_id=link_id
    )
    if link.completed is not None:
        messages.error(request, "This link is complete: there is nothing to remind the client of.")
    elif remind(link):
        messages.success(request, f"A reminder is on its way to {link.client.email}.")
    else:
        messages.error(
            request,
            "The link changed in the meantime (completed or just reminded): no e-mail was sent.",
        )
    return redirect("links-detail", link.public_id)


@agency_view(LINKS_EDIT)
@require_POST
def links_check_grant(request: AgencyRequest, link_id: str, grant_id: int) -> HttpResponse:
    """ "Check now" on a pending grant: the platform is asked at once instead of at the
    worker's next check. Each grant may be checked once a minute, each agency a few times a
    minute: every check is a call to the platform, under its own quotas."""
    link = agency_object(request, Link, "link", public_id=link_id)
    grant = (
        link.grants.select_related("link__client", "connected_account").filter(pk=grant_id).first()
    )
    if grant is None:
        raise Http404("This link has no such grant.")
    grant_usage = ratelimit.hit(f"grant-check:{grant.pk}", CHECKS_PER_GRANT_A_MINUTE)
    agency_usage = ratelimit.hit(
        f"grant-check-agency:{request.agency_id}", CHECKS_PER_AGENCY_A_MINUTE
    )
    if grant_usage.exceeded:
        messages.error(
            request,
            f"It was checked a moment ago: try again in {grant_usage.retry_after()} seconds.",
        )
    elif agency_usage.exceeded:
        messages.error(
            request,
            "Your agency has checked many grants this minute: try again in "
            f"{agency_usage.retry_after()} seconds.",
        )
    elif check_now(grant):
        label, _tone = grant.shown_state
        messages.success(request, f"Checked with the platform just now: {label}.")
    else:
        messages.info(request, "There is nothing to check: this grant is no longer pending.")
    return redirect(f"{reverse('links-detail', args=[link.public_id])}#grant-{grant.pk}")


@agency_view(LINKS_EDIT)
@require_http_methods(["GET", "POST"])
def links_delete(request: AgencyRequest, link_id: str) -> HttpResponse:
    link = agency_object(request, Link.objects.select_related("client"), "link", public_id=link_id)
    if request.method == "POST":
        link.delete()
        messages.success(request, f"The link for {link.client.name} was deleted.")
        return redirect("links-list")
    return render(request, "links/delete.html", {"link": link})
