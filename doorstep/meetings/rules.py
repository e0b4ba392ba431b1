"""Each kind of meeting's rules (MTG-1), as configuration: who may call it, its default timescale and whether
parents attend. Areas differ (ESC-12), so a deployment may override any of them in its settings, e.g.

    DOORSTEP_MEETING_RULES = {"marp": {"working_days": 3}, "family_support": {"parents": "invited"}}

The functions here are pure: facts in, a decision out, no database and no clock.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.agencies.models import MARP_CALLING_KINDS, AgencyKind

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
    working_days: int  # "within N working days" unless the caller sets another urgency
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
    rule = DEFAULT_RULES[MeetingKind(kind)]
    override = getattr(settings, "DOORSTEP_MEETING_RULES", {}).get(str(kind), {})
    return replace(rule, **override) if override else rule


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
