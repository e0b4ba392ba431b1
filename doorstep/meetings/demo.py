"""Demo meetings (issue 6), each built through the real services at the moment it happened:

- the Morgan household: a MARP called by housing's designated postholder after the fourth defaulted visit (ESC-1),
  with a probation officer invited as a specialist, a plan of three actions for three agencies, the minutes
  circulated within seven days, and a review set;
- the Owen household: a MARP held ten days ago whose minutes are still in draft: circulation is overdue (MTG-4);
- the Price household: a MARP that recorded that no proactive plan of intervention is achievable;
- a family with a child on a child protection plan: a core group brought forward within 3 working days (ESC-2).
"""

from contextlib import contextmanager
from datetime import datetime, time, timedelta
from unittest import mock

from django.utils import timezone

from doorstep.core.demo import DemoRegion
from doorstep.core.workingdays import add_working_days, working_days_deadline
from doorstep.escalations.models import ACTIVE_STATES, Escalation
from doorstep.escalations.engine import Applied, outcomes_apply
from doorstep.escalations.rules import Fact, Raise, RuleResult, Text
from doorstep.families.models import ChildStatus, Involvement

from . import services
from .models import MeetingKind, Outcome, ParentsAttendance


# The real date the demo is loaded on: the history is placed before it (set by `load`, outside any `_at`).
_TODAY = [None]


@contextmanager
def _at(moment: datetime):
    """Record as if it were `moment`: the demo's history happened over the past weeks."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _working_day(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """`days_ago` working days before the real today (0 = the last working day up to today), at a local time."""
    day = _TODAY[0]
    while not _is_working(day):
        day -= timedelta(days=1)
    counted = 0
    while counted < days_ago:
        day -= timedelta(days=1)
        if _is_working(day):
            counted += 1
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _is_working(day) -> bool:
    from doorstep.core.workingdays import is_working_day

    return is_working_day(day)


def _lead(family, key, region):
    involvement = Involvement.objects.filter(family=family, agency=region.agencies[key], ended_on__isnull=True).first()
    return involvement.lead_professional if involvement and involvement.lead_professional else region.practitioner(key)


def _meeting_escalation(*, rule_id: str, clause: str, family, owner, title: str, facts: list, deadline):
    """The escalation the demo's meeting answers, applied through the engine as the rule would raise it."""
    existing = Escalation.objects.filter(rule_id=rule_id, family=family, state__in=ACTIVE_STATES).first()
    if existing:
        return existing
    key = f"{rule_id}:family:{family.pk}"
    outcome = Raise(rule_id=rule_id, clause=clause, key=key, title=Text(title), owner_id=owner.pk,
                    trigger_date=None, deadline=deadline,
                    facts=tuple(Fact(Text(f["text"]), ("family", family.pk)) for f in facts))
    applied = Applied(result=RuleResult(outcomes=[outcome]))
    outcomes_apply(family=family, outcomes=[outcome], applied=applied)
    return applied.escalation(key)


def _roles(meeting) -> dict:
    texts = {
        "health": "Health visiting: developmental checks overdue; the health visitor has not seen the baby since "
                  "the new-birth visit.",
        "school": "School: attendance 71% this term; the designated safeguarding lead sees the older child daily.",
        "csc": "Children's services: child in need plan; the social worker has had two visits refused.",
        "housing": "Housing: tenancy officer has access for repairs; rent arrears and a notice seeking possession.",
        "police": "Police: three domestic abuse call-outs in four months; the father is on bail.",
        "mentalhealth": "Community mental health: the mother is open to the team and misses appointments.",
        "probation": "Probation (specialist): the father is supervised on licence; his conditions include "
                     "notifying address changes.",
        "voluntary": "Family support: parenting group offered and declined.",
    }
    by_kind = {"health": "health", "education": "school", "csc": "csc", "housing": "housing", "police": "police",
               "mental_health": "mentalhealth", "probation": "probation", "voluntary": "voluntary"}
    return {i.agency_id: texts.get(by_kind.get(i.agency.kind, ""), f"{i.agency.name} reviewed its role.")
            for i in meeting.invitations.filter(attended=True).select_related("agency")}


def _marp_after_defaulted_visits(region: DemoRegion) -> None:
    family = region.families["morgan"]
    housing_worker = _lead(family, "housing", region)
    postholder = region.manager("housing")
    with _at(_working_day(9, 9, 15)):
        escalation = _meeting_escalation(
            rule_id="ESC-1", clause="003 §7.9", family=family, owner=housing_worker,
            title=f"Convene a multi-agency meeting: 4 defaulted visits (family {family.reference})",
            facts=[{"text": "Fourth defaulted visit: no answer at the door, lights on, a child heard inside.",
                    "link": f"/families/{family.pk}/"}],
            deadline=working_days_deadline(timezone.now(), 7),
        )
    with _at(_working_day(8, 11, 30)):
        meeting = services.meeting_call(
            family=family, by=postholder, kind=MeetingKind.MARP, escalation=escalation,
            reason="Four visits by the tenancy officer and the health visitor defaulted since September; the "
                   "children have not been seen at home for six weeks. The father has threatened the tenancy officer.",
            starts_at=_working_day(6, 10), location="Tai Afonwy offices, Stryd Fawr, meeting room 1",
            parents=ParentsAttendance.EXCLUDED,
            parents_excluded_reason="The father's threats to staff would impair the sharing of information.",
            minute_taker=region.practitioner("housing", 2),
        )
        leads = [_lead(family, key, region) for key in ("health", "school", "csc", "police")]
        services.meeting_invite(meeting=meeting, by=postholder, invitees=leads)
        (specialist,) = services.meeting_invite(
            meeting=meeting, by=postholder, invitees=[region.practitioner("probation")],
            specialist_reason="The father is supervised by probation on licence: his conditions may help protect "
                              "the children and staff.")
    with _at(_working_day(7, 16)):
        services.invitation_accept_confidentiality(invitation=specialist, by=specialist.invitee)
        for invitation in meeting.invitations.exclude(invitee=postholder):
            services.invitation_respond(invitation=invitation, by=invitation.invitee, response="accepted")
    with _at(_working_day(6, 12)):
        attended = [i.pk for i in meeting.invitations.exclude(agency=region.agencies["csc"])]
        minutes = services.meeting_record_held(meeting=meeting, by=postholder, held_on=timezone.localdate(),
                                               attended=attended)
    with _at(_working_day(4, 15)):
        services.minutes_save(
            minutes=minutes, by=region.practitioner("housing", 2),
            concerns="Six weeks without the children being seen at home. Four defaulted visits across housing and "
                     "health. Threats by the father to the tenancy officer on 3 occasions. The school sees the older "
                     "child daily and reports no injuries, but tiredness and hunger.",
            roles=_roles(meeting), plan_agreed=True,
            sharing_with_family="The social worker writes to the mother within 5 working days, in Welsh, explaining "
                                "the agencies' concerns and the joint visit; the father is told through probation.",
            dissent="The school's designated safeguarding lead thought the concerns did not yet meet the threshold "
                    "for a strategy discussion, because the older child is seen daily; the others disagreed.",
            outcome=Outcome.CONTINUE,
            outcome_detail="Continue and review. Options explored: advocacy for the mother, a family group conference.",
            review_date=add_working_days(timezone.localdate(), 30),
        )
        held_on = minutes.meeting.held_on
        for key, text, days in (
            ("health", "Joint home visit with the police to see the baby and complete the 9-month review.", 10),
            ("school", "Daily check-in with the older child; report any injury or hunger to children's services "
                       "the same day.", 5),
            ("police", "Flag the address for a two-officer response; share bail conditions with the tenancy officer.",
             3),
        ):
            owner = _lead(family, key, region)
            services.plan_action_add(minutes=minutes, by=region.practitioner("housing", 2), description=text,
                                     agency=owner.agency, owner=owner, due_date=held_on + timedelta(days=days))
        services.minutes_approve(minutes=minutes, by=postholder)
    with _at(_working_day(3, 9, 30)):
        services.minutes_circulate(minutes=minutes, by=postholder)
    with _at(_working_day(1, 14)):
        police = minutes.actions.get(agency=region.agencies["police"])
        services.plan_action_progress(action=police, by=police.owner, completed=True,
                                      note="Address flagged; bail conditions shared with Tai Afonwy.")


def _minutes_overdue(region: DemoRegion) -> None:
    family = region.families["owen"]
    chair = region.manager("health")
    with _at(_working_day(12, 10)):
        meeting = services.meeting_call(
            family=family, by=chair, kind=MeetingKind.MARP,
            reason="The mother's partner, not known to agencies, now lives in the household; the mother refuses "
                   "visits and the youngest child missed two health appointments.",
            starts_at=_working_day(9, 14), location="Video call (Microsoft Teams)", parents=ParentsAttendance.EXCLUDED,
            parents_excluded_reason="Information about the partner is to be shared between agencies first.",
        )
        services.meeting_invite(meeting=meeting, by=chair, invitees=[
            _lead(family, key, region) for key in ("school", "csc", "police", "housing")])
    with _at(_working_day(9, 16)):
        attended = list(meeting.invitations.values_list("pk", flat=True))
        minutes = services.meeting_record_held(meeting=meeting, by=chair, held_on=timezone.localdate(),
                                               attended=attended)
        services.minutes_save(minutes=minutes, by=chair, roles={}, plan_agreed=None,
                              concerns="The partner's history is not known; police to check. Draft: not finished.")


def _no_plan(region: DemoRegion) -> None:
    family = region.families["price"]
    chair = region.manager("police")
    with _at(_working_day(11, 9)):
        meeting = services.meeting_call(
            family=family, by=chair, kind=MeetingKind.MARP,
            reason="Repeated violence towards housing staff; the family refuse every agency and the tenancy is ending.",
            starts_at=_working_day(8, 11), location="Afonwy police station, conference room",
            parents=ParentsAttendance.EXCLUDED, parents_excluded_reason="Violence towards staff.",
        )
        services.meeting_invite(meeting=meeting, by=chair, invitees=[
            _lead(family, key, region) for key in ("housing", "probation")])
    with _at(_working_day(8, 13)):
        minutes = services.meeting_record_held(meeting=meeting, by=chair, held_on=timezone.localdate(),
                                               attended=list(meeting.invitations.values_list("pk", flat=True)))
    with _at(_working_day(6, 10)):
        services.minutes_save(
            minutes=minutes, by=chair, roles=_roles(meeting), plan_agreed=False,
            concerns="Violence to a housing officer; no children's services involvement; children are of school age "
                     "but educated at home.",
            no_plan_reason="The family are leaving the area within the month and refuse all contact; no agency can "
                           "safely visit. Information is passed to the receiving authority instead.",
            sharing_with_family="Nothing is shared with the family before they leave; the receiving authority is told "
                                "by the police the same day.",
            no_dissent=True, outcome=Outcome.CLOSE,
            outcome_detail="Close here; the receiving authority's agencies monitor.",
        )
        services.minutes_approve(minutes=minutes, by=chair)
        services.minutes_circulate(minutes=minutes, by=chair)


def _core_group(region: DemoRegion) -> None:
    family = next(f for f in region.families.values()
                  if f.members.filter(child_status=ChildStatus.CHILD_PROTECTION).exists()
                  and Involvement.objects.filter(family=f, agency=region.agencies["csc"],
                                                 ended_on__isnull=True).exists()
                  and not f.meetings.exists())
    social_worker = _lead(family, "csc", region)
    trigger = _working_day(5, 9, 30)
    with _at(trigger):
        escalation = _meeting_escalation(
            rule_id="ESC-2", clause="003 §7.9", family=family, owner=social_worker,
            title=f"Core group within 3 working days: non-compliance with a child protection plan (family "
                  f"{family.reference})",
            facts=[{"text": "The parents cancelled the agreed home visit for the second time; concerns remain.",
                    "link": f"/families/{family.pk}/"}],
            deadline=working_days_deadline(trigger, 3),
        )
        meeting = services.meeting_call(
            family=family, by=social_worker, kind=MeetingKind.CORE_GROUP, escalation=escalation,
            reason="Core group brought forward: the parents are not complying with the child protection plan.",
            starts_at=_working_day(3, 13, 30), location="Afonwy Children's Services, Heol y Felin",
            parents=ParentsAttendance.INVITED,
        )
        others = [_lead(family, key, region) for key in ("health", "school", "police")
                  if Involvement.objects.filter(family=family, agency=region.agencies[key],
                                                ended_on__isnull=True).exists()]
        services.meeting_invite(meeting=meeting, by=social_worker, invitees=others)
    with _at(_working_day(3, 16)):
        minutes = services.meeting_record_held(meeting=meeting, by=social_worker, held_on=timezone.localdate(),
                                               attended=list(meeting.invitations.values_list("pk", flat=True)),
                                               parents_attended=False)
    with _at(_working_day(2, 11)):
        services.minutes_save(
            minutes=minutes, by=social_worker, roles=_roles(meeting), plan_agreed=True,
            concerns="Two cancelled visits in a fortnight; the child protection plan's visits are not happening.",
            sharing_with_family="The social worker visits the parents with the health visitor within 2 days and "
                                "gives them the revised plan in writing.",
            dissent="", no_dissent=True, outcome=Outcome.CHILD_PROTECTION,
            outcome_detail="Consider bringing the review child protection conference forward.",
            review_date=add_working_days(timezone.localdate(), 15),
        )
        owner = social_worker
        services.plan_action_add(minutes=minutes, by=social_worker, agency=owner.agency, owner=owner,
                                 description="Unannounced joint visit with the health visitor; see each child alone.",
                                 due_date=add_working_days(timezone.localdate(), 2))
        services.minutes_approve(minutes=minutes, by=social_worker)
        services.minutes_circulate(minutes=minutes, by=social_worker)


def load(region: DemoRegion) -> None:
    _TODAY[0] = timezone.localdate()
    _marp_after_defaulted_visits(region)
    _minutes_overdue(region)
    _no_plan(region)
    _core_group(region)
