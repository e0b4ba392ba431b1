"""Self-service password change and reset by e-mail (issue 13 finding 11, ASVS V2.1, V2.5): Django's own views,
with Doorstep's pages, an audit row for each change, and an e-mail that names no family."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text


# Doorstep's own template names: the admin app's registration/ templates would otherwise be found first.
class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=self.request.user, action=AuditAction.UPDATE, obj=self.request.user,
                     summary=Text(gettext_noop("Changed their own password")))
        return response


class PasswordReset(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        # The link is built from the configured address, never from the request's Host header.
        return {"site_url": settings.DOORSTEP_SITE_URL.rstrip("/"),
                "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action=AuditAction.UPDATE, obj=form.user,
                     summary=Text(gettext_noop("Reset their password with an e-mailed link")))
        return response
