"""The platform and service catalogue: one declarative table, pure data and lookups.

It drives the API's `requestedAccounts` validation, the link builder, the Accounts page and the
client's flow. Platform and service names are exactly the ones `requestedAccounts` uses.
Native roles and grant mechanics follow docs/platforms/.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class GrantModel(enum.StrEnum):
    """How access is given (docs/platforms/README.md#grant-shapes)."""

    DIRECT = "direct"  # the client's token grants; effective at once
    CLIENT_INVITES = "client_invites"  # the client's token invites; the agency accepts
    AGENCY_REQUESTS = "agency_requests"  # the agency requests; the client's token accepts
    GUIDED = "guided"  # no API: the client follows our steps and confirms


class FieldKind(enum.StrEnum):
    EMAIL = "email"
    TEXT = "text"
    DIGITS = "digits"
    CUSTOMER_IDS = "customer_ids"  # a list of 10-digit Google Ads customer ids


@dataclass(frozen=True)
class AccountField:
    """Something the agency's connected account on a platform holds (an email, a business id)."""

    key: str
    label: str
    kind: FieldKind
    required: bool = True


@dataclass(frozen=True)
class Level:
    """An access level: its canonical upper-case key, a label, and the native role it maps to."""

    key: str
    label: str
    native: str = ""


@dataclass(frozen=True)
class Service:
    name: str
    key: str
    levels: tuple[Level, ...]
    read_only: str  # the key of the most read-only level: what prospects get
    default: str  # the level used when a request names none
    grant: GrantModel
    connector: str | None = None  # the connector that grants it; None means guided steps
    accepts_mcc: bool = False  # takes `googleAdsMCCAccountID` in its account links
    requires_mcc: bool = False
    platform: Platform = field(init=False, repr=False, compare=False)

    def level(self, key: str) -> Level | None:
        wanted = normalize_level(key)
        return next((lvl for lvl in self.levels if lvl.key == wanted), None)

    def level_label(self, key: str) -> str:
        """The level as a person reads it ("Read only" for READ_ONLY); an unknown key as is."""
        level = self.level(key)
        return level.label if level else key

    @property
    def level_keys(self) -> tuple[str, ...]:
        return tuple(lvl.key for lvl in self.levels)

    @property
    def path(self) -> str:
        return f"{self.platform.name}.{self.name}"


@dataclass(frozen=True)
class Platform:
    key: str  # the registry key, the database value and the template folder
    name: str  # as in requestedAccounts: "Google", "Meta"
    services: tuple[Service, ...]
    account_fields: tuple[AccountField, ...]
    oauth: bool = False  # the agency connects its account by signing in

    def __post_init__(self) -> None:
        for service in self.services:
            object.__setattr__(service, "platform", self)

    def service(self, name: str) -> Service | None:
        wanted = name.strip().casefold()
        return next((s for s in self.services if s.name.casefold() == wanted), None)


def normalize_level(value: str) -> str:
    """ "Read only", "read-only" and "READ_ONLY" are the same level."""
    return "_".join(value.replace("-", " ").split()).upper()


def L(key: str, native: str = "") -> Level:
    return Level(key=key, label=key.replace("_", " ").capitalize(), native=native or key)


EMAIL = AccountField("email", "Email address", FieldKind.EMAIL)


def _email_platform(key: str, name: str, service: Service, *, oauth: bool = False) -> Platform:
    """A platform whose agency side is just the e-mail address the client invites."""
    return Platform(key, name, (service,), (EMAIL,), oauth=oauth)


def _guided(
    name: str, key: str, levels: tuple[Level, ...], read_only: str, default: str = ""
) -> Service:
    return Service(name, key, levels, read_only, default or levels[0].key, GrantModel.GUIDED)


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        "google",
        "Google",
        (
            Service(
                "Google Ads",
                "google_ads",
                (L("ADMIN"), L("STANDARD"), L("READ_ONLY"), L("EMAIL_ONLY")),
                read_only="READ_ONLY",
                default="STANDARD",
                grant=GrantModel.CLIENT_INVITES,  # a manager link (AGENCY_REQUESTS) with an MCC id
                connector="google_ads",
                accepts_mcc=True,
            ),
            Service(
                "Google Ads MCC",
                "google_ads_mcc",
                (Level("MANAGER", "Manager", "ACTIVE"),),
                read_only="MANAGER",  # a manager link has no read-only form
                default="MANAGER",
                grant=GrantModel.AGENCY_REQUESTS,
                connector="google_ads",
                accepts_mcc=True,
                requires_mcc=True,
            ),
            Service(
                "Google Analytics",
                "google_analytics",
                (
                    L("ADMIN", "predefinedRoles/admin"),
                    L("EDITOR", "predefinedRoles/editor"),
                    L("ANALYST", "predefinedRoles/analyst"),
                    L("VIEWER", "predefinedRoles/viewer"),
                ),
                read_only="VIEWER",
                default="EDITOR",
                grant=GrantModel.DIRECT,
                connector="google_analytics",
            ),
            Service(
                "Google Tag Manager",
                "google_tag_manager",
                (
                    L("ADMIN", "admin+publish"),
                    L("PUBLISH", "user+publish"),
                    L("APPROVE", "user+approve"),
                    L("EDIT", "user+edit"),
                    L("READ", "user+read"),
                ),
                read_only="READ",
                default="PUBLISH",
                grant=GrantModel.DIRECT,
                connector="google_tag_manager",
            ),
            Service(
                "Google Merchant Center",
                "google_merchant_center",
                (L("ADMIN"), L("STANDARD"), L("PERFORMANCE_REPORTING"), L("READ_ONLY")),
                read_only="READ_ONLY",
                default="STANDARD",
                grant=GrantModel.CLIENT_INVITES,
                connector="google_merchant_center",
            ),
            Service(
                "Google Search Console",
                "google_search_console",
                # Only owners can be added through an API (delegated ownership); Full and
                # Restricted users are added by hand (docs/platforms/google.md#search-console).
                (L("OWNER"), L("FULL"), L("RESTRICTED")),
                read_only="RESTRICTED",
                default="FULL",
                grant=GrantModel.DIRECT,
                connector="google_search_console",
            ),
            _guided(
                "YouTube Studio",
                "youtube_studio",
                (L("MANAGER"), L("EDITOR"), L("EDITOR_LIMITED"), L("VIEWER"), L("VIEWER_LIMITED")),
                read_only="VIEWER_LIMITED",
                default="EDITOR",
            ),
            Service(
                "Google Business Profile",
                "google_business_profile",
                (L("OWNER"), L("MANAGER")),
                read_only="MANAGER",  # the platform has no read-only role
                default="MANAGER",
                grant=GrantModel.CLIENT_INVITES,
                connector="google_business_profile",
            ),
            _guided(
                "Looker Studio", "looker_studio", (L("EDITOR"), L("VIEWER")), read_only="VIEWER"
            ),
        ),
        (
            EMAIL,
            AccountField(
                "google_ads_manager_ids",
                "Google Ads manager account ids",
                FieldKind.CUSTOMER_IDS,
                required=False,
            ),
        ),
        oauth=True,
    ),
    Platform(
        "meta",
        "Meta",
        (
            Service(
                "Meta Ads",
                "meta_ads",
                (
                    L("MANAGE", "MANAGE,ADVERTISE,ANALYZE"),
                    L("ADVERTISE", "ADVERTISE,ANALYZE"),
                    L("ANALYZE", "ANALYZE"),
                ),
                read_only="ANALYZE",
                default="ADVERTISE",
                grant=GrantModel.DIRECT,
                connector="meta",
            ),
            Service(
                "Facebook Pages",
                "facebook_pages",
                (
                    L("MANAGE", "MANAGE,CREATE_CONTENT,MODERATE,MESSAGING,ADVERTISE,ANALYZE"),
                    L("CREATE_CONTENT", "CREATE_CONTENT,MODERATE,MESSAGING,ADVERTISE,ANALYZE"),
                    L("ANALYZE", "ANALYZE"),
                ),
                read_only="ANALYZE",
                default="CREATE_CONTENT",
                grant=GrantModel.DIRECT,
                connector="meta",
            ),
            Service(
                "Facebook Product Catalog",
                "facebook_product_catalog",
                (
                    L("MANAGE", "MANAGE,ADVERTISE"),
                    L("ADVERTISE", "ADVERTISE"),
                    L("ANALYZE", "AA_ANALYZE"),
                ),
                read_only="ANALYZE",
                default="MANAGE",
                grant=GrantModel.DIRECT,
                connector="meta",
            ),
            Service(
                "Meta Pixels",
                "meta_pixels",
                (L("ADVERTISE", "ADVERTISE,ANALYZE,UPLOAD"), L("ANALYZE", "ANALYZE")),
                read_only="ANALYZE",
                default="ADVERTISE",
                grant=GrantModel.DIRECT,
                connector="meta",
            ),
            Service(
                "Instagram",
                "instagram",
                (
                    L("MANAGE", "ADVERTISE,ANALYZE,COMMUNITY_ACTIVITY,CONTENT,MESSAGES"),
                    L("ADVERTISE", "ADVERTISE,ANALYZE"),
                    L("ANALYZE", "ANALYZE"),
                ),
                read_only="ANALYZE",
                default="ADVERTISE",
                grant=GrantModel.DIRECT,
                connector="meta",
            ),
        ),
        (
            AccountField("business_id", "Business Manager ID", FieldKind.DIGITS),
            AccountField("email", "Email address", FieldKind.EMAIL, required=False),
        ),
        oauth=True,
    ),
    Platform(
        "tiktok",
        "TikTok",
        (
            Service(
                "TikTok Ads",
                "tiktok_ads",
                (L("ADMIN", "ADMIN"), L("OPERATOR", "OPERATOR"), L("ANALYST", "ANALYST")),
                read_only="ANALYST",
                default="OPERATOR",
                grant=GrantModel.DIRECT,
                connector="tiktok",
            ),
        ),
        (
            AccountField("business_center_id", "Business Center ID", FieldKind.DIGITS),
            AccountField("email", "Email address", FieldKind.EMAIL, required=False),
        ),
        oauth=True,
    ),
    Platform(
        "linkedin",
        "LinkedIn",
        (
            Service(
                "LinkedIn Ads",
                "linkedin_ads",
                (L("ACCOUNT_MANAGER"), L("CAMPAIGN_MANAGER"), L("CREATIVE_MANAGER"), L("VIEWER")),
                read_only="VIEWER",
                default="CAMPAIGN_MANAGER",
                grant=GrantModel.DIRECT,
                connector="linkedin",
            ),
            Service(
                "LinkedIn Company Page",
                "linkedin_company_page",
                (L("ADMINISTRATOR"), L("CONTENT_ADMINISTRATOR"), L("ANALYST")),
                read_only="ANALYST",
                default="CONTENT_ADMINISTRATOR",
                grant=GrantModel.DIRECT,
                connector="linkedin",
            ),
        ),
        (
            EMAIL,
            # The member who receives the roles: LinkedIn adds people by this id only, which
            # the agency's sign-in with LinkedIn fills in.
            AccountField("person_id", "LinkedIn member ID", FieldKind.TEXT, required=False),
            AccountField("profile_url", "LinkedIn profile URL", FieldKind.TEXT, required=False),
        ),
        oauth=True,
    ),
    Platform(
        "twitter",
        "Twitter",
        (
            _guided(
                "Twitter Ads",
                "twitter_ads",
                (L("ACCOUNT_ADMIN"), L("AD_MANAGER"), L("CREATIVE_MANAGER"), L("ANALYST")),
                read_only="ANALYST",
                default="AD_MANAGER",
            ),
            _guided(
                "Twitter Delegate Account",
                "twitter_delegate",
                (L("ADMIN"), L("CONTRIBUTOR")),
                "CONTRIBUTOR",
                "CONTRIBUTOR",
            ),
        ),
        (AccountField("handle", "X handle", FieldKind.TEXT),),
    ),
    Platform(
        "pinterest",
        "Pinterest",
        (
            Service(
                "Pinterest Ads",
                "pinterest_ads",
                # Native roles are Pinterest's business access permissions on an ad account.
                (L("ADMIN"), L("CAMPAIGN_MANAGER"), L("ANALYST")),
                read_only="ANALYST",
                default="CAMPAIGN_MANAGER",
                # A partner invite to the agency's business, which the agency accepts (at once
                # with its own sign-in); a direct share once the businesses are partners.
                grant=GrantModel.CLIENT_INVITES,
                connector="pinterest",
            ),
        ),
        (AccountField("business_id", "Business ID", FieldKind.DIGITS),),
        oauth=True,
    ),
    Platform(
        "microsoft",
        "Microsoft",
        (
            Service(
                "Microsoft Ads",
                "microsoft_ads",
                # Native roles are Microsoft Advertising RoleId values.
                (
                    L("SUPER_ADMIN", "41"),
                    L("STANDARD", "203"),
                    L("CAMPAIGN_MANAGER", "16"),
                    L("VIEWER", "100"),
                ),
                read_only="VIEWER",
                default="STANDARD",
                # A client link from the agency's manager customer (AGENCY_REQUESTS) when the
                # agency names one and the level manages the account; else a user invitation.
                grant=GrantModel.CLIENT_INVITES,
                connector="microsoft_ads",
            ),
            _guided(
                "Microsoft Clarity",
                "microsoft_clarity",
                (L("ADMIN"), L("MEMBER")),
                "MEMBER",
                "ADMIN",
            ),
        ),
        (
            EMAIL,
            AccountField(
                "manager_customer_id",
                "Microsoft Advertising customer ID",
                FieldKind.DIGITS,
                required=False,
            ),
        ),
        oauth=True,
    ),
    Platform(
        "snapchat",
        "Snapchat",
        # The agency's person joins the client's organization by invitation, with the level's
        # organization or ad account role (docs/platforms/snapchat.md); native roles are the
        # Marketing API's role types.
        (
            Service(
                "Snapchat Ads",
                "snapchat_ads",
                (
                    L("ADMIN", "admin"),
                    L("GENERAL", "general"),
                    L("CREATIVE", "creative"),
                    L("REPORTS", "reports"),
                ),
                read_only="REPORTS",
                default="GENERAL",
                grant=GrantModel.CLIENT_INVITES,
                connector="snapchat_ads",
            ),
            Service(
                "Snapchat Business",
                "snapchat_business",
                (L("ADMIN", "admin"), L("MEMBER", "member")),
                read_only="MEMBER",
                default="MEMBER",
                grant=GrantModel.CLIENT_INVITES,
                connector="snapchat_business",
            ),
        ),
        (EMAIL,),
        oauth=True,
    ),
    _email_platform(
        "reddit",
        "Reddit",
        _guided(
            "Reddit Ads",
            "reddit_ads",
            (L("ADMIN"), L("CAMPAIGN_MANAGER"), L("ANALYST")),
            "ANALYST",
            "CAMPAIGN_MANAGER",
        ),
    ),
    _email_platform(
        "apple",
        "Apple",
        _guided(
            "Apple Search Ads",
            "apple_search_ads",
            (L("ADMIN"), L("CAMPAIGN_MANAGER"), L("READ_ONLY")),
            "READ_ONLY",
            "CAMPAIGN_MANAGER",
        ),
    ),
    _email_platform(
        "amazon",
        "Amazon",
        _guided(
            "Amazon Ads", "amazon_ads", (L("ADMIN"), L("EDITOR"), L("VIEWER")), "VIEWER", "EDITOR"
        ),
    ),
    Platform(
        "shopify",
        "Shopify",
        # Shopify lets partners request collaborator access with a code the merchant gives;
        # the permissions are chosen in the Partner Dashboard, so there is one level.
        (
            _guided(
                "Shopify Store Collaborator",
                "shopify_collaborator",
                (L("COLLABORATOR"),),
                "COLLABORATOR",
            ),
        ),
        (
            AccountField("partner_organization", "Shopify Partner organization", FieldKind.TEXT),
            AccountField("email", "Email address", FieldKind.EMAIL, required=False),
        ),
    ),
    Platform(
        "hubspot",
        "HubSpot",
        (
            Service(
                "HubSpot Partner",
                "hubspot_partner",
                # Native roles: HubSpot's superAdmin flag, and the names of the client's own
                # permission sets the connector assigns (docs/platforms/hubspot.md#levels).
                (
                    L("SUPER_ADMIN", "superAdmin"),
                    L("STANDARD", "Standard"),
                    L("VIEW_ONLY", "View only"),
                ),
                read_only="VIEW_ONLY",
                default="STANDARD",
                grant=GrantModel.DIRECT,  # the agency's e-mail is a user of the account at once
                connector="hubspot_partner",
            ),
        ),
        (
            EMAIL,
            AccountField(
                "partner_id", "HubSpot partner account ID", FieldKind.DIGITS, required=False
            ),
        ),
        oauth=True,
    ),
    _email_platform(
        "klaviyo",
        "Klaviyo",
        _guided(
            "Klaviyo", "klaviyo", (L("ADMIN"), L("MANAGER"), L("ANALYST")), "ANALYST", "MANAGER"
        ),
    ),
    _email_platform(
        "mailchimp",
        "Mailchimp",
        _guided(
            "Mailchimp",
            "mailchimp",
            (L("ADMIN"), L("MANAGER"), L("AUTHOR"), L("VIEWER")),
            "VIEWER",
            "MANAGER",
        ),
    ),
    _email_platform(
        "wordpress",
        "WordPress",
        _guided(
            "WordPress",
            "wordpress",
            (L("ADMINISTRATOR"), L("EDITOR"), L("AUTHOR")),
            "AUTHOR",
            "ADMINISTRATOR",
        ),
    ),
    _email_platform(
        "lightspeed",
        "Lightspeed",
        _guided("Lightspeed", "lightspeed", (L("ADMIN"), L("MANAGER")), "MANAGER", "ADMIN"),
    ),
    _email_platform(
        "channable",
        "Channable",
        _guided(
            "Channable", "channable", (L("ADMIN"), L("EDITOR"), L("VIEWER")), "VIEWER", "EDITOR"
        ),
    ),
    _email_platform(
        "cookiebot",
        "Cookiebot",
        _guided("Cookiebot", "cookiebot", (L("FULL"), L("READ_ONLY")), "READ_ONLY", "FULL"),
    ),
    _email_platform(
        "profitmetrics",
        "ProfitMetrics",
        _guided("ProfitMetrics Partner", "profitmetrics_partner", (L("PARTNER"),), "PARTNER"),
    ),
    _email_platform(
        "hotjar",
        "Hotjar",
        _guided(
            "Hotjar Dashboard",
            "hotjar_dashboard",
            (L("ADMIN"), L("USER"), L("READ_ONLY")),
            "READ_ONLY",
            "USER",
        ),
    ),
    _email_platform(
        "activecampaign",
        "ActiveCampaign",
        _guided(
            "ActiveCampaign Account",
            "activecampaign_account",
            (L("ADMIN"), L("USER")),
            "USER",
            "ADMIN",
        ),
    ),
    _email_platform(
        "wix",
        "Wix",
        _guided(
            "Wix Site",
            "wix_site",
            (L("ADMIN"), L("WEBSITE_MANAGER"), L("BACK_OFFICE_MANAGER")),
            "BACK_OFFICE_MANAGER",
            "WEBSITE_MANAGER",
        ),
    ),
    _email_platform(
        "webflow",
        "Webflow",
        _guided(
            "Webflow Site",
            "webflow_site",
            (L("ADMIN"), L("DESIGNER"), L("CONTENT_EDITOR")),
            "CONTENT_EDITOR",
            "DESIGNER",
        ),
    ),
)

_BY_NAME = {p.name.casefold(): p for p in PLATFORMS}
_BY_KEY = {p.key: p for p in PLATFORMS}
_SERVICES_BY_KEY = {s.key: s for p in PLATFORMS for s in p.services}

PLATFORM_CHOICES = [(p.key, p.name) for p in PLATFORMS]


def platform_by_name(name: str) -> Platform | None:
    """The platform named as in requestedAccounts ("Google"), in any case."""
    return _BY_NAME.get(name.strip().casefold())


def platform_by_key(key: str) -> Platform:
    return _BY_KEY[key]


def service_by_key(key: str) -> Service:
    return _SERVICES_BY_KEY[key]


def _check_table() -> None:
    """The table is code: a typo in it should stop the process at import, not a client later."""
    seen: set[str] = set()
    for platform in PLATFORMS:
        for service in platform.services:
            assert service.key not in seen, f"duplicate service key {service.key}"
            seen.add(service.key)
            keys = service.level_keys
            assert service.read_only in keys, f"{service.key}: read_only {service.read_only}"
            assert service.default in keys, f"{service.key}: default {service.default}"
            assert all(normalize_level(k) == k for k in keys), f"{service.key}: level keys"


_check_table()
