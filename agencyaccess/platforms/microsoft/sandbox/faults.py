"""How the Customer Management API refuses a call over REST: an `AdApiFaultDetail` (`Errors`)
for authentication and call limits, an `ApiFault` (`OperationErrors`) for the operation itself,
each with a TrackingId (customer-management-service/apifault, adapifaultdetail)."""

import secrets
from dataclasses import dataclass
from typing import Any

INVALID_CREDENTIALS = (
    105,
    "Authentication failed. Either supplied credentials are invalid or the account is inactive.",
)
USER_IS_NOT_AUTHORIZED = (106, "The user does not represent a authorized developer.")
TOKEN_EXPIRED = (109, "The authentication token has expired.")
CALL_RATE_EXCEEDED = (
    117,
    "You have exceeded the number of calls that you are allowed to make in a given time period.",
)
USER_NOT_AUTHORIZED = (1001, "The user is not authorized to perform this action.")
NAME_TOO_LONG = (211, "The specified name is too long.")
INVALID_PREDICATE = (
    3030,
    "The Predicate passed in the search is invalid. For example you used an invalid predicate "
    "operator for a valid predicate field.",
)
PAGE_INFO_INVALID = (3080, "Page Info must be present and have index greater than 0 (zero).")
# Named by the ClientLink reference without a published numeric code: the sandbox answers the
# generic invalid-request code with the name in the message.
CLIENT_LINK_FIELD_INVALID = (100, "ClientLinkFieldInvalid: ClientEntityCustomerNumber is required.")
LINK_PAIR_MISMATCH = (100, "LinkPairMismatch: the account is not one of that customer's.")


@dataclass
class Fault(Exception):
    code: int
    message: str
    status: int = 400
    detail: bool = False  # an AdApiFaultDetail rather than an ApiFault

    @classmethod
    def of(cls, error: tuple[int, str], *, status: int = 400, detail: bool = False) -> "Fault":
        return cls(error[0], error[1], status, detail)

    def body(self) -> dict[str, Any]:
        if self.detail:  # an AdApiError: Detail, and the ErrorCode this service leaves empty
            error = {"Code": self.code, "Detail": None, "ErrorCode": "", "Message": self.message}
            return {"TrackingId": tracking_id(), "Type": "AdApiFaultDetail", "Errors": [error]}
        error = {"Code": self.code, "Details": "", "Message": self.message}  # an OperationError
        return {"TrackingId": tracking_id(), "Type": "ApiFault", "OperationErrors": [error]}


def operation_error(error: tuple[int, str]) -> dict[str, Any]:
    """One item's refusal in a batch call's PartialErrors."""
    return {"Code": error[0], "Details": "", "Message": error[1]}


def tracking_id() -> str:
    return "sandbox-" + secrets.token_hex(8)


class OAuthError(Exception):
    """The identity platform's token endpoint refusal: {"error", "error_description"}."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
