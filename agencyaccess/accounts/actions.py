"""Agency, team and personal-security workflows shared by the command line and the dashboard."""

from django.core.files import File
from django.db import transaction

from agencyaccess.accounts import twofactor
from agencyaccess.accounts.models import Agency, Invitation, Membership, RecoveryCode, Role, User
from agencyaccess.audit import log as audit
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib import crypto
from agencyaccess.lib.errors import ActionError
from agencyaccess.lib.text import one_line
from agencyaccess.notify import emails


def create_agency(name: str, owner_email: str, password: str | None = None) -> Agency:
    """A new agency owned by the user with this e-mail address, created if new.

    Without a password a new owner cannot log in until they reset it by e-mail. An existing
    user keeps their password: setting someone else's is not this command's business.
    """
    try:
        owner_email = clean_email(owner_email).lower()
    except ValueError as e:
        raise ActionError(f"The owner's e-mail address {e}.") from None
    with transaction.atomic():
        user = User.objects.filter(email__iexact=owner_email).first()
        if user is None:
            user = User.objects.create_user(owner_email, password)
        elif password:
            raise ActionError(
                "A user with this e-mail address already exists and keeps their password: "
                "leave out the password."
            )
        return start_agency(user, name)


def start_agency(user: User, name: str) -> Agency:
    """A new agency owned by `user`, whose address clients see as the support contact."""
    name = one_line(name.strip())
    if not name:
        raise ActionError("The agency name must not be empty.")
    with transaction.atomic():
        agency = Agency.objects.create(name=name, support_email=user.email)
        Membership.objects.create(user=user, agency=agency, role=Role.OWNER)
    return agency


def sign_up(*, agency_name: str, name: str, email: str, password: str) -> User:
    """A new user who owns a new agency."""
    with transaction.atomic():
        user = User.objects.create_user(email, password, name=name.strip())
        start_agency(user, agency_name)
    return user


def invite_member(agency: Agency, email: str, invited_by: User) -> Invitation:
    """Invite an address to the team and queue the e-mail with its link; inviting it again
    sends a new link and restarts the expiry."""
    email = email.strip().lower()
    if agency.memberships.filter(user__email__iexact=email).exists():
        raise ActionError(f"{email} is already in the team.")
    invitation = Invitation.objects.filter(agency=agency, email=email).first() or Invitation(
        agency=agency, email=email
    )
    invitation.invited_by = invited_by
    token = invitation.renew()
    with transaction.atomic():
        invitation.save()
        emails.team_invitation(invitation, token)
    return invitation


def join_agency(invitation: Invitation, user: User, address: str) -> Membership:
    """Accept an invitation as `user` (at `address`), who must have the invited address; it is
    used up."""
    if user.email.lower() != invitation.email:
        raise ActionError(f"This invitation is for {invitation.email}.")
    with transaction.atomic():
        # Deleting first makes a link that two tabs open at once join only once.
        deleted, _ = Invitation.objects.filter(pk=invitation.pk).delete()
        if not deleted:
            raise ActionError("This invitation has already been used.")
        membership, _ = Membership.objects.get_or_create(user=user, agency=invitation.agency)
        audit.record(
            audit.Action.TEAM_JOINED,
            agency=invitation.agency_id,
            actor=user,
            target=membership,
            address=address,
            details={"invited_by": invitation.invited_by.email if invitation.invited_by else ""},
        )
    return membership


def sign_up_by_invitation(
    invitation: Invitation, *, name: str, password: str, address: str
) -> User:
    """A new user with the invited address, in the inviting agency's team."""
    with transaction.atomic():
        user = User.objects.create_user(invitation.email, password, name=name.strip())
        join_agency(invitation, user, address)
    return user


def transfer_ownership(owner: Membership, new_owner: Membership) -> None:
    """The owner makes a member of the team the owner, and becomes a member."""
    if new_owner.agency_id != owner.agency_id or new_owner.pk == owner.pk:
        raise ActionError("Choose a member of the team who is not the owner.")
    if not new_owner.user.is_active:
        raise ActionError(f"{new_owner.user.email} cannot log in, so cannot be the owner.")
    with transaction.atomic():
        # Locked and checked again: of two transfers at once, the second finds no owner to act.
        if not Membership.objects.select_for_update().filter(pk=owner.pk, role=Role.OWNER):
            raise ActionError("You are no longer the owner of this agency.")
        # Demote before promoting: the one-owner constraint is checked at each statement.
        Membership.objects.filter(pk=owner.pk).update(role=Role.MEMBER)
        Membership.objects.filter(pk=new_owner.pk).update(role=Role.OWNER)


def remove_member(membership: Membership) -> None:
    if membership.role == Role.OWNER:
        raise ActionError("The owner cannot be removed. Make someone else the owner first.")
    membership.delete()


def enable_two_factor(user: User, secret: str, used_step: int = 0) -> list[str]:
    """Turn on two-factor login with this TOTP secret; returns new recovery codes to show once.
    `used_step` is the time step of the code that confirmed the app: that code is used up, and
    logging in with it a moment later is refused like any code used twice."""
    with transaction.atomic():
        user.totp_secret = crypto.encrypt(secret)
        user.totp_last_step = used_step
        user.save(update_fields=["totp_secret", "totp_last_step"])
        return renew_recovery_codes(user)


def disable_two_factor(user: User) -> None:
    with transaction.atomic():
        user.totp_secret = ""
        user.save(update_fields=["totp_secret"])
        user.recovery_codes.all().delete()


def renew_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; returns the new ones, which are never readable again."""
    codes = twofactor.new_recovery_codes()
    with transaction.atomic():
        user.recovery_codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, digest=twofactor.recovery_digest(code)) for code in codes
        )
    return codes


def set_logo(agency: Agency, image: File, extension: str) -> None:
    """Store a checked image as the agency's logo, under a new name; the old file goes once the
    new one is saved."""
    old = agency.logo.name
    agency.logo.save(f"logo.{extension}", image, save=True)
    if old:
        _delete_file_after_commit(agency, old)


def remove_logo(agency: Agency) -> None:
    old = agency.logo.name
    agency.logo = None
    agency.save(update_fields=["logo"])
    if old:
        _delete_file_after_commit(agency, old)


def _delete_file_after_commit(agency: Agency, name: str) -> None:
    storage = agency.logo.storage
    transaction.on_commit(lambda: storage.delete(name))
