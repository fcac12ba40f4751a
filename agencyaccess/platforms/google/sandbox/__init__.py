"""The Google sandbox: a local fake of Google's sign-in and of every API the Google connectors
call (docs/platforms/README.md#sandboxes), served under /sandbox/google/ while no GOOGLE_CLIENT_ID
is set.

`issue_sandbox_tokens` signs a fake person in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.google.sandbox.tokens import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
