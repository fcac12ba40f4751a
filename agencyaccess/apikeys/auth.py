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
    """The key itself was looked up once by ApiMiddleware (which also rate-limits by it).

    Without a capability any live key passes: for an operation that needs none, or one whose
    capability depends on what is asked (it then calls `require_capability` itself)."""

    param_name = "X-Auth"

    def __init__(self, capability: str | None = None) -> None:
        self.capability = capability
        super().__init__()

    def authenticate(self, request, key: str | None) -> ApiKey:
        api_key: ApiKey | None = getattr(request, "api_key", None)
        if api_key is None:
            raise AuthenticationError(401, INVALID_KEY if key else MISSING_KEY)
        if self.capability is not None:
            require_capability(api_key, self.capability)
        request.agency_id = api_key.agency_id
        return api_key


def require_capability(api_key: ApiKey, capability: str) -> None:
    """A 403 naming the capability, unless the key holds it."""
    if not api_key.has(capability):
        raise AuthorizationError(
            403,
            f"This API key lacks the {capability} capability "
            f"({API_CAPABILITIES[capability]}). Create a key that has it.",
        )
