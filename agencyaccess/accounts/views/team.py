"""The team page (owner only): members, pending invitations, inviting, ownership, removal."""

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencyaccess.accounts import actions
from agencyaccess.accounts.access import agency_view
from agencyaccess.accounts.forms import InviteForm
from agencyaccess.accounts.models import Invitation, Membership, Role, User
from agencyaccess.apikeys.capabilities import TEAM_MANAGE
from agencyaccess.audit import log as audit
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.tenancy import AgencyRequest, agency_object


@agency_view(TEAM_MANAGE)
def team(request: AgencyRequest) -> HttpResponse:
    """The list, and the invite form (POSTed here, also to send an invitation again)."""
    agency = request.agency
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            with transaction.atomic():
                invitation = actions.invite_member(agency, email, cast(User, request.user))
                audit.record_request(request, audit.Action.TEAM_INVITED, target=invitation)
        except ActionError as e:
            form.add_error("email", e.message)
        else:
            messages.success(request, f"An invitation is on its way to {email}.")
            return redirect("accounts-team")
    context = {
        "form": form,
        # "owner" sorts after "member": the owner comes first.
        "memberships": agency.memberships.select_related("user").order_by("-role", "created"),
        "invitations": agency.invitations.order_by("email"),
    }
    return render(request, "accounts/team.html", context, status=400 if form.errors else 200)


@agency_view(TEAM_MANAGE)
@require_POST
def revoke_invitation(request: AgencyRequest, invitation_id: str) -> HttpResponse:
    invitation = agency_object(request, Invitation, "invitation", public_id=invitation_id)
    with transaction.atomic():
        invitation.delete()
        audit.record_request(request, audit.Action.TEAM_INVITATION_REVOKED, target=invitation)
    messages.success(request, f"The invitation to {invitation.email} is revoked.")
    return redirect("accounts-team")


@agency_view(TEAM_MANAGE)
def transfer_ownership(request: AgencyRequest, membership_id: str) -> HttpResponse:
    membership = agency_object(
        request, Membership.objects.select_related("user"), "member", public_id=membership_id
    )
    if request.method == "POST":
        return _act(
            request,
            lambda: actions.transfer_ownership(request.membership, membership),
            (audit.Action.TEAM_OWNER_CHANGED, membership),
            f"{membership.user.email} is now the owner. You are a member of the team.",
            # The former owner may no longer see the team page.
            done_url="home",
        )
    return _confirm(
        request,
        membership,
        title=f"Make {membership.user.email} the owner?",
        text="They will manage the team, the API keys, the branding and the settings. "
        "You will become a member, and only they can make you the owner again.",
        button="Make owner",
    )


@agency_view(TEAM_MANAGE)
def remove_member(request: AgencyRequest, membership_id: str) -> HttpResponse:
    membership = agency_object(
        request, Membership.objects.select_related("user"), "member", public_id=membership_id
    )
    if request.method == "POST":
        return _act(
            request,
            lambda: actions.remove_member(membership),
            (audit.Action.TEAM_REMOVED, membership),
            f"{membership.user.email} is removed from the team.",
        )
    return _confirm(
        request,
        membership,
        title=f"Remove {membership.user.email} from the team?",
        text="They will no longer see this agency's clients, links and accounts. "
        "Their account stays, and you can invite them again.",
        button="Remove",
    )


def _act(
    request: HttpRequest,
    action: Callable[[], None],
    logged_as: tuple[audit.Action, Membership],
    success: str,
    done_url: str = "accounts-team",
) -> HttpResponse:
    """Run a team action and log it (`logged_as`: the action and the member it was about); its
    refusal is shown on the team page."""
    try:
        with transaction.atomic():
            action()
            audit.record_request(request, logged_as[0], target=logged_as[1])
    except ActionError as e:
        messages.error(request, e.message)
        return redirect("accounts-team")
    messages.success(request, success)
    return redirect(done_url)


def _confirm(
    request: HttpRequest, membership: Membership, *, title: str, text: str, button: str
) -> HttpResponse:
    if membership.role == Role.OWNER:
        messages.error(request, "That is the owner: make someone else the owner first.")
        return redirect("accounts-team")
    context = {"membership": membership, "title": title, "text": text, "button": button}
    return render(request, "accounts/confirm_member_change.html", context)
