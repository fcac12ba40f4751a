"""The TikTok sandbox: a local fake of the advertiser authorization and of the API for Business
calls the TikTok connectors make, with a fake world (world.py) and its state in the database
(state.py), served under /sandbox/tiktok/ while no TIKTOK_APP_ID is set."""

from agencyaccess.platforms.tiktok.sandbox.state import issue_sandbox_tokens

__all__ = ["issue_sandbox_tokens"]
