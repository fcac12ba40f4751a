"""Errors that workflows raise for the API and the dashboard to show as they are."""

from django.http import Http404


class ActionError(Exception):
    """A request that cannot be done as asked; the message says what to change."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ActionError, Http404):
    """Not there, or not the asker's agency's: the API's 404 envelope (as an ActionError, the
    handler it meets first), the dashboard's 404 page (as an Http404)."""

    status = 404


class Conflict(ActionError):
    """Valid, but refused by the agency's state: a disabled intake form, a reached limit."""

    status = 409
