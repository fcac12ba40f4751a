"""The dashboard's API page (api-guide.md, "API Authentication"): the agency's keys with their
capabilities, creating one (shown once), rolling one (the old key dies at once), revoking one.

Owner only (apikeys:manage): members get 403. A new key is put in the page answering the POST
and nowhere else (not a URL, the session or a flash message), and that page is never cached;
only an HMAC of it is stored (ApiKey).
"""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import API_CAPABILITIES, APIKEYS_MANAGE
from agencyaccess.apikeys.forms import ApiKeyForm
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.audit import log as audit
from agencyaccess.lib.tenancy import AgencyRequest, agency_object


def capability_names(api_key: ApiKey) -> list[str]:
    return [name for capability, name in API_CAPABILITIES.items() if api_key.has(capability)]


@require_GET
@agency_view(APIKEYS_MANAGE)
def api_keys(request: AgencyRequest) -> HttpResponse:
    keys = ApiKey.objects.live().filter(agency_id=request.agency_id).order_by("created", "id")
    rows = [(api_key, capability_names(api_key)) for api_key in keys]
    return render(request, "apikeys/api_keys.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@agency_view(APIKEYS_MANAGE)
def create_api_key(request: AgencyRequest) -> HttpResponse:
    form = ApiKeyForm(
        request.agency_id,
        request.POST if request.method == "POST" else None,
    )
    if form.is_valid():
        chosen = form.cleaned_data["capabilities"]
        try:
            with transaction.atomic():
                api_key, key = ApiKey.issue(
                    request.agency,
                    form.cleaned_data["name"],
                    [capability for capability in API_CAPABILITIES if capability in chosen],
                )
                _record_key(request, audit.Action.API_KEY_CREATED, api_key)
        except IntegrityError:  # the same name, created at the same moment in another tab
            form.add_error("name", "Another key has this name: choose another.")
        else:
            return show_key(request, api_key, key, rolled=False)
    return render(
        request, "apikeys/create.html", {"form": form}, status=400 if form.errors else 200
    )


def show_key(request: AgencyRequest, api_key: ApiKey, key: str, *, rolled: bool) -> HttpResponse:
    """The one time the key can be read."""
    response = render(
        request,
        "apikeys/key.html",
        {"api_key": api_key, "key": key, "rolled": rolled, "names": capability_names(api_key)},
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@agency_view(APIKEYS_MANAGE)
def roll_api_key(request: AgencyRequest, lookup: str) -> HttpResponse:
    api_key = agency_object(request, ApiKey.objects.live(), "API key", lookup=lookup)
    if request.method == "POST":
        with transaction.atomic():
            key = api_key.roll()
            _record_key(request, audit.Action.API_KEY_ROLLED, api_key)
        return show_key(request, api_key, key, rolled=True)
    return render(request, "apikeys/confirm.html", {"api_key": api_key, "roll": True})


@require_http_methods(["GET", "POST"])
@agency_view(APIKEYS_MANAGE)
def revoke_api_key(request: AgencyRequest, lookup: str) -> HttpResponse:
    api_key = agency_object(request, ApiKey.objects.live(), "API key", lookup=lookup)
    if request.method == "POST":
        with transaction.atomic():
            api_key.revoke()
            _record_key(request, audit.Action.API_KEY_REVOKED, api_key)
        messages.success(request, f"The key {api_key.name} was revoked: it no longer works.")
        return redirect("apikeys-list")
    return render(request, "apikeys/confirm.html", {"api_key": api_key, "roll": False})


def _record_key(request, action: audit.Action, api_key: ApiKey) -> None:
    audit.record_request(
        request, action, target=api_key, details={"capabilities": api_key.capabilities}
    )
