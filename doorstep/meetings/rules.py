"""Each kind of meeting's rules (MTG-1): who may call it, its timescale and whether parents attend; and MTG-2..5 as
tracked actions. Areas differ (ESC-12): each kind's timescale is a setting of MTG-2 ("it meets at the earliest
opportunity, urgency setting how quickly", 000) that an administrator changes on the Rule settings page, audited;
`KindRule.working_days` is the protocol's default.

The functions here are pure: facts (and the rule's settings) in, a decision out, no database and no clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from doorstep.agencies.models import MARP_CALLING_KINDS, AgencyKind

from doorstep.escalations.rules import Fact, Parameter, Raise, RuleDefinition, RuleResult, Text, rule_register

from .models import MeetingKind, ParentsAttendance


class Callers:
    # Who may call a kind of meeting.
    # MTG-2 (000): a designated postholder of health, education, children's social care, housing or police.
    MARP_POSTHOLDER = "marp_postholder"
    INVOLVED = "involved"  # any practitioner or manager of an agency involved with the family
    CHILDRENS_SOCIAL_CARE = "csc"  # children's social care staff: its statutory meetings
    MANAGER = "manager"  # ESC-3 (001 §5.1.10): "the first line manager should convene a multi-agency meeting"


class Parents:
    EXCLUDED = "excluded"  # the kind is held without parents
    INVITED = "invited"  # parents are invited unless the caller excludes them and says why
    DECIDE = "decide"  # the caller decides; not invited unless chosen


@dataclass(frozen=True)
class KindRule:
    kind: str
    clause: str
    callers: str
    working_days: int  # the default of "within N working days" (MTG-2's setting), unless the caller sets another
    parents: str
    excluded_reason: str = ""  # why parents do not attend, where the kind excludes them


DEFAULT_RULES = {
    MeetingKind.MARP: KindRule(MeetingKind.MARP, "000", Callers.MARP_POSTHOLDER, 5, Parents.DECIDE),
    MeetingKind.HARD_TO_ENGAGE: KindRule(MeetingKind.HARD_TO_ENGAGE, "001 §5.1.17", Callers.INVOLVED, 10,
                                         Parents.EXCLUDED,
                                         gettext_lazy("A hard-to-engage professionals meeting is held without "
                                                      "parents.")),
    MeetingKind.PROFESSIONALS: KindRule(MeetingKind.PROFESSIONALS, "003 §7.4", Callers.INVOLVED, 7, Parents.EXCLUDED,
                                        gettext_lazy("A professionals meeting is held without parents, so that "
                                                     "information can be shared freely (004 §3.5).")),
    MeetingKind.STRATEGY: KindRule(MeetingKind.STRATEGY, "001 §5.1.11", Callers.CHILDRENS_SOCIAL_CARE, 1,
                                   Parents.EXCLUDED,
                                   gettext_lazy("A strategy discussion between agencies is held without parents.")),
    MeetingKind.CORE_GROUP: KindRule(MeetingKind.CORE_GROUP, "003 §7.6", Callers.CHILDRENS_SOCIAL_CARE, 3,
                                     Parents.INVITED),
    MeetingKind.REVIEW_CONFERENCE: KindRule(MeetingKind.REVIEW_CONFERENCE, "001 §5.1.11", Callers.CHILDRENS_SOCIAL_CARE,
                                            10, Parents.INVITED),
    MeetingKind.FAMILY_SUPPORT: KindRule(MeetingKind.FAMILY_SUPPORT, "001 §5.1.18", Callers.INVOLVED, 10,
                                         Parents.INVITED),
    MeetingKind.LEGAL_PLANNING: KindRule(MeetingKind.LEGAL_PLANNING, "001 §5.1.12", Callers.CHILDRENS_SOCIAL_CARE, 10,
                                         Parents.EXCLUDED,
                                         gettext_lazy("A legal planning meeting is held without parents.")),
}


def rule_for(kind: str) -> KindRule:
    return DEFAULT_RULES[MeetingKind(kind)]


def timescale_parameter(kind: str) -> str:
    """The name of MTG-2's setting that holds this kind's timescale."""
    return f"{MeetingKind(kind).value}_working_days"


def timescale(kind: str, params: Mapping) -> int:
    """MTG-2: within how many working days a meeting of this kind is held unless its caller sets another urgency,
    as the administrator set it (`params` are MTG-2's settings: `rule_settings("MTG-2")[1]`)."""
    return params[timescale_parameter(kind)]


def default_parents(kind: str) -> str:
    return ParentsAttendance.INVITED if rule_for(kind).parents == Parents.INVITED else ParentsAttendance.EXCLUDED


# The escalations that ask for a meeting, and which kind each asks for (ESC-1, ESC-2, ESC-3, ESC-7, ESC-11).
MEETING_ESCALATION_RULES = ("ESC-1", "ESC-2", "ESC-3", "ESC-7", "ESC-11")


def kind_for_escalation(rule_id: str, *, child_on_plan: bool) -> str:
    """The kind of meeting an escalation asks for; the caller may choose another."""
    if rule_id == "ESC-1":  # 003 §7.9: a multi-agency meeting after the 4th defaulted visit: a MARP (000)
        return MeetingKind.MARP
    if rule_id == "ESC-2":  # 003 §7.9: core group within 3 working days if on a CP plan, otherwise a meeting in 7
        return MeetingKind.CORE_GROUP if child_on_plan else MeetingKind.PROFESSIONALS
    if rule_id == "ESC-7":  # 001 §5.1.17
        return MeetingKind.HARD_TO_ENGAGE
    return MeetingKind.PROFESSIONALS  # ESC-3 (001 §5.1.10), ESC-11 (002 §4.4)


@dataclass(frozen=True)
class Caller:
    """The facts about a would-be caller that the rules need."""

    works_with_families: bool
    agency_kind: str | None
    is_designated_postholder: bool
    is_manager: bool
    agency_involved: bool


def refusal(kind: str, caller: Caller) -> str | None:
    """Why this person may not call this kind of meeting about this family, or None if they may."""
    if not caller.works_with_families:
        return _("Only practitioners and managers of an agency call meetings.")
    if not caller.agency_involved:
        return _("Your agency must be involved with the family to call a meeting about it.")
    rule = rule_for(kind)
    if rule.callers == Callers.MARP_POSTHOLDER:
        if caller.agency_kind not in MARP_CALLING_KINDS:
            return _("A MARP is called by health, education, children's social care, housing or police (000). "
                     "Your agency cannot call one: ask one of those agencies' designated postholders.")
        if not caller.is_designated_postholder:
            return _("Only your agency's designated postholder can call a MARP (000: \"Each agency will designate "
                     "the appropriate postholder able to call a meeting\"). Ask them, or your manager, to call it.")
    elif rule.callers == Callers.CHILDRENS_SOCIAL_CARE:
        if caller.agency_kind != AgencyKind.CHILDRENS_SOCIAL_CARE:
            return _("This meeting is convened by children's social care. Ask the family's social worker to call "
                     "it.")
    elif rule.callers == Callers.MANAGER and not caller.is_manager:
        return _("This meeting is convened by a first line manager.")
    return None


def callable_kinds(caller: Caller) -> list[str]:
    return [kind for kind in MeetingKind.values if refusal(kind, caller) is None]


# --- MTG-2..5 as tracked actions (the engine applies them: `engine.rule_apply`) ------------------------------------

@dataclass(frozen=True)
class PlanActionFact:
    id: int
    owner_id: int
    agency_name: str
    description: str
    due_date: date


@dataclass(frozen=True)
class MeetingFacts:
    meeting_id: int
    family_reference: str
    short_name: object  # the kind's short name, translatable
    chair_id: int
    called_by: str = ""
    hold_by: datetime | None = None  # MTG-2: when it must be held
    held_on: date | None = None
    review_date: date | None = None  # MTG-5
    actions: tuple[PlanActionFact, ...] = ()  # MTG-3: the plan's actions, once the minutes are circulated
    # Issue 18: titles name the family in plain words (family.name_text: "Evans household", "Aelwyd Evans"), not by
    # its reference ("family DS-000004").
    family_name: object = ""


def _held(facts: MeetingFacts) -> Text:
    return Text(gettext_noop("%(meeting)s held on %(day)s"), {"meeting": facts.short_name, "day": facts.held_on})


def _family(facts: MeetingFacts):
    return facts.family_name or facts.family_reference


# Titles raised before issue 18, still stored on older actions and shown in the reader's language.
EARLIER_TITLES = (
    gettext_noop("Hold the %(meeting)s for family %(reference)s by %(when)s"),
    gettext_noop("Circulate the minutes of the %(meeting)s held on %(day)s (family %(reference)s) by %(when)s"),
    gettext_noop("Plan action for family %(reference)s: %(action)s"),
    gettext_noop("Hold the meeting to review the plan for family %(reference)s by %(day)s"),
)


def hold_key(meeting_id: int) -> str:
    return f"MTG-2:meeting:{meeting_id}"


def circulate_key(meeting_id: int) -> str:
    return f"MTG-4:meeting:{meeting_id}"


def review_key(meeting_id: int) -> str:
    return f"MTG-5:meeting:{meeting_id}"


def action_key(action_id: int) -> str:
    return f"MTG-3:action:{action_id}"


def mtg_2(facts: MeetingFacts, params: dict) -> RuleResult:
    """MTG-2 (000): the meeting meets at the earliest opportunity, urgency setting how quickly: holding it by then is
    a tracked action of the chair (closed when it is held)."""
    return RuleResult(outcomes=[Raise(
        rule_id="MTG-2", clause="000", key=hold_key(facts.meeting_id), owner_id=facts.chair_id,
        title=Text(gettext_noop("Hold the %(meeting)s for the %(family)s by %(when)s"),
                   {"meeting": facts.short_name, "family": _family(facts), "when": facts.hold_by}),
        trigger_date=None, deadline=facts.hold_by,
        facts=(Fact(Text(gettext_noop("%(meeting)s called by %(name)s"),
                         {"meeting": facts.short_name, "name": facts.called_by}), ("meeting", facts.meeting_id)),),
        source=("meetings.Meeting", facts.meeting_id), notification_kind="meeting", parameters=dict(params),
    )])


def circulate_by(held_on: date, params: dict) -> date:
    return held_on + timedelta(days=params["circulate_within_days"])


def mtg_4(facts: MeetingFacts, params: dict) -> RuleResult:
    """MTG-4 (000): the chair circulates the minute to each attending agency within seven days."""
    due = circulate_by(facts.held_on, params)
    return RuleResult(outcomes=[Raise(
        rule_id="MTG-4", clause="000", key=circulate_key(facts.meeting_id), owner_id=facts.chair_id,
        title=Text(gettext_noop("Circulate the minutes of the %(meeting)s held on %(day)s (the %(family)s) by "
                                "%(when)s"),
                   {"meeting": facts.short_name, "day": facts.held_on, "family": _family(facts), "when": due}),
        trigger_date=facts.held_on, deadline=due, facts=(Fact(_held(facts), ("meeting", facts.meeting_id)),),
        source=("meetings.Meeting", facts.meeting_id), notification_kind="meeting", parameters=dict(params),
    )])


def mtg_3(facts: MeetingFacts, params: dict) -> RuleResult:
    """MTG-3 (000): the plan specifies each agency's responsibility; each action is tracked for its owner."""
    return RuleResult(outcomes=[Raise(
        rule_id="MTG-3", clause="000", key=action_key(a.id), owner_id=a.owner_id,
        title=Text(gettext_noop("Plan action for the %(family)s: %(action)s"),
                   {"family": _family(facts), "action": a.description}),
        trigger_date=facts.held_on, deadline=a.due_date,
        facts=(Fact(Text(gettext_noop("Agreed at the %(held)s; %(agency)s is responsible"),
                         {"held": _held(facts), "agency": a.agency_name}), ("meeting_action", a.id)),),
        source=("meetings.PlanAction", a.id), notification_kind="plan", parameters=dict(params),
    ) for a in facts.actions])


def mtg_5(facts: MeetingFacts, params: dict) -> RuleResult:
    """MTG-5 (000, 004 §3.5): a review meeting set within a specified period is a tracked action of the chair."""
    if facts.review_date is None:
        return RuleResult()
    return RuleResult(outcomes=[Raise(
        rule_id="MTG-5", clause="000", key=review_key(facts.meeting_id), owner_id=facts.chair_id,
        title=Text(gettext_noop("Hold the meeting to review the plan for the %(family)s by %(day)s"),
                   {"family": _family(facts), "day": facts.review_date}),
        trigger_date=facts.held_on, deadline=facts.review_date,
        facts=(Fact(Text(gettext_noop("Review set at the %(held)s"), {"held": _held(facts)}),
                    ("minutes", facts.meeting_id)),),
        source=("meetings.Meeting", facts.meeting_id), notification_kind="meeting", parameters=dict(params),
    )])


# MTG-2's settings: each kind's usual timescale (MTG-1's kinds), the protocol's default in DEFAULT_RULES.
TIMESCALE_LABELS = {
    MeetingKind.MARP: gettext_lazy("Working days to hold a MARP"),
    MeetingKind.HARD_TO_ENGAGE: gettext_lazy("Working days to hold a hard-to-engage professionals meeting"),
    MeetingKind.PROFESSIONALS: gettext_lazy("Working days to hold a professionals meeting"),
    MeetingKind.STRATEGY: gettext_lazy("Working days to hold a strategy discussion or meeting"),
    MeetingKind.CORE_GROUP: gettext_lazy("Working days to hold a core group brought forward"),
    MeetingKind.REVIEW_CONFERENCE: gettext_lazy("Working days to hold a review child protection conference brought "
                                                "forward"),
    MeetingKind.FAMILY_SUPPORT: gettext_lazy("Working days to hold a family support meeting"),
    MeetingKind.LEGAL_PLANNING: gettext_lazy("Working days to hold a legal planning meeting"),
}
TIMESCALE_PARAMETERS = tuple(
    Parameter(timescale_parameter(kind), TIMESCALE_LABELS[kind], rule.working_days, 1, 60)
    for kind, rule in DEFAULT_RULES.items()
)

rule_register(RuleDefinition(
    "MTG-2", "000", gettext_lazy("Meetings held at the earliest opportunity"),
    gettext_lazy("A multi-agency meeting is called (not in answer to an escalation, which has its own deadline)."),
    gettext_lazy("The chair: hold the meeting by the date its urgency sets."),
    TIMESCALE_PARAMETERS, mtg_2, subject="meeting",
    deadline=gettext_lazy("The end of the working day the urgency gives (each kind's timescale, or the caller's)."),
))
rule_register(RuleDefinition(
    "MTG-3", "000", gettext_lazy("The plan of intervention's actions"),
    gettext_lazy("The minutes of a meeting that agreed a plan are circulated."),
    gettext_lazy("Each action's owner, in the agency responsible for it."),
    (), mtg_3, subject="meeting", deadline=gettext_lazy("The end of the due date agreed for the action."),
))
rule_register(RuleDefinition(
    "MTG-4", "000", gettext_lazy("Minutes circulated"),
    gettext_lazy("A meeting is recorded as held."),
    gettext_lazy("The chair: circulate the minutes to each attending agency and the Board chair."),
    (Parameter("circulate_within_days", gettext_lazy("Days to circulate the minutes"), 7, 1, 28),),
    mtg_4, subject="meeting", deadline=gettext_lazy("The end of the set number of days after the meeting."),
))
rule_register(RuleDefinition(
    "MTG-5", "000; 004 §3.5", gettext_lazy("Review meetings"),
    gettext_lazy("The circulated minutes set a review date."),
    gettext_lazy("The chair: hold the review meeting."),
    (), mtg_5, subject="meeting", deadline=gettext_lazy("The end of the review date."),
))
