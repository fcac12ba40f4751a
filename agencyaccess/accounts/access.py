"""Who may see a dashboard page: the signed-in user's current agency and role.

Every dashboard view is wrapped in `agency_view`, which finds the membership for the agency the
user is working in (they may belong to several: the switcher stores the choice in the session)
and checks the capability the page needs. The same capability strings guard API keys, so one
vocabulary says what a member, an owner and a key may do (apikeys/capabilities.py).
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from agencyaccess.accounts.models import Membership, User
from agencyaccess.apikeys.capabilities import ROLE_CAPABILITIES

SESSION_AGENCY = "agency"


def current_membership(request: HttpRequest) -> Membership | None:
    """The membership of the agency chosen in this session, else the user's oldest one."""
    user = cast(User, request.user)  # agency_view runs behind login_required
    memberships = Membership.objects.filter(user=user).select_related("agency")
    chosen = request.session.get(SESSION_AGENCY)
    membership = memberships.filter(agency__public_id=chosen).first() if chosen else None
    return membership or memberships.order_by("created").first()


def capabilities_of(membership: Membership) -> frozenset[str]:
    return ROLE_CAPABILITIES[membership.role]


def agency_view(capability: str | None = None) -> Callable:
    """Decorate a dashboard view: login required, a membership required, and the capability
    when one is named. Sets request.agency, request.agency_id and request.membership."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = current_membership(request)
            if membership is None:
                return redirect("accounts-no-agency")
            if capability is not None and capability not in capabilities_of(membership):
                raise PermissionDenied(capability)
            request.membership = membership  # type: ignore[attr-defined]
            request.agency = membership.agency  # type: ignore[attr-defined]
            request.agency_id = membership.agency_id  # type: ignore[attr-defined]
            request.capabilities = capabilities_of(membership)  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
