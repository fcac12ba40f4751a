"""/api/me: the agency and the key a request is made with."""

from ninja import Router, Schema

from agencyaccess.apikeys.auth import ApiKeyAuth
from agencyaccess.apikeys.models import ApiKey
from agencyaccess.lib.envelope import ok
from agencyaccess.lib.schemas import ERRORS, Ok
from agencyaccess.openapi import operation_doc

router = Router(tags=["Account"])


class AgencyOut(Schema):
    id: str
    name: str


class KeyOut(Schema):
    name: str
    capabilities: list[str]


class MeOut(Schema):
    agency: AgencyOut
    key: KeyOut


@router.get(
    "/me",
    auth=ApiKeyAuth(),
    response={200: Ok[MeOut], **ERRORS},
    openapi_extra=operation_doc(
        response={
            "agency": {"id": "Ag3Nc7Yq1Dk5Rm9Tp2Wx", "name": "Example Agency"},
            "key": {"name": "Zapier", "capabilities": ["links:retrieve", "clients:retrieve"]},
        }
    ),
    summary="Who am I",
)
def me(request):
    """The agency the key belongs to and what the key may do. Any valid key may ask: Zapier
    calls it to test a connection and to name it."""
    [(name, capabilities, agency_id, agency_name)] = ApiKey.objects.filter(
        pk=request.auth.pk
    ).values_list("name", "capabilities", "agency__public_id", "agency__name")
    return ok(
        {
            "agency": {"id": agency_id, "name": agency_name},
            "key": {"name": name, "capabilities": capabilities},
        }
    )
