"""What people do in HubSpot's own pages, which no API does: a Super Admin makes another user
Super Admin (Settings, Users & Teams). The grant's next step points here in sandbox mode."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from agencyaccess.platforms.hubspot.sandbox import state, world

TEMPLATE = "platforms/hubspot/sandbox_users.html"


@csrf_exempt  # HubSpot's page, not ours
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest, hub_id: int) -> HttpResponse:
    hub = world.HUBS.get(hub_id)
    if hub is None:
        raise Http404("No such HubSpot account in the sandbox.")
    if request.method == "POST":
        state.make_super_admin(hub_id, request.POST.get("user", ""))
        return redirect(request.path)
    return render(request, TEMPLATE, {"hub": hub, "users": state.users_of(hub_id)})
