"""Writes to warning markers (FLG-1, FLG-2). Each is one transaction with its audit row, history event, chronology
entry, escalations and notifications."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Text, choice_label
from doorstep.core.access import family_require_write
from doorstep.escalations.engine import rule_apply
from doorstep.escalations.services import escalations_close_by_key
from doorstep.families.models import Address, Family, FamilyAddress, Involvement, Person
from doorstep.incidents.models import Incident
from doorstep.incidents.selectors import managers_of
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import rules
from .models import MarkerCategory, MarkerEvent, MarkerStatus, WarningMarker
from .selectors import may_authorise, may_end, may_review

# A marker is reviewed at least yearly. When its authorisation and review actions fall due is rule FLG-2's
# (markers/rules.py), with its settings on the Rule settings page (ESC-12).
MAX_REVIEW_DAYS = 366


def authorise_key(marker: WarningMarker) -> str:
    return rules.authorise_key(marker.pk)


def review_key(marker: WarningMarker, review_date: date | None = None) -> str:
    return rules.review_key(marker.pk, review_date or marker.review_date)


def _flg_2_facts(marker: WarningMarker, *, stage: str, owners: list) -> rules.MarkerFacts:
    return rules.MarkerFacts(
        marker_id=marker.pk, stage=stage, family_id=marker.family_id, family_name=marker.family.name_text,
        category_label=MarkerCategory(marker.category).label, nature=marker.nature,
        raised_by_name=str(marker.raised_by), urgent=marker.urgent, today=timezone.localdate(),
        review_date=marker.review_date, owner_ids=tuple(p.pk for p in owners),
    )


def subject_text(marker: WarningMarker) -> str | Text:
    if marker.person_id:
        return str(marker.person)
    return Text(gettext_noop("the address %(address)s")) % {"address": str(marker.address)}


def _d(day: date) -> str:
    return date_format(day)


def _validate_review_date(review_date: date, field: str = "review_date") -> None:
    today = timezone.localdate()
    if review_date <= today:
        raise ValidationError({field: _("The review date must be in the future")})
    if review_date > today + timedelta(days=MAX_REVIEW_DAYS):
        raise ValidationError({field: _("The review date must be within 12 months")})


def _event(marker, by, action, note: str = "") -> None:
    MarkerEvent.objects.create(marker=marker, by=by, action=action, note=note)


@transaction.atomic
def marker_raise(
    *,
    family: Family,
    by: Professional,
    category: str,
    nature: str,
    advice: str,
    source: str,
    review_date: date,
    person: Person | None = None,
    address: Address | None = None,
    urgent: bool = False,
    incident: Incident | None = None,
) -> WarningMarker:
    """Raise a marker on a person or an address (FLG-2). A manager's marker is authorised by them at once; any
    other waits for a manager of the raising agency, and an urgent one is shown meanwhile."""
    family_require_write(professional=by, family=family, purpose="raise a warning marker")
    errors = {}
    if (person is None) == (address is None):
        errors["subject"] = _("Select a person or the address")
    if person is not None and person.family_id != family.pk:
        errors["subject"] = _("Select a person from this family")
    if address is not None and not (
        FamilyAddress.objects.filter(family=family, address=address).exists()
        or (incident is not None and incident.address_id == address.pk)
    ):
        errors["subject"] = _("Select an address this family has lived at")
    if category not in MarkerCategory.values:
        errors["category"] = _("Select the category of risk")
    for field, value, message in (
        ("nature", nature, _("Enter the nature of the risk")),
        ("advice", advice, _("Enter the advice for visitors")),
        ("source", source, _("Enter the source of the information")),
    ):
        if not value.strip():
            errors[field] = message
    if incident is not None and incident.family_id != family.pk:
        errors["incident"] = _("The incident belongs to another family")
    try:
        _validate_review_date(review_date)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    marker = WarningMarker.objects.create(
        family=family, person=person, address=address, category=category, nature=nature.strip(),
        advice=advice.strip(), source=source.strip(), incident=incident, urgent=urgent,
        raised_by=by, raised_agency=by.agency, raised_at=now, review_date=review_date,
        status=MarkerStatus.ACTIVE if by.is_manager else MarkerStatus.AWAITING,
        authorised_by=by if by.is_manager else None, authorised_at=now if by.is_manager else None,
    )
    _event(marker, by, MarkerEvent.Action.RAISED, _("Urgent") if urgent else "")
    if by.is_manager:
        _event(marker, by, MarkerEvent.Action.AUTHORISED, _("Raised by a manager of the agency"))
    audit_record(actor=by, action=AuditAction.CREATE, obj=marker, family=family,
                 summary=Text(gettext_noop("Raised a warning marker")))
    # Until a manager authorises it, a marker that is not urgent stays with the raising agency: it reaches the
    # shared chronology when it is authorised.
    if marker.is_shown:
        state = (Text(gettext_noop("authorised by %(name)s")) % {"name": by} if marker.status == MarkerStatus.ACTIVE
                 else Text(gettext_noop("urgent: shown at once, awaiting authorisation")))
        _chronicle_raised(marker, by=by, state=state, at=now)
    if marker.status == MarkerStatus.AWAITING:
        managers = managers_of(by)
        if managers:
            # Only an urgent marker is on the shared record before it is authorised (its escalation would put it in
            # the family's chronology); any other stays with the raising agency until then.
            rule_apply(rule_id="FLG-2", facts=_flg_2_facts(marker, stage=rules.AUTHORISE, owners=managers),
                       family=family if urgent else None)
    if marker.is_shown:
        _announce(marker)
    return marker


def _chronicle_raised(marker: WarningMarker, *, by, state: Text, at) -> None:
    chronology_record(
        family=marker.family, kind=EntryKind.MARKER, occurred_at=at, by=by, agency=marker.raised_agency,
        source=marker, significant=True, people=[marker.person] if marker.person_id else [],
        tags=["marker", marker.category],
        summary=Text(gettext_noop("Warning marker (%(category)s) raised by %(agency)s on %(subject)s, %(state)s: "
                                  "%(nature)s Advice for visitors: %(advice)s")) % {
            "category": choice_label(marker, "category"), "agency": marker.raised_agency.name_text,
            "subject": subject_text(marker), "state": state, "nature": marker.nature, "advice": marker.advice},
    )


def _announce(marker: WarningMarker) -> None:
    """FLG-2 "notified to other agencies": the lead professionals of every agency involved with the household,
    and, for an address marker, with any other household living there now (without naming the first)."""
    link = reverse("markers:family", args=[marker.family_id])
    leads = [i.lead_professional for i in Involvement.objects.filter(family_id=marker.family_id, ended_on__isnull=True)
             .select_related("lead_professional") if i.lead_professional_id and i.lead_professional_id != marker.raised_by_id]
    notify(recipients=leads, kind=NotificationKind.MARKER, family=marker.family, link=link,
           dedupe_key=f"marker:{marker.pk}:shown",
           message=Text(gettext_noop("A warning marker (%(category)s) is now shown for %(family)s. Advice for visitors: %(advice)s")) % {
               "category": choice_label(marker, "category"), "family": marker.family.name_text, "advice": marker.advice})
    if marker.address_id is None:
        return
    others = (FamilyAddress.objects.filter(address_id=marker.address_id, moved_out__isnull=True)
              .exclude(family_id=marker.family_id).select_related("family"))
    for household in others:
        leads = [i.lead_professional for i in Involvement.objects.filter(family_id=household.family_id,
                                                                         ended_on__isnull=True)
                 .select_related("lead_professional") if i.lead_professional_id]
        notify(recipients=leads, kind=NotificationKind.MARKER, family=household.family,
               link=reverse("markers:family", args=[household.family_id]),
               dedupe_key=f"marker:{marker.pk}:shown:family:{household.family_id}",
               message=Text(gettext_noop("A warning marker is held on the address of %(family)s. Advice for visitors: %(advice)s")) % {
                   "family": household.family.name_text, "advice": marker.advice})


def _locked(marker: WarningMarker) -> WarningMarker:
    return (WarningMarker.objects.select_for_update(of=("self",))
            .select_related("family", "person", "address", "raised_agency").get(pk=marker.pk))


@transaction.atomic
def marker_authorise(*, marker: WarningMarker, by: Professional) -> WarningMarker:
    marker = _locked(marker)
    # Issue 13: emergency access is read-only, even for a manager of the raising agency.
    family_require_write(professional=by, family=marker.family, purpose="authorise a warning marker")
    if not may_authorise(marker=marker, professional=by):
        raise PermissionDenied(_("Only a manager of the raising agency can authorise this marker."))
    marker.status = MarkerStatus.ACTIVE
    marker.authorised_by = by
    marker.authorised_at = timezone.now()
    marker.save(update_fields=["status", "authorised_by", "authorised_at"])
    _event(marker, by, MarkerEvent.Action.AUTHORISED)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=marker, family=marker.family,
                 summary=Text(gettext_noop("Authorised a warning marker")))
    if marker.urgent:  # already in the chronology since it was raised
        chronology_record(
            family=marker.family, kind=EntryKind.MARKER, occurred_at=marker.authorised_at, by=by, source=marker,
            people=[marker.person] if marker.person_id else [],
            summary=Text(gettext_noop("Warning marker (%(category)s) on %(subject)s authorised by %(name)s")) % {
                "category": choice_label(marker, "category"), "subject": subject_text(marker), "name": by},
        )
    else:
        _chronicle_raised(marker, by=by, state=Text(gettext_noop("authorised by %(name)s")) % {"name": by}, at=marker.authorised_at)
    escalations_close_by_key(key=authorise_key(marker), by=by, outcome=_("Authorised"))
    _announce(marker)
    return marker


@transaction.atomic
def marker_decline(*, marker: WarningMarker, by: Professional, reason: str) -> WarningMarker:
    marker = _locked(marker)
    # Issue 13: emergency access is read-only, even for a manager of the raising agency.
    family_require_write(professional=by, family=marker.family, purpose="decline a warning marker")
    if not may_authorise(marker=marker, professional=by):
        raise PermissionDenied(_("Only a manager of the raising agency can decide on this marker."))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the marker is not authorised")})
    was_shown = marker.is_shown
    marker.status = MarkerStatus.DECLINED
    marker.closed_by = by
    marker.closed_at = timezone.now()
    marker.close_reason = reason.strip()
    marker.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    _event(marker, by, MarkerEvent.Action.DECLINED, reason.strip())
    audit_record(actor=by, action=AuditAction.UPDATE, obj=marker, family=marker.family,
                 summary=Text(gettext_noop("Declined a warning marker")), reason=reason.strip())
    if was_shown:  # an urgent marker others have seen: they learn it is withdrawn, and why
        chronology_record(
            family=marker.family, kind=EntryKind.MARKER, occurred_at=marker.closed_at, by=by, source=marker,
            summary=Text(gettext_noop("Urgent warning marker (%(category)s) on %(subject)s not authorised by %(name)s: "
                                      "%(reason)s")) % {
                "category": choice_label(marker, "category"), "subject": subject_text(marker), "name": by,
                "reason": marker.close_reason},
        )
    escalations_close_by_key(key=authorise_key(marker), by=by, outcome=_("Not authorised"))
    return marker


@transaction.atomic
def marker_review(*, marker: WarningMarker, by: Professional, review_date: date, note: str) -> WarningMarker:
    """The marker still stands: a new review date, and why (FLG-2)."""
    marker = _locked(marker)
    # Issue 13: emergency access is read-only, even for a manager of the raising agency.
    family_require_write(professional=by, family=marker.family, purpose="review a warning marker")
    if not may_review(marker=marker, professional=by):
        raise PermissionDenied(_("Only the person who raised the marker or a manager of their agency can review it."))
    if not note.strip():
        raise ValidationError({"note": _("Enter why the marker is still needed")})
    _validate_review_date(review_date)
    old = marker.review_date
    marker.review_date = review_date
    marker.save(update_fields=["review_date"])
    _event(marker, by, MarkerEvent.Action.REVIEWED, note.strip())
    audit_record(actor=by, action=AuditAction.UPDATE, obj=marker, family=marker.family,
                 summary=Text(gettext_noop("Reviewed a warning marker")), reason=note.strip())
    summary = Text(gettext_noop("Warning marker (%(category)s) on %(subject)s reviewed by %(name)s; next review "
                                "%(date)s: %(note)s")) % {
        "category": choice_label(marker, "category"), "subject": subject_text(marker), "name": by,
        "date": review_date, "note": note.strip()}
    chronology_record(family=marker.family, kind=EntryKind.MARKER, occurred_at=timezone.now(), by=by, source=marker,
                      people=[marker.person] if marker.person_id else [], summary=summary)
    escalations_close_by_key(key=review_key(marker, old), by=by, outcome=_("Reviewed: next review %(date)s") % {
        "date": _d(review_date)})
    return marker


@transaction.atomic
def marker_end(*, marker: WarningMarker, by: Professional, reason: str) -> WarningMarker:
    """End a marker: a reason is required, and the marker stays in the history (FLG-2)."""
    marker = _locked(marker)
    # Issue 13: emergency access is read-only, even for a manager of the raising agency.
    family_require_write(professional=by, family=marker.family, purpose="end a warning marker")
    if not may_end(marker=marker, professional=by):
        raise PermissionDenied(_("Only a manager of the raising agency can end this marker."))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the marker is ending")})
    marker.status = MarkerStatus.ENDED
    marker.closed_by = by
    marker.closed_at = timezone.now()
    marker.close_reason = reason.strip()
    marker.save(update_fields=["status", "closed_by", "closed_at", "close_reason"])
    _event(marker, by, MarkerEvent.Action.ENDED, reason.strip())
    audit_record(actor=by, action=AuditAction.UPDATE, obj=marker, family=marker.family,
                 summary=Text(gettext_noop("Ended a warning marker")), reason=reason.strip())
    chronology_record(
        family=marker.family, kind=EntryKind.MARKER, occurred_at=marker.closed_at, by=by, source=marker,
        significant=True, people=[marker.person] if marker.person_id else [],
        summary=Text(gettext_noop("Warning marker (%(category)s) on %(subject)s ended by %(name)s: %(reason)s")) % {
            "category": choice_label(marker, "category"), "subject": subject_text(marker), "name": by,
            "reason": marker.close_reason},
    )
    outcome = _("The marker ended: %(reason)s") % {"reason": marker.close_reason}
    escalations_close_by_key(key=authorise_key(marker), by=by, outcome=outcome)
    escalations_close_by_key(key=review_key(marker), by=by, outcome=outcome)
    return marker


def review_owner(marker: WarningMarker) -> Professional:
    """Who reviews: the manager who authorised it while they remain a manager of the agency; else the raiser's
    manager; else the raiser."""
    authoriser = marker.authorised_by
    if (authoriser is not None and authoriser.is_active and authoriser.is_manager
            and authoriser.agency_id == marker.raised_agency_id):
        return authoriser
    managers = managers_of(marker.raised_by)
    return managers[0] if managers else marker.raised_by


def marker_raise_review_action(*, marker: WarningMarker) -> bool:
    """Raise the review action for the marker's current review date (the sweep calls this; idempotent)."""
    rule_apply(rule_id="FLG-2", facts=_flg_2_facts(marker, stage=rules.REVIEW, owners=[review_owner(marker)]),
               family=marker.family)
    WarningMarker.objects.filter(pk=marker.pk).update(review_action_for=marker.review_date)
    return True
