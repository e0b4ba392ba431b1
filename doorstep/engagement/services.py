"""Writes to the engagement record (ENG-1..6). Each is one transaction that writes the audit row and the
chronology entry, then runs the escalation engine for the family (`family_evaluate`), so a contact and the
escalation it causes commit together. Bad input raises ValidationError naming the field; nothing is saved."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record, chronology_update_for_source
from doorstep.core.texts import Joined, Lowercase, Text, choice_label
from doorstep.core.access import family_require_write
from doorstep.escalations.evaluate import family_evaluate
from doorstep.families.models import CHILD_ROLES, Family, MemberRole, Person

from .models import (
    ACHIEVED_OUTCOMES,
    NOBODY_SEEN_OUTCOMES,
    REMOTE_KINDS,
    AssessmentArea,
    Behaviour,
    Contact,
    ContactChild,
    ContactFollowUp,
    ContactKind,
    ContactRevision,
    EngagementSettings,
    NonCooperationReason,
    Outcome,
    ParentLetter,
    ReasonBasis,
    ThreatKind,
)
from .selectors import contact_may_amend

TEXT_LIMIT = 5000
OBSERVATIONS = ("seen", "seen_alone", "sleeping_place_seen", "home_conditions_seen", "food_seen")
HOME_OBSERVATIONS = ("sleeping_place_seen", "home_conditions_seen", "food_seen")
MAX_UNKNOWN_ADULTS = 20


@dataclass(frozen=True)
class ChildSeen:
    """What was seen of one child at a contact (ENG-1, 004 §2.3 items 5 and 7)."""

    seen: bool = False
    seen_alone: bool = False
    sleeping_place_seen: bool = False
    home_conditions_seen: bool = False
    food_seen: bool = False

    @classmethod
    def of(cls, value) -> "ChildSeen":
        if isinstance(value, ChildSeen):
            return value
        if isinstance(value, Mapping):
            return cls(**{k: bool(value.get(k)) for k in OBSERVATIONS})
        return cls(**{k: k in value for k in OBSERVATIONS})  # an iterable of observation names

    @property
    def anything(self) -> bool:
        return any(getattr(self, k) for k in OBSERVATIONS)


# The fields a contact is recorded and corrected with (besides family, agency and who recorded it).
CONTACT_FIELDS = (
    "kind", "planned", "occurred_at", "outcome", "purpose", "behaviours", "threats", "child_impact",
    "unknown_adults_present", "others_present", "non_cooperation_codes", "non_cooperation_basis",
    "non_cooperation_reasons", "assessment_areas_missed", "areas_not_achieved", "note", "significant",
    "family_account",
)


def _name_list(people) -> str:
    return ", ".join(str(p) for p in people)


def _clean(*, family: Family, values: dict, children, adults_present, now: datetime, recorded_at=None) -> tuple:
    """Check every field of a contact; raise one ValidationError with a specific message for each bad field.
    Returns (values, {Person: ChildSeen}, [adult Person])."""
    errors: dict[str, list[str]] = {}

    def error(field, message):
        errors.setdefault(field, []).append(message)

    kind, outcome = values.get("kind"), values.get("outcome")
    if kind not in ContactKind.values:
        error("kind", _("Select the kind of contact"))
    if outcome not in Outcome.values:
        error("outcome", _("Select what happened"))
    occurred_at = values.get("occurred_at")
    if not isinstance(occurred_at, datetime):
        error("occurred_at", _("Enter the date and time of the contact"))
    else:
        if timezone.is_naive(occurred_at):
            occurred_at = values["occurred_at"] = timezone.make_aware(occurred_at)
        if occurred_at > now:
            error("occurred_at", _("The date and time of the contact must be in the past"))
        elif occurred_at < now - timedelta(days=365 * 20):
            error("occurred_at", _("The date of the contact must be within the last 20 years"))
        if recorded_at is not None and recorded_at < occurred_at:
            error("occurred_at", _("A contact cannot be recorded before it happened"))
    for field, choices, message in (
        ("behaviours", Behaviour.values, _("Select behaviours from the list")),
        ("threats", ThreatKind.values, _("Select threatening behaviour from the list")),
        ("non_cooperation_codes", NonCooperationReason.values, _("Select reasons from the list")),
        ("assessment_areas_missed", AssessmentArea.values, _("Select areas of assessment from the list")),
    ):
        chosen = list(dict.fromkeys(str(v) for v in values.get(field) or []))
        if any(c not in choices for c in chosen):
            error(field, message)
        values[field] = chosen
    if values.get("non_cooperation_basis") and values["non_cooperation_basis"] not in ReasonBasis.values:
        error("non_cooperation_basis", _("Select whether the reasons were given or assessed"))
    if values.get("non_cooperation_basis") and not values["non_cooperation_codes"] and not values.get(
            "non_cooperation_reasons"):
        error("non_cooperation_codes", _("Select the reasons for non-cooperation, or leave 'given or assessed' empty"))
    unknown = values.get("unknown_adults_present") or 0
    if not isinstance(unknown, int) or unknown < 0 or unknown > MAX_UNKNOWN_ADULTS:
        error("unknown_adults_present",
              _("The number of unknown adults must be a whole number from 0 to %(n)s") % {"n": MAX_UNKNOWN_ADULTS})
    values["unknown_adults_present"] = unknown if isinstance(unknown, int) else 0
    if len(values.get("purpose") or "") > 300:
        error("purpose", _("The purpose must be 300 characters or fewer"))
    if len(values.get("others_present") or "") > 300:
        error("others_present", _("Who else was present must be 300 characters or fewer"))
    for field in ("child_impact", "non_cooperation_reasons", "areas_not_achieved", "note", "family_account"):
        if len(values.get(field) or "") > TEXT_LIMIT:
            error(field, _("This must be %(n)s characters or fewer") % {"n": TEXT_LIMIT})

    members = {p.pk: p for p in Person.objects.filter(family=family)}

    def member(value):
        return members.get(value.pk if isinstance(value, Person) else value)

    seen_by_child: dict[Person, ChildSeen] = {}
    for key, observed in (children or {}).items():
        child = member(key)
        if child is None:
            error("children", _("That child is not a member of this family"))
            continue
        if child.role not in CHILD_ROLES:
            error("children", _("%(name)s is not a child in this family") % {"name": child})
            continue
        observed = ChildSeen.of(observed)
        if child.role == MemberRole.UNBORN and observed.anything:
            error("children", _("%(name)s is not born yet and cannot be seen") % {"name": child})
            continue
        seen_by_child[child] = observed
    # Children not mentioned are recorded as part of the contact but not seen (ESC-8 counts from these rows).
    for child in members.values():
        if child.role == MemberRole.CHILD and not child.lives_elsewhere and child not in seen_by_child:
            seen_by_child[child] = ChildSeen()

    seen = [c for c, o in seen_by_child.items() if o.seen]
    for child, o in seen_by_child.items():
        if o.seen_alone and not o.seen:
            error("children", _("%(name)s cannot be seen alone without being seen") % {"name": child})
    if kind in REMOTE_KINDS and any(o.anything for o in seen_by_child.values()):
        error("children", _("Nobody can be seen by %(kind)s: record a visit or an appointment instead") % {
            "kind": ContactKind(kind).label.lower()})
    elif kind in ContactKind.values and kind != ContactKind.HOME_VISIT and any(
            getattr(o, k) for o in seen_by_child.values() for k in HOME_OBSERVATIONS):
        error("children", _("Where a child sleeps, home conditions and food can only be seen on a home visit"))
    if outcome in NOBODY_SEEN_OUTCOMES and any(o.anything for o in seen_by_child.values()):
        error("outcome", _("'%(outcome)s' means nobody was seen, but you recorded that %(names)s was seen") % {
            "outcome": Outcome(outcome).label, "names": _name_list(seen) or _("the home")})
    if outcome == Outcome.CHILD_NOT_AVAILABLE and seen_by_child and len(seen) == len(seen_by_child):
        error("outcome", _("'Child not made available' contradicts every child being seen"))

    adults = []
    for value in adults_present or ():
        adult = member(value)
        if adult is None:
            error("adults_present", _("That person is not a member of this family"))
        elif adult.is_child:
            error("adults_present", _("%(name)s is a child: record what was seen of them under the children")
                  % {"name": adult})
        else:
            adults.append(adult)
    if errors:
        raise ValidationError(errors)
    return values, seen_by_child, list(dict.fromkeys(adults))


def _defaulted(outcome: str, config: EngagementSettings) -> bool:
    # ENG-6: which outcomes count as defaulted is configuration (EngagementSettings.defaulted_outcomes).
    return outcome in config.defaulted_outcomes


def _summary(contact: Contact, seen_by_child: Mapping) -> Text:
    return contact_summary_text(
        kind=choice_label(contact, "kind"), agency=contact.agency.name_text, outcome=choice_label(contact, "outcome"),
        planned=contact.planned, seen=[(c.given_name, o.seen_alone) for c, o in seen_by_child.items() if o.seen],
        children_expected=bool(seen_by_child) and contact.outcome in ACHIEVED_OUTCOMES, behaviours=contact.behaviours, threats=contact.threats,
        unknown_adults=contact.unknown_adults_present, note=contact.note)


# A contact's line: its parts joined, then the worker's note after it.
CONTACT_FACTS = Text("%(parts)s")
CONTACT_WITH_NOTE = Text("%(summary)s. %(note)s")


def contact_summary_text(*, kind, agency, outcome, planned: bool, seen: list[tuple[str, bool]],
                         children_expected: bool, behaviours: list[str], threats: list[str], unknown_adults: int,
                         note: str) -> Text:
    """One line for the chronology: kind, outcome, who was seen, behaviour and threats (CHR-2 patterns). A stored
    sentence, shown in the reader's language (issue 14); the note is the worker's own words. `kind` and `outcome`
    are their labels (lazy, translated when read), `seen` the children seen as (given name, seen alone),
    `children_expected` whether there were children to see at a contact that achieved access. The
    generated region (scale/steps.py) writes its contacts' lines with it too."""
    text = contact_facts_text(kind=kind, agency=agency, outcome=outcome, planned=planned, seen=seen,
                              children_expected=children_expected, behaviours=behaviours, threats=threats,
                              unknown_adults=unknown_adults)
    return CONTACT_WITH_NOTE % {"summary": text, "note": note} if note else text


def contact_facts_text(**facts) -> Text:
    """The line without the worker's note (see `contact_summary_text`)."""
    return CONTACT_FACTS % {"parts": contact_facts_parts(**facts)}


def contact_facts_parts(*, kind, agency, outcome, planned: bool, seen: list[tuple[str, bool]],
                        children_expected: bool, behaviours: list[str], threats: list[str], unknown_adults: int,
                        said=None) -> list:
    """The parts of the line, each a `Text`. With `said(key, make)`, each part is what `said` gives for the part's
    key (a tuple of its facts; `kind`, `agency` and `outcome` by identity), `make()` building it: the generated
    region (scale/steps.py) puts each part into words once, not once per contact."""
    said = said or (lambda _key, make: make())
    parts = [said(("what", id(kind), id(agency), id(outcome)),
                  lambda: Text(gettext_noop("%(kind)s (%(agency)s): %(outcome)s")) % {
                      "kind": kind, "agency": agency, "outcome": outcome})]
    if not planned:
        parts.append(said(("unplanned",), lambda: Text(gettext_noop("unplanned"))))
    if seen:
        parts.append(said(("seen", *seen), lambda: Text(gettext_noop("seen: %(names)s")) % {"names": Joined([
            Text(gettext_noop("%(name)s (alone)")) % {"name": name} if alone else name for name, alone in seen])}))
    elif children_expected:
        parts.append(said(("no child seen",), lambda: Text(gettext_noop("no child seen"))))
    if behaviours:
        parts.append(said(("behaviour", *behaviours), lambda: Text(gettext_noop("behaviour: %(list)s")) % {
            "list": Lowercase(Joined([Behaviour(b).label for b in behaviours if b in Behaviour.values]))}))
    if threats:
        parts.append(said(("threats", *threats), lambda: Text(gettext_noop("threatening behaviour: %(list)s")) % {
            "list": Lowercase(Joined([ThreatKind(t).label for t in threats if t in ThreatKind.values]))}))
    if unknown_adults:
        parts.append(said(("unknown adults", unknown_adults),
                          lambda: Text(gettext_noop("unknown adults present: %(n)s")) % {"n": unknown_adults}))
    return parts


def _tags(contact: Contact) -> list[str]:
    # Plain choice values: outcome, kind, behaviours (ENG-2) and threats (ENG-3), so the chronology filters by them.
    tags = [contact.outcome, contact.kind, *contact.behaviours, *contact.threats]
    if contact.defaulted:
        tags.append("defaulted")
    if contact.recorded_late:
        tags.append("late")
    if contact.version > 1:
        tags.append("corrected")
    if contact.entered_in_error:
        tags.append("entered_in_error")
    return tags


def _significant(values: dict) -> bool:
    # Threats or violence are always significant events (ESC-4, FLG-1); the worker may mark others.
    return bool(values.get("significant") or values.get("threats") or Behaviour.VIOLENCE in values.get("behaviours", []))


def _write_children(contact: Contact, seen_by_child: Mapping) -> None:
    ContactChild.objects.bulk_create([
        ContactChild(contact=contact, child=child, **{k: getattr(o, k) for k in OBSERVATIONS})
        for child, o in seen_by_child.items()
    ])


@transaction.atomic
def contact_record(
    *,
    family: Family,
    by: Professional,
    kind: str,
    outcome: str,
    occurred_at: datetime,
    planned: bool = True,
    purpose: str = "",
    children: Mapping | None = None,
    adults_present: Iterable = (),
    unknown_adults_present: int = 0,
    others_present: str = "",
    behaviours: Iterable[str] = (),
    threats: Iterable[str] = (),
    child_impact: str = "",
    non_cooperation_codes: Iterable[str] = (),
    non_cooperation_basis: str = "",
    non_cooperation_reasons: str = "",
    assessment_areas_missed: Iterable[str] = (),
    areas_not_achieved: str = "",
    note: str = "",
    family_account: str = "",
    follow_up: str = "",
    significant: bool = False,
    recorded_at: datetime | None = None,
) -> Contact:
    """Record a contact or attempted contact with a family (ENG-1..4, ENG-6).

    `children` maps each child (Person or id) to what was seen of them (ChildSeen, a dict, or a list of
    observation names); children of the household not mentioned are recorded as not seen. `recorded_at` is only
    for records imported from elsewhere: when the record was originally made."""
    family_require_write(professional=by, family=family, purpose="record a contact")
    now = timezone.now()
    if recorded_at is not None and recorded_at > now:
        raise ValidationError({"recorded_at": _("The time of recording cannot be in the future")})
    values = {
        "kind": kind, "outcome": outcome, "occurred_at": occurred_at, "planned": bool(planned),
        "purpose": (purpose or "").strip(), "behaviours": list(behaviours or ()), "threats": list(threats or ()),
        "child_impact": (child_impact or "").strip(), "unknown_adults_present": unknown_adults_present,
        "others_present": (others_present or "").strip(), "non_cooperation_codes": list(non_cooperation_codes or ()),
        "non_cooperation_basis": non_cooperation_basis or "", "non_cooperation_reasons": (non_cooperation_reasons or "").strip(),
        "assessment_areas_missed": list(assessment_areas_missed or ()), "areas_not_achieved": (areas_not_achieved or "").strip(),
        "note": (note or "").strip(), "significant": bool(significant),
        "family_account": (family_account or "").strip(),
    }
    follow_up = (follow_up or "").strip()
    if len(follow_up) > TEXT_LIMIT:
        raise ValidationError({"follow_up": _("This must be %(n)s characters or fewer") % {"n": TEXT_LIMIT}})
    values, seen_by_child, adults = _clean(family=family, values=values, children=children,
                                           adults_present=adults_present, now=now, recorded_at=recorded_at)
    config = EngagementSettings.current()
    recorded_at = recorded_at or now
    values["significant"] = _significant(values)
    contact = Contact.objects.create(
        family=family, agency_id=by.agency_id, recorded_by=by, recorded_at=recorded_at,
        defaulted=_defaulted(outcome, config),
        recorded_late=recorded_at - values["occurred_at"] > timedelta(hours=config.late_entry_hours),
        **values,
    )
    _write_children(contact, seen_by_child)
    if adults:
        contact.adults_present.set(adults)
    if follow_up:
        ContactFollowUp.objects.create(contact=contact, text=follow_up, by=by, at=recorded_at)
    audit_record(actor=by, action=AuditAction.CREATE, obj=contact, family=family,
                 summary=Text(gettext_noop("Recorded a contact: %(kind)s, %(outcome)s")) % {
                     "kind": choice_label(contact, "kind"), "outcome": choice_label(contact, "outcome")})
    chronology_record(
        family=family, kind=EntryKind.CONTACT, occurred_at=contact.occurred_at, recorded_at=recorded_at,
        summary=_summary(contact, seen_by_child), by=by, agency=contact.agency, source=contact,
        significant=contact.significant, tags=_tags(contact), people=[*seen_by_child, *adults],
    )
    family_evaluate(family=family)
    return contact


def contact_snapshot(contact: Contact) -> dict:
    """The contact as it stands, for its revision history: every field, the children and the adults present."""
    data = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    data["occurred_at"] = contact.occurred_at.astimezone(UTC).isoformat()
    data["defaulted"] = contact.defaulted
    data["children"] = [
        {"child": cc.child_id, "name": str(cc.child), **{k: getattr(cc, k) for k in OBSERVATIONS}}
        for cc in contact.children.select_related("child").order_by("child_id")
    ]
    data["adults_present"] = [{"id": p.pk, "name": str(p)} for p in contact.adults_present.order_by("id")]
    return data


def _check_amend(contact: Contact, by: Professional) -> None:
    if not contact_may_amend(contact=contact, professional=by):
        raise PermissionDenied(_("Only the person who recorded a contact, or a manager in their agency, can "
                                 "correct it."))
    if contact.entered_in_error:
        raise ValidationError({"reason": _("This contact was marked as entered in error and cannot be changed")})


@transaction.atomic
def contact_correct(*, contact: Contact, by: Professional, reason: str, children: Mapping | None = None,
                    adults_present: Iterable | None = None, **fields) -> Contact:
    """Correct a contact: the earlier version is kept (ContactRevision), with who corrected it and why.
    Fields, `children` and `adults_present` not given keep their current values."""
    contact = Contact.objects.select_for_update().select_related("agency", "family").get(pk=contact.pk)
    family_require_write(professional=by, family=contact.family, purpose="correct a contact")
    _check_amend(contact, by)
    if children is None:
        children = {cc.child_id: {k: getattr(cc, k) for k in OBSERVATIONS} for cc in contact.children.all()}
    if adults_present is None:
        adults_present = list(contact.adults_present.values_list("pk", flat=True))
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown contact fields: {sorted(unknown)}")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why you are correcting this contact")})
    values = {f: fields.get(f, getattr(contact, f)) for f in CONTACT_FIELDS}
    for text_field in ("purpose", "child_impact", "others_present", "non_cooperation_reasons", "areas_not_achieved",
                       "note", "family_account"):
        values[text_field] = (values[text_field] or "").strip()
    values["planned"] = bool(values["planned"])
    values, seen_by_child, adults = _clean(family=contact.family, values=values, children=children,
                                           adults_present=adults_present, now=timezone.now(),
                                           recorded_at=contact.recorded_at)
    before = contact_snapshot(contact)
    values["significant"] = _significant(values)
    config = EngagementSettings.current()
    for field, value in values.items():
        setattr(contact, field, value)
    contact.defaulted = _defaulted(contact.outcome, config)
    contact.recorded_late = contact.recorded_at - contact.occurred_at > timedelta(hours=config.late_entry_hours)
    ContactChild.objects.filter(contact=contact).delete()
    _write_children(contact, seen_by_child)
    contact.adults_present.set(adults)
    after = contact_snapshot(contact)
    changed = sorted(k for k in after if after[k] != before[k])
    if not changed:
        raise ValidationError({"reason": _("You have not changed anything in the contact")})
    ContactRevision.objects.create(contact=contact, version=contact.version, data=before, replaced_by=by,
                                   reason=reason)
    contact.version += 1
    contact.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=contact, family=contact.family, reason=reason,
                 summary=Text(gettext_noop("Corrected a contact (now version %(n)s): %(fields)s")) % {
                     "n": contact.version, "fields": Joined(changed)})
    chronology_update_for_source(
        source=contact, occurred_at=contact.occurred_at, summary=_summary(contact, seen_by_child),
        significant=contact.significant, tags=_tags(contact), people=[*seen_by_child, *adults],
    )
    family_evaluate(family=contact.family)
    return contact


@transaction.atomic
def contact_enter_in_error(*, contact: Contact, by: Professional, reason: str) -> Contact:
    """A contact is never deleted: it is marked as entered in error, with who and why, and stops counting."""
    contact = Contact.objects.select_for_update().select_related("agency", "family").get(pk=contact.pk)
    family_require_write(professional=by, family=contact.family, purpose="mark a contact entered in error")
    _check_amend(contact, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why this contact was entered in error")})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError({"reason": _("This must be %(n)s characters or fewer") % {"n": TEXT_LIMIT}})
    contact.entered_in_error = True
    contact.entered_in_error_reason = reason
    contact.entered_in_error_at = timezone.now()
    contact.entered_in_error_by = by
    contact.save(update_fields=["entered_in_error", "entered_in_error_reason", "entered_in_error_at",
                                "entered_in_error_by"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=contact, family=contact.family, reason=reason,
                 summary=Text(gettext_noop("Marked a contact as entered in error")))
    seen_by_child = {cc.child: ChildSeen.of({k: getattr(cc, k) for k in OBSERVATIONS})
                     for cc in contact.children.select_related("child")}
    chronology_update_for_source(
        source=contact, occurred_at=contact.occurred_at, significant=False, tags=_tags(contact),
        summary=Text(gettext_noop("Entered in error (%(reason)s): %(summary)s")) % {
            "reason": reason[:150], "summary": _summary(contact, seen_by_child)},
    )
    family_evaluate(family=contact.family)
    return contact


@transaction.atomic
def contact_follow_up_record(*, contact: Contact, by: Professional, text: str) -> ContactFollowUp:
    """What was done about a defaulted visit or appointment (ENG-6): staff of the recording agency add it."""
    family_require_write(professional=by, family=contact.family, purpose="follow up a contact")
    if by.agency_id != contact.agency_id:
        raise PermissionDenied(_("Only staff of the agency that recorded the contact can record its follow-up."))
    text = (text or "").strip()
    if not contact.defaulted:
        raise ValidationError({"text": _("Only a defaulted visit or appointment has a follow-up")})
    if contact.entered_in_error:
        raise ValidationError({"text": _("This contact was marked as entered in error")})
    if not text:
        raise ValidationError({"text": _("Enter what was done to follow up the contact")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError({"text": _("This must be %(n)s characters or fewer") % {"n": TEXT_LIMIT}})
    follow_up = ContactFollowUp.objects.create(contact=contact, text=text, by=by)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=contact, family=contact.family,
                 summary=Text(gettext_noop("Recorded the follow-up of a defaulted contact")))
    return follow_up


@transaction.atomic
def engagement_settings_update(*, by: Professional, defaulted_outcomes: Iterable[str],
                               late_entry_hours: int) -> EngagementSettings:
    """Administrators set which outcomes count as defaulted (ENG-6) and when a record is a late entry. Audited;
    applies to contacts recorded from now on. (When a child not seen stands out is ESC-8's setting, on the Rule
    settings page: one setting, in one place.)"""
    if not by.is_administrator:
        raise PermissionDenied(_("Only administrators change the engagement settings."))
    outcomes = sorted({str(o) for o in defaulted_outcomes})
    errors = {}
    if any(o not in Outcome.values for o in outcomes):
        errors["defaulted_outcomes"] = _("Select outcomes from the list")
    elif any(o in ACHIEVED_OUTCOMES for o in outcomes):
        errors["defaulted_outcomes"] = _("A contact where the family was seen cannot count as defaulted")
    for field, value, top in (("late_entry_hours", late_entry_hours, 24 * 14),):
        if not isinstance(value, int) or not 1 <= value <= top:
            errors[field] = _("Enter a whole number from 1 to %(n)s") % {"n": top}
    if errors:
        raise ValidationError(errors)
    config = EngagementSettings.objects.select_for_update().get_or_create(pk=1)[0]
    before = {"defaulted_outcomes": sorted(config.defaulted_outcomes), "late_entry_hours": config.late_entry_hours}
    after = {"defaulted_outcomes": outcomes, "late_entry_hours": late_entry_hours}
    if before == after:
        return config
    for field, value in after.items():
        setattr(config, field, value)
    config.updated_by = by
    config.save()
    changes = "; ".join(f"{k}: {before[k]} -> {after[k]}" for k in after if before[k] != after[k])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=config,
                 summary=Text(gettext_noop("Changed engagement settings: %(changes)s")) % {"changes": changes[:250]},
                 reason=changes)
    return config


@dataclass(frozen=True)
class Requirement:
    """What is required of whom by when, in an end-of-contact summary (ENG-5)."""

    who: str
    what: str
    by: date


@transaction.atomic
def parent_letter_create(*, contact: Contact, by: Professional, addressee: Person, language: str,
                         plain_language: bool, purpose: str, what_was_done: str,
                         requirements: Iterable[Requirement] = ()) -> ParentLetter:
    """The end-of-contact summary for a parent (ENG-5, 004 §4.2), kept as given to them."""
    family_require_write(professional=by, family=contact.family, purpose="write a summary for a parent")
    errors: dict[str, str] = {}
    if contact.entered_in_error:
        raise ValidationError(_("This contact was marked as entered in error: no summary can be written from it"))
    if addressee is None or addressee.family_id != contact.family_id:
        errors["addressee"] = _("Select a parent or carer in this family")
    elif addressee.is_child:
        errors["addressee"] = _("The summary is for a parent or carer, not a child")
    if language not in ("en", "cy"):
        errors["language"] = _("Select English or Welsh")
    purpose, what_was_done = (purpose or "").strip(), (what_was_done or "").strip()
    if not purpose:
        errors["purpose"] = _("Enter why you met or contacted them")
    if not what_was_done:
        errors["what_was_done"] = _("Enter what was done")
    for field, value in (("purpose", purpose), ("what_was_done", what_was_done)):
        if len(value) > 2000:
            errors[field] = _("This must be 2000 characters or fewer")
    today = timezone.localdate()
    rows = []
    for i, r in enumerate(requirements, start=1):
        if not (r.who or "").strip() or not (r.what or "").strip() or r.by is None:
            errors[f"who_{i}"] = _("Enter who, what and by when for each thing that is required")
        elif r.by < today:
            errors[f"by_{i}"] = _("The date something is required by must be today or in the future")
        else:
            rows.append({"who": r.who.strip()[:200], "what": r.what.strip()[:1000], "by": r.by.isoformat()})
    if errors:
        raise ValidationError(errors)
    letter = ParentLetter.objects.create(
        contact=contact, family_id=contact.family_id, addressee=addressee, language=language,
        plain_language=bool(plain_language), purpose=purpose, what_was_done=what_was_done, requirements=rows,
        created_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=letter, family=contact.family,
                 summary=Text(gettext_noop("Wrote an end-of-contact summary for a parent")))
    chronology_record(
        family=contact.family, kind=EntryKind.CONTACT, occurred_at=letter.created_at, by=by, source=letter,
        tags=["summary_letter"], people=[addressee],
        summary=Text(gettext_noop("End-of-contact summary of the %(kind)s on %(date)s given to %(name)s")) % {
            "kind": Lowercase(choice_label(contact, "kind")), "name": addressee,
            "date": timezone.localdate(contact.occurred_at)},
    )
    return letter
