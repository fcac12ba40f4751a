from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from agencyaccess.accounts import throttle
from agencyaccess.accounts.forms import AccountPasswordResetForm
from agencyaccess.accounts.views import agency, auth, invitations, notifications, security, team

# Django's own password-reset views, with our templates; the e-mail is notify.emails's
# password_reset, queued by the form, whose links use SITE_URL and not the request's Host header.
password_reset_urls = [
    path(
        "password-reset/",
        throttle.limit_posts_per_address("password-reset", throttle.RESETS_PER_ADDRESS)(
            auth_views.PasswordResetView.as_view(
                form_class=AccountPasswordResetForm,
                template_name="accounts/password_reset.html",
                success_url=reverse_lazy("accounts-reset-password-sent"),
            )
        ),
        name="accounts-reset-password",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="accounts-reset-password-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts-reset-password-done"),
        ),
        name="accounts-confirm-password-reset",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="accounts-reset-password-done",
    ),
]

urlpatterns = [
    path("signup/", auth.sign_up, name="accounts-signup"),
    path("login/", auth.login_view, name="accounts-login"),
    path("login/code/", auth.verify_code, name="accounts-verify-code"),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    *password_reset_urls,
    path("security/", security.security, name="accounts-security"),
    path("security/password/", security.change_password, name="accounts-change-password"),
    path("security/two-factor/", security.enable_two_factor, name="accounts-enable-two-factor"),
    path(
        "security/two-factor/disable/",
        security.disable_two_factor,
        name="accounts-disable-two-factor",
    ),
    path(
        "security/recovery-codes/",
        security.renew_recovery_codes,
        name="accounts-renew-recovery-codes",
    ),
    path("notifications/", notifications.notifications, name="accounts-notifications"),
    path("switch/", agency.switch_agency, name="accounts-switch-agency"),
    path("no-agency/", agency.no_agency, name="accounts-no-agency"),
    path("team/", team.team, name="accounts-team"),
    path(
        "team/invitations/<public_id:invitation_id>/revoke/",
        team.revoke_invitation,
        name="accounts-revoke-invitation",
    ),
    path(
        "team/members/<public_id:membership_id>/make-owner/",
        team.transfer_ownership,
        name="accounts-transfer-ownership",
    ),
    path(
        "team/members/<public_id:membership_id>/remove/",
        team.remove_member,
        name="accounts-remove-member",
    ),
    path(
        "invitations/<str:token>/", invitations.accept_invitation, name="accounts-accept-invitation"
    ),
    path("settings/", agency.agency_settings, name="accounts-settings"),
    path("branding/", agency.branding, name="accounts-branding"),
    path("branding/preview/", agency.preview_branding, name="accounts-preview-branding"),
    path("branding/logo/remove/", agency.remove_logo, name="accounts-remove-logo"),
    path(
        "branding/logo/<str:agency_id>/<str:filename>",
        agency.serve_logo,
        name="accounts-serve-logo",
    ),
]
