"""Who may see a dashboard page: the signed-in user's current agency and role.

Every dashboard view is wrapped in `agency_view`, which finds the membership for the agency the
user is working in (they may belong to several: the switcher stores the choice in the session)
and checks the capability the page needs. The same capability strings guard API keys, so one
vocabulary says what a member, an owner and a key may do (apikeys/capabilities.py).
"""

from collections.abc import Callable
from functools import wraps
from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation

from agencyaccess.accounts.models import Membership, User
from agencyaccess.apikeys.capabilities import ROLE_CAPABILITIES

SESSION_AGENCY = "agency"


def memberships_of(user: User) -> list[Membership]:
    """All the user's agencies, oldest first: few enough to load at once for the switcher."""
    return list(Membership.objects.filter(user=user).select_related("agency").order_by("created"))


def current_membership(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    """The membership of the agency chosen in this session, else the user's oldest one."""
    chosen = request.session.get(SESSION_AGENCY)
    for membership in memberships:
        if membership.agency.public_id == chosen:
            return membership
    return memberships[0] if memberships else None


def capabilities_of(membership: Membership) -> frozenset[str]:
    return ROLE_CAPABILITIES[membership.role]


def agency_view(capability: str | None = None) -> Callable:
    """Decorate a dashboard view: login required, a membership required, and the capability
    when one is named. Sets request.agency, request.agency_id, request.membership and
    request.memberships (all the user's, for the agency switcher)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            # login_required has run: the user is a User.
            memberships = memberships_of(cast(User, request.user))
            membership = current_membership(request, memberships)
            if membership is None:
                return redirect("accounts-no-agency")
            if capability is not None and capability not in capabilities_of(membership):
                raise PermissionDenied(capability)
            request.membership = membership  # type: ignore[attr-defined]
            request.agency = membership.agency  # type: ignore[attr-defined]
            request.agency_id = membership.agency_id  # type: ignore[attr-defined]
            request.memberships = memberships  # type: ignore[attr-defined]
            request.capabilities = capabilities_of(membership)  # type: ignore[attr-defined]
            # The dashboard is written in English: what it shows from the database (a grant's
            # message worded for a Spanish client) is read in English too, whatever the
            # browser's languages.
            with translation.override(settings.LANGUAGE_CODE):
                return view(request, *args, **kwargs)

        return wrapper

    return decorator
