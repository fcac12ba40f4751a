"""The dashboard's Webhooks page (docs/webhooks.md): the agency's endpoints and Zapier
subscriptions, creating one (its secret shown once), editing, disabling and enabling, deleting,
rotating the secret, sending a test event, and each endpoint's delivery log with resend and
recover.

Owner only (webhooks:manage): members get 403; another agency's endpoint is a 404. A secret
is put in the page answering the POST and nowhere else, and that page is never cached; the
database keeps it encrypted. Zapier subscriptions are made and removed by Zaps: here they can
be read and deleted, not edited.
"""

from datetime import UTC, datetime, time

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import WEBHOOKS_MANAGE
from agencyaccess.audit import log as audit
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.pages import page_number, paginate
from agencyaccess.lib.tenancy import AgencyRequest, agency_object
from agencyaccess.notify import webhooks
from agencyaccess.notify.deliveries import SCHEDULE
from agencyaccess.notify.models import Delivery, DeliveryAttempt, WebhookEndpoint
from agencyaccess.notify.webhook_forms import EndpointForm, RecoverForm

Kind = WebhookEndpoint.Kind


def _endpoint(request: AgencyRequest, endpoint_id: str, *, editable: bool = False):
    endpoint = agency_object(request, WebhookEndpoint, "webhook endpoint", public_id=endpoint_id)
    if editable and endpoint.kind == Kind.ZAPIER:
        raise Http404("Zapier subscriptions are made and changed from Zapier.")
    return endpoint


@require_GET
@agency_view(WEBHOOKS_MANAGE)
def webhooks_list(request: AgencyRequest) -> HttpResponse:
    endpoints = list(
        WebhookEndpoint.objects.filter(agency_id=request.agency_id).order_by("created", "id")
    )
    return render(
        request,
        "notify/webhooks/list.html",
        {
            "endpoints": [e for e in endpoints if e.kind == Kind.WEBHOOK],
            "subscriptions": [e for e in endpoints if e.kind == Kind.ZAPIER],
        },
    )


@require_http_methods(["GET", "POST"])
@agency_view(WEBHOOKS_MANAGE)
def create_webhook(request: AgencyRequest) -> HttpResponse:
    form = EndpointForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        with transaction.atomic():
            endpoint, secret = webhooks.create_endpoint(request.agency, **form.cleaned_data)
            audit.record_request(request, audit.Action.WEBHOOK_CREATED, target=endpoint)
        return _show_secret(request, endpoint, secret, rotated=False)
    return render(
        request,
        "notify/webhooks/form.html",
        {"form": form, "endpoint": None},
        status=400 if form.errors else 200,
    )


def _show_secret(request, endpoint: WebhookEndpoint, secret: str, *, rotated: bool):
    """The one time the secret can be read."""
    response = render(
        request,
        "notify/webhooks/secret.html",
        {"endpoint": endpoint, "secret": secret, "rotated": rotated},
    )
    add_never_cache_headers(response)
    return response


@require_GET
@agency_view(WEBHOOKS_MANAGE)
def webhook(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    """The endpoint and its delivery log, newest first, each delivery with its attempts."""
    endpoint = _endpoint(request, endpoint_id)
    deliveries = (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(
            Prefetch("attempt_log", DeliveryAttempt.objects.order_by("number"), "attempts_shown")
        )
        .order_by("-created", "-id")
    )
    return render(
        request,
        "notify/webhooks/detail.html",
        {
            "endpoint": endpoint,
            "page": paginate(deliveries, page_number(request.GET.get("page"))),
            "recover_form": RecoverForm(),
            "max_attempts": len(SCHEDULE),
        },
    )


@require_http_methods(["GET", "POST"])
@agency_view(WEBHOOKS_MANAGE)
def edit_webhook(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id, editable=True)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
    }
    form = EndpointForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        with transaction.atomic():
            webhooks.update_endpoint(endpoint, **form.cleaned_data)
            audit.record_changes(request, audit.Action.WEBHOOK_CHANGED, form, target=endpoint)
        messages.success(request, "The endpoint was saved.")
        return redirect("notify-webhook", endpoint.public_id)
    return render(
        request,
        "notify/webhooks/form.html",
        {"form": form, "endpoint": endpoint},
        status=400 if form.errors else 200,
    )


@require_POST
@agency_view(WEBHOOKS_MANAGE)
def enable_webhook(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    with transaction.atomic():
        webhooks.enable(endpoint)
        audit.record_request(request, audit.Action.WEBHOOK_ENABLED, target=endpoint)
    messages.success(request, "The endpoint is enabled: new events are sent to it again.")
    return redirect("notify-webhook", endpoint.public_id)


@require_POST
@agency_view(WEBHOOKS_MANAGE)
def disable_webhook(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    with transaction.atomic():
        webhooks.disable(endpoint, f"Disabled by {request.user.email}.")  # type: ignore[union-attr]
        audit.record_request(request, audit.Action.WEBHOOK_DISABLED, target=endpoint)
    messages.success(request, "The endpoint is disabled: no event is sent to it.")
    return redirect("notify-webhook", endpoint.public_id)


@require_http_methods(["GET", "POST"])
@agency_view(WEBHOOKS_MANAGE)
def delete_webhook(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    if request.method == "POST":
        with transaction.atomic():
            endpoint.delete()
            audit.record_request(request, audit.Action.WEBHOOK_DELETED, target=endpoint)
        messages.success(request, f"The endpoint {endpoint.url} was deleted.")
        return redirect("notify-webhooks")
    return render(request, "notify/webhooks/confirm.html", {"endpoint": endpoint, "rotate": False})


@require_http_methods(["GET", "POST"])
@agency_view(WEBHOOKS_MANAGE)
def rotate_webhook_secret(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id, editable=True)
    if request.method == "POST":
        with transaction.atomic():
            secret = webhooks.rotate_secret(endpoint)
            audit.record_request(request, audit.Action.WEBHOOK_SECRET_ROTATED, target=endpoint)
        return _show_secret(request, endpoint, secret, rotated=True)
    return render(request, "notify/webhooks/confirm.html", {"endpoint": endpoint, "rotate": True})


@require_POST
@agency_view(WEBHOOKS_MANAGE)
def test_webhook(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id, editable=True)
    try:
        webhooks.send_test_event(endpoint)
    except ActionError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "A test event is on its way: its attempt appears below.")
    return redirect("notify-webhook", endpoint.public_id)


@require_POST
@agency_view(WEBHOOKS_MANAGE)
def resend_delivery(request: AgencyRequest, endpoint_id: str, delivery_id: int) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    delivery = agency_object(
        request,
        Delivery.objects.filter(endpoint=endpoint),
        "delivery",
        agency_field="endpoint__agency_id",
        pk=delivery_id,
    )
    try:
        webhooks.resend(delivery)
    except ActionError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "The event will be sent again, with the same webhook-id.")
    return redirect("notify-webhook", endpoint.public_id)


@require_POST
@agency_view(WEBHOOKS_MANAGE)
def recover_deliveries(request: AgencyRequest, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(request, endpoint_id)
    form = RecoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["since"]))
        return redirect("notify-webhook", endpoint.public_id)
    since = datetime.combine(form.cleaned_data["since"], time.min, tzinfo=UTC)
    count = webhooks.recover(endpoint, since)
    messages.success(
        request,
        f"{count} failed deliveries will be sent again."
        if count != 1
        else "1 failed delivery will be sent again.",
    )
    return redirect("notify-webhook", endpoint.public_id)
