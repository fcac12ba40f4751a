"""The access inventory pages: /inventory/ (the whole agency, or one client with ?client=)
and its CSV, with the same filters."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencyaccess.accounts.access import agency_view
from agencyaccess.apikeys.capabilities import LINKS_RETRIEVE
from agencyaccess.inventory.grants import (
    CSV_HEADER,
    PLATFORM_CHOICES,
    STATE_CHOICES,
    Filters,
    Shown,
    csv_row,
)
from agencyaccess.lib.csv_export import csv_response
from agencyaccess.lib.pages import page_number, paginate
from agencyaccess.lib.tenancy import AgencyRequest
from agencyaccess.platforms.models import ConnectedAccount

# Rows read from the database at a time while the CSV streams.
CSV_CHUNK = 2000


def _accounts(request: AgencyRequest) -> list[ConnectedAccount]:
    """The agency's receiving accounts, disconnected ones too (they may still hold grants):
    a handful, for the filter's menu."""
    return list(
        ConnectedAccount.objects.filter(agency_id=request.agency_id).order_by("platform", "id")
    )


@agency_view(LINKS_RETRIEVE)
@require_GET
def inventory(request: AgencyRequest) -> HttpResponse:
    accounts = _accounts(request)
    filters = Filters.from_request(request, accounts)
    page = paginate(filters.rows(request.agency_id), page_number(request.GET.get("page")))
    return render(
        request,
        "inventory/list.html",
        {
            "filters": filters,
            "page": page,
            "rows": [Shown(row) for row in page.items],
            "accounts": accounts,
            "platforms": PLATFORM_CHOICES,
            "states": STATE_CHOICES,
        },
    )


@agency_view(LINKS_RETRIEVE)
@require_GET
def inventory_csv(request: AgencyRequest) -> HttpResponse:
    filters = Filters.from_request(request, _accounts(request))
    rows = filters.rows(request.agency_id).iterator(chunk_size=CSV_CHUNK)
    name = f"access-{filters.client.public_id if filters.client else 'agency'}"
    return csv_response(
        f"{name}-{timezone.now():%Y%m%d}.csv",
        CSV_HEADER,
        (csv_row(row) for row in rows),
    )
