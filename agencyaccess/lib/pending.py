"""Placeholder for dashboard pages being built (removed when the last one lands)."""

from django.http import HttpResponse

from agencyaccess.accounts.access import agency_view


@agency_view()
def pending_page(request, *args, **kwargs) -> HttpResponse:
    return HttpResponse("This page is being built.", status=501)
