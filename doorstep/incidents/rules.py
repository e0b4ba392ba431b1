"""ESC-4 and ESC-5 as pure rules: the facts of one incident in, the actions and alerts the protocol requires out.

No database and no clock here (STYLE.md: the rules engine is pure). `services.incident_apply_rules` gathers the
facts and the escalation engine applies the outcomes (`engine.rule_apply`): ESC-4's tracked actions and alerts,
and ESC-5's alerts, registered below as the rules "ESC-4" and "ESC-5" with their settings (ESC-12).

- ESC-4 (001 §5.1.13, 004 App. 1): actual threats or violence are reported to the first line manager immediately
  (a mandatory in-app and e-mail alert), who owns the violence-at-work follow-up for each affected worker; the
  police are informed where required, always for threats to kill (Doorstep also requires it for physical
  violence): a police-report action for the recorder's manager unless the police already know.
- ESC-5 (001 §5.1.16, 002 §4.6, 004 §3.2): violence known to one agency is alerted to every other agency
  involved: their lead professional and the lead's manager (the agency's managers when no lead is named).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.workingdays import add_working_days
from doorstep.engagement.models import ThreatKind
from doorstep.escalations.rules import Fact, Notice, Parameter, Raise, RuleDefinition, RuleResult, Text, rule_register

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
    # What the texts need (the engine renders them in each reader's language).
    family_id: int = 0
    family_name: str = ""
    occurred_at: datetime | None = None
    recorded_on: date | None = None  # the day it was recorded: day 0 of the deadlines
    nation: str | None = None
    agency_name: str = ""
    recorder_name: str = ""
    threat_labels: tuple = ()  # the ENG-3 kinds, as translatable labels
    worker_names: tuple[tuple[int, str, int], ...] = ()  # (professional id, name, AffectedWorker id)


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


# --- The rules as the engine applies them (ESC-12: the deadlines are settings) ------------------------------------

def _facts_lines(facts: IncidentFacts) -> tuple[Fact, ...]:
    return (
        Fact(Text(gettext_noop("%(when)s: %(kinds)s"), {"when": facts.occurred_at, "kinds": facts.threat_labels}),
             ("incident", facts.incident_id)),
        Fact(Text(gettext_noop("Recorded by %(name)s, %(agency)s"),
                  {"name": facts.recorder_name, "agency": facts.agency_name}), ("incident", facts.incident_id)),
    )


def _alert_text(facts: IncidentFacts, kind: str) -> Text:
    params = {"kinds": facts.threat_labels, "agency": facts.agency_name, "family": facts.family_name}
    if kind == "manager":
        return Text(gettext_noop("Threats or violence towards a professional (%(kinds)s) have been recorded by "
                                 "%(agency)s for %(family)s. You are told as the manager of someone involved."), params)
    return Text(gettext_noop("Threats or violence towards a professional (%(kinds)s) have been recorded by %(agency)s "
                             "for %(family)s. Read the warning on the case file before anyone from your agency "
                             "visits."), params)


def esc_4(facts: IncidentFacts, params: dict) -> RuleResult:
    """ESC-4 (001 §5.1.13, 004 App. 1): each affected worker's manager owns the violence-at-work follow-up, the
    recorder's manager makes sure the police are informed where required; managers and affected workers are told."""
    outcomes = incident_rules(facts, follow_up_working_days=params["follow_up_working_days"],
                              police_working_days=params["police_working_days"])
    result = RuleResult()
    lines = _facts_lines(facts)
    names = {pk: (name, affected_id) for pk, name, affected_id in facts.worker_names}
    for action in outcomes.actions:
        if action.kind == "follow_up":
            name, affected_id = names[action.worker_id]
            title = Text(gettext_noop("Violence-at-work follow-up for %(worker)s: incident at %(family)s on %(when)s"),
                         {"worker": name, "family": facts.family_name, "when": facts.occurred_at})
            todo = ("incident_worker", affected_id)
        else:
            what = (Text(gettext_noop("the threat to kill")) if facts.threat_to_kill
                    else Text(gettext_noop("the physical violence")))
            title = Text(gettext_noop("Make sure the police are informed of %(what)s at %(family)s on %(when)s"),
                         {"what": what, "family": facts.family_name, "when": facts.occurred_at})
            todo = ("incident_police", facts.incident_id)
        result.outcomes.append(Raise(
            rule_id="ESC-4", clause=action.clause, key=action.key, title=title, owner_id=action.owner_id,
            trigger_date=facts.recorded_on,
            deadline=add_working_days(facts.recorded_on, action.working_days, facts.nation),
            facts=(*lines, Fact(Text(gettext_noop("Record what was done")), todo)),
            source=("incidents.Incident", facts.incident_id), notification_kind="violence", mandatory=True,
            parameters=dict(params),
        ))
    for alert in outcomes.alerts:
        if alert.rule_id != "ESC-4":
            continue
        if alert.kind == "affected":
            for pk in alert.recipient_ids:
                result.outcomes.append(Notice(
                    rule_id="ESC-4", recipient_ids=(pk,), dedupe_key=alert.dedupe_key,
                    link=("incident_worker", names[pk][1]), notification_kind="violence", mandatory=True,
                    message=Text(gettext_noop(
                        "An incident in which you were affected has been recorded by %(agency)s for %(family)s. You "
                        "may record the support you have had and the impact on you: only you and your manager will "
                        "see it."), {"agency": facts.agency_name, "family": facts.family_name})))
            continue
        result.outcomes.append(Notice(
            rule_id="ESC-4", recipient_ids=alert.recipient_ids, message=_alert_text(facts, "manager"),
            dedupe_key=alert.dedupe_key, link=("incident", facts.incident_id), notification_kind="violence",
            mandatory=True))
    return result


def esc_5(facts: IncidentFacts, params: dict) -> RuleResult:
    """ESC-5 (001 §5.1.16, 002 §4.6, 004 §3.2): the fact of the risk, for every other involved agency (never anyone
    ESC-4 already told)."""
    outcomes = incident_rules(facts)
    return RuleResult(outcomes=[
        Notice(rule_id="ESC-5", recipient_ids=alert.recipient_ids, message=_alert_text(facts, "other_agency"),
               dedupe_key=alert.dedupe_key, link=("incident", facts.incident_id), notification_kind="violence",
               mandatory=True)
        for alert in outcomes.alerts if alert.rule_id == "ESC-5"
    ])


rule_register(RuleDefinition(
    "ESC-4", ESC4_CLAUSE, _("Threats or violence towards a professional"),
    _("An incident of threats or violence towards professionals is recorded."),
    _("Each affected worker's line manager: the violence-at-work follow-up. The recorder's manager: make sure the "
      "police are informed (threats to kill and physical violence), unless they already are. Managers and affected "
      "workers are told at once."),
    (Parameter("follow_up_working_days", _("Working days for the violence-at-work follow-up"), 1, 0, 10),
     Parameter("police_working_days", _("Working days to make sure the police are informed"), 0, 0, 5)),
    esc_4, subject="incident",
    deadline=_("Follow-up: the end of the next working day; police: the end of the day it is recorded."),
    always_on=True,
))
rule_register(RuleDefinition(
    "ESC-5", ESC5_CLAUSE, _("Violence alerted to every other agency"),
    _("An incident of threats or violence towards professionals is recorded by one agency."),
    _("Every other involved agency's lead professional and their manager (or the agency's managers) are alerted, "
      "and the incident is in the family's chronology for the child's risk assessment."),
    (), esc_5, subject="incident", deadline=_("At once (an alert, not an action)."), always_on=True,
))
