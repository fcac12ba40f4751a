"""The Snapchat sandbox: a local fake of Snap's sign-in and of the Marketing API calls the
connectors make, with a fake world (world.py) and its state in the database (state.py), served
under /sandbox/snapchat/ while no SNAPCHAT_CLIENT_ID is set.

`issue_sandbox_tokens` signs a fake person in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.snapchat.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
