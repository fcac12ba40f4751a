"""The agency's side of a pending share, as Business Settings > Requests would show it: a page
to approve shares in demos, and the same as JSON for tests and scripts."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from agencyaccess.platforms.meta.sandbox import state, world


@require_GET
def requests_page(request: HttpRequest, business_id: str) -> HttpResponse:
    business = _business(business_id)
    return render(
        request,
        "platforms/meta/sandbox_requests.html",
        {
            "business": business,
            "pending": waiting_for(business),
            "confirmed": state.shares(business_id=business.id, status="CONFIRMED"),
        },
    )


@require_POST
def approve(request: HttpRequest, business_id: str, asset_id: str) -> HttpResponse:
    business = _business(business_id)
    state.approve_share(asset_id, business.id)
    return redirect("meta-sandbox-requests", business_id=business.id)


@require_GET
def requests_json(request: HttpRequest, business_id: str) -> JsonResponse:
    business = _business(business_id)
    waiting = waiting_for(business)
    return JsonResponse(
        {
            "data": [
                {
                    "asset_id": share.asset.id,
                    "asset_name": share.asset.name,
                    "kind": share.asset.kind,
                    "permitted_tasks": list(share.permitted_tasks),
                }
                for share in waiting
            ]
        }
    )


@csrf_exempt  # called by tests and scripts, which hold no CSRF cookie
@require_POST
def approve_json(request: HttpRequest, business_id: str, asset_id: str) -> JsonResponse:
    business = _business(business_id)
    if not state.approve_share(asset_id, business.id):
        return JsonResponse(
            {"error": {"message": f"No pending share of {asset_id} with {business.id}."}},
            status=404,
        )
    return JsonResponse({"success": True})


def waiting_for(business: world.Business) -> list[state.Share]:
    """Owners' shares the agency has to approve; not the agency's own requests, which wait for
    the owners."""
    return state.shares(business_id=business.id, status="PENDING", agency_request=False)


def _business(business_id: str) -> world.Business:
    business = world.BUSINESSES.get(business_id)
    if business is None:
        raise Http404("No such business in the Meta sandbox.")
    return business
