from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from .models import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    AccountApproval,
    Agency,
    ApprovalState,
    AgencySystemToken,
    Professional,
    Role,
    Team,
    TokenScope,
    TokenState,
)


@transaction.atomic
def professional_create(
    *, username: str, first_name: str, last_name: str, email: str, agency: Agency | None, role: Role,
    team: Team | None = None, job_title: str = "", line_manager: Professional | None = None,
    is_designated_postholder: bool = False, is_duty_manager: bool = False, password: str | None = None,
    password_hash: str | None = None, phone: str = "", is_disclosure_officer: bool = False,
    is_records_manager: bool = False, is_case_file_auditor: bool = False,
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
        is_duty_manager=is_duty_manager, phone=phone, is_disclosure_officer=is_disclosure_officer,
        is_records_manager=is_records_manager, is_case_file_auditor=is_case_file_auditor,
    )
    if password_hash:
        person.password = password_hash
    elif password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.save()
    return person


def system_token_default_expiry() -> date:
    return timezone.localdate() + timedelta(days=TOKEN_DEFAULT_DAYS)


def _agency_managers(agency: Agency):
    return Professional.objects.filter(agency=agency, role=Role.MANAGER, is_active=True)


@transaction.atomic
def system_token_request(
    *, by: Professional, agency: Agency, system_name: str, contact_name: str, contact_email: str,
    scope: TokenScope = TokenScope.READ, expires_on: date | None = None,
) -> tuple[AgencySystemToken, str]:
    """An administrator asks for a token for one partner system of an agency (issue 13 finding 2).

    Returns the token and its key, which is shown only once. The token does not work until a manager of that
    agency approves it, and stops working on `expires_on` (90 days unless chosen, a year at most).
    """
    if not by.is_administrator:
        raise PermissionDenied(_("Only administrators request partner system tokens."))
    _require_agency_in_scope(by, agency.pk)
    today = timezone.localdate()
    expires_on = expires_on or system_token_default_expiry()
    errors = {}
    if not system_name.strip():
        errors["system_name"] = _("Enter the name of the partner system")
    if not contact_name.strip():
        errors["contact_name"] = _("Enter the name of the partner system's contact")
    if not contact_email.strip():
        errors["contact_email"] = _("Enter the contact's e-mail address")
    if scope not in TokenScope.values:
        errors["scope"] = _("Select what the partner system may do")
    if expires_on <= today:
        errors["expires_on"] = _("The expiry date must be in the future")
    elif expires_on > today + timedelta(days=TOKEN_MAX_DAYS):
        errors["expires_on"] = _("A token can last a year at most")
    if not agency.is_active:
        errors["agency"] = _("The agency is no longer active")
    if errors:
        raise ValidationError(errors)
    slug = "".join(c for c in system_name.lower() if c.isalnum())[:20] or "system"
    account = Professional.objects.create(
        username=f"system-{agency.pk}-{slug}-{Professional.objects.count()}", first_name=system_name.strip(),
        last_name=f"({agency.name})", agency=agency, role=Role.SYSTEM,
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    key = AgencySystemToken.new_key()
    token = AgencySystemToken.objects.create(
        agency=agency, system_name=system_name.strip(), contact_name=contact_name.strip(),
        contact_email=contact_email.strip(), scope=scope, expires_on=expires_on, account=account,
        digest=AgencySystemToken.digest_of(key), prefix=key[:8], requested_by=by,
    )
    audit_record(actor=by, action=AuditAction.TOKEN, obj=token,
                 summary=Text(gettext_noop("Requested %(scope)s token %(prefix)s for %(system)s (%(agency)s), expiring "
                                           "%(date)s; waiting for a manager's approval")) % {
                     "scope": scope, "prefix": token.prefix, "system": token.system_name,
                     "agency": agency.name_text, "date": expires_on})
    notify(
        recipients=_agency_managers(agency), kind=NotificationKind.GENERAL,
        message=Text(gettext_noop("%(person)s asks you to approve a token for the partner system %(system)s")) % {
            "person": by, "system": token.system_name},
        link="/agencies/tokens/", dedupe_key=f"system-token:{token.pk}:requested",
    )
    return token, key


def _require_agency_manager(by: Professional, token: AgencySystemToken) -> None:
    if not (by.is_active and by.is_manager and by.agency_id == token.agency_id):
        raise PermissionDenied(_("Only a manager of the token's agency approves or declines it."))


def _changed_by(person: Professional, other: Professional | None) -> bool:
    """Whether `other` ever created or changed `person`'s account (its history names who made each change)."""
    return other is not None and person.history.filter(history_user_id=other.pk).exists()


@transaction.atomic
def system_token_approve(*, by: Professional, token: AgencySystemToken) -> AgencySystemToken:
    """A manager of the token's agency lets it work (issue 13 finding 2, P-4)."""
    _require_agency_manager(by, token)
    token = AgencySystemToken.objects.select_for_update().get(pk=token.pk)
    # Separation of duties: a manager account the requesting administrator created or changed (its role, agency
    # or e-mail address, say) could be the administrator themselves in disguise.
    if _changed_by(by, token.requested_by):
        raise PermissionDenied(_("The administrator who requested this token has changed your account, so another "
                                 "manager of your agency must approve it."))
    if token.state != TokenState.REQUESTED or token.revoked_at is not None:
        raise ValidationError(_("This token is no longer waiting for approval."))
    if token.expires_on <= timezone.localdate():
        raise ValidationError(_("This token has already expired: ask for a new one."))
    return _system_token_decide(by=by, token=token, state=TokenState.APPROVED, summary=Text(
        gettext_noop("Approved %(scope)s token %(prefix)s for %(system)s")) % {
            "scope": token.scope, "prefix": token.prefix, "system": token.system_name},
        message=Text(gettext_noop("%(person)s approved the token for the partner system %(system)s")))


@transaction.atomic
def system_token_decline(*, by: Professional, token: AgencySystemToken) -> AgencySystemToken:
    _require_agency_manager(by, token)
    token = AgencySystemToken.objects.select_for_update().get(pk=token.pk)
    if token.state != TokenState.REQUESTED or token.revoked_at is not None:
        raise ValidationError(_("This token is no longer waiting for approval."))
    return _system_token_decide(by=by, token=token, state=TokenState.DECLINED, summary=Text(
        gettext_noop("Declined token %(prefix)s for %(system)s")) % {"prefix": token.prefix, "system": token.system_name},
        message=Text(gettext_noop("%(person)s declined the token for the partner system %(system)s")))


def _system_token_decide(*, by: Professional, token: AgencySystemToken, state: str, summary: Text,
                         message: Text) -> AgencySystemToken:
    """A manager's decision on a requested token: recorded on it, audited, and told to the administrator who asked."""
    token.state = state
    token.decided_by = by
    token.decided_at = timezone.now()
    token.save(update_fields=["state", "decided_by", "decided_at"])
    requester = token.requested_by.username if token.requested_by else "-"
    audit_record(actor=by, action=AuditAction.TOKEN, obj=token,
                 summary=Text(gettext_noop("%(decision)s, requested by %(username)s")) % {
                     "decision": summary, "username": requester})
    notify(recipients=[token.requested_by], kind=NotificationKind.GENERAL,
           message=message % {"person": by, "system": token.system_name},
           link="/agencies/tokens/", dedupe_key=f"system-token:{token.pk}:decided")
    return token


@transaction.atomic
def system_token_revoke(*, by: Professional, token: AgencySystemToken) -> AgencySystemToken:
    """Administrators, and managers of the token's agency, stop a token at once."""
    if not (by.is_administrator or (by.is_active and by.is_manager and by.agency_id == token.agency_id)):
        raise PermissionDenied(_("Only administrators and the agency's managers revoke partner system tokens."))
    token = AgencySystemToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=by, action=AuditAction.TOKEN, obj=token,
                     summary=Text(gettext_noop("Revoked token %(prefix)s")) % {"prefix": token.prefix})
    return token


def system_token_request_audit(*, token: AgencySystemToken, method: str, refusal: str | None = None) -> None:
    """One audit row for each request made with a token, naming the token and the people who requested and
    approved it (issue 13 finding 2, P-3). The row's actor is the token's partner-system account."""
    requested = token.requested_by.username if token.requested_by else "-"
    approved = token.decided_by.username if token.decided_by and token.state == TokenState.APPROVED else "-"
    summary = Text(gettext_noop("%(method)s with token %(prefix)s (%(system)s), requested by %(requested)s, approved by "
                                "%(approved)s")) % {"method": method, "prefix": token.prefix,
                                                    "system": token.system_name, "requested": requested,
                                                    "approved": approved}
    if refusal:
        summary = Text(gettext_noop("Refused: %(refusal)s. %(request)s")) % {"refusal": refusal, "request": summary}
    audit_record(actor=token.account, action=AuditAction.DENIED if refusal else AuditAction.TOKEN, obj=token,
                 summary=summary)
    if not refusal:
        AgencySystemToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


# Issue 13 finding 2 (b): what an administrator may never change on their own account, on any page or the admin
# site: whoever holds these decides what they can read.
SELF_PROTECTED_FIELDS = ("role", "agency", "team", "line_manager", "is_active", "is_superuser", "is_staff",
                         "is_designated_postholder", "is_duty_manager", "is_disclosure_officer",
                         "is_records_manager", "is_case_file_auditor")
# Issue 20 and 19: powers that widen what an account reads (every record about a person for a subject access
# request; families past retention; an audit round's families). An administrator granting one is held for a
# manager's approval like a new account (issue 13), not only told.
READING_POWERS = ("is_disclosure_officer", "is_records_manager", "is_case_file_auditor")
# Changes an agency's managers are told about: someone joins, leaves, changes role or where their links go.
AGENCY_TOLD_FIELDS = ("role", "agency", "email", "is_active")


def _require_administrator(by: Professional) -> None:
    if not (by.is_active and by.is_administrator):
        raise PermissionDenied(_("Only administrators manage agencies, teams and staff."))


def administered_agency_ids(by: Professional) -> set[int] | None:
    """Issue 21: the agencies a partnership's administrator manages, those working in their partnerships; None for a
    deployment administrator (every agency)."""
    administered = list(by.administered_partnerships.values_list("pk", flat=True))
    if not administered:
        return None
    return set(Agency.partnerships.through.objects.filter(partnership_id__in=administered)
               .values_list("agency_id", flat=True))


def _require_agency_in_scope(by: Professional, *agency_ids: int | None) -> None:
    """Issue 21: a partnership's administrator manages the agencies working in their partnership, their teams and
    staff only; staff of no agency (administrators, Board chairs, analysts) are the deployment administrator's."""
    scope = administered_agency_ids(by)
    if scope is not None and any(a is None or a not in scope for a in agency_ids):
        raise PermissionDenied(_("You manage the agencies working in your own partnership only."))


def _differences(stored: models.Model | None, obj: models.Model) -> list[str]:
    """The concrete fields whose values differ from the stored row (all of them for a new record)."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key and f.name not in ("password", "last_login")]
    if stored is None:
        return [f.name for f in fields if getattr(obj, f.attname) not in (None, "", False)]
    return [f.name for f in fields if getattr(stored, f.attname) != getattr(obj, f.attname)]


def _describe(stored: models.Model | None, obj: models.Model, changed: list[str]) -> str:
    parts = []
    for name in changed:
        attname = obj._meta.get_field(name).attname
        if name in ("role", "agency", "team", "is_active", "kind", "name"):
            before = getattr(stored, attname) if stored is not None else "-"
            parts.append(f"{name} {before} -> {getattr(obj, attname)}")
        else:
            parts.append(name)
    return ", ".join(parts) or "nothing"


@transaction.atomic
def professional_save_by_administrator(*, by: Professional, professional: Professional) -> Professional:
    """An administrator adds or changes a member of staff (the admin site). One audit row names every field
    changed; a new account has no password until its owner sets one from a reset link (issue 13 finding 2)."""
    _require_administrator(by)
    stored = Professional.objects.select_for_update().filter(pk=professional.pk).first() if professional.pk else None
    if not (stored is not None and professional.pk == by.pk):  # their own name and e-mail: always theirs
        _require_agency_in_scope(by, professional.agency_id, *([stored.agency_id] if stored is not None else []))
    if professional.role == Role.SYSTEM or (stored is not None and stored.role == Role.SYSTEM):
        # A partner-system account belongs to its token: given an e-mail address and a password it would be a
        # way into the agency's families.
        raise PermissionDenied(_("Partner-system accounts are managed with their tokens."))
    changed = _differences(stored, professional)
    if stored is not None and professional.pk == by.pk:
        touched = [name for name in changed if name in SELF_PROTECTED_FIELDS]
        if touched:
            raise PermissionDenied(_("You cannot change your own role, agency, team or permissions."))
    if professional.role in (Role.PRACTITIONER, Role.MANAGER) and professional.agency_id is None:
        raise ValidationError({"agency": _("Practitioners and managers belong to an agency")})
    if professional.team_id is not None and professional.team.agency_id != professional.agency_id:
        raise ValidationError({"team": _("The team must belong to the professional's agency")})
    if stored is None:
        professional.set_unusable_password()
    elif not changed:
        return professional
    held = _hands_over_an_agency(stored, professional, changed)
    if held:
        professional.awaiting_approval = True
    # The account's history names the administrator even outside a request (`_changed_by` relies on it).
    professional._history_user = by
    professional.save()
    described = _describe(stored, professional, changed)
    audit_record(actor=by, action=AuditAction.CREATE if stored is None else AuditAction.UPDATE, obj=professional,
                 summary=_change_summary(added=stored is None, held=held) % {
                     "username": professional.username, "changes": described})
    approvers = []
    if held:
        approvers = _account_approval_request(by=by, professional=professional, changes=described)
    if any(name in AGENCY_TOLD_FIELDS for name in changed):
        agencies = {professional.agency_id, getattr(stored, "agency_id", None)} - {None}
        notify(
            recipients=Professional.objects.filter(agency_id__in=agencies, role=Role.MANAGER, is_active=True)
            .exclude(pk__in=[professional.pk, *(a.pk for a in approvers)]),
            kind=NotificationKind.GENERAL,
            message=Text(gettext_noop("An administrator (%(admin)s) added or changed the account of %(person)s")) % {
                "admin": by, "person": professional},
            dedupe_key=f"professional:{professional.pk}:admin-change:{timezone.now().isoformat()}",
        )
    return professional


def _change_summary(*, added: bool, held: bool) -> Text:
    if held:  # issue 13: the account waits for a manager of its agency
        return (Text(gettext_noop("Added professional %(username)s: %(changes)s; waiting for a manager's approval"))
                if added else
                Text(gettext_noop("Changed professional %(username)s: %(changes)s; waiting for a manager's approval")))
    return (Text(gettext_noop("Added professional %(username)s: %(changes)s")) if added
            else Text(gettext_noop("Changed professional %(username)s: %(changes)s")))


def _hands_over_an_agency(stored: Professional | None, professional: Professional, changed: list[str]) -> bool:
    """Whether an administrator's change could make an account theirs inside an agency (issue 13): a new account of
    an agency, or one whose e-mail address (where password links go) or agency changed, or that joins an agency's
    staff from a role outside one (an administrator's second account made a practitioner)."""
    if not professional.works_with_families:
        return False
    return (stored is None or "email" in changed or "agency" in changed or not stored.works_with_families
            or any(name in changed and getattr(professional, name) for name in READING_POWERS))


def _account_approval_request(*, by: Professional, professional: Professional, changes: str) -> list[Professional]:
    """Holds the account until a manager of its agency approves it; tells those who may decide, and returns them."""
    AccountApproval.objects.filter(professional=professional, state=ApprovalState.REQUESTED).update(
        state=ApprovalState.SUPERSEDED)
    approval = AccountApproval.objects.create(
        professional=professional, agency=professional.agency, summary=changes[:500], email=professional.email,
        requested_by=by, requested_at=timezone.now(),
    )
    approvers = account_approvers(approval=approval)
    notify(
        recipients=approvers, kind=NotificationKind.GENERAL,
        message=Text(gettext_noop("An administrator (%(admin)s) added or changed the account of %(person)s: it "
                                  "cannot be used until you approve it")) % {"admin": by, "person": professional},
        link="/agencies/accounts/", dedupe_key=f"account-approval:{approval.pk}:requested",
    )
    return approvers


def account_approvers(*, approval: AccountApproval) -> list[Professional]:
    """Who may approve an account (issue 13): the active managers of its agency, never the account itself, an account
    that is itself waiting, or a manager whose account the requesting administrator created or changed (who could
    be that administrator in disguise). An agency with no such manager (a new one) is decided by the Board chair of a
    partnership it works in (issue 21), on the same terms."""
    from doorstep.partnerships.selectors import board_chairs_for_agency

    def eligible(people):
        return [p for p in people.filter(is_active=True, awaiting_approval=False).exclude(pk=approval.professional_id)
                if not _changed_by(p, approval.requested_by)]

    return (eligible(_agency_managers(approval.agency))
            or eligible(board_chairs_for_agency(approval.agency_id)))


@transaction.atomic
def account_approve(*, by: Professional, approval: AccountApproval) -> AccountApproval:
    """A manager lets an account an administrator added or changed be used: it may sign in and receive a password
    link (issue 13)."""
    return _account_decide(by=by, approval=approval, state=ApprovalState.APPROVED)


@transaction.atomic
def account_decline(*, by: Professional, approval: AccountApproval) -> AccountApproval:
    """A manager refuses the change: the account stays unusable until an administrator changes it again and a manager
    approves that."""
    return _account_decide(by=by, approval=approval, state=ApprovalState.DECLINED)


def _account_decide(*, by: Professional, approval: AccountApproval, state: str) -> AccountApproval:
    approval = AccountApproval.objects.select_for_update().select_related("professional").get(pk=approval.pk)
    if by.pk not in {p.pk for p in account_approvers(approval=approval)}:
        raise PermissionDenied(_("Only a manager of the account's agency, whose own account the administrator has "
                                 "not changed, approves or declines it."))
    if approval.state != ApprovalState.REQUESTED:
        raise ValidationError(_("This account is no longer waiting for approval."))
    approval.state = state
    approval.decided_by = by
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decided_by", "decided_at"])
    person = approval.professional
    if state == ApprovalState.APPROVED:
        # Not person.save(): the account's history names the administrators who changed it (`_changed_by`).
        Professional.objects.filter(pk=person.pk).update(awaiting_approval=False)
        person.awaiting_approval = False
    summary = (Text(gettext_noop("Approved the account %(username)s (%(email)s) after an administrator's change "
                                 "(%(changes)s), requested by %(requester)s")) if state == ApprovalState.APPROVED
               else Text(gettext_noop("Declined the account %(username)s (%(email)s) after an administrator's change "
                                      "(%(changes)s), requested by %(requester)s")))
    audit_record(actor=by, action=AuditAction.UPDATE, obj=person, summary=summary % {
        "username": person.username, "email": approval.email or "-", "changes": approval.summary,
        "requester": approval.requested_by.username})
    message = (Text(gettext_noop("%(person)s approved the account of %(account)s")) if state == ApprovalState.APPROVED
               else Text(gettext_noop("%(person)s declined the account of %(account)s")))
    notify(recipients=[approval.requested_by], kind=NotificationKind.GENERAL,
           message=message % {"person": by, "account": person},
           dedupe_key=f"account-approval:{approval.pk}:decided")
    return approval


@transaction.atomic
def agency_save_by_administrator(*, by: Professional, agency: Agency) -> Agency:
    return _save_by_administrator(by=by, obj=agency, noun="agency")


@transaction.atomic
def team_save_by_administrator(*, by: Professional, team: Team) -> Team:
    return _save_by_administrator(by=by, obj=team, noun="team")


# What the audit says of an agency or team saved on the admin site, by (noun, whether it was added).
_SAVED = {
    ("agency", True): Text(gettext_noop("Added agency %(name)s: %(changes)s")),
    ("agency", False): Text(gettext_noop("Changed agency %(name)s: %(changes)s")),
    ("team", True): Text(gettext_noop("Added team %(name)s: %(changes)s")),
    ("team", False): Text(gettext_noop("Changed team %(name)s: %(changes)s")),
}


def _save_by_administrator(*, by: Professional, obj, noun: str):
    """An agency or a team added or changed on the admin site: saved with an audit row naming what changed."""
    _require_administrator(by)
    stored = type(obj).objects.select_for_update().filter(pk=obj.pk).first() if obj.pk else None
    if noun == "team":
        _require_agency_in_scope(by, obj.agency_id, *([stored.agency_id] if stored is not None else []))
    elif stored is not None:
        _require_agency_in_scope(by, obj.pk)
    changed = _differences(stored, obj)
    if stored is not None and not changed:
        return obj
    obj.save()
    if noun == "agency" and stored is None and administered_agency_ids(by) is not None:
        # A partnership's administrator adds an agency to their own partnership(s) (issue 21).
        obj.partnerships.add(*by.administered_partnerships.all())
    audit_record(actor=by, action=AuditAction.CREATE if stored is None else AuditAction.UPDATE, obj=obj,
                 summary=_SAVED[noun, stored is None] % {"name": str(obj), "changes": _describe(stored, obj, changed)})
    return obj


@transaction.atomic
def professional_send_password_link(*, by: Professional, professional: Professional) -> None:
    """Instead of setting anyone's password, an administrator sends its owner a link to set it themselves
    (issue 13 finding 2: an administrator who could set a password could sign in as that person)."""
    _require_administrator(by)
    if professional.role == Role.SYSTEM:
        raise PermissionDenied(_("Partner-system accounts are managed with their tokens."))
    if not professional.email or not professional.is_active:
        raise ValidationError(_("%(person)s has no e-mail address or is not active: no link was sent.") % {
            "person": professional})
    if professional.awaiting_approval:
        # Issue 13: the link would let whoever owns the address into the agency's case files.
        raise ValidationError(_("%(person)s's account is waiting for a manager of their agency to approve it: no link "
                                "was sent.") % {"person": professional})
    audit_record(actor=by, action=AuditAction.UPDATE, obj=professional,
                 summary=Text(gettext_noop("Sent a password reset link to %(username)s")) % {
                     "username": professional.username})
    pk = professional.pk
    transaction.on_commit(lambda: _send_password_link(pk))


def _send_password_link(pk: int) -> None:
    from urllib.parse import urlparse

    from django.conf import settings
    from django.utils import translation

    from .forms import PasswordLinkForm

    # The link's address comes from the configured site, never from the request's Host header.
    site = urlparse(settings.DOORSTEP_SITE_URL)
    professional = Professional.objects.get(pk=pk)
    with translation.override(professional.preferred_language):
        PasswordLinkForm(professional=professional).save(
            domain_override=site.netloc, use_https=site.scheme == "https",
            subject_template_name="agencies/email/password_link_subject.txt",
            email_template_name="agencies/email/password_link.txt",
        )
