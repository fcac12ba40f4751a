"""The Meta sandbox: a local fake of Facebook Login and the Graph API calls the Meta connectors
make, with a fake world (world.py) and its state in the database (state.py), served under
/sandbox/meta/ while no META_APP_ID is set.

`issue_sandbox_tokens` signs a fake person in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.meta.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
