"""Agency and team workflows shared by the command line and the dashboard."""

from django.db import transaction

from agencyaccess.accounts.models import Agency, Membership, Role, User
from agencyaccess.clients.validation import clean_email
from agencyaccess.lib.errors import ActionError


def create_agency(name: str, owner_email: str, password: str | None = None) -> Agency:
    """A new agency owned by the user with this e-mail address, created if new.

    Without a password a new owner cannot log in until they reset it by e-mail. An existing
    user keeps their password: setting someone else's is not this command's business.
    """
    name = name.strip()
    if not name:
        raise ActionError("The agency name must not be empty.")
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
        agency = Agency.objects.create(name=name, support_email=owner_email)
        Membership.objects.create(user=user, agency=agency, role=Role.OWNER)
    return agency
