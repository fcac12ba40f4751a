"""The sandbox's own pages: an overview of the fake world with its switches, and the inbox where
someone accepts what Google e-mailed them.

Changing the fake world (its switches, a reset) and answering for someone (the inbox) is for the
people signed in to this install: a visitor could otherwise break every demo, or accept an
invitation meant for the agency. The sign-in pages a client goes through stay open to all
(oauth.py): they stand in for Google's own."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render as render_template
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencyaccess.platforms.google.sandbox import inbox as inbox_items
from agencyaccess.platforms.google.sandbox import state, world
from agencyaccess.platforms.google.sandbox.endpoint import open_sandbox


def render(
    request: HttpRequest, name: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    return render_template(request, f"platforms/google/{name}", context, status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    open_sandbox()
    knobs = [(name, label, state.knob(name)) for name, (_, label) in world.KNOBS.items()]
    return render(request, "home.html", {"users": world.USERS, "knobs": knobs})


@login_required
@require_POST
def knob(request: HttpRequest) -> HttpResponse:
    open_sandbox()
    name = request.POST.get("name", "")
    if name not in world.KNOBS:
        raise Http404("No such switch.")
    state.set_knob(name, request.POST.get("on") == "1")
    return HttpResponseRedirect(reverse("google-sandbox-home"))


@login_required
@require_POST
def reset(request: HttpRequest) -> HttpResponse:
    open_sandbox()
    state.reset()
    return HttpResponseRedirect(reverse("google-sandbox-home"))


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: HttpRequest) -> HttpResponse:
    """GET ?email= lists what waits for that address; POST answers one item."""
    open_sandbox()
    email = (request.POST.get("email") or request.GET.get("email", "")).strip().lower()
    if "\x00" in email:  # no address holds one, and PostgreSQL refuses it in a query
        email = ""
    if request.method == "POST":
        if not inbox_items.act(email, request.POST.get("item", ""), request.POST.get("action", "")):
            raise Http404("Nothing like that waits for this address.")
        url = reverse("google-sandbox-inbox")
        return HttpResponseRedirect(f"{url}?{urlencode({'email': email})}")
    items = inbox_items.pending_for(email) if email else []
    return render(
        request,
        "inbox.html",
        {
            "email": email,
            "items": [
                (item, [(a, inbox_items.ACTION_LABELS[a]) for a in item.actions]) for item in items
            ],
            "users": world.USERS,
        },
    )
