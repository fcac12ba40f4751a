"""Meta's OAuth (placeholder until the Meta connector lands)."""

from collections.abc import Sequence

from agencyaccess.platforms.base import NotSupported, OAuthConfig, PlatformClient, TokenSet


class MetaClient(PlatformClient):
    platform = "meta"

    def config(self) -> OAuthConfig:
        raise NotSupported("not built yet")

    def scopes_for(self, service_keys: Sequence[str]) -> list[str]:
        return []

    def authorize_url(
        self, *, state, redirect_uri, scopes, code_challenge=None, login_hint=None
    ) -> str:
        raise NotSupported("not built yet")

    def exchange_code(self, *, code, redirect_uri, code_verifier=None) -> TokenSet:
        raise NotSupported("not built yet")

    def refresh(self, tokens: TokenSet) -> TokenSet:
        raise NotSupported("not built yet")
