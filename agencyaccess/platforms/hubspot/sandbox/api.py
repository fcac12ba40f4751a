"""The sandbox's user provisioning API (the dated version in config.py): the calls the connector
makes, under their real paths, answering HubSpot's bodies and error envelope
(docs/platforms/hubspot.md#calls)."""

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from agencyaccess.platforms.hubspot.config import USERS_READ, USERS_WRITE
from agencyaccess.platforms.hubspot.sandbox import contract, state, world

READS = frozenset({"GET"})
NOT_FOUND = "OBJECT_NOT_FOUND"


Details = Sequence[Mapping[str, Any]]  # the envelope's `errors`


class ApiError(Exception):
    def __init__(self, status: int, category: str, message: str, *, details: Details = ()) -> None:
        super().__init__(message)
        self.status, self.category, self.message, self.details = status, category, message, details

    def response(self) -> JsonResponse:
        return error_response(self.status, self.category, self.message, self.details)


def error_response(status: int, category: str, message: str, details: Details = ()) -> JsonResponse:
    """HubSpot's error envelope (developers.hubspot.com/docs/api-reference/error-handling), its
    `errors` the details of each refusal (a missing scope names the scopes there)."""
    body: dict[str, Any] = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    if details:
        body["errors"] = list(details)
    return JsonResponse(body, status=status)


class RateLimitError(ApiError):
    """HubSpot's 429 (developers.hubspot.com/docs/api/usage-details): its own body, with
    `errorType` and `policyName` rather than a category, and the window in the headers."""

    WINDOW_MS = 10_000

    def __init__(self) -> None:
        super().__init__(429, "RATE_LIMIT", "You have reached your ten_secondly_rolling limit.")

    def response(self) -> JsonResponse:
        body = {
            "status": "error",
            "message": self.message,
            "errorType": "RATE_LIMIT",
            "correlationId": str(uuid.uuid4()),
            "policyName": "TEN_SECONDLY_ROLLING",
        }
        answer = JsonResponse(body, status=429)
        answer["X-HubSpot-RateLimit-Interval-Milliseconds"] = str(self.WINDOW_MS)
        answer["X-HubSpot-RateLimit-Max"] = "100"
        answer["X-HubSpot-RateLimit-Remaining"] = "0"
        return answer


def missing_scopes(message: str, *scopes: str) -> ApiError:
    """403 MISSING_SCOPES: the scopes needed are in `errors[].context.requiredGranularScopes`."""
    return ApiError(
        403,
        "MISSING_SCOPES",
        message,
        details=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": list(scopes)},
            }
        ],
    )


Endpoint = Callable[..., tuple[int, Any]]  # (request, caller, *url values) -> (status, body)


def endpoint(view: Endpoint) -> Callable[..., HttpResponse]:
    """Authenticate the Bearer token as HubSpot does, check the scope the method needs, read
    the JSON body, and hold the exchange against the vendor's definitions (contract.py)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, **url: Any) -> HttpResponse:
        checked = contract.exchange(request)
        try:
            person = caller(request)
            status, body = view(request, person, *url.values())
        except ApiError as e:
            return checked(e.response())
        if body is None:
            return checked(HttpResponse(status=status))
        return checked(JsonResponse(body, status=status))

    return wrapper


def caller(request: HttpRequest) -> world.Person:
    token = state.token_of(request.headers.get("Authorization", "").removeprefix("Bearer "))
    if token is None:
        raise ApiError(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
        )
    if token["seconds_left"] < 0:
        raise ApiError(
            401,
            "EXPIRED_AUTHENTICATION",
            f"The OAuth token used to make this call expired {int(-token['seconds_left'])} "
            "second(s) ago.",
        )
    person = world.PEOPLE[token["person"]]
    if person.behaviour == world.Behaviour.RATE_LIMITED:
        raise RateLimitError()
    needed = USERS_READ if request.method in READS else USERS_WRITE
    if needed not in token["scopes"]:
        raise missing_scopes(
            "This app hasn't been granted all required scopes to make this call.", needed
        )
    return person


def json_body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "VALIDATION_ERROR", "Invalid input JSON: a JSON object is expected.")
    return body


@endpoint
def roles(request: HttpRequest, person: world.Person) -> tuple[int, Any]:
    """GET roles: the account's permission sets."""
    return 200, {
        "results": [
            {"id": s.id, "name": s.name, "requiresBillingWrite": s.requires_billing_write}
            for s in world.HUBS[person.hub_id].permission_sets
        ]
    }


@endpoint
def users(request: HttpRequest, person: world.Person) -> tuple[int, Any]:
    """POST: create a user, with a permission set or none."""
    if request.method != "POST":
        raise ApiError(405, "VALIDATION_ERROR", "Method not allowed.")
    body = json_body(request)
    email = str(body.get("email") or "").strip()
    if "@" not in email or not isinstance(body.get("sendWelcomeEmail"), bool):
        raise ApiError(400, "VALIDATION_ERROR", "email and sendWelcomeEmail are required.")
    role_id = _known_role(person, body.get("roleId"))
    if state.find_user(person.hub_id, email, by_email=True):
        raise ApiError(409, "CONFLICT", f"A user with email {email} already exists.")
    created = state.add_user(person.hub_id, email, role_id)
    return 201, created | {"sendWelcomeEmail": body["sendWelcomeEmail"]}


@endpoint
def user(request: HttpRequest, person: world.Person, user_key: str) -> tuple[int, Any]:
    """GET, DELETE one user, by id or (idProperty=EMAIL) by e-mail address."""
    by_email = request.GET.get("idProperty", "USER_ID") == "EMAIL"
    found = state.find_user(person.hub_id, user_key, by_email=by_email)
    if found is None:
        raise ApiError(404, NOT_FOUND, f"No user found with {'email' if by_email else 'id'}.")
    if request.method == "GET":
        return 200, found
    if request.method == "DELETE":
        if not state.remove_user(person.hub_id, found["id"]):
            raise ApiError(400, "VALIDATION_ERROR", "A Super Admin who owns the account stays.")
        return 204, None
    raise ApiError(405, "VALIDATION_ERROR", "Method not allowed.")


def _known_role(person: world.Person, role_id: Any) -> str:
    if role_id in (None, ""):
        return ""
    sets = {s.id: s for s in world.HUBS[person.hub_id].permission_sets}
    if role_id not in sets:
        raise ApiError(400, "VALIDATION_ERROR", f"Role {role_id} does not exist in this account.")
    if sets[role_id].requires_billing_write:
        raise missing_scopes(
            "This role has a paid seat: assigning it needs the billing-write scope.",
            "billing-write",
        )
    return str(role_id)
