"""The Google sandbox, mounted at /sandbox/google/: each API under the path config.BASE_URLS
gives it, with the real API's paths below that."""

from django.urls import path

from agencyaccess.platforms.google.sandbox import (
    ads,
    analytics,
    business,
    merchant,
    oauth,
    pages,
    search_console,
    tag_manager,
)
from agencyaccess.platforms.google.sandbox.endpoint import by_method

ADS = "ads/<str:version>/customers"
ADS_CUSTOMER = ADS + "/<str:customer_id>"
GA_PROPERTY = "analyticsadmin/v1alpha/properties/<str:property_id>"
GTM_ACCOUNT = "tagmanager/v2/accounts/<str:account_id>"
MERCHANT_ACCOUNT = "merchant/accounts/v1/accounts/<str:account_id>"
GBP = "business/accounts/v1"

urlpatterns = [
    path("", pages.home, name="google-sandbox-home"),
    path("knobs/", pages.knob, name="google-sandbox-knob"),
    path("reset/", pages.reset, name="google-sandbox-reset"),
    path("inbox/", pages.inbox, name="google-sandbox-inbox"),
    path("oauth/authorize", oauth.authorize, name="google-sandbox-authorize"),
    path("oauth/token", oauth.token),
    path("oauth/revoke", oauth.revoke),
    path("oauth/userinfo", oauth.userinfo),
    path(ADS + ":listAccessibleCustomers", by_method(GET=ads.list_accessible_customers)),
    path(ADS_CUSTOMER + "/googleAds:search", by_method(POST=ads.search)),
    path(ADS_CUSTOMER + "/customerClientLinks:mutate", by_method(POST=ads.customer_client_links)),
    path(ADS_CUSTOMER + "/customerManagerLinks:mutate", by_method(POST=ads.customer_manager_links)),
    path(
        ADS_CUSTOMER + "/customerUserAccessInvitations:mutate",
        by_method(POST=ads.user_access_invitations),
    ),
    path(ADS_CUSTOMER + "/customerUserAccesses:mutate", by_method(POST=ads.user_accesses)),
    path("analyticsadmin/v1beta/accountSummaries", by_method(GET=analytics.account_summaries)),
    path(GA_PROPERTY + "/accessBindings", analytics.bindings),
    path(GA_PROPERTY + "/accessBindings/<str:binding_id>", analytics.binding),
    path("tagmanager/v2/accounts", by_method(GET=tag_manager.accounts)),
    path(GTM_ACCOUNT + "/containers", by_method(GET=tag_manager.containers)),
    path(GTM_ACCOUNT + "/user_permissions", tag_manager.user_permissions),
    path(GTM_ACCOUNT + "/user_permissions/<str:permission_id>", tag_manager.user_permission),
    path("merchant/accounts/v1/accounts", by_method(GET=merchant.accounts)),
    path(MERCHANT_ACCOUNT + "/users", by_method(POST=merchant.create_user)),
    path(MERCHANT_ACCOUNT + "/users/<str:email>", merchant.user),
    path(GBP + "/accounts", by_method(GET=business.accounts)),
    path(GBP + "/accounts/<str:account_id>/invitations", by_method(GET=business.invitations)),
    path(
        GBP + "/accounts/<str:account_id>/invitations/<str:invitation_id>:accept",
        by_method(POST=business.accept_invitation),
    ),
    path(GBP + "/locations/<str:location_id>/admins", business.admins),
    path(
        GBP + "/locations/<str:location_id>/admins/<str:admin_id>",
        by_method(DELETE=business.delete_admin),
    ),
    path(
        "business/information/v1/accounts/<str:account_id>/locations",
        by_method(GET=business.locations),
    ),
    path("webmasters/v3/sites", by_method(GET=search_console.sites)),
    path("webmasters/v3/sites/<path:site_url>", search_console.site),
    path("siteVerification/v1/webResource", by_method(GET=search_console.web_resources)),
    path("siteVerification/v1/webResource/<path:resource_id>", search_console.web_resource),
]
