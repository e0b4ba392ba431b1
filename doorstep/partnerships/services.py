"""Writes of partnerships (issue 21): creating one (a deployment administrator), changing its protocol preset (with a
reason, audited, ESC-12), and choosing a new family's partnership. Each writes its audit row in its transaction."""

import re
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text, text_store

from .models import DEFAULT_NAME, DEFAULT_NAME_CY, FamilyTransfer, Nation, Partnership, PresetChange
from .presets import ALL_FIVE, PRESETS
from .selectors import (
    family_transfer_may, family_transfer_may_open, is_deployment_administrator, partnership_may_manage, partnerships_of_agency,
)

# The audit row of a partnership's creation (also written by the generated region, partnerships/generation.py).
PARTNERSHIP_CREATED = Text(gettext_noop("Created the partnership %(name)s (%(preset)s)"))


def preset_apply(*, partnership: Partnership, by: Professional | None) -> None:
    """Write the partnership's rule settings from its preset: every rule on or off, with the protocol's thresholds
    and timescales (an administrator's earlier changes give way; their history stays)."""
    from doorstep.escalations.models import FamilyCheck, RuleSetting
    from doorstep.escalations.rules import RULES

    preset = PRESETS[partnership.preset]
    stored = {s.rule_id: s for s in RuleSetting.objects.select_for_update().filter(partnership=partnership)}
    new = []
    for rule_id in RULES:
        state = preset.rule_state(rule_id)
        row = stored.get(rule_id)
        if row is None:
            new.append(RuleSetting(partnership=partnership, rule_id=rule_id, enabled=state.enabled,
                                   parameters=dict(state.parameters), updated_by=by))
        elif row.enabled != state.enabled or row.parameters != dict(state.parameters):
            row.enabled, row.parameters, row.updated_by = state.enabled, dict(state.parameters), by
            row.save()
    RuleSetting.objects.bulk_create(new)
    FamilyCheck.objects.filter(due_at__gt=timezone.now(), family__partnership=partnership).update(
        due_at=timezone.now())


def partnership_default() -> Partnership:
    """The deployment's default partnership, made from its settings (DOORSTEP_NATION, all five protocols) if there is
    none yet (the data migration makes it; a test database emptied between tests may not have it)."""
    partnership = Partnership.objects.filter(is_default=True).first()
    if partnership is not None:
        return partnership
    with transaction.atomic():
        partnership, created = Partnership.objects.get_or_create(
            is_default=True, defaults={"name": DEFAULT_NAME, "name_cy": DEFAULT_NAME_CY,
                                       "nation": settings.DOORSTEP_NATION, "preset": ALL_FIVE})
        if created:
            preset_apply(partnership=partnership, by=None)
    return partnership


def _validate(*, name: str, nation: str, preset: str, board_chairs: Iterable[Professional],
              administrators: Iterable[Professional], analysts: Iterable[Professional] = (),
              exclude_pk: int | None = None) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the partnership's name")
    elif Partnership.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        errors["name"] = _("There is already a partnership with this name")
    if nation not in Nation.values:
        errors["nation"] = _("Select the nation whose bank holidays the partnership keeps")
    if preset not in PRESETS:
        errors["preset"] = _("Select the protocol the partnership starts from")
    if any(p.role != Role.BOARD_CHAIR for p in board_chairs):
        errors["board_chairs"] = _("A partnership's Board chair must have the Board chair role")
    if any(p.role != Role.ANALYST for p in analysts):
        errors["analysts"] = _("A partnership's analyst must have the partnership analyst role")
    if any(p.role != Role.ADMINISTRATOR for p in administrators):
        errors["administrators"] = _("A partnership's administrator must have the administrator role")
    return errors


def _lists_seed(*, partnership: Partnership, by: Professional) -> None:
    """Issue 21: a new partnership starts with Doorstep's default case-file audit questions and recording-check list,
    its own to change."""
    from doorstep.oversight.services import audit_questions_seed
    from doorstep.recording.services import recording_terms_seed

    audit_questions_seed(partnership)
    recording_terms_seed(partnership=partnership, by=by)


@transaction.atomic
def partnership_create(*, by: Professional, name: str, name_cy: str = "", nation: str, preset: str,
                       agencies: Iterable = (), board_chairs: Iterable[Professional] = (),
                       analysts: Iterable[Professional] = (),
                       administrators: Iterable[Professional] = ()) -> Partnership:
    """A deployment administrator creates a partnership, starting from a protocol preset (issue 21)."""
    if not is_deployment_administrator(by):
        raise PermissionDenied(_("Only the deployment's administrators create partnerships."))
    board_chairs, analysts, administrators = list(board_chairs), list(analysts), list(administrators)
    errors = _validate(name=name, nation=nation, preset=preset, board_chairs=board_chairs, analysts=analysts,
                       administrators=administrators)
    if errors:
        raise ValidationError(errors)
    partnership = Partnership.objects.create(name=name.strip(), name_cy=name_cy.strip(), nation=nation,
                                             preset=preset, created_by=by)
    partnership.agencies.set(list(agencies))
    partnership.board_chairs.set(board_chairs)
    partnership.analysts.set(analysts)  # OVR-2: they read its Board's report
    partnership.administrators.set(administrators)
    preset_apply(partnership=partnership, by=by)
    _lists_seed(partnership=partnership, by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=partnership,
                 summary=PARTNERSHIP_CREATED % {"name": partnership.name_text, "preset": PRESETS[preset].name})
    return partnership


@transaction.atomic
def partnership_preset_change(*, partnership: Partnership, by: Professional, preset: str,
                              reason: str) -> Partnership:
    """A partnership's administrator changes the protocol it runs (ESC-12): the rules, thresholds, timescales and
    clauses of the new preset apply to actions raised from now on; open actions keep theirs."""
    if not partnership_may_manage(professional=by, partnership=partnership):
        raise PermissionDenied(_("Only this partnership's administrators change its protocol."))
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    errors = {}
    if preset not in PRESETS:
        errors["preset"] = _("Select the protocol the partnership runs")
    elif preset == partnership.preset:
        errors["preset"] = _("The partnership already runs this protocol: select another")
    if not reason.strip():
        errors["reason"] = _("Enter why the partnership's protocol is changing")
    if errors:
        raise ValidationError(errors)
    before = partnership.preset
    partnership.preset = preset
    partnership.save(update_fields=["preset", "updated_at"])
    PresetChange.objects.create(partnership=partnership, changed_by=by, before=before, after=preset,
                                reason=reason.strip())
    preset_apply(partnership=partnership, by=by)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=partnership,
                 summary=Text(gettext_noop("Changed the partnership's protocol from %(before)s to %(after)s")) % {
                     "before": PRESETS[before].name, "after": PRESETS[preset].name},
                 reason=reason.strip())
    return partnership


def family_partnership_choose(*, by: Professional, partnership: Partnership | None) -> Partnership:
    """The partnership a new family belongs to (issue 21): one the creating agency works in, chosen automatically
    when it works in only one. An agency not yet in any partnership opens families in the deployment's default."""
    candidates = partnerships_of_agency(by.agency_id)
    if not candidates:
        return partnership or partnership_default()
    if partnership is not None:
        if partnership.pk not in {p.pk for p in candidates}:
            raise ValidationError({"partnership": _("Select a partnership your agency works in")})
        return partnership
    if len(candidates) == 1:
        return candidates[0]
    raise ValidationError({"partnership": _("Select which partnership the family belongs to: every family belongs "
                                            "to exactly one")})


# --- Transfers between partnerships (issue 21) ------------------------------------------------------------------

MERGED_CLAUSE = re.compile(r"^\d{3} §")
# Who may transfer: selectors.family_transfer_may.
TRANSFER_REFUSED = gettext_lazy("Only a manager of an agency involved with the family that works in the new "
                                "partnership, or an administrator of either partnership, transfers a family.")
TRANSFERRED = Text(gettext_noop("Transferred from %(from)s to %(to)s. Open actions moved with the family, re-timed "
                                "to the new partnership's calendar: %(count)s"))
TRANSFER_AUDITED = Text(gettext_noop("Transferred the family from %(from)s to %(to)s"))
ACTION_RETIMED = Text(gettext_noop("Moved with the family from %(from)s to %(to)s: deadline %(before)s, now "
                                   "%(after)s (%(days)s working days from the trigger in the new partnership's "
                                   "calendar)"))


def deadline_retime(*, trigger_date, deadline: datetime, from_nation: str, to_nation: str) -> datetime:
    """An open action's deadline in another nation's calendar (issue 21). The engine counted it as N working days
    from the trigger (day 0) in the old nation, due by the end of the Nth day (core/workingdays.py); the same N
    working days are counted again in the new nation, keeping the time of day. A deadline that does not fall on a
    working day of the old nation was not a working-day count (calendar days, a month) and is kept as it is."""
    from doorstep.core.workingdays import add_working_days, is_working_day, local_date, working_days_between

    old_day = local_date(deadline)
    if from_nation == to_nation or old_day < trigger_date or not is_working_day(old_day, from_nation):
        return deadline
    days = working_days_between(trigger_date, old_day, from_nation)
    new_day = add_working_days(trigger_date, days, to_nation)
    local = timezone.localtime(deadline, timezone.get_default_timezone())
    return timezone.make_aware(datetime.combine(new_day, local.time()), timezone.get_default_timezone())


@transaction.atomic
def family_transfer(*, family, to_partnership: Partnership, by: Professional, reason: str) -> FamilyTransfer:
    """Move a family to another partnership (issue 21): changed only by this recorded transfer, which keeps the
    history. Contacts and chronology are untouched; every open action (ACTIVE_STATES) stays open, moves with the
    family and is re-timed to the new partnership's calendar (deadline_retime), each with an event in its history
    and its clause cited in the new protocol; the chronology says so (significant) and the audit row has the reason.
    The new protocol's rules are not evaluated here: the family's check is made due now, so the next sweep
    (escalations/scheduled.py, minutes away) evaluates them, outside the transfer's transaction."""
    from doorstep.chronology.models import EntryKind
    from doorstep.chronology.services import chronology_record
    from doorstep.core.tasks_support import enqueue_at
    from doorstep.core.workingdays import local_date
    from doorstep.escalations.models import ACTIVE_STATES, Escalation, EscalationEvent, FamilyCheck
    from doorstep.escalations.rules import RULES
    from doorstep.escalations.tasks import overdue_due
    from doorstep.families.models import Family

    family = Family.objects.select_for_update().select_related("partnership").get(pk=family.pk)
    from_partnership = family.partnership
    if not family_transfer_may_open(professional=by, family=family):
        raise PermissionDenied(TRANSFER_REFUSED)
    errors = {}
    if to_partnership is None:
        errors["to_partnership"] = _("Select the partnership the family is transferring to")
    elif to_partnership.pk == from_partnership.pk:
        errors["to_partnership"] = _("The family already belongs to %(name)s: select another partnership") % {
            "name": from_partnership.display_name}
    if not (reason or "").strip():
        errors["reason"] = _("Enter why the family is transferring to another partnership")
    if errors:
        raise ValidationError(errors)
    if not family_transfer_may(professional=by, family=family, to_partnership=to_partnership):
        raise PermissionDenied(TRANSFER_REFUSED)

    now = timezone.now()
    family.partnership = to_partnership
    family.save(update_fields=["partnership"])
    preset = PRESETS[to_partnership.preset]
    retimed, events = [], []
    for escalation in Escalation.objects.select_for_update().filter(family=family, state__in=ACTIVE_STATES):
        before = escalation.deadline
        if before is not None and escalation.trigger_date is not None:
            escalation.deadline = deadline_retime(trigger_date=escalation.trigger_date, deadline=before,
                                                  from_nation=from_partnership.nation, to_nation=to_partnership.nation)
        if escalation.rule_id in RULES:  # the clause of the family's new protocol (issue 21)
            # A clause of the merged set ("001 §5.1.10") says which of a rule's clauses it was raised under.
            merged = escalation.clause if MERGED_CLAUSE.match(escalation.clause) else RULES[escalation.rule_id].clause
            escalation.clause = preset.cite(escalation.rule_id, merged)
        escalation.save(update_fields=["deadline", "clause", "updated_at"])
        if escalation.deadline is not None and escalation.deadline != before:
            # Issue 16: escalated when the new deadline passes, as the engine queues it when it raises an action
            # (the task queued for the old one finds nothing overdue; the sweep stays the safety net).
            enqueue_at(overdue_due, escalation.deadline + timedelta(seconds=1), escalation.pk)
        retimed.append({"escalation": escalation.pk, "rule": escalation.rule_id,
                        "before": before.isoformat() if before else None,
                        "after": escalation.deadline.isoformat() if escalation.deadline else None})
        note = ACTION_RETIMED % {
            "from": from_partnership.name_text, "to": to_partnership.name_text,
            "before": local_date(before).isoformat() if before else "-",
            "after": local_date(escalation.deadline).isoformat() if escalation.deadline else "-",
            "days": _working_days(escalation, to_partnership.nation)}
        events.append(EscalationEvent(escalation=escalation, by=by, action="transferred",
                                      **dict(zip(("note", "note_text"), text_store(note), strict=True))))
    EscalationEvent.objects.bulk_create(events)
    transfer = FamilyTransfer.objects.create(family=family, from_partnership=from_partnership,
                                             to_partnership=to_partnership, by=by, reason=reason.strip(),
                                             retimed=retimed)
    # The new protocol's rules at the next sweep (the engine's due row, made if the family has none yet).
    FamilyCheck.objects.update_or_create(family=family, defaults={"due_at": now})
    names = {"from": from_partnership.name_text, "to": to_partnership.name_text}
    chronology_record(family=family, kind=EntryKind.FAMILY, occurred_at=now, by=by, source=transfer,
                      significant=True, summary=TRANSFERRED % {**names, "count": len(retimed)})
    audit_record(actor=by, action=AuditAction.UPDATE, obj=family, family=family, summary=TRANSFER_AUDITED % names,
                 reason=reason.strip())
    return transfer


def _working_days(escalation, nation: str) -> int:
    from doorstep.core.workingdays import local_date, working_days_between

    if escalation.deadline is None or escalation.trigger_date is None:
        return 0
    return working_days_between(escalation.trigger_date, local_date(escalation.deadline), nation)
