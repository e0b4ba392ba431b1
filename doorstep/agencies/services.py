from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record

from .models import Agency, AgencySystemToken, Professional, Role, Team


@transaction.atomic
def professional_create(
    *, username: str, first_name: str, last_name: str, email: str, agency: Agency | None, role: Role,
    team: Team | None = None, job_title: str = "", line_manager: Professional | None = None,
    is_designated_postholder: bool = False, is_duty_manager: bool = False, password: str | None = None,
    password_hash: str | None = None, phone: str = "",
) -> Professional:
    """Create a member of staff. `password_hash` (an already hashed password) lets the demo loader hash once."""
    if role in (Role.PRACTITIONER, Role.MANAGER) and agency is None:
        raise ValidationError({"agency": _("Practitioners and managers belong to an agency")})
    if team is not None and team.agency_id != getattr(agency, "pk", None):
        raise ValidationError({"team": _("The team must belong to the professional's agency")})
    if is_designated_postholder and role not in (Role.PRACTITIONER, Role.MANAGER):
        raise ValidationError({"is_designated_postholder": _("Only staff of an agency can be designated postholders")})
    person = Professional(
        username=username, first_name=first_name, last_name=last_name, email=email, agency=agency, role=role,
        team=team, job_title=job_title, line_manager=line_manager, is_designated_postholder=is_designated_postholder,
        is_duty_manager=is_duty_manager, phone=phone,
    )
    if password_hash:
        person.password = password_hash
    elif password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    return person


@transaction.atomic
def system_token_issue(*, by: Professional, agency: Agency, system_name: str) -> tuple[AgencySystemToken, str]:
    """A token for one partner system of an agency. Returns the token and its key, which is shown only once."""
    if not by.is_administrator:
        raise PermissionDenied(_("Only administrators issue partner system tokens."))
    if not system_name.strip():
        raise ValidationError({"system_name": _("Enter the name of the partner system")})
    slug = "".join(c for c in system_name.lower() if c.isalnum())[:20] or "system"
    account = Professional.objects.create(
        username=f"system-{agency.pk}-{slug}-{Professional.objects.count()}", first_name=system_name.strip(),
        last_name=f"({agency.name})", agency=agency, role=Role.SYSTEM,
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    key = AgencySystemToken.new_key()
    token = AgencySystemToken.objects.create(
        agency=agency, system_name=system_name.strip(), account=account, digest=AgencySystemToken.digest_of(key),
        prefix=key[:8], created_by=by,
    )
    audit_record(actor=by, action=AuditAction.TOKEN, obj=token, summary=f"Issued token for {system_name} ({agency})")
    return token, key


@transaction.atomic
def system_token_revoke(*, by: Professional, token: AgencySystemToken) -> AgencySystemToken:
    if not by.is_administrator:
        raise PermissionDenied(_("Only administrators revoke partner system tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=by, action=AuditAction.TOKEN, obj=token, summary=f"Revoked token {token.prefix}")
    return token
