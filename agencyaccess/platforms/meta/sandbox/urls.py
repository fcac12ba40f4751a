"""The Meta sandbox, mounted at /sandbox/meta/: Facebook Login and the Graph API under their
real paths (the version first, as on graph.facebook.com), plus the agency's approval page."""

from django.urls import path, re_path

from agencyaccess.platforms.meta.sandbox import api, approvals, oauth

VERSION = r"(?P<version>v\d+\.\d+)"
NODE = r"(?P<node>[A-Za-z0-9_]+)"

urlpatterns = [
    re_path(rf"^{VERSION}/dialog/oauth$", oauth.dialog, name="meta-sandbox-dialog"),
    re_path(rf"^{VERSION}/oauth/access_token$", oauth.access_token, name="meta-sandbox-token"),
    re_path(rf"^{VERSION}/debug_token$", oauth.debug_token, name="meta-sandbox-debug-token"),
    re_path(rf"^{VERSION}/me$", api.me, name="meta-sandbox-me"),
    re_path(rf"^{VERSION}/{NODE}/(?P<edge>[a-z_]+)$", api.edge, name="meta-sandbox-edge"),
    path(
        "business/<str:business_id>/requests/",
        approvals.requests_page,
        name="meta-sandbox-requests",
    ),
    path(
        "business/<str:business_id>/requests/<str:asset_id>/approve/",
        approvals.approve,
        name="meta-sandbox-approve",
    ),
    path(
        "testapi/business/<str:business_id>/requests/",
        approvals.requests_json,
        name="meta-sandbox-requests-json",
    ),
    path(
        "testapi/business/<str:business_id>/requests/<str:asset_id>/approve/",
        approvals.approve_json,
        name="meta-sandbox-approve-json",
    ),
]
