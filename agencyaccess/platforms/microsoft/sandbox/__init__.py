"""The Microsoft Advertising sandbox: a local fake of the Microsoft identity platform's sign-in
and of the Customer Management API calls the connector makes, with a fake world (world.py) and
its state in the database (state.py), served under /sandbox/microsoft/ while no
MICROSOFT_CLIENT_ID is set.

`issue_sandbox_tokens` signs a fake person in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.microsoft.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
