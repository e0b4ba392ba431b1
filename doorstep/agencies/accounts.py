"""Self-service password change and reset by e-mail (issue 13 finding 11, ASVS V2.1, V2.5): Django's own views,
with Doorstep's pages, an audit row for each change, and an e-mail that names no family."""

import hashlib

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
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


class ApprovedAccountsOnly:
    """Issue 13: a password link does nothing for an account waiting for a manager's approval (an administrator
    added it, or changed its e-mail address or agency): it reads as a link that no longer works."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return None if user is not None and user.awaiting_approval else user


class PasswordResetRequestForm(PasswordResetForm):
    def get_users(self, email):
        # Issue 13: nor is a link sent to an account waiting for a manager's approval.
        return (user for user in super().get_users(email) if not user.awaiting_approval)


def _counted(key: str) -> int:
    """This hour's count for a key, one more than before (a fixed window of an hour in the cache)."""
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=3600)
        return 1


def password_reset_allowed(*, address: str | None, email: str) -> bool:
    """Issue 13 (ASVS V2.2.1, V11.1.4): reset links asked for are limited per hour per requesting address
    (DOORSTEP_PASSWORD_RESET_LIMIT_IP) and per e-mail address (DOORSTEP_PASSWORD_RESET_LIMIT_EMAIL), whether or not
    the e-mail address has an account, so the limit tells nothing about who has one. Both are counted each time."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    by_email = _counted(f"password-reset:email:{digest}")
    by_address = _counted(f"password-reset:ip:{address or '-'}")
    return (by_email <= settings.DOORSTEP_PASSWORD_RESET_LIMIT_EMAIL
            and by_address <= settings.DOORSTEP_PASSWORD_RESET_LIMIT_IP)


class PasswordReset(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        # The link is built from the configured address, never from the request's Host header.
        return {"site_url": settings.DOORSTEP_SITE_URL.rstrip("/"),
                "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)}

    def form_valid(self, form):
        if not password_reset_allowed(address=get_client_ip_address(self.request), email=form.cleaned_data["email"]):
            form.add_error("email", _("Too many password reset links have been asked for. Wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirm(ApprovedAccountsOnly, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action=AuditAction.UPDATE, obj=form.user,
                     summary=Text(gettext_noop("Reset their password with an e-mailed link")))
        return response
