"""Writes to the family record. Each is one transaction that writes its audit row and chronology entry."""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doorstep.agencies.models import Agency, Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record

from .models import Address, BreakGlassAccess, Family, FamilyAddress, Involvement, MemberRole, Person

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


def _require_family_worker(by: Professional) -> None:
    if not by.works_with_families:
        raise PermissionDenied(_("Only practitioners and managers of an agency can change family records."))


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
) -> Family:
    """Open a family record; the creating professional's agency becomes involved, with them as lead."""
    _require_family_worker(by)
    family = Family.objects.create(
        reference=uuid.uuid4().hex[:20], name=name.strip(), summary=summary, known_to_csc=known_to_csc, created_by=by
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
    audit_record(actor=by, action=AuditAction.CREATE, obj=family, family=family, summary="Opened the family record")
    chronology_record(
        family=family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by,
        summary=_("Family record opened by %(agency)s: %(reason)s") % {"agency": by.agency.name, "reason": reason},
    )
    return family


@transaction.atomic
def family_move(*, family: Family, by: Professional, line1: str, line2: str = "", town: str, postcode: str,
                moved_in: date) -> FamilyAddress:
    _require_family_worker(by)
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
    audit_record(actor=by, action=AuditAction.UPDATE, obj=new, family=family, summary="Recorded a change of address")
    chronology_record(
        family=family, kind=EntryKind.FAMILY, by=by,
        occurred_at=timezone.make_aware(timezone.datetime.combine(moved_in, timezone.datetime.min.time())),
        summary=_("Household moved to %(address)s") % {"address": address},
    )
    return new


@transaction.atomic
def person_add(*, family: Family, by: Professional, **fields) -> Person:
    _require_family_worker(by)
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    _validate_person(
        role=fields.get("role"), date_of_birth=fields.get("date_of_birth"), expected_date=fields.get("expected_date"),
        today=timezone.localdate(),
    )
    person = Person.objects.create(family=family, **fields)
    audit_record(actor=by, action=AuditAction.CREATE, obj=person, family=family, summary="Added a person")
    chronology_record(
        family=family, kind=EntryKind.FAMILY, occurred_at=timezone.now(), by=by, people=[person],
        summary=_("%(name)s added to the household as %(role)s") % {"name": person, "role": person.get_role_display()},
    )
    return person


@transaction.atomic
def person_update(*, person: Person, by: Professional, **fields) -> Person:
    _require_family_worker(by)
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
        actor=by, action=AuditAction.UPDATE, obj=person, family=person.family, summary="Changed: " + ", ".join(changed)
    )
    if person.child_status != old_status:
        # FAM-2: status changes are decisions that belong on the chronology (CHR-1).
        chronology_record(
            family=person.family, kind=EntryKind.STATUS, occurred_at=timezone.now(), by=by, people=[person],
            significant=True,
            summary=_("%(name)s: status changed to %(status)s") % {
                "name": person, "status": person.get_child_status_display()},
        )
    return person


@transaction.atomic
def involvement_start(
    *, family: Family, by: Professional, agency: Agency, reason: str, lead_professional: Professional | None = None,
    started_on: date | None = None,
) -> Involvement:
    """Record that an agency works with the family: a decision, with its reason, that opens the family to that
    agency's staff (P-4)."""
    _require_family_worker(by)
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
    involvement = Involvement.objects.create(
        family=family, agency=agency, started_on=started_on, reason=reason.strip(),
        lead_professional=lead_professional, started_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=involvement, family=family,
                 summary=f"Involved {agency.name}", reason=reason)
    chronology_record(
        family=family, kind=EntryKind.INVOLVEMENT, by=by,
        occurred_at=timezone.now(), summary=_("%(agency)s became involved: %(reason)s") % {
            "agency": agency.name, "reason": reason.strip()},
    )
    return involvement


# Checks that may refuse the ending of an involvement (ESC-6 adds one in the escalation engine): each takes
# the involvement and returns a list of reasons it cannot end yet.
INVOLVEMENT_END_CHECKS: list = []


@transaction.atomic
def involvement_end(*, involvement: Involvement, by: Professional, reason: str, ended_on: date | None = None) -> Involvement:
    _require_family_worker(by)
    involvement = Involvement.objects.select_for_update().get(pk=involvement.pk)
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
                 summary=f"Ended involvement of {involvement.agency.name}", reason=reason)
    chronology_record(
        family=involvement.family, kind=EntryKind.INVOLVEMENT, by=by, occurred_at=timezone.now(), significant=True,
        summary=_("%(agency)s ended its involvement: %(reason)s") % {
            "agency": involvement.agency.name, "reason": reason.strip()},
    )
    return involvement


@transaction.atomic
def involvement_set_lead(*, involvement: Involvement, by: Professional, lead: Professional) -> Involvement:
    _require_family_worker(by)
    if lead.agency_id != involvement.agency_id:
        raise ValidationError({"lead_professional": _("The lead professional must work for %(agency)s") % {
            "agency": involvement.agency}})
    involvement.lead_professional = lead
    involvement.save(update_fields=["lead_professional"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=involvement, family=involvement.family,
                 summary=f"Lead professional for {involvement.agency.name} is now {lead}")
    return involvement


@transaction.atomic
def family_set_overall_lead(*, family: Family, by: Professional, lead: Professional) -> Family:
    _require_family_worker(by)
    if not Involvement.objects.filter(family=family, agency_id=lead.agency_id, ended_on__isnull=True).exists():
        raise ValidationError({"lead": _("The overall lead must work for an agency involved with the family")})
    family.overall_lead = lead
    family.save(update_fields=["overall_lead"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=family, family=family, summary=f"Overall lead is now {lead}")
    chronology_record(family=family, kind=EntryKind.DECISION, by=by, occurred_at=timezone.now(),
                      summary=_("%(name)s is now the overall lead professional") % {"name": lead})
    return family


@transaction.atomic
def break_glass_open(*, professional: Professional, family_reference: str, reason: str) -> BreakGlassAccess:
    """Emergency access (P-4): a written reason, time-limited, audited and listed for the agency's managers."""
    if not professional.works_with_families:
        raise PermissionDenied(_("Only practitioners and managers of an agency can use emergency access."))
    if len(reason.strip()) < 20:
        raise ValidationError({"reason": _("Explain in at least 20 characters why you need emergency access")})
    family = Family.objects.filter(reference__iexact=family_reference.strip()).first()
    if family is None:
        raise ValidationError({"reference": _("No family has that reference. Check it and try again")})
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        professional=professional, family=family, reason=reason.strip(), granted_at=now,
        expires_at=now + timedelta(hours=settings.DOORSTEP_BREAK_GLASS_HOURS),
    )
    audit_record(actor=professional, action=AuditAction.BREAK_GLASS, obj=grant, family=family,
                 summary="Emergency access opened", reason=reason.strip())
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
                 summary="Reviewed emergency access", reason=note.strip())
    return grant
