"""The visit-arrangement rules (SAF-1, SAF-2): facts in, a proposal out. Pure: no database, no clock.

Each rule names the protocol clause it comes from. A rule's outcome is one of:
- "required": the plan cannot be saved without it (e.g. not a sole worker where there is any risk factor);
- "proposed": ticked for the worker, who may untick it;
- "consider": shown with its reason, left for the worker (and manager) to decide.

The proposal is stored with the plan (rule keys and clauses), and its wording is looked up when shown, so that it
reads in the reader's language.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
import math
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.escalations.rules import Fact, Raise, RuleDefinition, RuleResult, Text, rule_register

from .models import ACCOMPANIED, Arrangement, OffPlan, Question, RiskFactor

REQUIRED, PROPOSED, CONSIDER = "required", "proposed", "consider"

# Rule key -> (clause, why), shown beside what the rule proposes.
RULES = {
    "no-sole-worker": ("003 §5.3", _("There is at least one risk factor, so the visit should not be made by a sole "
                                     "worker: either two workers, or a joint visit with another agency.")),
    "joint-agency": ("003 §5.3", _("Or a joint visit by workers from different agencies.")),
    "police": ("003 §5.3", _("There is a history of violence or threats: police involvement should always be "
                             "considered.")),
    "mental-health": ("003 §5.3", _("Where there are mental health issues, a joint assessment with mental health "
                                    "professionals should be considered.")),
    "daylight": ("004 §6.1", _("Risky visits should be made in daylight whenever possible.")),
    "taxi": ("004 §6.1", _("Your car may be targeted or followed: go by taxi and have it wait outside.")),
    "neutral-venue": ("004 §6.1", _("The visit could be arranged at a neutral venue.")),
    "neutral-venue-chosen": ("004 §6.1", _("You are meeting at a neutral venue.")),
    "sole": ("003 §5.4", _("No risk factor is identified, so a sole visit may be made: Doorstep keeps your "
                           "whereabouts, expected time back and contact number, and monitors the visit.")),
}

# Why the line manager must agree the plan before the visit.
AGREEMENT_RULES = {
    "risk": ("003 §5.3, 002 §9.5", _("There are indications of risk to your personal safety: the assessment is made "
                                     "with your line manager, and the plan is agreed before the visit.")),
    "no-phone": ("004 §6.1", _("You will not have a mobile phone or personal alarm with you.")),
    "cannot-continue": ("004 §6.1", _("You are not sure you can continue to work effectively with this family: your "
                                      "manager decides how the work can progress safely, and records why.")),
}

WARNINGS = {
    "no-phone": ("004 §6.1", _("Take a mobile phone or a personal alarm: the lone-worker check-ins need one.")),
    "dark": ("004 §6.1", _("A risky visit after dark: make it in daylight if you possibly can.")),
    "animals": ("FLG-1", _("Dogs or other animals: phone ahead and ask for them to be shut away before you arrive.")),
}


@dataclass(frozen=True)
class Proposed:
    arrangement: str
    rule: str
    strength: str

    @property
    def clause(self) -> str:
        return RULES[self.rule][0]

    @property
    def reason(self) -> str:
        return str(RULES[self.rule][1])

    @property
    def label(self) -> str:
        return str(Arrangement(self.arrangement).label)

    def as_dict(self) -> dict:
        return {"arrangement": self.arrangement, "rule": self.rule, "strength": self.strength, "clause": self.clause}


@dataclass(frozen=True)
class Proposal:
    proposed: tuple[Proposed, ...]
    sole_allowed: bool
    agreement: tuple[str, ...] = ()  # AGREEMENT_RULES keys
    warnings: tuple[str, ...] = ()  # WARNINGS keys
    factors: frozenset = field(default_factory=frozenset)

    @property
    def agreement_required(self) -> bool:
        return bool(self.agreement)

    @property
    def ticked(self) -> list[str]:
        """What the worker's form starts with: the required and proposed arrangements."""
        return [p.arrangement for p in self.proposed if p.strength in (REQUIRED, PROPOSED)]

    def agreement_reasons(self) -> list[tuple[str, str]]:
        return [(AGREEMENT_RULES[k][0], str(AGREEMENT_RULES[k][1])) for k in self.agreement]

    def warning_texts(self) -> list[tuple[str, str]]:
        return [(WARNINGS[k][0], str(WARNINGS[k][1])) for k in self.warnings]


def propose(*, factors: Iterable[str], answers: Mapping[str, bool | None], at_home: bool = True) -> Proposal:
    """SAF-2: the arrangement for a visit, from the risk factors ticked and the answers to the questions."""
    factors = frozenset(factors) & frozenset(RiskFactor.values)
    risk = bool(factors)
    proposed: list[Proposed] = []
    if risk:
        proposed.append(Proposed(Arrangement.TWO_WORKERS, "no-sole-worker", PROPOSED))
        proposed.append(Proposed(Arrangement.JOINT_AGENCY, "joint-agency", CONSIDER))
        if RiskFactor.VIOLENCE in factors:
            proposed.append(Proposed(Arrangement.POLICE, "police", CONSIDER))
        if RiskFactor.MENTAL_ILLNESS in factors:
            proposed.append(Proposed(Arrangement.JOINT_MENTAL_HEALTH, "mental-health", CONSIDER))
        proposed.append(Proposed(Arrangement.DAYLIGHT_ONLY, "daylight", PROPOSED))
    else:
        proposed.append(Proposed(Arrangement.SOLE, "sole", PROPOSED))
    if not at_home:
        proposed.append(Proposed(Arrangement.NEUTRAL_VENUE, "neutral-venue-chosen", REQUIRED))
    elif risk and answers.get(Question.NEUTRAL_VENUE) is True:
        proposed.append(Proposed(Arrangement.NEUTRAL_VENUE, "neutral-venue", PROPOSED))
    if answers.get(Question.CAR_TARGETED) is True:
        proposed.append(Proposed(Arrangement.TAXI_WAITING, "taxi", PROPOSED))

    agreement, warnings = [], []
    if risk:
        agreement.append("risk")
    if answers.get(Question.PHONE) is False:
        agreement.append("no-phone")
        warnings.append("no-phone")
    if answers.get(Question.CAN_CONTINUE) is False:
        agreement.append("cannot-continue")
    if risk and answers.get(Question.DAYLIGHT) is False:
        warnings.append("dark")
    if RiskFactor.ANIMALS in factors:
        warnings.append("animals")
    return Proposal(proposed=tuple(proposed), sole_allowed=not risk, agreement=tuple(agreement),
                    warnings=tuple(warnings), factors=factors)


def arrangement_errors(*, factors: Iterable[str], arrangements: Iterable[str], at_home: bool = True) -> list[str]:
    """What is wrong with a chosen arrangement (SAF-2, 003 §5.3), as messages; empty when it may be made."""
    chosen = set(arrangements)
    errors = []
    if chosen - set(Arrangement.values):
        errors.append(str(_("Select arrangements from the list")))
    accompanied = bool(chosen & ACCOMPANIED)
    if Arrangement.SOLE in chosen and accompanied:
        errors.append(str(_("A sole visit cannot also be made with a second worker, another agency or the police")))
    elif set(factors) and not accompanied:
        errors.append(str(_("There is a risk factor, so the visit cannot be made by a sole worker: choose two "
                             "workers, a joint visit with another agency, police assistance or a joint visit with "
                             "mental health (003 §5.3)")))
    elif not accompanied and Arrangement.SOLE not in chosen:
        errors.append(str(_("Say whether it is a sole visit or who is going with you")))
    if not at_home and Arrangement.NEUTRAL_VENUE not in chosen:
        errors.append(str(_("The visit is at a neutral venue: keep the neutral venue in the arrangement")))
    return errors


def step_text(rule: str) -> tuple[str, str]:
    clause, why = RULES.get(rule, ("", ""))
    return clause, str(why)


# --- SAF-3 (003 §5.4, 004 §6.1, §6.2): the top of the lone-worker chain is a tracked action -----------------------

@dataclass(frozen=True)
class AlarmFacts:
    """A visit whose worker has not reported back (or asked for help), at the top of its alert chain."""

    visit_id: int
    alarm_round: int
    worker_name: str
    owner_id: int  # the duty manager, or else the first person alerted, or else the worker
    expected_back: str  # the local time of day, "14:30" (the same in every language)
    now: datetime


def saf_3_key(visit_id: int, alarm_round: int) -> str:
    return f"SAF-3:visit:{visit_id}:round:{alarm_round}"


def saf_3(facts: AlarmFacts, params: dict) -> RuleResult:
    """Someone owns the emergency procedure until the worker is safe: due at once, so it is overdue (and escalated
    to the owner's manager) if nobody acts."""
    return RuleResult(outcomes=[Raise(
        rule_id="SAF-3", clause="004 §6.1", key=saf_3_key(facts.visit_id, facts.alarm_round),
        title=Text(gettext_noop("Follow the emergency procedure: %(worker)s has not reported back from a visit"),
                   {"worker": facts.worker_name}),
        owner_id=facts.owner_id, trigger_date=None, deadline=facts.now,
        facts=(Fact(Text(gettext_noop("Expected back at %(time)s"), {"time": facts.expected_back}),
                    ("visit_alarm", facts.visit_id)),),
        source=("visits.Visit", facts.visit_id), parameters=dict(params),
    )])


rule_register(RuleDefinition(
    "SAF-3", "003 §5.4, 004 §6.1", _("Lone worker not reported back"),
    _("A worker on a sole visit has not reported back by the agreed time, through every step of the alert chain, "
      "or has asked for help."),
    _("The duty manager of the worker's agency (or the first person alerted): follow the emergency procedure until "
      "the worker is safe."),
    (), saf_3, subject="visit", deadline=_("At once: overdue, and escalated, if nobody acts."), always_on=True,
))


# Arriving as planned (issue 18; SAF-2: "the action plan is agreed before the visit", 002 §9.5, 003 §5.3).
# An arrival this far either side of the planned start is outside the plan's time window.
ARRIVAL_WINDOW = timedelta(hours=1)
# Where daylight is reckoned: the partnership's area (mid Wales). A few minutes either way at its edges.
AREA_LATITUDE, AREA_LONGITUDE = 52.41, -4.08


def daylight(day: date, *, latitude: float = AREA_LATITUDE, longitude: float = AREA_LONGITUDE) -> tuple[datetime,
                                                                                                       datetime]:
    """Sunrise and sunset (UTC) on `day`, by the sunrise equation (NOAA's approximation, within a few minutes)."""
    n = (day - date(2000, 1, 1)).days
    mean_noon = n - longitude / 360
    anomaly = math.radians((357.5291 + 0.98560028 * mean_noon) % 360)
    centre = 1.9148 * math.sin(anomaly) + 0.02 * math.sin(2 * anomaly) + 0.0003 * math.sin(3 * anomaly)
    ecliptic = math.radians((math.degrees(anomaly) + centre + 180 + 102.9372) % 360)
    transit = mean_noon + 0.0053 * math.sin(anomaly) - 0.0069 * math.sin(2 * ecliptic)
    declination = math.asin(math.sin(ecliptic) * math.sin(math.radians(23.4397)))
    lat = math.radians(latitude)
    cos_hour = ((math.sin(math.radians(-0.833)) - math.sin(lat) * math.sin(declination))
                / (math.cos(lat) * math.cos(declination)))
    half = math.degrees(math.acos(max(-1.0, min(1.0, cos_hour)))) / 360
    noon = datetime(2000, 1, 1, 12, tzinfo=UTC)
    return noon + timedelta(days=transit - half), noon + timedelta(days=transit + half)


def off_plan(*, planned_start: datetime, arrangements: Iterable[str], arrived: datetime, expected_back: datetime,
             accompanied: bool, elsewhere: str) -> list[str]:
    """How an arrival departs from the agreed plan (SAF-2): outside its time window; not in daylight where the plan
    says daylight only (004 §6.1); alone where it says two workers or a joint visit (003 §5.3); at another place.
    Pure: the caller gives the moments."""
    arrangements = set(arrangements)
    found = []
    if abs(arrived - planned_start) > ARRIVAL_WINDOW:
        found.append(OffPlan.TIME)
    if Arrangement.DAYLIGHT_ONLY in arrangements:
        sunrise, sunset = daylight(arrived.astimezone(UTC).date())
        if arrived < sunrise or expected_back > sunset:
            found.append(OffPlan.DARK)
    if arrangements & ACCOMPANIED and not accompanied:
        found.append(OffPlan.ALONE)
    if elsewhere.strip():
        found.append(OffPlan.ELSEWHERE)
    return found
