"""The Pinterest sandbox: a local fake of Pinterest's OAuth and of the API v5 calls the
connector makes (user account, ad accounts, business access: partners, invites, asset
permissions), with a fake world (world.py) and its state in the database (state.py), served
under /sandbox/pinterest/ while no PINTEREST_CLIENT_ID is set. Pinterest's own API sandbox does
not serve the business access operations (docs/platforms/pinterest.md#sandbox).

`issue_sandbox_tokens` signs a fake person in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.pinterest.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
