"""What the Google connectors share: which sign-in checks or removes a grant, and the messages
every one of them gives."""

import abc
from typing import ClassVar

from django.utils.translation import gettext as _

from agencyaccess.platforms.base import (
    ConnectorError,
    GrantOutcome,
    GrantRef,
    GrantState,
    ServiceConnector,
    TokenSet,
)
from agencyaccess.platforms.google.api import logger, require_scopes
from agencyaccess.platforms.google.config import acceptance_url


class GoogleConnector(ServiceConnector):
    """verify() asks the client's sign-in when it is still held (it sees the grant itself), else
    the agency's (it sees what the agency can reach); revoke() needs the client's sign-in."""

    product: ClassVar[str]

    def verify(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens:
            self.check_scopes(client_tokens)
            return self.verify_as_client(ref, client_tokens)
        if ref.agency.tokens:
            return self.verify_as_agency(ref, ref.agency.tokens)
        raise no_sign_in_to_check()

    def revoke(self, ref: GrantRef, *, client_tokens: TokenSet | None = None) -> GrantOutcome:
        if client_tokens is None:
            return remove_by_hand(self.product, ref.agency.email)
        self.check_scopes(client_tokens)
        return self.revoke_as_client(ref, client_tokens)

    def check_scopes(self, tokens: TokenSet) -> None:
        require_scopes(tokens, self.required_scopes, self.product)

    @abc.abstractmethod
    def verify_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome: ...

    @abc.abstractmethod
    def verify_as_agency(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome: ...

    @abc.abstractmethod
    def revoke_as_client(self, ref: GrantRef, tokens: TokenSet) -> GrantOutcome: ...


def granted(native_ref: str, native_role: str, email: str, asset_name: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=native_ref,
        native_role=native_role,
        # Translators: %(email)s is the agency's e-mail address, %(asset)s what the client shared.
        message=_("Done: %(email)s now has access to %(asset)s.")
        % {"email": email, "asset": asset_name},
    )


def active(native_ref: str, native_role: str = "") -> GrantOutcome:
    """`native_role`: the role the platform shows now, where the check can read it (drift);
    empty when it cannot."""
    return GrantOutcome(
        GrantState.ACTIVE,
        native_ref=native_ref,
        native_role=native_role,
        message=_("The agency has this access."),
    )


def invited(native_ref: str, native_role: str, email: str) -> GrantOutcome:
    """An invitation to the agency's address, which the agency accepts (model B)."""
    return GrantOutcome(
        GrantState.PENDING_AGENCY,
        native_ref=native_ref,
        native_role=native_role,
        # The page around it already says the agency accepts next and the client is done
        # (onboarding/results.html): this adds only where the invitation went.
        # Translators: %(email)s is the agency's e-mail address.
        message=_("Google sent the invitation to %(email)s.") % {"email": email},
        next_action_url=acceptance_url(email),
    )


def revoked(native_ref: str = "") -> GrantOutcome:
    return GrantOutcome(
        GrantState.REVOKED,
        native_ref=native_ref,
        message=_("The agency no longer has this access."),
    )


def remove_by_hand(product: str, email: str) -> GrantOutcome:
    return GrantOutcome(
        GrantState.MANUAL_REQUIRED,
        # Translators: %(product)s is a Google product, %(email)s the agency's e-mail address.
        message=_(
            "AgencyAccess no longer holds a sign-in that can remove this access. In "
            "%(product)s, open the list of users and remove %(email)s."
        )
        % {"product": product, "email": email},
    )


def no_sign_in_to_check() -> ConnectorError:
    return ConnectorError(
        _(
            "This access cannot be checked: neither the client's nor the agency's Google sign-in "
            "is available any more. Connect the agency's Google account to check it."
        )
    )


def best_effort(step: str, error: ConnectorError) -> None:
    """An optional step of a grant (done for the agency's convenience) that failed: the grant
    stands without it."""
    logger.info("Google: optional step %r skipped: %s", step, error.message)
