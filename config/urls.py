"""Each Doorstep app with a `urls.py` is mounted at /<prefix>/ (its `URL_PREFIX`, or the app's label)."""

import importlib

from django.apps import apps
from django.contrib.auth import views as auth_views
from django.urls import include, path

from doorstep.agencies import accounts, views as agency_views
from doorstep.agencies.admin import site as admin_site
from doorstep.core import board_views, demo_mail, health, metrics, views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Issue 13 finding 11: self-service password change (needs two-step first, see TwoStepMiddleware) and reset.
    path("accounts/password/change/", accounts.PasswordChange.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name="accounts/password_change_done.html"), name="password_change_done"),
    path("accounts/password/reset/", accounts.PasswordReset.as_view(), name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", accounts.PasswordResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"),
         name="password_reset_complete"),
    path("accounts/two-step/", agency_views.two_step_setup, name="two_step"),
    path("accounts/two-step/verify/", agency_views.two_step_verify, name="two_step_verify"),
    # Issue 13 finding 2: where the link an administrator sends (instead of setting a password) leads.
    path("accounts/password/set/<uidb64>/<token>/", agency_views.password_set, name="password_set"),
    path("accounts/password/set/done/", agency_views.password_set_done, name="password_set_done"),
    # OVR-2 (issue 19): the Board's report, as a page and as downloads.
    path("board/report/", board_views.report_page, name="board_report"),
    path("board/report.csv", board_views.report_csv, name="board_report_csv"),
    path("board/report.pdf", board_views.report_pdf, name="board_report_pdf"),
    path("language/", core_views.language, name="language"),
    path("session/extend/", core_views.session_extend, name="session_extend"),
    path("admin/", admin_site.urls),
    path("api/v1/", include("config.api")),
    # Issue 17: for load balancers and the operator's monitoring (docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("demo/mailbox/", demo_mail.mailbox, name="demo_mailbox"),
]

for config in apps.get_app_configs():
    if not config.name.startswith("doorstep.") or config.label == "core":
        continue
    try:
        module = importlib.import_module(f"{config.name}.urls")
    except ModuleNotFoundError:
        continue
    prefix = getattr(module, "URL_PREFIX", config.label)
    urlpatterns.append(path(f"{prefix}/", include(module)))
