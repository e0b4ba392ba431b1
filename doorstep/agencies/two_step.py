"""Two-step verification (MFA) with an authenticator app (TOTP, django-otp).

Anyone may turn it on; the roles in DOORSTEP_TWO_STEP_ROLES must (production: managers and administrators at
least; the demo leaves it optional so that its logins work straight away).
"""

import base64

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text


def two_step_required(user) -> bool:
    return user.role in settings.DOORSTEP_TWO_STEP_ROLES


def two_step_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_step_outstanding(user) -> bool:
    """True while a signed-in person who has an authenticator, or whose role needs one, has not verified with it."""
    is_verified = getattr(user, "is_verified", None)  # set by django_otp's middleware
    if callable(is_verified) and is_verified():
        return False
    return two_step_required(user) or two_step_device(user) is not None


def two_step_begin(*, professional) -> TOTPDevice:
    """An unconfirmed authenticator for the professional to add to their app."""
    device = TOTPDevice.objects.filter(user=professional, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=professional, name="Authenticator app", confirmed=False)


def secret_for_app(device: TOTPDevice) -> str:
    return base64.b32encode(bytes.fromhex(device.key)).decode().rstrip("=")


@transaction.atomic
def two_step_confirm(*, professional, token: str) -> TOTPDevice:
    device = TOTPDevice.objects.select_for_update().filter(user=professional, confirmed=False).first()
    if device is None:
        raise ValidationError({"token": _("Start setting up two-step verification again")})
    if not token.strip().isdigit() or not device.verify_token(token.strip()):
        raise ValidationError({"token": _("The code is not right: enter the 6 digits your app shows now")})
    TOTPDevice.objects.filter(user=professional, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=professional, action=AuditAction.UPDATE, obj=device,
                 summary=Text(gettext_noop("Turned on two-step verification")))
    return device


def two_step_verify(*, professional, token: str) -> TOTPDevice:
    device = two_step_device(professional)
    if device is None or not token.strip().isdigit() or not device.verify_token(token.strip()):
        raise ValidationError({"token": _("The code is not right: enter the 6 digits your app shows now")})
    return device
