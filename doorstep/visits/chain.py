"""The lone-worker escalation chain (SAF-3, 004 §6.1): its steps and timings, and who each step alerts.

Configuration (ESC-12), most specific first:
1. the agency's `LoneWorkingProcedure` (administration site), per step in minutes after the expected end;
2. settings.DOORSTEP_VISIT_CHAIN, e.g. {"reminder": 0, "line_manager": 15, "duty_manager": 30, "emergency": 45},
   which config/settings.py reads from the environment variable of that name
   ("reminder=0,line_manager=15,duty_manager=30,emergency=45");
3. the defaults below (the issue's: a reminder at the expected end, the line manager 15 minutes overdue, the team's
   duty manager after 30, then the documented emergency procedure).

A step may be left out (no time), except the emergency procedure, which always closes the chain. The chain is copied
onto the visit when it starts, so a change of procedure never alters a running visit.
"""


from django.conf import settings
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Professional, Role
from doorstep.incidents.selectors import agency_managers, managers_of

from .models import CHAIN_ORDER, ChainStep, LoneWorkingProcedure

DEFAULT_MINUTES = {ChainStep.REMINDER: 0, ChainStep.LINE_MANAGER: 15, ChainStep.DUTY_MANAGER: 30,
                   ChainStep.EMERGENCY: 45}
DEFAULT_HOLD_MINUTES = 15

DEFAULT_PROCEDURE = _(
    "1. Phone the worker on the contact number on this card.\n"
    "2. If they do not answer, phone anyone going with them, then the place they are visiting if it is safe to.\n"
    "3. If you still cannot reach them, or anything makes you think they are in danger, phone the police on 999. "
    "Give the worker's name, where they are, the vehicle, when they were expected back and the warning markers on "
    "this card.\n"
    "4. Tell the duty manager, and record here what you did and when the worker was found safe."
)


def _configured_minutes() -> dict:
    """settings.DOORSTEP_VISIT_CHAIN, e.g. {"line_manager": 15, "duty_manager": None} (None leaves a step out)."""
    configured = getattr(settings, "DOORSTEP_VISIT_CHAIN", None) or {}
    minutes = dict(DEFAULT_MINUTES)
    minutes.update({ChainStep(k): v for k, v in configured.items()})
    return minutes


def _hold_minutes() -> int:
    return int(getattr(settings, "DOORSTEP_VISIT_ACK_HOLD_MINUTES", None) or DEFAULT_HOLD_MINUTES)


def chain_for(agency) -> tuple[list[dict], int]:
    """The chain a visit by this agency's staff runs, and how long an acknowledgement holds it."""
    procedure = LoneWorkingProcedure.objects.filter(agency=agency).first() if agency is not None else None
    if procedure is not None:
        minutes = {
            ChainStep.REMINDER: procedure.reminder_minutes, ChainStep.LINE_MANAGER: procedure.line_manager_minutes,
            ChainStep.DUTY_MANAGER: procedure.duty_manager_minutes, ChainStep.EMERGENCY: procedure.emergency_minutes,
        }
        hold = procedure.acknowledgement_hold_minutes
    else:
        minutes = _configured_minutes()
        hold = _hold_minutes()
    chain = validate_chain(minutes)
    return chain, hold


def validate_chain(minutes: dict) -> list[dict]:
    """The steps in order, with their times; later steps never fire before earlier ones."""
    if minutes.get(ChainStep.EMERGENCY) is None:
        raise ValueError("The emergency procedure always closes the chain")
    chain, last = [], -1
    for step in CHAIN_ORDER:
        value = minutes.get(step)
        if value is None:
            continue
        value = int(value)
        if value < 0 or value < last:
            raise ValueError(f"Chain step {step} at {value} minutes comes before the step before it")
        chain.append({"step": str(step), "minutes": value})
        last = value
    return chain


def emergency_procedure_for(agency) -> str:
    text = LoneWorkingProcedure.objects.filter(agency=agency).values_list("emergency_procedure", flat=True).first()
    return text or str(DEFAULT_PROCEDURE)


def duty_managers_for(worker) -> list[Professional]:
    """The duty manager of the worker's team (Professional.is_duty_manager, same agency and team); failing that the
    agency's duty managers, failing that its managers: a step is never sent to nobody."""
    if worker.agency_id is None:
        return []
    staff = Professional.objects.filter(agency_id=worker.agency_id, is_active=True, is_duty_manager=True).exclude(
        pk=worker.pk)
    if worker.team_id is not None:
        team = list(staff.filter(team_id=worker.team_id).order_by("last_name", "id"))
        if team:
            return team
    agency = list(staff.filter(role=Role.MANAGER).order_by("last_name", "id")) or list(staff.order_by("last_name", "id"))
    return agency or agency_managers(agency_id=worker.agency_id, exclude=worker.pk)


def recipients_for(worker, step: str) -> list[Professional]:
    if step == ChainStep.REMINDER:
        return [worker]
    if step == ChainStep.LINE_MANAGER:
        return managers_of(worker)
    if step == ChainStep.DUTY_MANAGER:
        return duty_managers_for(worker)
    # The top of the chain (and "I need help now"): everyone on it.
    everyone = {p.pk: p for p in [*managers_of(worker), *duty_managers_for(worker)]}
    return list(everyone.values())
