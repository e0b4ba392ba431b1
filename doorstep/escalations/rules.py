"""The protocol's escalation rules (PROTOCOL.md section 5) as a pure engine: facts in, outcomes out; and the one
registry of rules (`RULES`), which every app's `rules.py` adds its own to (ESC-4/5 in incidents, SAF-3 in visits,
FLG-2 in markers, AGR-1 in agreements, SUP-4 in supervision, MTG-2..5 in meetings, P-4 in families).

Nothing here touches the database or reads the clock: `facts.py` gathers a family's facts (with `today` in them),
each rule turns facts and its settings into outcomes, and `engine.py` applies them (STYLE.md). So each rule is
tested with plain values (tests/test_rules.py).

Every rule cites its requirement ID and clause. Thresholds and timescales are settings an administrator can change
(ESC-12, the "Rule settings" page); `RuleDefinition.parameters` holds the protocol's defaults. A changed setting
applies to escalations raised after the change: an open escalation keeps the deadline and settings it was raised
with (they are stored on it).

Texts are `Text(msgid, params)`: translated (English and Welsh) when they are rendered, not here.

Deadlines are dates: "within N working days" of the trigger, as `doorstep.core.workingdays` defines it; the
escalation is due by the end of that day.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.core.texts import Names, Text, Verbatim  # noqa: F401  (re-exported: issue 14 moved Text to core)
from doorstep.core.workingdays import add_working_days


# Titles the rules raise with, named so that the generated region (scale/steps.py) writes the same sentences.
ESC_1_TITLE = gettext_noop("Convene a multi-agency meeting: visits and appointments keep being defaulted")
ESC_3_TITLE = gettext_noop("Discuss poor access to the family with your line manager")
ESC_8_NOT_SEEN_ALONE_TITLE = gettext_noop("See %(child)s alone: not seen alone for more than %(days)s days")
ESC_10_TITLE = gettext_noop("Everyone may be backing off: agree with the other agencies' managers how the children "
                            "will be seen")
ESC_11_TITLE = gettext_noop("Share information and hold a professionals meeting: the family engages with some "
                            "agencies and not others")


# --- Facts behind an escalation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """One reason an escalation was raised, shown to the reader with a link to the record behind it."""

    text: Text
    ref: tuple[str, int] | None = None  # ("contact", id), ("child", id), ("finding", id), ("family", id)


# --- Facts about a family ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactFact:
    id: int
    agency_id: int
    agency_name: str
    kind: str
    kind_label: object
    outcome: str
    outcome_label: object
    occurred_on: date
    recorded_by_id: int
    defaulted: bool  # ENG-6: counted as defaulted when recorded
    achieved: bool  # the family was engaged, at least in part (seen, cut short)
    remote: bool  # phone, text, e-mail or letter (ESC-9)
    hostile: bool  # refused entry, or refusal, confrontation, violence or threats observed (ESC-11)
    child_seen: bool  # at least one child seen


@dataclass(frozen=True)
class ContactRun:
    """Contacts in order of which a rule reads only how many there are and the first and last few: ESC-1's defaulted
    visits, ESC-7's failed contacts in a row. Over a long history the facts hold such a run for the contacts before
    `FamilyFacts.contacts_from` (issue 15) instead of every one of them; `head` is then the first `len(head)` only.
    """

    count: int = 0
    head: tuple[ContactFact, ...] = ()  # the first (all of them when count == len(head)), oldest first
    tail: tuple[ContactFact, ...] = ()  # the last RUN_TAIL, oldest first

    def then(self, later: Iterable[ContactFact]) -> "ContactRun":
        """This run followed by `later`, the contacts after it, oldest first."""
        later = tuple(later)
        head = self.head + later if self.count == len(self.head) else self.head
        return ContactRun(self.count + len(later), head, (self.tail + later)[-RUN_TAIL:])


# The contacts a rule lists behind an action raised on a run (the last ten).
RUN_TAIL = 10


@dataclass(frozen=True)
class ChildFact:
    id: int
    name: str
    status: str  # FAM-2: none, cin, cp, lac
    tracked_since: date  # when Doorstep started following the child (added, or the family's first involvement)
    # Every day the child was seen (and seen alone) at a contact, oldest first. Gathered over a long history (issue
    # 15): those from FamilyFacts.contacts_from on, after the latest earlier one if any.
    seen_on: tuple[date, ...] = ()
    seen_alone_on: tuple[date, ...] = ()
    # Gathered over a long history, for a child never seen alone: the times seen since ESC-9's count began (its
    # never-alone action for the child last closed). None: count them in seen_on.
    times_seen_since: int | None = None

    @property
    def last_seen(self) -> date | None:
        return self.seen_on[-1] if self.seen_on else None

    @property
    def last_seen_alone(self) -> date | None:
        return self.seen_alone_on[-1] if self.seen_alone_on else None


@dataclass(frozen=True)
class AgencyFact:
    """An agency actively involved with the family."""

    id: int
    name: str
    kind: str
    started_on: date
    lead_id: int | None
    manager_id: int | None  # the lead's line manager, or else a manager of the agency (ORG-3)
    involvement_id: int


@dataclass(frozen=True)
class FindingFact:
    """Evidence of non-compliance with concerns remaining (the ESC-2 trigger)."""

    id: int
    identified_on: date
    recorded_at: datetime
    recorded_by_id: int
    child_protection_plan: bool


@dataclass(frozen=True)
class ActiveFact:
    """An open (or acknowledged) escalation of the family, by key."""

    key: str
    rule_id: str
    trigger_date: date | None
    parameters: dict


@dataclass(frozen=True)
class FamilyFacts:
    family_id: int
    today: date
    nation: str
    known_to_csc: bool
    overall_lead_id: int | None
    children: tuple[ChildFact, ...] = ()
    agencies: tuple[AgencyFact, ...] = ()
    contacts: tuple[ContactFact, ...] = ()  # oldest first, without those entered in error
    # Issue 15: gathered for a contact's evaluation, `contacts` holds only those on or after this day (the rules'
    # look-back windows, contacts_needed_from), and what the rules read of the earlier ones is below. None: every
    # contact is in `contacts` and the fields below are empty.
    contacts_from: date | None = None
    earlier_defaulted: ContactRun = ContactRun()  # ESC-1: its defaulted visits before contacts_from
    earlier_failed: ContactRun = ContactRun()  # ESC-7: its failed contacts in a row, ending at contacts_from
    earlier_achieved_on: date | None = None  # ESC-10: the last contact achieved before contacts_from
    findings: tuple[FindingFact, ...] = ()
    line_managers: Mapping[int, int] = field(default_factory=dict)  # professional id -> line manager id (ORG-3)
    last_closed: Mapping[str, datetime] = field(default_factory=dict)  # key -> when its last escalation closed
    last_closed_on: Mapping[str, date] = field(default_factory=dict)  # the same, as the local date
    last_done_on: Mapping[str, date] = field(default_factory=dict)  # key -> the local date it was last done (ESC-7)
    active: Mapping[str, ActiveFact] = field(default_factory=dict)

    def manager_of(self, professional_id: int | None) -> int | None:
        return self.line_managers.get(professional_id) if professional_id else None

    def since(self, key: str) -> date | None:
        """The day the last escalation with this key closed: its triggers are spent, counting starts again after."""
        return self.last_closed_on.get(key)

    def agency(self, agency_id: int) -> AgencyFact | None:
        return next((a for a in self.agencies if a.id == agency_id), None)

    @property
    def involved_since(self) -> date | None:
        return min((a.started_on for a in self.agencies), default=None)


# --- Outcomes ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Raise:
    """A tracked action: raised, or brought up to date if it is already open (keyed, so never twice)."""

    rule_id: str
    clause: str
    key: str
    title: Text
    owner_id: int
    trigger_date: date | None
    # A date: due by the end of that day in Europe/London (23:59:59 local, GMT or BST). A datetime: due then
    # (SAF-3's emergency procedure is due at once).
    deadline: date | datetime | None
    facts: tuple[Fact, ...] = ()
    notify_ids: tuple[int, ...] = ()
    # The rule's settings when raised, plus what a later evaluation needs to know (e.g. the date a child was
    # last seen, to see whether they have been seen since).
    parameters: dict = field(default_factory=dict)
    source: tuple[str, int | str] | None = None  # (model label, primary key) of the record behind it
    notification_kind: str = "action"  # a NotificationKind value
    mandatory: bool = False  # also e-mailed, whatever the recipient's preferences (ESC-4)


@dataclass(frozen=True)
class Notice:
    """An alert that is not a tracked action (ESC-4's other managers, ESC-5's other agencies), deduplicated."""

    rule_id: str
    recipient_ids: tuple[int, ...]
    message: Text
    dedupe_key: str
    link: tuple[str, int] | None = None  # a fact reference (texts.fact_link)
    notification_kind: str = "action"
    mandatory: bool = False


@dataclass(frozen=True)
class Resolve:
    """The facts that raised an open escalation no longer hold (a child not seen has now been seen)."""

    key: str
    outcome: Text


@dataclass
class RuleResult:
    outcomes: list = field(default_factory=list)
    wake_on: date | None = None  # the next day the rule could change its mind with no new record

    def wake(self, day: date) -> None:
        self.wake_on = day if self.wake_on is None else min(self.wake_on, day)


# --- Rule definitions and settings (ESC-12) ---------------------------------------------------------------------

@dataclass(frozen=True)
class Parameter:
    name: str
    label: object  # lazy translation
    default: int
    minimum: int = 0
    maximum: int = 365
    help: object = ""


@dataclass(frozen=True)
class RuleDefinition:
    """One tracked action of the protocol: its clause, what triggers it, who owns it and by when, its settings
    with the protocol's defaults, and `evaluate`, a pure function of typed facts and the settings."""

    rule_id: str
    clause: str
    title: object
    trigger: object  # what raises it, for the settings page and the rule index
    action: object  # the action it creates and who owns it
    parameters: tuple[Parameter, ...] = ()
    # fn(facts, params) -> RuleResult. Family rules (subject "family") take FamilyFacts and run for a family on
    # every change and when the family is due; other rules take their own facts (an incident, a visit, a
    # meeting ...) and their app applies them with `engine.rule_apply`. ESC-6, checked when an involvement ends,
    # leaves it None.
    evaluate: Callable | None = None
    subject: str = "family"  # what the facts are about: "family", "incident", "visit", "meeting" ...
    deadline: object = ""  # by when, in words, for the rule index
    module: str = ""  # where it is defined, when `evaluate` does not say (ESC-6)
    # The rules that keep a person safe now (SAF-3's lone-worker alarm chain, ESC-4's and ESC-5's violence alerts):
    # ESC-12 lets an area change their timescales, never switch them off (a partnership without them has no way to
    # find a worker who has not come back, or to warn colleagues of violence).
    always_on: bool = False

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.parameters}

    @property
    def where(self) -> str:
        return self.module or (self.evaluate.__module__ if self.evaluate else __name__)


RULES: dict[str, RuleDefinition] = {}


def rule_register(definition: RuleDefinition) -> RuleDefinition:
    """Add a rule. Each app registers its own in its `rules.py` (found by the escalations app at start-up)."""
    if definition.rule_id in RULES and RULES[definition.rule_id].where != definition.where:
        raise ValueError(f"Rule {definition.rule_id} is defined twice: {RULES[definition.rule_id].where}, "
                         f"{definition.where}")
    RULES[definition.rule_id] = definition
    return definition


def rule_title(rule_id: str) -> str:
    """Issue 18: a rule's plain-language title in the reader's language, shown wherever actions are listed instead
    of its ID ("Defaulted visits and appointments", not "ESC-1 · 003 §7.9"); the ID itself for a rule no longer
    registered, so nothing is blank."""
    definition = RULES.get(rule_id or "")
    return str(definition.title) if definition else (rule_id or "")


def rule_sort_key(rule_id: str) -> tuple:
    # A second rule under one requirement carries a letter ("OVR-1A", OVR-1's audit findings): after "OVR-1".
    prefix, _sep, number = rule_id.partition("-")
    digits = number.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (prefix, int(digits) if digits.isdigit() else 0, rule_id)


def settings_merge(definition: RuleDefinition, stored: Mapping | None) -> dict:
    """The rule's parameters: its defaults, overridden by an administrator's stored values within bounds."""
    values = definition.defaults()
    for p in definition.parameters:
        value = (stored or {}).get(p.name)
        if isinstance(value, int) and p.minimum <= value <= p.maximum:
            values[p.name] = value
    return values


# --- Helpers ----------------------------------------------------------------------------------------------------

def _deadline(facts: FamilyFacts, start: date, working_days: int) -> date:
    return add_working_days(start, working_days, facts.nation)


def _after(day: date, since: date | None) -> bool:
    return since is None or day > since


def _contact_fact(c: ContactFact) -> Fact:
    return Fact(Text(gettext_noop("%(date)s: %(kind)s by %(agency)s – %(outcome)s"),
                     {"date": c.occurred_on, "kind": c.kind_label, "agency": c.agency_name,
                      "outcome": c.outcome_label}),
                ("contact", c.id))


def _ids(*ids: int | None) -> tuple[int, ...]:
    seen: list[int] = []
    for i in ids:
        if i and i not in seen:
            seen.append(i)
    return tuple(seen)


def _worker_for_agency(facts: FamilyFacts, agency_id: int, contacts: Iterable[ContactFact]) -> int | None:
    """The agency's lead professional for the family, or else whoever recorded its latest contact."""
    agency = facts.agency(agency_id)
    if agency and agency.lead_id:
        return agency.lead_id
    latest = None
    for c in contacts:
        if c.agency_id == agency_id:
            latest = c
    return latest.recorded_by_id if latest else None


# --- ESC-1 (003 §7.9): the 4th defaulted visit ------------------------------------------------------------------

def esc_1_key(family_id: int) -> str:
    return f"ESC-1:family:{family_id}"


def esc_1_counts(c: ContactFact) -> bool:
    """ESC-1 counts defaulted visits and appointments in person."""
    return c.defaulted and not c.remote


def esc_1(facts: FamilyFacts, params: dict) -> RuleResult:
    """More than three defaulted visits alert the worker and manager to convene a multi-agency meeting.

    Counted per family across agencies, since the last ESC-1 action was closed (the meeting it asked for resets the
    count). The deadline runs from the day of the visit that reached the threshold."""
    result = RuleResult()
    key = esc_1_key(facts.family_id)
    since = facts.since(key)
    defaulted = facts.earlier_defaulted.then(
        c for c in facts.contacts if esc_1_counts(c) and _after(c.occurred_on, since))
    threshold = params["threshold"]
    if defaulted.count < threshold:
        return result
    trigger = defaulted.head[threshold - 1]
    owner = facts.overall_lead_id or trigger.recorded_by_id
    lines = [Fact(Text(gettext_noop("Defaulted visits and appointments since %(since)s: %(count)s (the protocol's "
                                    "threshold is "
                          "%(threshold)s)."),
                       {"since": since or defaulted.head[0].occurred_on, "count": defaulted.count,
                        "threshold": threshold}),
                  ("family", facts.family_id))]
    lines += [_contact_fact(c) for c in defaulted.tail]
    result.outcomes.append(Raise(
        rule_id="ESC-1", clause="003 §7.9", key=key,
        title=Text(ESC_1_TITLE),
        owner_id=owner, trigger_date=trigger.occurred_on,
        deadline=_deadline(facts, trigger.occurred_on, params["deadline_working_days"]),
        facts=tuple(lines), parameters=dict(params), source=("engagement.Contact", trigger.id),
        notify_ids=_ids(facts.manager_of(owner), trigger.recorded_by_id, facts.manager_of(trigger.recorded_by_id)),
    ))
    return result


# --- ESC-2 (003 §7.9): non-compliance with concerns remaining ---------------------------------------------------

def esc_2(facts: FamilyFacts, params: dict) -> RuleResult:
    """Evidence of non-compliance while concerns remain: a multi-agency meeting within 7 working days, or, where a
    child is on a child protection plan, the core group within 3 working days, including consideration of removal.
    Managers take the action; workers and partner agencies involved are told (003 §7.9)."""
    result = RuleResult()
    variants = (
        (True, "core-group", params["cp_plan_working_days"],
         Text(gettext_noop("Convene the core group within %(days)s working days: review the child protection plan, "
                 "including whether the children should be removed"), {"days": params["cp_plan_working_days"]})),
        (False, "meeting", params["no_plan_working_days"],
         Text(gettext_noop("Convene a multi-agency meeting within %(days)s working days: the family is not complying "
                           "and "
                 "concerns for the children remain"), {"days": params["no_plan_working_days"]})),
    )
    for cp_plan, suffix, days, title in variants:
        key = f"ESC-2:family:{facts.family_id}:{suffix}"
        closed_at = facts.last_closed.get(key)
        findings = [f for f in facts.findings
                    if f.child_protection_plan == cp_plan and (closed_at is None or f.recorded_at > closed_at)]
        if not findings:
            continue
        first = min(findings, key=lambda f: (f.identified_on, f.id))
        recorder = first.recorded_by_id
        owner = facts.manager_of(recorder) or recorder
        lines = [Fact(Text(gettext_noop("Evidence of non-compliance identified on %(date)s, with concerns remaining."),
                           {"date": f.identified_on}), ("finding", f.id)) for f in findings]
        if cp_plan:
            lines.append(Fact(Text(gettext_noop("A child in the family is on a child protection plan.")),
                              ("family", facts.family_id)))
        else:
            lines.append(Fact(Text(gettext_noop("No child in the family is on a child protection plan.")),
                              ("family", facts.family_id)))
        leads = [a.lead_id for a in facts.agencies]
        result.outcomes.append(Raise(
            rule_id="ESC-2", clause="003 §7.9", key=key, title=title, owner_id=owner,
            trigger_date=first.identified_on, deadline=_deadline(facts, first.identified_on, days),
            facts=tuple(lines), parameters=dict(params), source=("escalations.NonComplianceFinding", first.id),
            # "their presence made known to workers and partner agencies who are involved with the family"
            notify_ids=_ids(recorder, *leads),
        ))
    return result


# --- ESC-3 (001 §5.1.9.1, §5.1.10): poor access or engagement ---------------------------------------------------

def _no_access_streak(contacts: list[ContactFact]) -> list[ContactFact]:
    """The most recent unbroken run of defaulted contacts, oldest first."""
    streak: list[ContactFact] = []
    for c in reversed(contacts):
        if not c.defaulted:
            break
        streak.append(c)
    return list(reversed(streak))


def esc_3(facts: FamilyFacts, params: dict) -> RuleResult:
    """An agency whose last N contacts all failed has identified poor access: the worker discusses it promptly with
    their line manager (001 §5.1.9.1). If the family is known to children's social care, the first line manager
    convenes a multi-agency meeting (001 §5.1.10)."""
    result = RuleResult()
    threshold = params["consecutive_no_access"]
    window_start = facts.today - timedelta(days=params["window_days"])
    csc_known = facts.known_to_csc
    meeting_key = f"ESC-3:family:{facts.family_id}:meeting"
    meeting_since = facts.since(meeting_key)
    for agency in facts.agencies:
        key = f"ESC-3:family:{facts.family_id}:agency:{agency.id}"
        since = facts.since(key)
        contacts = [c for c in facts.contacts
                    if c.agency_id == agency.id and c.occurred_on > window_start and _after(c.occurred_on, since)]
        streak = _no_access_streak(contacts)
        if len(streak) < threshold:
            continue
        trigger = streak[threshold - 1]
        worker = agency.lead_id or trigger.recorded_by_id
        manager = facts.manager_of(worker) or agency.manager_id
        lines = tuple([Fact(Text(gettext_noop("%(agency)s: the last %(count)s contacts did not achieve access."),
                                 {"agency": agency.name, "count": len(streak)}), ("family", facts.family_id))]
                      + [_contact_fact(c) for c in streak[-10:]])
        result.outcomes.append(Raise(
            rule_id="ESC-3", clause="001 §5.1.9.1", key=key,
            title=Text(ESC_3_TITLE),
            owner_id=worker, trigger_date=trigger.occurred_on,
            deadline=_deadline(facts, trigger.occurred_on, params["discuss_working_days"]),
            facts=lines, parameters=dict(params), source=("engagement.Contact", trigger.id),
            notify_ids=_ids(manager),
        ))
        if csc_known and manager and _after(trigger.occurred_on, meeting_since):
            result.outcomes.append(Raise(
                rule_id="ESC-3", clause="001 §5.1.10", key=meeting_key,
                title=Text(gettext_noop("Convene a multi-agency meeting: poor access to a family known to children's "
                                        "social "
                              "care")),
                owner_id=manager, trigger_date=trigger.occurred_on,
                deadline=_deadline(facts, trigger.occurred_on, params["meeting_working_days"]),
                facts=lines + (Fact(Text(gettext_noop("The family is known to children's social care.")),
                                    ("family", facts.family_id)),),
                parameters=dict(params), source=("engagement.Contact", trigger.id), notify_ids=_ids(worker),
            ))
            meeting_since = facts.today  # one meeting for the family, however many agencies lack access
    return result


# --- ESC-6 (001 §5.1.19): no closure on access difficulties until everyone is consulted -------------------------

# The rules whose open actions mean access to the family is still difficult.
ACCESS_RULES = frozenset({"ESC-1", "ESC-2", "ESC-3", "ESC-7", "ESC-8", "ESC-10", "ESC-11"})


@dataclass(frozen=True)
class ClosureFacts:
    ending_agency_id: int
    consulted_agency_ids: frozenset[int]  # consultations recorded within the valid period
    meeting_held_on: date | None  # the latest meeting or conference recorded within the valid period
    plan_reasons: tuple[Text, ...]  # why the contact is part of a formal multi-agency plan, if it is


def esc_6_missing(facts: FamilyFacts, closure: ClosureFacts, params: dict, esc_3_params: dict) -> list[Text]:
    """What must happen before the involvement may end; an empty list means it may end now.

    Access difficulties are unresolved while an access action is open for the family (ACCESS_RULES), or while the
    ending agency's own latest contacts did not achieve access (the ESC-3 threshold). Then every other involved
    agency must have been consulted, and a meeting or conference held where the contact is part of a formal
    multi-agency plan, or where no other agency would remain involved."""
    reasons: list[Text] = []
    open_rules = sorted({a.rule_id for a in facts.active.values() if a.rule_id in ACCESS_RULES}, key=rule_sort_key)
    if open_rules:
        reasons.append(Text(gettext_noop("open actions about access to the family (%(rules)s)"),
                            {"rules": ", ".join(open_rules)}))
    own = [c for c in facts.contacts if c.agency_id == closure.ending_agency_id]
    streak = _no_access_streak(own)
    if len(streak) >= esc_3_params["consecutive_no_access"]:
        reasons.append(Text(gettext_noop("the agency's last %(count)s contacts did not achieve access"),
                            {"count": len(streak)}))
    if not reasons:
        return []
    missing: list[Text] = []
    others = [a for a in facts.agencies if a.id != closure.ending_agency_id]
    for agency in others:
        if agency.id not in closure.consulted_agency_ids:
            missing.append(Text(gettext_noop("Consult %(agency)s (no consultation recorded in the last %(days)s "
                                             "days)."),
                                {"agency": agency.name, "days": params["consultation_valid_days"]}))
    if closure.meeting_held_on is None:
        if closure.plan_reasons:
            missing.append(Text(gettext_noop("Hold a multi-agency meeting or child protection conference and record "
                                             "it: the "
                                   "contact is part of a formal multi-agency plan (%(reasons)s)."),
                                {"reasons": list(closure.plan_reasons)}))
        elif not others:
            missing.append(Text(gettext_noop("Hold a multi-agency meeting and record it: no other agency would remain "
                                             "involved "
                                   "with the family.")))
    if not missing:
        return []
    return [Text(gettext_noop("Access difficulties are unresolved: %(reasons)s."), {"reasons": reasons}), *missing]


# --- ESC-7 (001 §5.1.17): still not engaging after everything has been tried -------------------------------------

# "Everything has been done to aid the process": the agencies have already acted together on the family's
# non-engagement, i.e. an action of one of these rules was done (the multi-agency meetings of ESC-1, ESC-2 and
# ESC-3, the managers' agreement of ESC-10, the professionals meeting of ESC-11, or an earlier ESC-7).
TRIED_RULES = ("ESC-1", "ESC-2", "ESC-3", "ESC-7", "ESC-10", "ESC-11")


def _tried(key: str) -> str | None:
    """The rule of a done action that counts as the agencies having tried together, or None. ESC-3's discussion
    with the line manager is one worker's step: only its multi-agency meeting counts."""
    rule_id = key.partition(":")[0]
    if rule_id not in TRIED_RULES or (rule_id == "ESC-3" and not key.endswith(":meeting")):
        return None
    return rule_id


def esc_7_start(family_id: int, last_done_on: Mapping[str, date], last_closed_on: Mapping[str, date]) -> date | None:
    """The day after which ESC-7 counts failed contacts: the latest action done that counts as the agencies having
    tried together, or the last ESC-7 closed if later; None when none was done."""
    tried = [day for k, day in last_done_on.items() if _tried(k)]
    if not tried:
        return None
    tried_on = max(tried)
    return max(tried_on, last_closed_on.get(f"ESC-7:family:{family_id}") or tried_on)


def esc_7(facts: FamilyFacts, params: dict) -> RuleResult:
    """If the family is still not engaging when everything has been done to aid the process, a child protection
    consultation should be considered with a child protection coordinator and a hard-to-engage professionals meeting
    convened (001 §5.1.17).

    Raised when, after the latest such action was done (and after the last ESC-7 closed), the family's latest
    contacts in a row, by any agency, failed to achieve access. Owned by the family's overall lead, with their
    manager and every involved agency's lead told; the meeting it asks for (a hard-to-engage professionals meeting)
    closes it when it is held."""
    result = RuleResult()
    key = f"ESC-7:family:{facts.family_id}"
    tried = [(day, rule_id) for k, day in facts.last_done_on.items() if (rule_id := _tried(k))]
    if not tried:
        return result
    tried_on = max(day for day, _rule in tried)
    start = esc_7_start(facts.family_id, facts.last_done_on, facts.last_closed_on)
    after = [c for c in facts.contacts if c.occurred_on > start]
    streak = _no_access_streak(after)
    # Every contact since contacts_from failed: the run goes on into the earlier ones.
    run = (facts.earlier_failed if len(streak) == len(after) else ContactRun()).then(streak)
    threshold = params["failed_contacts"]
    if run.count < threshold:
        return result
    trigger = run.head[threshold - 1]
    owner = facts.overall_lead_id or trigger.recorded_by_id
    rules_done = ", ".join(sorted({rule_id for _day, rule_id in tried}, key=rule_sort_key))
    lines = [Fact(Text(gettext_noop("The agencies have already acted together on the family's non-engagement "
                                    "(%(rules)s, most recently done on %(date)s)."),
                       {"rules": rules_done, "date": tried_on}), ("family", facts.family_id)),
             Fact(Text(gettext_noop("Since then, the last %(count)s contacts did not achieve access."),
                       {"count": run.count}), ("family", facts.family_id))]
    lines += [_contact_fact(c) for c in run.tail]
    result.outcomes.append(Raise(
        rule_id="ESC-7", clause="001 §5.1.17", key=key,
        title=Text(gettext_noop("The family is still not engaging: consider a child protection consultation and "
                                "convene a hard-to-engage professionals meeting")),
        owner_id=owner, trigger_date=trigger.occurred_on,
        deadline=_deadline(facts, trigger.occurred_on, params["deadline_working_days"]),
        facts=tuple(lines), parameters=dict(params), source=("engagement.Contact", trigger.id),
        notify_ids=_ids(facts.manager_of(owner), *(a.lead_id for a in facts.agencies if a.lead_id != owner)),
    ))
    return result


# --- ESC-8 (003 §7.9): children seen, and seen alone ------------------------------------------------------------

def esc_8(facts: FamilyFacts, params: dict) -> RuleResult:
    """Managers ensure children are seen: a child not seen, or not seen alone, for longer than the configured number
    of days escalates. The owner is the family's overall lead, with their manager told; it resolves itself when the
    child is seen (or seen alone) again."""
    result = RuleResult()
    checks = (
        ("not-seen", params["not_seen_days"], lambda c: c.last_seen,
         gettext_noop("See %(child)s: not seen for more than %(days)s days"),
         gettext_noop("%(child)s was last seen on %(date)s."), gettext_noop("%(child)s has not been seen since "
                                                                            "Doorstep started following "
                                                       "them on %(date)s."),
         gettext_noop("%(child)s was seen on %(date)s.")),
        ("not-seen-alone", params["not_seen_alone_days"], lambda c: c.last_seen_alone,
         ESC_8_NOT_SEEN_ALONE_TITLE,
         gettext_noop("%(child)s was last seen alone on %(date)s."), gettext_noop("%(child)s has not been seen alone "
                                                                                  "since Doorstep started "
                                                             "following them on %(date)s."),
         gettext_noop("%(child)s was seen alone on %(date)s.")),
    )
    owner = facts.overall_lead_id
    if owner is None:
        return result
    for child in facts.children:
        for suffix, days, last, title, seen_text, never_text, resolved_text in checks:
            key = f"ESC-8:child:{child.id}:{suffix}"
            seen = last(child)
            basis = seen or child.tracked_since
            active = facts.active.get(key)
            if active is not None:
                raised_basis = active.parameters.get("basis")
                if seen is not None and raised_basis and seen > date.fromisoformat(raised_basis):
                    result.outcomes.append(Resolve(key, Text(resolved_text, {"child": child.name, "date": seen})))
                continue
            trigger = basis + timedelta(days=days + 1)  # "longer than" the period: the day after it ends
            since = facts.since(key)
            if since is not None and since >= trigger:
                trigger = since + timedelta(days=days + 1)  # closed without the child being seen: a new period
            if facts.today < trigger:
                result.wake(trigger)
                continue
            fact_text = Text(seen_text, {"child": child.name, "date": seen}) if seen else \
                Text(never_text, {"child": child.name, "date": child.tracked_since})
            result.outcomes.append(Raise(
                rule_id="ESC-8", clause="003 §7.9", key=key, title=Text(title, {"child": child.name, "days": days}),
                # The sweep looks on the day the period ends, so the clock starts then; a history recorded late
                # (an import, the demo) starts it on the day Doorstep first knew, not weeks in the past.
                owner_id=owner, trigger_date=facts.today,
                deadline=_deadline(facts, facts.today, params["deadline_working_days"]),
                facts=(Fact(fact_text, ("child", child.id)),
                       Fact(Text(gettext_noop("Managers must ensure that children are seen (003 §7.9).")), None)),
                parameters={**params, "basis": basis.isoformat()}, source=("families.Person", child.id),
                notify_ids=_ids(facts.manager_of(owner)),
            ))
    return result


# --- ESC-9 (004 §2.3, 001 §5.1.9.5): collusion indicators, without blame ----------------------------------------

def esc_9(facts: FamilyFacts, params: dict) -> RuleResult:
    """Indicators that work may be drifting into avoiding conflict, surfaced to the worker and their supervisor as a
    prompt for reflection, never as blame: remote contact replacing visits (004 §2.3 items 1-2), a child never seen
    alone (004 §2.3 item 7)."""
    result = RuleResult()
    window_start = facts.today - timedelta(days=params["window_days"])
    for agency in facts.agencies:
        key = f"ESC-9:family:{facts.family_id}:agency:{agency.id}:remote"
        since = facts.since(key)
        contacts = [c for c in facts.contacts
                    if c.agency_id == agency.id and c.occurred_on > window_start and _after(c.occurred_on, since)]
        for c in contacts[:1]:
            result.wake(c.occurred_on + timedelta(days=params["window_days"] + 1))
        if len(contacts) < params["min_contacts"]:
            continue
        remote = [c for c in contacts if c.remote]
        if len(remote) * 100 < params["remote_percent"] * len(contacts):
            continue
        if any(c.child_seen and not c.remote for c in contacts):
            continue
        worker = _worker_for_agency(facts, agency.id, contacts)
        if worker is None:
            continue
        lines = (Fact(Text(gettext_noop("%(agency)s: %(remote)s of the %(count)s contacts since %(since)s were by "
                                        "phone, text, "
                              "e-mail or letter, and no child was seen in person."),
                           {"agency": agency.name, "remote": len(remote), "count": len(contacts),
                            "since": contacts[0].occurred_on}), ("family", facts.family_id)),
                 Fact(Text(gettext_noop("Remote contact can come to replace visits without anyone deciding that it "
                                        "should "
                              "(004 §2.3). This is a prompt to reflect together, not a finding about anyone's "
                              "practice.")), None))
        result.outcomes.append(Raise(
            rule_id="ESC-9", clause="004 §2.3", key=key,
            title=Text(gettext_noop("Reflect in supervision: contact with the family has mostly been remote")),
            owner_id=worker, trigger_date=facts.today,
            deadline=_deadline(facts, facts.today, params["deadline_working_days"]),
            facts=lines, parameters=dict(params), notify_ids=_ids(facts.manager_of(worker)),
        ))
    owner = facts.overall_lead_id
    for child in facts.children:
        key = f"ESC-9:child:{child.id}:never-alone"
        since = facts.since(key)
        seen = [d for d in child.seen_on if _after(d, since)]
        times = len(seen) if child.times_seen_since is None else child.times_seen_since
        if child.seen_alone_on or times < params["seen_without_alone"] or owner is None:
            continue
        result.outcomes.append(Raise(
            rule_id="ESC-9", clause="004 §2.3", key=key,
            title=Text(gettext_noop("Reflect in supervision: %(child)s has never been seen alone"),
                       {"child": child.name}),
            owner_id=owner, trigger_date=facts.today,
            deadline=_deadline(facts, facts.today, params["deadline_working_days"]),
            facts=(Fact(Text(gettext_noop("%(child)s has been seen %(count)s times, most recently on %(date)s, and "
                                          "never alone."),
                             {"child": child.name, "count": times, "date": child.last_seen}), ("child", child.id)),
                   Fact(Text(gettext_noop("Not asking to see the child alone is one of the ways hostility can shape "
                                          "our work "
                                "without our noticing (004 §2.3). What would help %(child)s to be seen alone?"),
                             {"child": child.name}), None)),
            parameters=dict(params), source=("families.Person", child.id), notify_ids=_ids(facts.manager_of(owner)),
        ))
    return result


# --- ESC-10 (004 §3.1, 001 §5.1.21): everyone backing off -------------------------------------------------------

def esc_10(facts: FamilyFacts, params: dict) -> RuleResult:
    """Contact by all agencies falling away, or no agency with access, escalates to the managers of every involved
    agency: one action each, so that no agency carries it alone (P-5)."""
    result = RuleResult()
    window = params["window_days"]
    involved_since = facts.involved_since
    if not facts.agencies or involved_since is None:
        return result
    # "Within the last N days" includes the day N days ago; "for more than N days" is before it.
    current_start = facts.today - timedelta(days=window)
    previous_start = current_start - timedelta(days=window)
    current = [c for c in facts.contacts if c.occurred_on >= current_start]
    previous = [c for c in facts.contacts if previous_start <= c.occurred_on < current_start]
    reasons: list[Fact] = []
    # "No agency with access": agencies are still trying, and none gets in. (Agencies that stopped trying are
    # "falling away", below; children nobody has seen, whatever the record, are ESC-8's.)
    if current and involved_since < current_start and not any(c.achieved for c in current):
        last = max((c.occurred_on for c in facts.contacts if c.achieved), default=facts.earlier_achieved_on)
        reasons.append(Fact(Text(gettext_noop("No agency has achieved contact with the family for more than %(days)s "
                                              "days, despite %(attempts)s attempts in that time (last contact "
                                              "achieved: %(last)s)."),
                                 {"days": window, "attempts": len(current),
                                  "last": last if last else Text(gettext_noop("never"))}),
                            ("family", facts.family_id)))
    now_by_agency, before_by_agency = Counter(c.agency_id for c in current), Counter(c.agency_id for c in previous)
    if (len(previous) >= params["min_previous"]
            and len(current) * 100 <= len(previous) * (100 - params["drop_percent"])
            and all(now_by_agency[a] <= before_by_agency[a] for a in now_by_agency)):
        reasons.append(Fact(Text(gettext_noop("Contact attempts by all agencies fell from %(before)s in the previous "
                                              "%(days)s "
                                    "days to %(now)s in the last %(days)s days."),
                                 {"before": len(previous), "now": len(current), "days": window}),
                            ("family", facts.family_id)))
    # The picture changes as contacts move from the current period to the previous one and out of both.
    for c in current[:1]:
        result.wake(c.occurred_on + timedelta(days=window + 1))
    for c in previous[:1]:
        result.wake(c.occurred_on + timedelta(days=2 * window + 1))
    if involved_since >= current_start:
        result.wake(involved_since + timedelta(days=window + 1))
    if not reasons:
        return result
    for agency in facts.agencies:
        key = f"ESC-10:family:{facts.family_id}:agency:{agency.id}"
        since = facts.since(key)
        if since is not None and since >= current_start:  # closed within this window: wait for a whole new window
            result.wake(since + timedelta(days=window + 1))
            continue
        owner = agency.manager_id
        if owner is None:
            continue
        result.outcomes.append(Raise(
            rule_id="ESC-10", clause="004 §3.1", key=key,
            title=Text(ESC_10_TITLE),
            owner_id=owner, trigger_date=facts.today,
            deadline=_deadline(facts, facts.today, params["deadline_working_days"]),
            facts=tuple(reasons) + (Fact(Text(gettext_noop("The most worrying scenario is when every agency cannot "
                                                           "engage the "
                                                 "family and everyone withdraws (001 §5.1.21).")), None),),
            parameters=dict(params), notify_ids=_ids(agency.lead_id),
        ))
    return result


# --- ESC-11 (002 §4.4, 004 §3.1): engagement with some agencies, refusal of others ------------------------------

def esc_11(facts: FamilyFacts, params: dict) -> RuleResult:
    """Splitting: the family engages with some agencies and refuses or is hostile to others. It prompts information
    sharing and a professionals meeting, owned by the overall lead with every involved agency's lead told."""
    result = RuleResult()
    key = f"ESC-11:family:{facts.family_id}"
    since = facts.since(key)
    window_start = facts.today - timedelta(days=params["window_days"])
    contacts = [c for c in facts.contacts if c.occurred_on > window_start and _after(c.occurred_on, since)]
    by_agency: dict[int, list[ContactFact]] = defaultdict(list)
    for c in contacts:
        by_agency[c.agency_id].append(c)
    engaging, refusing = [], []
    for agency_id, cs in by_agency.items():
        achieved = [c for c in cs if c.achieved and not c.hostile]
        hostile = [c for c in cs if c.hostile]
        if achieved and not hostile:
            engaging.append((cs[0].agency_name, len(achieved), agency_id))
        elif len(hostile) >= params["min_refusals"] and not any(c.achieved for c in cs):
            refusing.append((cs[0].agency_name, len(hostile), agency_id))
    if contacts:
        result.wake(contacts[0].occurred_on + timedelta(days=params["window_days"] + 1))
    owner = facts.overall_lead_id
    if not engaging or not refusing or owner is None:
        return result
    lines = [Fact(Text(gettext_noop("%(agency)s: engaged %(count)s times since %(since)s."),
                       {"agency": name, "count": n, "since": window_start}), ("family", facts.family_id))
             for name, n, _id in sorted(engaging)]
    lines += [Fact(Text(gettext_noop("%(agency)s: refused or met with hostility %(count)s times since %(since)s, and "
                                     "never "
                           "engaged."), {"agency": name, "count": n, "since": window_start}),
                   ("family", facts.family_id))
              for name, n, _id in sorted(refusing)]
    lines.append(Fact(Text(gettext_noop("When hostility is not universal, agencies should seek to understand why and "
                                        "learn from "
                              "each other (004 §3.1).")), None))
    result.outcomes.append(Raise(
        rule_id="ESC-11", clause="002 §4.4", key=key,
        title=Text(ESC_11_TITLE),
        owner_id=owner, trigger_date=facts.today,
        deadline=_deadline(facts, facts.today, params["deadline_working_days"]),
        facts=tuple(lines), parameters=dict(params),
        notify_ids=_ids(*(a.lead_id for a in facts.agencies)),
    ))
    return result


# --- The registry -----------------------------------------------------------------------------------------------

rule_register(RuleDefinition(
    "ESC-1", "003 §7.9", _("Defaulted visits and appointments"),
    _("More than three defaulted visits or appointments in person (the 4th), counted across agencies since the last "
      "such action was closed."),
    _("The family's overall lead, with their manager and the worker whose visit was defaulted: convene a "
      "multi-agency meeting."),
    (Parameter("threshold", _("Defaulted visits that raise the action"), 4, 2, 20),
     Parameter("deadline_working_days", _("Working days to convene the meeting"), 10, 0, 60)),
    esc_1,
))
rule_register(RuleDefinition(
    "ESC-2", "003 §7.9", _("Non-compliance with concerns remaining"),
    _("A practitioner or manager records evidence of non-compliance while concerns for the children remain."),
    _("The recorder's manager: a multi-agency meeting, or the core group when a child is on a child protection plan. "
      "Every involved agency's lead professional is told."),
    (Parameter("no_plan_working_days", _("Working days for the multi-agency meeting (no child protection plan)"), 7,
               0, 60),
     Parameter("cp_plan_working_days", _("Working days for the core group (child protection plan)"), 3, 0, 60)),
    esc_2,
))
rule_register(RuleDefinition(
    "ESC-3", "001 §5.1.9.1, §5.1.10", _("Poor access or engagement"),
    _("An agency's latest contacts in a row all failed to achieve access."),
    _("The agency's worker: discuss it with their line manager. If the family is known to children's social care, "
      "the line manager convenes a multi-agency meeting."),
    (Parameter("consecutive_no_access", _("Failed contacts in a row"), 2, 1, 20),
     Parameter("window_days", _("Looking back (days)"), 90, 7, 730),
     Parameter("discuss_working_days", _("Working days to discuss with the line manager"), 2, 0, 30),
     Parameter("meeting_working_days", _("Working days to convene the meeting (known to children's social care)"),
               10, 0, 60)),
    esc_3,
))
rule_register(RuleDefinition(
    "ESC-6", "001 §5.1.19", _("No closure while access is difficult"),
    _("An agency ends its involvement while access difficulties are unresolved."),
    _("The ending is refused until every other involved agency has been consulted, and a meeting held where the "
      "contact is part of a formal multi-agency plan."),
    (Parameter("consultation_valid_days", _("Consultations and meetings count for (days)"), 28, 1, 365),),
    subject="involvement", deadline=_("None: the ending waits until the steps are recorded."),
))
rule_register(RuleDefinition(
    "ESC-7", "001 §5.1.17", _("Still not engaging after everything has been tried"),
    _("After the agencies have acted together on the family's non-engagement (an ESC-1, ESC-2, ESC-10 or ESC-11 "
      "action, or ESC-3's meeting, done), the family's latest contacts in a row still failed to achieve access."),
    _("The family's overall lead, with their manager and every involved agency's lead told: consider a child "
      "protection consultation with a child protection coordinator, and convene a hard-to-engage professionals "
      "meeting."),
    (Parameter("failed_contacts", _("Failed contacts in a row after the agencies acted together"), 3, 1, 20),
     Parameter("deadline_working_days", _("Working days to convene the hard-to-engage professionals meeting"), 10,
               0, 60)),
    esc_7,
))
rule_register(RuleDefinition(
    "ESC-8", "003 §7.9", _("Children seen, and seen alone"),
    _("A child has not been seen, or not been seen alone, for longer than the set number of days."),
    _("The family's overall lead, with their manager told: see the child."),
    (Parameter("not_seen_days", _("Days without the child being seen"), 28, 1, 365),
     Parameter("not_seen_alone_days", _("Days without the child being seen alone"), 56, 1, 730),
     Parameter("deadline_working_days", _("Working days to see the child"), 5, 0, 30)),
    esc_8,
))
rule_register(RuleDefinition(
    "ESC-9", "004 §2.3, 001 §5.1.9.5", _("Collusion indicators"),
    _("An agency's contact has been mostly remote with no child seen in person; or a child has been seen several "
      "times and never alone."),
    _("The worker and their supervisor: reflect on it together in supervision (a prompt, not blame)."),
    (Parameter("window_days", _("Looking back (days)"), 42, 7, 365),
     Parameter("min_contacts", _("Contacts needed before remote contact is noticed"), 3, 1, 50),
     Parameter("remote_percent", _("Share of contacts that were remote (per cent)"), 75, 1, 100),
     Parameter("seen_without_alone", _("Times a child is seen, never alone, before it is noticed"), 3, 1, 50),
     Parameter("deadline_working_days", _("Working days to reflect in supervision"), 10, 0, 60)),
    esc_9,
))
rule_register(RuleDefinition(
    "ESC-10", "004 §3.1, 001 §5.1.21", _("Everyone backing off"),
    _("Agencies keep trying and none has achieved contact for the set period, or contact by all agencies has fallen "
      "away."),
    _("The manager of every involved agency, one action each."),
    (Parameter("window_days", _("Period (days)"), 28, 7, 365),
     Parameter("drop_percent", _("Fall in contact attempts that counts as falling away (per cent)"), 50, 1, 100),
     Parameter("min_previous", _("Attempts in the previous period before a fall is noticed"), 4, 1, 100),
     Parameter("deadline_working_days", _("Working days to agree a way forward"), 5, 0, 30)),
    esc_10,
))
rule_register(RuleDefinition(
    "ESC-11", "002 §4.4, 004 §3.1", _("Engagement with some agencies, refusal of others"),
    _("In the period, the family engaged with one agency and refused or was hostile to another, repeatedly."),
    _("The family's overall lead, with every involved agency's lead told: share information and hold a "
      "professionals meeting."),
    (Parameter("window_days", _("Looking back (days)"), 90, 7, 365),
     Parameter("min_refusals", _("Refusals or hostile contacts with an agency"), 2, 1, 20),
     Parameter("deadline_working_days", _("Working days to hold the professionals meeting"), 10, 0, 60)),
    esc_11,
))


# Issue 15: the look-back windows in which the family rules read each contact (ESC-3, ESC-9 and ESC-11 look back
# window_days; ESC-10 compares two periods of window_days). Of earlier contacts the rules read only what
# FamilyFacts summarises (earlier_defaulted, earlier_failed, earlier_achieved_on, ChildFact.times_seen_since).
# A rule that comes to read earlier contacts another way adds its window here or its summary there;
# tests/test_engine.py checks that the rules decide the same on the gathered facts as on the whole history.
CONTACT_WINDOWS = (("ESC-3", "window_days", 1), ("ESC-9", "window_days", 1), ("ESC-10", "window_days", 2),
                   ("ESC-11", "window_days", 1))


def contacts_needed_from(today: date, settings: Mapping[str, tuple[bool, dict]]) -> date:
    """The first day whose contacts the family rules read one by one, with these settings."""
    days = 0
    for rule_id, name, periods in CONTACT_WINDOWS:
        _enabled, params = settings.get(rule_id) or (True, RULES[rule_id].defaults())
        days = max(days, params[name] * periods)
    return today - timedelta(days=days)


def rules_evaluate(facts: FamilyFacts, settings: Mapping[str, tuple[bool, dict]]) -> RuleResult:
    """Run every enabled rule that evaluates families. `settings` maps rule ID -> (enabled, parameters)."""
    combined = RuleResult()
    for rule_id in sorted(RULES, key=rule_sort_key):
        definition = RULES[rule_id]
        if definition.evaluate is None or definition.subject != "family":
            continue
        enabled, params = settings.get(rule_id, (True, definition.defaults()))
        if not enabled:
            continue
        result = definition.evaluate(facts, params)
        combined.outcomes.extend(result.outcomes)
        if result.wake_on is not None:
            combined.wake(result.wake_on)
    return combined
