"""X-Auth authentication for the API's operations, with the capability each one needs."""

from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyHeader

from agencyaccess.apikeys.capabilities import API_CAPABILITIES
from agencyaccess.apikeys.models import ApiKey

MISSING_KEY = "Missing API key: send your key in the X-Auth header."
INVALID_KEY = (
    "Invalid API key: check the X-Auth header. A rolled or revoked key stops working at once."
)


class ApiKeyAuth(APIKeyHeader):
    """The key itself was looked up once by ApiMiddleware (which also rate-limits by it)."""

    param_name = "X-Auth"

    def __init__(self, capability: str) -> None:
        self.capability = capability
        super().__init__()

    def authenticate(self, request, key: str | None) -> ApiKey:
        api_key: ApiKey | None = getattr(request, "api_key", None)
        if api_key is None:
            raise AuthenticationError(401, INVALID_KEY if key else MISSING_KEY)
        if not api_key.has(self.capability):
            raise AuthorizationError(
                403,
                f"This API key lacks the {self.capability} capability "
                f"({API_CAPABILITIES[self.capability]}). Create a key that has it.",
            )
        request.agency_id = api_key.agency_id
        return api_key
