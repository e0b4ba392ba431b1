"""Writes to the family record. Each is one transaction that writes its audit row and chronology entry."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Agency, Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Joined, Text, choice_label
from doorstep.core.access import family_require_write, require_a_person, require_family_worker
# Checks that may refuse the ending of an involvement (ESC-6's, in the escalation engine): each takes the involvement
# and returns a list of reasons it cannot end yet.
from doorstep.core.extensions import INVOLVEMENT_END_CHECKS

from .models import (
    Address,
    BreakGlassAccess,
    BreakGlassGround,
    Family,
    FamilyAddress,
    Involvement,
    MemberRole,
    Person,
)
from .selectors import involvement_may_add, involvement_may_end

# Sentences the family record's chronology and audit are written with; the generated region (scale/steps.py) writes
# the same ones (issue 14).
FAMILY_OPENED = Text(gettext_noop("Family record opened by %(agency)s: %(reason)s"))
FAMILY_OPENED_AUDIT = Text(gettext_noop("Opened the family record"))
STATUS_CHANGED = Text(gettext_noop("%(name)s: status changed to %(status)s"))
INVOLVEMENT_STARTED = Text(gettext_noop("%(agency)s became involved: %(reason)s"))
INVOLVEMENT_ENDED = Text(gettext_noop("%(agency)s ended its involvement: %(reason)s"))

PERSON_FIELDS = (
    "role",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "expected_date",
    "lives_elsewhere",
    "child_status",
    "child_status_since",
    "known_to_csc",
    "first_language",
    "interpreter_needed",
    "literacy",
    "correspondence_language",
    "cultural_dates",
    "disability",
)


def family_create_allowed(*, by: Professional) -> None:
    """Whether `by` may open a family record at all (PermissionDenied if not), before any of its details are read."""
    require_family_worker(by)
    require_a_person(by)


def _is_a_person(professional: Professional | None) -> bool:
    # Issue 13: a lead professional is a person with a line manager, never a partner system (P-2).
    return professional is None or professional.role != Role.SYSTEM


def _validate_person(*, role: str, date_of_birth: date | None, expected_date: date | None, today: date) -> None:
    errors = {}
    if role == MemberRole.UNBORN:
        if not expected_date:
            errors["expected_date"] = _("Enter the expected date of delivery for an unborn child")
        if date_of_birth:
            errors["date_of_birth"] = _("An unborn child cannot have a date of birth")
    elif expected_date:
        errors["expected_date"] = _("Only an unborn child has an expected date of delivery")
    if date_of_birth and date_of_birth > today:
        errors["date_of_birth"] = _("Date of birth must be today or in the past")
    if date_of_birth and date_of_birth < date(1900, 1, 1):
        errors["date_of_birth"] = _("Date of birth must be after 1 January 1900")
    if errors:
        raise ValidationError(errors)


def address_get_or_create(*, line1: str, line2: str = "", town: str, postcode: str) -> Address:
    key = Address.key_for(postcode)
    existing = Address.objects.filter(postcode_key=key, line1__iexact=line1.strip()).first()
    if existing:
        return existing
    return Address.objects.create(line1=line1.strip(), line2=line2.strip(), town=town.strip(), postcode=postcode.upper())


@transaction.atomic
def family_create(
    *,
    by: Professional,
    name: str,
    reason: str,
    line1: str,
    line2: str = "",
    town: str,
    postcode: str,
    summary: str = "",
    known_to_csc: bool = False,
    moved_in: date | None = None,
    involved_since: date | None = None,
    partnership=None,
) -> Family:
    """Open a family record; the creating professional's agency becomes involved, with them as lead. The family
    belongs to `partnership`, one the agency works in (issue 21), chosen automatically when there is only one."""
    from doorstep.partnerships.services import family_partnership_choose

    require_family_worker(by)
    require_a_person(by)
    partnership = family_partnership_choose(by=by, partnership=partnership)
    family = Family.objects.create(
        reference=uuid.uuid4().hex[:20], name=name.strip(), summary=summary, known_to_csc=known_to_csc, created_by=by,
        partnership=partnership,
    )
    family.reference = f"DS-{family.pk:06d}"
    family.overall_lead = by
    family.save(update_fields=["reference", "overall_lead"])
    address = address_get_or_create(line1=line1, line2=line2, town=town, postcode=postcode)
    FamilyAddress.objects.create(family=family, address=address, moved_in=moved_in or timezone.localdate())
    Involvement.objects.create(
        family=family, agency_id=by.agency_id, started_on=involved_since or timezone.localdate(), reason=reason,
        lead_professional=by,
        started_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=family, family=family,
                 summary=FAMILY_OPENED_AUDIT)
    chronology_record(
        family=family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by,
        summary=FAMILY_OPENED % {"agency": by.agency.name_text, "reason": reason},
    )
    return family


@transaction.atomic
def family_move(*, family: Family, by: Professional, line1: str, line2: str = "", town: str, postcode: str,
                moved_in: date) -> FamilyAddress:
    family_require_write(professional=by, family=family, purpose="change of address")
    if moved_in > timezone.localdate():
        raise ValidationError({"moved_in": _("The date they moved in must be today or in the past")})
    current = FamilyAddress.objects.select_for_update().filter(family=family, moved_out__isnull=True).first()
    if current and moved_in < current.moved_in:
        raise ValidationError({"moved_in": _("The date they moved in must be after they moved into the current address")})
    address = address_get_or_create(line1=line1, line2=line2, town=town, postcode=postcode)
    if current:
        if current.address_id == address.pk:
            raise ValidationError({"line1": _("This is already the family's current address")})
        current.moved_out = moved_in
        current.save(update_fields=["moved_out"])
    new = FamilyAddress.objects.create(family=family, address=address, moved_in=moved_in)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=new, family=family,
                 summary=Text(gettext_noop("Recorded a change of address")))
    chronology_record(
        family=family, kind=EntryKind.FAMILY, by=by,
        occurred_at=timezone.make_aware(timezone.datetime.combine(moved_in, timezone.datetime.min.time())),
        summary=Text(gettext_noop("Household moved to %(address)s")) % {"address": address},
    )
    return new


@transaction.atomic
def person_add(*, family: Family, by: Professional, **fields) -> Person:
    family_require_write(professional=by, family=family, purpose="add a person")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    _validate_person(
        role=fields.get("role"), date_of_birth=fields.get("date_of_birth"), expected_date=fields.get("expected_date"),
        today=timezone.localdate(),
    )
    person = Person.objects.create(family=family, **fields)
    audit_record(actor=by, action=AuditAction.CREATE, obj=person, family=family,
                 summary=Text(gettext_noop("Added a person")))
    chronology_record(
        family=family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by, people=[person],
        summary=Text(gettext_noop("%(name)s added to the household as %(role)s")) % {"name": person, "role": choice_label(person, "role")},
    )
    return person


@transaction.atomic
def person_update(*, person: Person, by: Professional, **fields) -> Person:
    family_require_write(professional=by, family=person.family, purpose="change a person")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    merged = {f: fields.get(f, getattr(person, f)) for f in ("role", "date_of_birth", "expected_date")}
    _validate_person(**merged, today=timezone.localdate())
    old_status = person.child_status
    changed = [f for f, v in fields.items() if getattr(person, f) != v]
    for f, v in fields.items():
        setattr(person, f, v)
    if not changed:
        return person
    person.save()
    audit_record(
        actor=by, action=AuditAction.UPDATE, obj=person, family=person.family,
        summary=Text(gettext_noop("Changed: %(fields)s")) % {"fields": Joined(changed)},
    )
    if person.child_status != old_status:
        # FAM-2: status changes are decisions that belong on the chronology (CHR-1).
        chronology_record(
            family=person.family, kind=EntryKind.STATUS, occurred_at=timezone.now(), by=by, people=[person],
            significant=True,
            summary=STATUS_CHANGED % {
                "name": person, "status": choice_label(person, "child_status")},
        )
    return person


@transaction.atomic
def involvement_start(
    *, family: Family, by: Professional, agency: Agency, reason: str, lead_professional: Professional | None = None,
    started_on: date | None = None,
) -> Involvement:
    """Record that an agency works with the family: a decision, with its reason, that opens the family to that
    agency's staff (P-4). Issue 13 finding 3: never on emergency access, and only by the family's lead
    professional or a manager of an agency already involved; the new agency's managers are told."""
    family_require_write(professional=by, family=family, purpose="involve an agency")
    if not involvement_may_add(family=family, professional=by):
        raise PermissionDenied(involvement_add_refusal())
    started_on = started_on or timezone.localdate()
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The start date must be today or in the past")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the agency is involved")})
    if Involvement.objects.select_for_update().filter(family=family, agency=agency, ended_on__isnull=True).exists():
        raise ValidationError({"agency": _("%(agency)s is already involved with this family") % {"agency": agency}})
    if lead_professional is not None and lead_professional.agency_id != agency.pk:
        raise ValidationError({"lead_professional": _("The lead professional must work for %(agency)s") % {
            "agency": agency}})
    if not _is_a_person(lead_professional):
        raise ValidationError({"lead_professional": _("A lead professional is a person, not a partner system")})
    involvement = Involvement.objects.create(
        family=family, agency=agency, started_on=started_on, reason=reason.strip(),
        lead_professional=lead_professional, started_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=involvement, family=family,
                 summary=Text(gettext_noop("Involved %(agency)s")) % {"agency": agency.name_text}, reason=reason)
    chronology_record(
        family=family, kind=EntryKind.INVOLVEMENT, by=by,
        occurred_at=timezone.now(), summary=INVOLVEMENT_STARTED % {
            "agency": agency.name_text, "reason": reason.strip()},
    )
    _tell_the_new_agency(involvement, by=by)
    return involvement


def _managers_of_agency(agency_id: int) -> list[Professional]:
    return list(Professional.objects.filter(agency_id=agency_id, role=Role.MANAGER, is_active=True).order_by("id"))


def _tell_the_new_agency(involvement: Involvement, *, by: Professional) -> None:
    """The added agency's managers (and its named lead) learn that their agency is now involved, each in their own
    language: an involvement opens the family to all their staff (issue 13, finding 3)."""
    from doorstep.notifications.models import NotificationKind
    from doorstep.notifications.services import notify

    recipients = _managers_of_agency(involvement.agency_id)
    if involvement.lead_professional is not None:
        recipients.append(involvement.lead_professional)
    link = reverse("families:detail", args=[involvement.family_id])
    # Issue 14: a message id with its parameters, shown in each recipient's language (agency names in theirs).
    message = Text(gettext_noop("%(name)s (%(by_agency)s) has recorded that %(agency)s is involved with family "
                                "%(reference)s. Its staff can now see the family's record.")) % {
        "name": str(by), "by_agency": by.agency.name_text if by.agency_id else "",
        "agency": involvement.agency.name_text, "reference": involvement.family.reference}
    for person in recipients:
        if person.pk == by.pk:
            continue
        notify(recipients=[person], kind=NotificationKind.GENERAL, message=message, link=link,
               family=involvement.family, dedupe_key=f"involvement:{involvement.pk}:started")


def involvement_add_refusal() -> str:
    return _("Only the family's lead professional, or a manager of an agency already involved, can involve another "
             "agency.")


def involvement_end_refusal(involvement: Involvement) -> str:
    return _("Only %(agency)s's lead professional for this family or a manager of %(agency)s can end its "
             "involvement. You can propose that it ends.") % {"agency": involvement.agency}


def involvement_proposal_key(involvement: Involvement) -> str:
    from .rules import proposal_key

    return proposal_key(involvement.pk)



@transaction.atomic
def involvement_end(*, involvement: Involvement, by: Professional, reason: str, ended_on: date | None = None) -> Involvement:
    """End an agency's involvement. Issue 13 finding 4: only that agency's own lead professional for the family or a
    manager of that agency; anyone else involved proposes it instead (`involvement_end_propose`)."""
    from doorstep.escalations.services import escalations_close_by_key

    require_family_worker(by)
    involvement = Involvement.objects.select_for_update().select_related("family", "agency").get(pk=involvement.pk)
    family_require_write(professional=by, family=involvement.family, purpose="end an involvement")
    if not involvement_may_end(involvement=involvement, professional=by):
        raise PermissionDenied(involvement_end_refusal(involvement))
    if involvement.ended_on is not None:
        raise ValidationError({"reason": _("This involvement has already ended")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the involvement is ending")})
    ended_on = ended_on or timezone.localdate()
    if ended_on < involvement.started_on or ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date must be between the start date and today")})
    blockers = [message for check in INVOLVEMENT_END_CHECKS for message in check(involvement)]
    if blockers:
        raise ValidationError({"reason": blockers})
    involvement.ended_on = ended_on
    involvement.end_reason = reason.strip()
    involvement.ended_by = by
    involvement.save(update_fields=["ended_on", "end_reason", "ended_by"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=involvement, family=involvement.family,
                 summary=Text(gettext_noop("Ended involvement of %(agency)s")) % {
                     "agency": involvement.agency.name_text}, reason=reason)
    chronology_record(
        family=involvement.family, kind=EntryKind.INVOLVEMENT, by=by, occurred_at=timezone.now(), significant=True,
        summary=INVOLVEMENT_ENDED % {
            "agency": involvement.agency.name_text, "reason": reason.strip()},
    )
    escalations_close_by_key(key=involvement_proposal_key(involvement), by=by,
                             outcome=Text(gettext_noop("Involvement ended: %(reason)s")) % {"reason": reason.strip()})
    return involvement


@transaction.atomic
def involvement_end_propose(*, involvement: Involvement, by: Professional, reason: str):
    """Issue 13 finding 4: propose that another agency ends its involvement. The agency's lead professional for the
    family (or, without one, its managers) sees it as an action; nothing is cut off until they decide."""
    from doorstep.escalations.engine import rule_apply

    from .rules import ProposalFacts

    require_family_worker(by)
    involvement = Involvement.objects.select_related("family", "agency", "lead_professional").get(pk=involvement.pk)
    family_require_write(professional=by, family=involvement.family, purpose="propose ending an involvement")
    if involvement.ended_on is not None:
        raise ValidationError({"reason": _("This involvement has already ended")})
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why you think the involvement should end")})
    lead = involvement.lead_professional
    owners = [lead] if lead is not None and lead.is_active else _managers_of_agency(involvement.agency_id)
    if not owners:
        raise ValidationError({"reason": _("%(agency)s has nobody to decide on this. Contact them directly.") % {
            "agency": involvement.agency}})
    applied = rule_apply(rule_id="P-4", family=involvement.family, facts=ProposalFacts(
        involvement_id=involvement.pk, agency_name=involvement.agency.name_text, family_reference=involvement.family.reference,
        proposed_by=str(by), proposed_by_agency=by.agency.name_text, reason=reason.strip(),
        owner_ids=tuple(p.pk for p in owners)))
    escalation = applied.escalation(involvement_proposal_key(involvement))
    audit_record(actor=by, action=AuditAction.CREATE, obj=involvement, family=involvement.family,
                 summary=Text(gettext_noop("Proposed that %(agency)s ends its involvement")) % {
                     "agency": involvement.agency.name_text}, reason=reason.strip())
    return escalation


@transaction.atomic
def involvement_set_lead(*, involvement: Involvement, by: Professional, lead: Professional) -> Involvement:
    family_require_write(professional=by, family=involvement.family, purpose="change an agency's lead")
    if lead.agency_id != involvement.agency_id:
        raise ValidationError({"lead_professional": _("The lead professional must work for %(agency)s") % {
            "agency": involvement.agency}})
    involvement.lead_professional = lead
    involvement.save(update_fields=["lead_professional"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=involvement, family=involvement.family,
                 summary=Text(gettext_noop("Lead professional for %(agency)s is now %(lead)s")) % {
                     "agency": involvement.agency.name_text, "lead": str(lead)})
    return involvement


@transaction.atomic
def family_set_overall_lead(*, family: Family, by: Professional, lead: Professional) -> Family:
    family_require_write(professional=by, family=family, purpose="change the overall lead")
    if not Involvement.objects.filter(family=family, agency_id=lead.agency_id, ended_on__isnull=True).exists():
        raise ValidationError({"lead": _("The overall lead must work for an agency involved with the family")})
    if not _is_a_person(lead):
        raise ValidationError({"lead": _("A lead professional is a person, not a partner system")})
    family.overall_lead = lead
    family.save(update_fields=["overall_lead"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=family, family=family,
                 summary=Text(gettext_noop("Overall lead is now %(lead)s")) % {
                     "lead": str(lead)})
    chronology_record(family=family, kind=EntryKind.DECISION, by=by, occurred_at=timezone.now(),
                      summary=Text(gettext_noop("%(name)s is now the overall lead professional")) % {"name": lead})
    return family


@transaction.atomic
def break_glass_open(*, professional: Professional, family_reference: str, ground: str,
                     reason: str) -> BreakGlassAccess:
    """Emergency access (P-4): a ground chosen from the list and the circumstances in words (issue 13, finding 11),
    time-limited, read-only, audited and listed for the agency's managers."""
    require_family_worker(professional)
    require_a_person(professional)
    errors = {}
    if ground not in BreakGlassGround.values:
        errors["ground"] = _("Select why you need emergency access")
    if not reason.strip():
        errors["reason"] = _("Describe what is happening")
    if errors:
        raise ValidationError(errors)
    family = Family.objects.filter(reference__iexact=family_reference.strip()).first()
    if family is None:
        raise ValidationError({"reference": _("No family has that reference. Check it and try again")})
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        professional=professional, family=family, ground=ground, reason=reason.strip(), granted_at=now,
        expires_at=now + timedelta(hours=settings.DOORSTEP_BREAK_GLASS_HOURS),
    )
    audit_record(actor=professional, action=AuditAction.BREAK_GLASS, obj=grant, family=family,
                 summary=Text(gettext_noop("Emergency access opened (%(ground)s)")) % {
                     "ground": choice_label(grant, "ground")}, reason=grant.audit_reason)
    return grant


@transaction.atomic
def break_glass_review(*, grant: BreakGlassAccess, by: Professional, note: str) -> BreakGlassAccess:
    if not by.is_manager or grant.professional.agency_id != by.agency_id:
        raise PermissionDenied(_("Only a manager of the same agency can review emergency access."))
    grant.reviewed_by = by
    grant.reviewed_at = timezone.now()
    grant.review_note = note.strip()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=grant, family=grant.family,
                 summary=Text(gettext_noop("Reviewed emergency access")), reason=note.strip())
    return grant
