"""A live server running the Meta sandbox, and the Meta connector pointed at it over HTTP."""

from collections.abc import Iterable, Sequence
from urllib.parse import parse_qs, urlsplit

from agencyaccess.catalog import platform_by_key
from agencyaccess.platforms.base import (
    AgencyIdentity,
    Asset,
    GrantOutcome,
    GrantRef,
    GrantRequest,
    TokenSet,
)
from agencyaccess.platforms.meta import INTEGRATION
from agencyaccess.platforms.meta.connectors import MetaAssetConnector
from agencyaccess.platforms.meta.sandbox import world
from agencyaccess.platforms.meta.sandbox.state import issue_sandbox_tokens
from agencyaccess.platforms.testing import OneConnectionLiveServerTestCase
from agencyaccess.platforms.testing import pick as asset_named

__all__ = ["AGENCY", "SandboxTestCase", "asset_named", "grant_request", "ref_of"]

AGENCY = AgencyIdentity(account_id="meta_a", fields={"business_id": world.AGENCY_BUSINESS_ID})
CALLBACK_PATH = "/oauth/meta/callback/"


class SandboxTestCase(OneConnectionLiveServerTestCase):
    """Connectors talk to the Meta sandbox over real HTTP; the database is the sandbox's state."""

    sandbox_settings = {
        "META_APP_ID": "",
        "META_APP_SECRET": "",
        "META_CONFIG_ID": "",
        "META_URLS": {"authorize": "", "graph": ""},
    }

    def setUp(self) -> None:
        super().setUp()
        self.meta = INTEGRATION.client

    @property
    def callback(self) -> str:
        return self.live_server_url + CALLBACK_PATH

    def sign_in(self, person: str, scopes: Sequence[str], *, untick: Iterable[str] = ()) -> str:
        """Answer the consent page as this person; the code it sends back."""
        url = self.meta.authorize_url(state="s1", redirect_uri=self.callback, scopes=scopes)
        parts = urlsplit(url)
        form = {name: values[0] for name, values in parse_qs(parts.query).items()}
        ticked = [s for s in scopes if s not in set(untick)]
        response = self.client.post(
            parts.path, {**form, "person": person, "permission": ticked, "action": "continue"}
        )
        self.assertEqual(response.status_code, 302, response.content)
        query = parse_qs(urlsplit(response["Location"]).query)
        self.assertEqual(query["state"], ["s1"])
        return query["code"][0]

    def tokens(self, person: str = "jane", *, declined: Iterable[str] = ()) -> TokenSet:
        return issue_sandbox_tokens(person, declined=declined)


def grant_request(
    connector: MetaAssetConnector, asset: Asset, level: str, agency: AgencyIdentity = AGENCY
) -> GrantRequest:
    service_key = connector.service_keys[0]
    service = next(s for s in platform_by_key("meta").services if s.key == service_key)
    chosen = service.level(level)
    assert chosen is not None, level
    return GrantRequest(
        service_key=service_key,
        asset=asset,
        agency=agency,
        level=chosen.key,
        native_role=chosen.native,
    )


def ref_of(
    request: GrantRequest, outcome: GrantOutcome, agency: AgencyIdentity = AGENCY
) -> GrantRef:
    return GrantRef(
        service_key=request.service_key,
        asset_id=request.asset.external_id,
        native_ref=outcome.native_ref,
        native_role=outcome.native_role,
        agency=agency,
    )
