"""The Microsoft sandbox's Customer Management calls held against the service's WSDL, shipped in
the Bing Ads SDK (wsdl_definitions.py).

The REST paths are not in the WSDL: OPERATIONS maps each one the sandbox serves to its
operation, as the REST reference names them (learn.microsoft.com/advertising/
customer-management-service/<operation>, "REST request": e.g. AddClientLinks is
`POST /CustomerManagement/v13/ClientLinks`).
"""

import json
from collections.abc import Callable
from functools import partial

from django.http import HttpRequest, HttpResponse, JsonResponse

from agencyaccess.platforms import contracts

REST_ROOT = "/CustomerManagement/v13/"
OPERATIONS = {
    ("POST", "User/Query"): "GetUser",
    ("POST", "Customer/Query"): "GetCustomer",
    ("PUT", "UserRoles"): "UpdateUserRoles",
    ("POST", "Accounts/Search"): "SearchAccounts",
    ("POST", "ClientLinks"): "AddClientLinks",
    ("PUT", "ClientLinks"): "UpdateClientLinks",
    ("POST", "ClientLinks/Search"): "SearchClientLinks",
    ("POST", "UserInvitation/Send"): "SendUserInvitation",
    ("POST", "UserInvitations/Search"): "SearchUserInvitations",
}
INVALID_REQUEST = 100  # the sandbox's answer to a body the WSDL does not define (faults.py)

Answer = Callable[[HttpResponse], HttpResponse]


def exchange(request: HttpRequest) -> Answer:
    """Check an operation the sandbox received; return the check of its answer. No-ops unless
    PLATFORM_CONTRACTS is on. A call the service does not define is recorded and refused with an
    ApiFault; an answer (or fault) it does not define raises."""
    if not contracts.enabled():
        return _unchecked
    from agencyaccess.platforms.microsoft.sandbox import wsdl_definitions as wsdl

    rest_path = request.path.partition(REST_ROOT)[2]
    operation = OPERATIONS.get((request.method or "", rest_path))
    try:
        if operation is None:
            raise contracts.violation(
                f"Customer Management: no operation is {request.method} {REST_ROOT}{rest_path}"
            )
        wsdl.check_request(operation, json.loads(request.body or b"{}"))
    except contracts.ContractViolation as refusal:
        return partial(_refused, refusal)
    except ValueError:
        return _unchecked  # not JSON: the sandbox refuses it as the service does

    def answer(response: HttpResponse) -> HttpResponse:
        body = json.loads(response.content)
        if response.status_code < 400:
            wsdl.check_response(operation, body)
        else:
            wsdl.check_fault(body)
        return response

    return answer


def _refused(refusal: contracts.ContractViolation, sandbox_answer: HttpResponse) -> HttpResponse:
    from agencyaccess.platforms.microsoft.sandbox.faults import Fault

    fault = Fault(INVALID_REQUEST, str(refusal))
    return JsonResponse(fault.body(), status=fault.status)


def _unchecked(response: HttpResponse) -> HttpResponse:
    return response


def preload() -> None:
    """Read the WSDL ahead of the first check."""
    from agencyaccess.platforms.microsoft.sandbox import wsdl_definitions

    wsdl_definitions.complex_types()
