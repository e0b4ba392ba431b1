"""Closing escalations, and the engine's other writes. Escalations are raised only by the engine (`engine.py`,
from the rules' outcomes); other capabilities call `escalations_close_by_key` inside their own transaction, so that
a change and the escalation it closes commit together (issue 4)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Lowercase, Names, Text, choice_label, text_store
from doorstep.core.access import family_require_write
from doorstep.families.models import ChildStatus, Family, Involvement, Person
from doorstep.core.access import family_may_write
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from .models import (
    ACTIVE_STATES,
    ClosureStep,
    ClosureStepKind,
    Escalation,
    EscalationEvent,
    EscalationState,
    FamilyCheck,
    NonComplianceFinding,
    RuleSetting,
    RuleSettingChange,
)
from .rules import RULES


def notify_in_languages(*, recipients: Iterable, escalation: Escalation, kind, message: str,
                         translations: Mapping[str, str], mandatory: bool, dedupe_key: str) -> None:
    """The in-app message is the title in every language the rule gave it in, shown in the reader's (issue 14;
    e-mails carry no message)."""
    names = Names({settings.LANGUAGE_CODE: message, **{lang: t for lang, t in translations.items() if t}})
    notify(recipients=[p for p in recipients if p is not None], kind=kind, family=escalation.family,
           mandatory=mandatory, message=ESCALATION_NOTICE % {"title": names}, link=f"/escalations/{escalation.pk}/",
           dedupe_key=dedupe_key)


def escalation_can_act(escalation: Escalation, professional) -> bool:
    """The owner, the person it was escalated to, the owner's line manager and managers of the owner's agency
    (ORG-3) may acknowledge, complete or cancel an action; on a family's action, only while they may change the
    family's record (emergency access is read-only, issue 13)."""
    if not getattr(professional, "is_authenticated", False) or not professional.works_with_families:
        return False
    owner = escalation.owner
    if not (
        professional.pk in (escalation.owner_id, escalation.overdue_escalated_to_id, owner.line_manager_id)
        or (professional.is_manager and professional.agency_id == owner.agency_id)
    ):
        return False
    return escalation.family_id is None or family_may_write(professional=professional, family_id=escalation.family_id)


def escalation_require_act(escalation: Escalation, professional) -> None:
    """The guard of the pages and endpoints that acknowledge, complete or cancel an action, before any form: closing
    a family's action writes to its chronology, which emergency access never does (issue 13, refusal audited)."""
    if escalation.family is not None:
        family_require_write(professional=professional, family=escalation.family, purpose="act on a tracked action")
    if not escalation_can_act(escalation, professional):
        raise PermissionDenied(_("Only the owner of this action or their manager can change it."))


def _event(escalation: Escalation, *, action: str, by=None, note: "str | Text" = "") -> EscalationEvent:
    """A line of the escalation's history; a note Doorstep writes is a `Text`, shown in the reader's language."""
    note, note_text = text_store(note)
    return EscalationEvent.objects.create(escalation=escalation, by=by, action=action, note=note, note_text=note_text)


# The sentences of an action's history and chronology; the generated region (scale/steps.py) writes the same ones.
ESCALATED_TO = Text(gettext_noop("Escalated to %(manager)s"))
ESCALATION_RAISED = Text("%(rule)s: %(title)s")  # the title in the languages the rule gave it in
ESCALATION_CLOSED = Text("%(rule)s %(state)s: %(note)s")
ESCALATION_NOTICE = Text("%(title)s")

# What the audit says when an action is closed, by how it was closed.
_CLOSED = {
    "done": Text(gettext_noop("Done %(rule)s")),
    "cancelled": Text(gettext_noop("Cancelled %(rule)s")),
    "resolved": Text(gettext_noop("Resolved %(rule)s")),
}


def _close(escalation: Escalation, *, by, state: EscalationState, note: "str | Text", action: str) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if not escalation.is_active:
        raise ValidationError({"outcome": _("This action is already closed")})
    plain, stored = text_store(note)
    escalation.state = state
    escalation.outcome, escalation.outcome_text = plain, stored
    escalation.closed_at = timezone.now()
    escalation.closed_by = by
    escalation.save(update_fields=["state", "outcome", "outcome_text", "closed_at", "closed_by", "updated_at"])
    _event(escalation, by=by, action=action, note=note)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=escalation, family=escalation.family,
                 summary=_CLOSED[action] % {"rule": escalation.rule_id}, reason=note)
    if escalation.family is not None:
        chronology_record(
            family=escalation.family, kind=EntryKind.ESCALATION, occurred_at=escalation.closed_at, by=by,
            agency=getattr(by, "agency", None) or escalation.owner.agency, source=escalation,
            summary=ESCALATION_CLOSED % {
                "rule": escalation.rule_id, "state": Lowercase(choice_label(escalation, "state")),
                "note": note or escalation.title_names},
        )
    return escalation


# Who may close an action is the caller's decision: the pages and the API let the owner and their managers
# (`escalation_can_act`); other capabilities close the actions their own records discharge (the meeting ESC-1 asked
# for, held and recorded by its chair, whoever owned the action).

@transaction.atomic
def escalation_complete(*, escalation: Escalation, by, outcome: "str | Text") -> Escalation:
    if isinstance(outcome, str):
        outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": _("Enter what was done")})
    return _close(escalation, by=by, state=EscalationState.DONE, note=outcome, action="done")


@transaction.atomic
def escalation_cancel(*, escalation: Escalation, by, reason: "str | Text") -> Escalation:
    if isinstance(reason, str):
        reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Enter why the action is cancelled")})
    return _close(escalation, by=by, state=EscalationState.CANCELLED, note=reason, action="cancelled")


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by) -> Escalation:
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if not escalation_can_act(escalation, by):
        raise PermissionDenied(_("Only the owner or their manager can acknowledge this action."))
    if not escalation.is_active:
        raise ValidationError({"outcome": _("This action is already closed")})
    if escalation.state == EscalationState.OPEN:
        escalation.state = EscalationState.ACKNOWLEDGED
        escalation.save(update_fields=["state", "updated_at"])
        _event(escalation, by=by, action="acknowledged")
        audit_record(actor=by, action=AuditAction.UPDATE, obj=escalation, family=escalation.family,
                     summary=Text(gettext_noop("Acknowledged %(rule)s")) % {"rule": escalation.rule_id})
    return escalation


def escalations_close_by_key(*, key: str, by, outcome: "str | Text") -> int:
    """Close the active escalation for `key`, if any, as done (e.g. the meeting ESC-1 asked for was held)."""
    closed = 0
    for escalation in Escalation.objects.filter(key=key, state__in=ACTIVE_STATES):
        _close(escalation, by=by, state=EscalationState.DONE, note=outcome, action="done")
        closed += 1
    return closed


def escalation_resolve(*, key: str, outcome: "str | Text") -> int:
    """The engine closes an action whose facts no longer hold (e.g. the child not seen has been seen)."""
    closed = 0
    for escalation in Escalation.objects.filter(key=key, state__in=ACTIVE_STATES):
        _close(escalation, by=None, state=EscalationState.DONE, note=outcome, action="resolved")
        closed += 1
    return closed


# --- Overdue: escalate to the owner's manager once (ORG-3) ------------------------------------------------------

def _manager_for(owner: Professional) -> Professional | None:
    if owner.line_manager_id and owner.line_manager.is_active:
        return owner.line_manager
    if owner.agency_id is None:
        return None
    return (Professional.objects.filter(agency_id=owner.agency_id, role=Role.MANAGER, is_active=True)
            .exclude(pk=owner.pk).order_by("-is_duty_manager", "id").first())


def escalation_escalate_overdue(*, escalation: Escalation, now: datetime) -> Escalation:
    """Call inside a transaction holding the row's lock: tell the owner's line manager, once."""
    if escalation.overdue_escalated_at is not None or not escalation.is_active:
        return escalation
    owner = escalation.owner
    manager = _manager_for(owner)
    escalation.overdue_escalated_at = now
    escalation.overdue_escalated_to = manager
    escalation.save(update_fields=["overdue_escalated_at", "overdue_escalated_to", "updated_at"])
    _event(escalation, action="overdue", note=ESCALATED_TO % {"manager": manager}
           if manager else Text(gettext_noop("No manager to escalate to")))
    audit_record(actor=None, action=AuditAction.UPDATE, obj=escalation, family=escalation.family,
                 summary=(Text(gettext_noop("Overdue %(rule)s: escalated to %(manager)s")) if manager
                          else Text(gettext_noop("Overdue %(rule)s: escalated to nobody"))) % {
                     "rule": escalation.rule_id, "manager": str(manager or "")})
    if escalation.family is not None:
        chronology_record(
            family=escalation.family, kind=EntryKind.ESCALATION, occurred_at=now, agency=owner.agency,
            source=escalation, significant=True,
            summary=(Text(gettext_noop("%(rule)s overdue: %(title)s (owner %(owner)s, escalated to %(manager)s)"))
                     if manager else Text(gettext_noop("%(rule)s overdue: %(title)s (owner %(owner)s)"))) % {
                "rule": escalation.rule_id, "title": escalation.title_names, "owner": owner, "manager": manager},
        )
    titles = {lang: t.get("title", "") for lang, t in escalation.translations.items()}
    notify_in_languages(
        recipients=[manager, owner], escalation=escalation, kind=NotificationKind.ACTION_OVERDUE,
        message=escalation.title, translations=titles, mandatory=False,
        dedupe_key=f"escalation:{escalation.pk}:overdue",
    )
    return escalation


# --- Rule settings (ESC-12), per partnership (issue 21) -----------------------------------------------------------

@dataclass(frozen=True)
class RuleContext:
    """What the engine needs of a family's partnership: its rules' (enabled, parameters), the nation whose bank
    holidays count its deadlines, and the preset whose clauses its actions cite."""

    partnership_id: int | None
    nation: str
    preset: str
    settings: dict[str, tuple[bool, dict]]


def _rows(partnership):
    """The partnership's rule settings; the deployment's default partnership when none is named."""
    rows = RuleSetting.objects.all()
    if partnership is None:
        return rows.filter(partnership__is_default=True)
    return rows.filter(partnership_id=getattr(partnership, "pk", partnership))


def _merged(stored: Mapping[str, RuleSetting]) -> dict[str, tuple[bool, dict]]:
    from .rules import settings_merge

    result = {}
    for rule_id, definition in RULES.items():
        row = stored.get(rule_id)
        result[rule_id] = (_enabled(definition, row), settings_merge(definition, row.parameters if row else None))
    return result


def rule_settings_all(partnership=None) -> dict[str, tuple[bool, dict]]:
    """Every rule's (enabled, parameters) in the partnership (a Partnership or its id; None: the deployment's
    default), defaults merged with its settings, in one query."""
    return _merged({s.rule_id: s for s in _rows(partnership)})


class PartnershipRuleSettings(dict):
    """Every rule's (enabled, parameters) keyed by partnership id, for a list over many families (issue 21: each
    family follows its own partnership's settings). A partnership with nothing stored reads the rules' defaults."""

    def __init__(self, by_partnership: Mapping[int, dict], fallback: dict):
        super().__init__(by_partnership)
        self.fallback = fallback

    def __missing__(self, partnership_id):
        return self.fallback


def rule_settings_by_partnership(partnership_ids: Iterable[int] | None = None,
                                 rule_ids: Iterable[str] | None = None) -> PartnershipRuleSettings:
    """The rule settings of many partnerships at once (None: every partnership), in one query, never one query per
    family (issue 21). `rule_ids` narrows the rows read; the others keep their defaults."""
    rows = RuleSetting.objects.all()
    if partnership_ids is not None:
        rows = rows.filter(partnership_id__in=set(partnership_ids))
    if rule_ids is not None:
        rows = rows.filter(rule_id__in=set(rule_ids))
    stored: dict[int, dict[str, RuleSetting]] = {}
    for setting in rows:
        stored.setdefault(setting.partnership_id, {})[setting.rule_id] = setting
    return PartnershipRuleSettings({pk: _merged(s) for pk, s in stored.items()}, _merged({}))


def rule_context(partnership_id: int | None) -> RuleContext:
    """The family's partnership as the engine reads it: its settings, nation and preset, in one query (two when it
    has no settings stored)."""
    from doorstep.partnerships.models import Partnership
    from doorstep.partnerships.presets import ALL_FIVE

    rows = list(_rows(partnership_id).select_related("partnership"))
    partnership = rows[0].partnership if rows else (
        Partnership.objects.filter(**({"pk": partnership_id} if partnership_id else {"is_default": True}))
        .only("id", "nation", "preset").first())
    if partnership is None:
        return RuleContext(None, settings.DOORSTEP_NATION, ALL_FIVE, _merged({}))
    return RuleContext(partnership.pk, partnership.nation, partnership.preset, _merged({s.rule_id: s for s in rows}))


def _enabled(definition, row: RuleSetting | None) -> bool:
    # A rule that is always on stays on even if a row from before says otherwise.
    return definition.always_on or row is None or row.enabled


def rule_settings(rule_id: str, partnership=None) -> tuple[bool, dict]:
    """One rule's (enabled, parameters) in the partnership (None: the deployment's default), for other
    capabilities' rules registered in rules.RULES."""
    from .rules import settings_merge

    row = _rows(partnership).filter(rule_id=rule_id).first()
    return (_enabled(RULES[rule_id], row), settings_merge(RULES[rule_id], row.parameters if row else None))


def rule_setting_values(*, rule_id: str, enabled: bool, parameters: Mapping[str, int]) -> dict[str, int]:
    """The settings checked against the rule's allowed ranges (ESC-12): ValidationError naming each field that is
    outside its range."""
    definition = RULES.get(rule_id)
    if definition is None:
        raise ValidationError({"rule_id": _("There is no rule %(rule)s") % {"rule": rule_id}})
    if definition.always_on and not enabled:
        raise ValidationError({"enabled": _("%(rule)s keeps people safe and cannot be switched off: you can change "
                                             "its timescales") % {"rule": rule_id}})
    errors = {}
    values = {}
    for p in definition.parameters:
        value = parameters.get(p.name)
        if not isinstance(value, int) or isinstance(value, bool):
            errors[p.name] = _("Enter a whole number")
        elif not p.minimum <= value <= p.maximum:
            errors[p.name] = _("Enter a number from %(min)s to %(max)s") % {"min": p.minimum, "max": p.maximum}
        else:
            values[p.name] = value
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def rule_settings_update(*, rule_id: str, by, enabled: bool, parameters: Mapping[str, int], reason: str,
                         partnership=None) -> RuleSetting:
    """An administrator changes a rule's thresholds and timescales in a partnership (ESC-12; None: the deployment's
    default partnership). Audited; open escalations keep the settings they were raised with, so the change applies
    to new escalations only."""
    from doorstep.partnerships.selectors import partnership_may_manage
    from doorstep.partnerships.services import partnership_default

    if not getattr(by, "is_administrator", False):
        raise PermissionDenied(_("Only administrators change the rules' settings."))
    partnership = partnership or partnership_default()
    if not partnership_may_manage(professional=by, partnership=partnership):
        raise PermissionDenied(_("Only this partnership's administrators change its rules' settings."))
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the settings are changing")})
    values = rule_setting_values(rule_id=rule_id, enabled=enabled, parameters=parameters)
    before_enabled, before_params = rule_settings(rule_id, partnership)
    setting, _created = RuleSetting.objects.select_for_update().get_or_create(partnership=partnership, rule_id=rule_id)
    setting.enabled = enabled
    setting.parameters = values
    setting.updated_by = by
    setting.save()
    before = {"enabled": before_enabled, **before_params}
    after = {"enabled": enabled, **values}
    RuleSettingChange.objects.create(partnership=partnership, rule_id=rule_id, changed_by=by, before=before,
                                     after=after, reason=reason.strip())
    changed = ", ".join(f"{k} {before.get(k)} -> {v}" for k, v in after.items() if before.get(k) != v) or "no change"
    audit_record(actor=by, action=AuditAction.UPDATE, obj=setting,
                 summary=Text(gettext_noop("Rule settings %(rule)s: %(changes)s")) % {
                     "rule": rule_id, "changes": changed},
                 reason=reason.strip())
    # New thresholds may make families due now: look at the partnership's families again soon (the sweep spreads
    # the work).
    FamilyCheck.objects.filter(due_at__gt=timezone.now(), family__partnership=partnership).update(
        due_at=timezone.now())
    return setting


# --- ESC-2: evidence of non-compliance --------------------------------------------------------------------------

@transaction.atomic
def non_compliance_record(*, family: Family, by, evidence: str, concerns: str,
                          identified_on: date) -> NonComplianceFinding:
    """Record evidence of non-compliance while concerns remain (003 §7.9); the engine raises ESC-2 in the same
    transaction: a multi-agency meeting within 7 working days, or the core group within 3 if a child is on a child
    protection plan."""
    from .evaluate import family_evaluate

    family_require_write(professional=by, family=family, purpose="record evidence of non-compliance")
    errors = {}
    if not evidence.strip():
        errors["evidence"] = _("Enter the evidence of non-compliance")
    if not concerns.strip():
        errors["concerns"] = _("Enter the concerns that remain for the children")
    today = timezone.localdate()
    if identified_on > today:
        errors["identified_on"] = _("The date the evidence was identified must be today or in the past")
    elif identified_on < today - timedelta(days=366):
        errors["identified_on"] = _("The date the evidence was identified must be within the last year")
    if errors:
        raise ValidationError(errors)
    cp_plan = Person.objects.filter(family=family, child_status=ChildStatus.CHILD_PROTECTION).exists()
    finding = NonComplianceFinding.objects.create(
        family=family, identified_on=identified_on, evidence=evidence.strip(), concerns=concerns.strip(),
        child_protection_plan=cp_plan, recorded_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=finding, family=family,
                 summary=Text(gettext_noop("Recorded evidence of non-compliance")))
    chronology_record(
        family=family, kind=EntryKind.DECISION, by=by, source=finding, significant=True,
        occurred_at=timezone.make_aware(datetime.combine(identified_on, datetime.min.time())),
        summary=Text(gettext_noop("Evidence of non-compliance with concerns remaining: %(evidence)s")) % {"evidence": evidence.strip()},
    )
    family_evaluate(family=family)
    return finding


# --- ESC-6: consultations and meetings before an involvement ends ------------------------------------------------

@transaction.atomic
def closure_step_record(*, involvement: Involvement, by, kind: str, held_on: date, note: str, agency=None,
                        person: str = "") -> ClosureStep:
    """Record a consultation with another agency, or a meeting held, before an agency ends its involvement while
    access is difficult (ESC-6, 001 §5.1.19)."""
    family_require_write(professional=by, family=involvement.family, purpose="record a step before ending")
    errors = {}
    if involvement.ended_on is not None:
        errors["kind"] = _("This involvement has already ended")
    if kind not in ClosureStepKind.values:
        errors["kind"] = _("Select what was done")
    if kind == ClosureStepKind.CONSULTATION:
        if agency is None:
            errors["agency"] = _("Select the agency consulted")
        elif agency.pk == involvement.agency_id or not Involvement.objects.filter(
                family_id=involvement.family_id, agency=agency, ended_on__isnull=True).exists():
            errors["agency"] = _("Select another agency involved with the family")
    elif agency is not None:
        agency = None
    if held_on > timezone.localdate():
        errors["held_on"] = _("The date must be today or in the past")
    if not note.strip():
        errors["note"] = _("Enter what was agreed")
    if errors:
        raise ValidationError(errors)
    step = ClosureStep.objects.create(
        involvement=involvement, family_id=involvement.family_id, kind=kind, agency=agency, person=person.strip(),
        held_on=held_on, note=note.strip(), recorded_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=step, family=involvement.family,
                 summary=Text(gettext_noop("Before ending %(agency)s's involvement: %(kind)s")) % {
                     "agency": involvement.agency.name_text, "kind": ClosureStepKind(kind).label})
    if kind == ClosureStepKind.CONSULTATION:
        summary = Text(gettext_noop("Before %(ending)s ends its involvement, %(agency)s was consulted: %(note)s")) % {
            "ending": involvement.agency.name_text, "agency": agency.name_text, "note": note.strip()}
    else:
        summary = Text(gettext_noop("Before %(ending)s ends its involvement, a multi-agency meeting was held: %(note)s")) % {
            "ending": involvement.agency.name_text, "note": note.strip()}
    chronology_record(family=involvement.family, kind=EntryKind.INVOLVEMENT, by=by, source=step, summary=summary,
                      occurred_at=timezone.make_aware(datetime.combine(held_on, datetime.min.time())))
    return step
