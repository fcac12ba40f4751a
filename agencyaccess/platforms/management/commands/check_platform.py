from django.core.management.base import CommandError

from agencyaccess.catalog import PLATFORMS, platform_by_name
from agencyaccess.lib import commands
from agencyaccess.platforms import registry
from agencyaccess.platforms.base import Check
from agencyaccess.platforms.models import ConnectedAccount


class Command(commands.Command):
    help = (
        "Check a platform's real setup with the agency's connected accounts, through read-only "
        "calls: the app's credentials, the scopes granted against those needed, what the account "
        "sees and the platform's own approvals. Grants nothing; exits non-zero when something "
        "is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("platform", help='a platform with an API, e.g. "Google" or "Meta"')
        parser.add_argument("--agency", required=True, help="the agency id or its owner's e-mail")
        parser.add_argument("--account", help="one connected account's id (default: all of them)")

    def handle(self, *, platform, agency, account, **options):
        agency = commands.agency_argument(agency)
        key = _platform_key(platform)
        accounts = _signed_in_accounts(agency, key, account)
        self._print(registry.mode_check(key))
        failed = 0
        if not accounts:
            failed += self._print(
                Check(
                    "Connected account",
                    False,
                    "none signed in on this platform: connect one on the dashboard first",
                )
            )
        for connected in accounts:
            self.stdout.write(f"{connected} ({connected.public_id})")
            token = connected.latest_token()
            assert token is not None  # _signed_in_accounts keeps those with a sign-in
            for check in registry.check_setup(key, token.token_set(), connected.fields):
                failed += self._print(check)
        if failed:
            raise CommandError(f"{failed} check(s) failed")

    def _print(self, check: Check) -> int:
        """Prints the check; 1 when it failed, so the caller can count them."""
        mark = "ok     " if check.ok else "MISSING"
        self.stdout.write(f"  {mark}  {check.label}: {check.detail}")
        return 0 if check.ok else 1


def _platform_key(name: str) -> str:
    found = platform_by_name(name)
    if found is None:
        raise CommandError(
            f'unknown platform "{name}"; platforms: {", ".join(p.name for p in PLATFORMS)}'
        )
    if not registry.has_api(found.key):
        raise CommandError(f"{found.name} is granted by guided steps: it has no API to check")
    return found.key


def _signed_in_accounts(agency, platform_key: str, account_id: str | None) -> list:
    accounts = ConnectedAccount.objects.filter(
        agency=agency, platform=platform_key, disconnected__isnull=True, tokens__isnull=False
    ).distinct()
    if account_id is not None:
        accounts = accounts.filter(public_id=account_id)
        if not accounts:
            # Another agency's account reads as unknown, like any id that is not the agency's.
            raise CommandError(f'no connected account "{account_id}" signed in on {platform_key}')
    return list(accounts.order_by("created", "pk"))
