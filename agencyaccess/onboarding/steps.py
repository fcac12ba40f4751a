"""The facts behind the guided steps of each service without an API (product.md §3.3).

The steps' wording lives in templates/onboarding/steps/<platform>/<service>.html, whole
translated sentences. Here: where the steps start, the platform's own name for each access
level, which of the agency's ids the client enters, what the client types back (Shopify's
collaborator request code) and the note the agency gets when the client presses "Done".
Menu and role names follow the platforms' help pages, cited above each guide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencyaccess.clients.models import Client

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class GuideForm(forms.Form):
    """What the client sends with "Done". Most platforms need nothing back."""

    def answer(self) -> str:
        """What the client typed that the agency needs, or ""."""
        return ""


class CollaboratorCodeForm(GuideForm):
    """Shopify's 4-digit collaborator request code, which the agency's Partner Dashboard asks
    for when it requests access to the store (help.shopify.com, collaborator accounts)."""

    code = forms.CharField(
        label=_("Collaborator request code"),
        error_messages={"required": _("Type the 4-digit collaborator request code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())  # "12 34" is what they copied
        if not re.fullmatch(r"[0-9]{4}", code):
            raise ValidationError(
                _("The collaborator request code is 4 digits, such as 1234."), code="invalid"
            )
        return code

    def answer(self) -> str:
        return self.cleaned_data["code"]


# What the agency reads on the grant (in English, like the rest of the dashboard).
INVITED = "The client says they invited {receiver} as {role} in {service}: accept the invitation and check your access."


@dataclass(frozen=True)
class Guide:
    """How the client grants one guided service by hand."""

    roles: Mapping[str, StrPromise]  # every level of the service -> the platform's name for it
    start_url: str = ""  # where the steps start, if stable; "{website}" is the client's site
    receiver: str = "email"  # the account field the client enters in the platform
    form: type[GuideForm] = GuideForm
    agency_note: str = INVITED  # {receiver}, {role}, {service} and {answer} are filled in

    def url_for(self, client: Client) -> str:
        """The address of the first step for this client ("" when there is none)."""
        if "{website}" not in self.start_url:
            return self.start_url
        website = _site_root(client.website)
        return self.start_url.format(website=website) if website else ""


def _site_root(website: str) -> str:
    """ "janes-bakery.example/" -> "https://janes-bakery.example"; "" for anything that is not
    a web address (a client's website is typed by people)."""
    website = website.strip().rstrip("/")
    if website and "://" not in website:
        website = "https://" + website
    try:
        URLValidator(schemes=["http", "https"])(website)
    except ValidationError:
        return ""
    return website


# Labels of the agency's account fields (catalog.AccountField keys), shown to the client.
FIELD_LABELS: Mapping[str, StrPromise] = {
    "email": _("E-mail address"),
    "business_center_id": _("Business Center ID"),
    "handle": _("X handle"),
    "business_id": _("Business ID"),
    "manager_customer_id": _("Microsoft Advertising customer ID"),
    "partner_organization": _("Shopify Partner organization"),
    "partner_id": _("HubSpot partner ID"),
}

GUIDES: Mapping[str, Guide] = {
    # support.google.com/youtube/answer/9481328
    "youtube_studio": Guide(
        start_url="https://studio.youtube.com/",
        roles={
            "MANAGER": pgettext_lazy("YouTube role", "Manager"),
            "EDITOR": pgettext_lazy("YouTube role", "Editor"),
            "EDITOR_LIMITED": pgettext_lazy("YouTube role", "Editor (limited)"),
            "VIEWER": pgettext_lazy("YouTube role", "Viewer"),
            "VIEWER_LIMITED": pgettext_lazy("YouTube role", "Viewer (limited)"),
        },
    ),
    # support.google.com/looker-studio (share reports and data sources)
    "looker_studio": Guide(
        start_url="https://lookerstudio.google.com/",
        roles={
            "EDITOR": pgettext_lazy("Looker Studio role", "Can edit"),
            "VIEWER": pgettext_lazy("Looker Studio role", "Can view"),
        },
        agency_note="The client says they shared their Looker Studio reports with {receiver} ({role}): look under Shared with me.",
    ),
    # business.x.com help (ads account access: "Edit access to account")
    "twitter_ads": Guide(
        start_url="https://ads.x.com/",
        receiver="handle",
        roles={
            "ACCOUNT_ADMIN": pgettext_lazy("X Ads role", "Account administrator"),
            "AD_MANAGER": pgettext_lazy("X Ads role", "Ad manager"),
            "CREATIVE_MANAGER": pgettext_lazy("X Ads role", "Creative manager"),
            "ANALYST": pgettext_lazy("X Ads role", "Analyst"),
        },
    ),
    # help.x.com/en/managing-your-account/how-to-use-the-delegate-feature
    "twitter_delegate": Guide(
        start_url="https://x.com/settings",
        receiver="handle",
        roles={
            "ADMIN": pgettext_lazy("X delegate role", "Admin"),
            "CONTRIBUTOR": pgettext_lazy("X delegate role", "Contributor"),
        },
    ),
    # learn.microsoft.com/clarity/team-management
    "microsoft_clarity": Guide(
        start_url="https://clarity.microsoft.com/",
        roles={
            "ADMIN": pgettext_lazy("Clarity role", "Admin"),
            "MEMBER": pgettext_lazy("Clarity role", "Team member"),
        },
    ),
    # Reddit Ads help (manage members in your business)
    "reddit_ads": Guide(
        start_url="https://ads.reddit.com/",
        roles={
            "ADMIN": pgettext_lazy("Reddit Ads role", "Admin"),
            "CAMPAIGN_MANAGER": pgettext_lazy("Reddit Ads role", "Campaign manager"),
            "ANALYST": pgettext_lazy("Reddit Ads role", "Analyst"),
        },
    ),
    # searchads.apple.com/help/get-started/0011-invite-users-to-your-account
    "apple_search_ads": Guide(
        start_url="https://searchads.apple.com/",
        roles={
            "ADMIN": pgettext_lazy("Apple Search Ads role", "Account Admin"),
            "CAMPAIGN_MANAGER": pgettext_lazy("Apple Search Ads role", "Campaign Group Manager"),
            "READ_ONLY": pgettext_lazy("Apple Search Ads role", "Account Read Only"),
        },
    ),
    # advertising.amazon.com help (invite users: Admin, Editor, Viewer)
    "amazon_ads": Guide(
        start_url="https://advertising.amazon.com/",
        roles={
            "ADMIN": pgettext_lazy("Amazon Ads role", "Admin"),
            "EDITOR": pgettext_lazy("Amazon Ads role", "Editor"),
            "VIEWER": pgettext_lazy("Amazon Ads role", "Viewer"),
        },
    ),
    # help.shopify.com/en/manual/your-account/staff-accounts/collaborator-accounts
    "shopify_collaborator": Guide(
        start_url="https://admin.shopify.com/",
        receiver="partner_organization",
        roles={"COLLABORATOR": pgettext_lazy("Shopify role", "Collaborator")},
        form=CollaboratorCodeForm,
        agency_note="Client shared collaborator code {answer}: request access from your Partner Dashboard (Stores, Add store, Request access).",
    ),
    # help.klaviyo.com/hc/en-us/articles/360053547071
    "klaviyo": Guide(
        start_url="https://www.klaviyo.com/login",
        roles={
            "ADMIN": pgettext_lazy("Klaviyo role", "Admin"),
            "MANAGER": pgettext_lazy("Klaviyo role", "Manager"),
            "ANALYST": pgettext_lazy("Klaviyo role", "Analyst"),
        },
    ),
    # mailchimp.com/help/manage-user-levels-in-your-account
    "mailchimp": Guide(
        start_url="https://admin.mailchimp.com/account/users/",
        roles={
            "ADMIN": pgettext_lazy("Mailchimp user level", "Admin"),
            "MANAGER": pgettext_lazy("Mailchimp user level", "Manager"),
            "AUTHOR": pgettext_lazy("Mailchimp user level", "Author"),
            "VIEWER": pgettext_lazy("Mailchimp user level", "Viewer"),
        },
    ),
    # wordpress.org/documentation/article/users-add-new-screen
    "wordpress": Guide(
        start_url="{website}/wp-admin/user-new.php",
        roles={
            "ADMINISTRATOR": pgettext_lazy("WordPress role", "Administrator"),
            "EDITOR": pgettext_lazy("WordPress role", "Editor"),
            "AUTHOR": pgettext_lazy("WordPress role", "Author"),
        },
    ),
    # Lightspeed eCom (C-Series) help: Settings, Users, Add a user
    "lightspeed": Guide(
        roles={
            "ADMIN": pgettext_lazy("Lightspeed permissions", "Full permissions"),
            "MANAGER": pgettext_lazy(
                "Lightspeed permissions", "only the sections the agency needs"
            ),
        },
    ),
    # helpcenter.channable.com (manage user roles in a Channable account)
    "channable": Guide(
        start_url="https://app.channable.com/",
        roles={
            "ADMIN": pgettext_lazy("Channable role", "Owner"),
            "EDITOR": pgettext_lazy("Channable role", "Employee"),
            "VIEWER": pgettext_lazy("Channable role", "Read-only"),
        },
    ),
    # support.cookiebot.com (adding additional users to your Cookiebot account): the
    # invitation has no role to choose, so the steps name none.
    "cookiebot": Guide(
        roles={
            "FULL": pgettext_lazy("Cookiebot access", "Full access"),
            "READ_ONLY": pgettext_lazy("Cookiebot access", "Read-only"),
        },
    ),
    # knowledge.profitmetrics.io/how-to-grant-account-access-
    "profitmetrics_partner": Guide(
        start_url="https://my.profitmetrics.io/",
        roles={"PARTNER": pgettext_lazy("ProfitMetrics account type", "Agency")},
    ),
    # help.hotjar.com (add team members; Read Only, Read & Write, Admin)
    "hotjar_dashboard": Guide(
        start_url="https://insights.hotjar.com/",
        roles={
            "ADMIN": pgettext_lazy("Hotjar permission", "Admin"),
            "USER": pgettext_lazy("Hotjar permission", "Read & Write"),
            "READ_ONLY": pgettext_lazy("Hotjar permission", "Read Only"),
        },
    ),
    # help.activecampaign.com (add and manage users; permissions come from the user's group)
    "activecampaign_account": Guide(
        roles={
            "ADMIN": pgettext_lazy("ActiveCampaign group", "the Admin group"),
            "USER": pgettext_lazy("ActiveCampaign group", "a group without admin rights"),
        },
    ),
    # support.wix.com/en/article/roles-permissions-overview
    "wix_site": Guide(
        start_url="https://manage.wix.com/",
        roles={
            "ADMIN": pgettext_lazy("Wix role", "Admin (Co-Owner)"),
            "WEBSITE_MANAGER": pgettext_lazy("Wix role", "Website Manager"),
            "BACK_OFFICE_MANAGER": pgettext_lazy("Wix role", "Back Office Manager"),
        },
    ),
    # help.webflow.com (guide for clients of agencies and freelancers: guest role)
    "webflow_site": Guide(
        start_url="https://webflow.com/dashboard",
        roles={
            "ADMIN": pgettext_lazy("Webflow role", "Admin"),
            "DESIGNER": pgettext_lazy("Webflow role", "Designer"),
            "CONTENT_EDITOR": pgettext_lazy("Webflow role", "Content editor"),
        },
    ),
}
