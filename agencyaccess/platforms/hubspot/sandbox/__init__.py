"""The HubSpot sandbox: a local fake of HubSpot's app install page, its dated OAuth endpoints and
the user provisioning API calls the connector makes, with a fake world (world.py) and its state
in the database (state.py), served under /sandbox/hubspot/ while no HUBSPOT_CLIENT_ID is set.

`issue_sandbox_tokens` signs a fake person in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.hubspot.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
