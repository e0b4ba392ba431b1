"""ESC-4 and ESC-5 as pure rules: the facts of one incident in, the actions and alerts the protocol requires out.

No database and no clock here (STYLE.md: the rules engine is pure). `services.incident_apply_rules` gathers the
facts and applies the outcomes through the escalation engine (`escalation_raise`) and `notify`.

- ESC-4 (001 §5.1.13, 004 App. 1): actual threats or violence are reported to the first line manager immediately
  (a mandatory in-app and e-mail alert), who owns the violence-at-work follow-up for each affected worker; the
  police are informed where required, always for threats to kill (Doorstep also requires it for physical
  violence): a police-report action for the recorder's manager unless the police already know.
- ESC-5 (001 §5.1.16, 002 §4.6, 004 §3.2): violence known to one agency is alerted to every other agency
  involved: their lead professional and the lead's manager (the agency's managers when no lead is named).
"""

from dataclasses import dataclass

from doorstep.engagement.models import ThreatKind

ESC4_CLAUSE = "001 §5.1.13; 004 App. 1"
ESC5_CLAUSE = "001 §5.1.16; 002 §4.6; 004 §3.2"
POLICE_REQUIRED = frozenset({ThreatKind.THREAT_TO_KILL.value, ThreatKind.PHYSICAL_VIOLENCE.value})


@dataclass(frozen=True)
class Worker:
    id: int
    manager_ids: tuple[int, ...]  # the line manager, or the agency's managers when there is none (ORG-3)


@dataclass(frozen=True)
class OtherAgency:
    agency_id: int
    recipient_ids: tuple[int, ...]


@dataclass(frozen=True)
class IncidentFacts:
    incident_id: int
    recorder: Worker
    affected: tuple[Worker, ...]
    threats: frozenset[str]
    threat_to_kill: bool
    police_informed: bool
    recorded_by_police: bool
    other_agencies: tuple[OtherAgency, ...]


@dataclass(frozen=True)
class Action:
    rule_id: str
    clause: str
    key: str
    kind: str  # "follow_up" or "police_report"
    owner_id: int
    worker_id: int | None
    working_days: int  # deadline: the end of this working day after the incident was recorded (day 0)


@dataclass(frozen=True)
class Alert:
    rule_id: str
    kind: str  # "manager", "affected" or "other_agency"
    recipient_ids: tuple[int, ...]
    dedupe_key: str


@dataclass(frozen=True)
class Outcomes:
    actions: tuple[Action, ...]
    alerts: tuple[Alert, ...]


def follow_up_key(incident_id: int, worker_id: int) -> str:
    return f"ESC-4:incident:{incident_id}:follow-up:{worker_id}"


def police_key(incident_id: int) -> str:
    return f"ESC-4:incident:{incident_id}:police"


def incident_rules(facts: IncidentFacts, *, follow_up_working_days: int = 1,
                   police_working_days: int = 0) -> Outcomes:
    actions: list[Action] = []
    alerts: list[Alert] = []
    told: set[int] = set()  # everyone ESC-4 already reaches, so that ESC-5 does not alert them twice
    affected_ids = {w.id for w in facts.affected}

    # ESC-4: each affected worker's manager owns their violence-at-work follow-up; other managers are alerted.
    for worker in facts.affected:
        owners = [m for m in worker.manager_ids if m != worker.id] or list(facts.recorder.manager_ids) or [
            facts.recorder.id]
        actions.append(Action(
            rule_id="ESC-4", clause=ESC4_CLAUSE, key=follow_up_key(facts.incident_id, worker.id), kind="follow_up",
            owner_id=owners[0], worker_id=worker.id, working_days=follow_up_working_days,
        ))
        told.update(owners[:1])
        if owners[1:]:
            alerts.append(Alert("ESC-4", "manager", tuple(owners[1:]),
                                f"ESC-4:incident:{facts.incident_id}:manager"))
            told.update(owners[1:])
    # The recorder's own manager is told even when the recorder was a witness rather than the target.
    recorder_managers = tuple(m for m in facts.recorder.manager_ids if m not in told and m != facts.recorder.id)
    if recorder_managers:
        alerts.append(Alert("ESC-4", "manager", recorder_managers, f"ESC-4:incident:{facts.incident_id}:manager"))
        told.update(recorder_managers)

    # ESC-4: police informed where required, always for threats to kill.
    police_needed = facts.threat_to_kill or bool(POLICE_REQUIRED & facts.threats)
    if police_needed and not facts.police_informed and not facts.recorded_by_police:
        owner = facts.recorder.manager_ids[0] if facts.recorder.manager_ids else facts.recorder.id
        actions.append(Action(
            rule_id="ESC-4", clause=ESC4_CLAUSE, key=police_key(facts.incident_id), kind="police_report",
            owner_id=owner, worker_id=None, working_days=police_working_days,
        ))
        told.add(owner)

    # The affected workers other than the recorder learn that it has been recorded (and may add its impact).
    others = tuple(w for w in sorted(affected_ids) if w != facts.recorder.id)
    if others:
        alerts.append(Alert("ESC-4", "affected", others, f"ESC-4:incident:{facts.incident_id}:affected"))
        told.update(others)
    told.add(facts.recorder.id)

    # ESC-5: every other involved agency.
    for agency in facts.other_agencies:
        recipients = tuple(r for r in agency.recipient_ids if r not in told)
        if recipients:
            alerts.append(Alert("ESC-5", "other_agency", recipients, f"ESC-5:incident:{facts.incident_id}"))
            told.update(recipients)
    return Outcomes(actions=tuple(actions), alerts=tuple(alerts))
