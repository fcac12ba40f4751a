"""The LinkedIn sandbox: a local fake of LinkedIn's sign-in and the Marketing API calls the
LinkedIn connectors make, with a fake world (world.py) and its state in the database (state.py),
served under /sandbox/linkedin/ while no LINKEDIN_CLIENT_ID is set.

`issue_sandbox_tokens` signs a fake member in without a browser (the demo seed, tests).
"""

from agencyaccess.platforms.linkedin.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
