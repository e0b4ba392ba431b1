"""Meetings built through the real services on the access-matrix world (doorstep/testing/world.py).

The health manager (a designated postholder) calls a MARP about the world's family, chairs it, and the health
practitioner takes the minutes. The police worker attends for the police. Housing is not involved with the
family: its worker ("uninvolved") is the invited specialist (MTG-6).
"""

from datetime import timedelta

from django.utils import timezone

from doorstep.testing.escalations import escalation_make
from doorstep.meetings import services
from doorstep.meetings.models import MeetingKind, Outcome


def call_marp(world, *, starts_in=timedelta(days=1), **kwargs):
    u = world.users
    kwargs.setdefault("parents", "excluded")
    kwargs.setdefault("parents_excluded_reason", "The father's presence would impair information sharing.")
    meeting = services.meeting_call(
        family=world.family, by=u["involved_manager"], kind=MeetingKind.MARP,
        reason="Four visits defaulted; the children have not been seen for six weeks.",
        starts_at=(timezone.now() + starts_in).replace(second=0, microsecond=0), location="Afonwy Civic Centre, room 2",
        minute_taker=u["involved_practitioner"], **kwargs,
    )
    world.last_meeting = meeting
    return meeting


def invite(world, meeting, *roles, reason="Specialist housing advice on the tenancy"):
    people = [world.users[r] for r in roles]
    return services.meeting_invite(meeting=meeting, by=world.users["involved_manager"], invitees=people,
                                   specialist_reason=reason)


def with_specialist(world, *, accepted=True):
    """An open MARP with the housing worker invited as a specialist (and, by default, the terms accepted)."""
    meeting = call_marp(world)
    invite(world, meeting, "other_involved")
    (invitation,) = invite(world, meeting, "uninvolved")
    if accepted:
        services.invitation_accept_confidentiality(invitation=invitation, by=world.users["uninvolved"])
    world.specialist_invitation = invitation
    return meeting


def held(world, *, specialist=False, held_on=None):
    meeting = with_specialist(world) if specialist else call_marp(world)
    if not specialist:
        invite(world, meeting, "other_involved")
    attended = [i.pk for i in meeting.invitations.all()]
    minutes = services.meeting_record_held(meeting=meeting, by=world.users["involved_manager"],
                                           held_on=held_on or timezone.localdate(), attended=attended)
    world.last_meeting = meeting
    return minutes


def complete(world, minutes, *, owner_role="other_involved", plan=True):
    """Fill in everything the chair's approval requires; one action owned by `owner_role`."""
    meeting = minutes.meeting
    roles = {i.agency_id: f"{i.agency.name} reviewed its role" for i in meeting.invitations.filter(attended=True)}
    services.minutes_save(
        minutes=minutes, by=world.users["involved_manager"], concerns="Children not seen; parents hostile.",
        roles=roles, plan_agreed=plan, no_plan_reason="" if plan else "The family has moved out of the area.",
        sharing_with_family="The health visitor tells the mother by letter within five days.",
        no_dissent=True, outcome=Outcome.CONTINUE, review_date=timezone.localdate() + timedelta(days=42),
    )
    if plan:
        owner = world.users[owner_role]
        services.plan_action_add(minutes=minutes, by=world.users["involved_manager"],
                                 description="Joint visit with the health visitor", agency=owner.agency, owner=owner,
                                 due_date=timezone.localdate() + timedelta(days=14))
    minutes.refresh_from_db()
    return minutes


def approved(world, **kwargs):
    minutes = complete(world, held(world, **kwargs))
    return services.minutes_approve(minutes=minutes, by=world.users["involved_manager"])


def circulated(world, *, specialist=True, owner_role="other_involved"):
    minutes = complete(world, held(world, specialist=specialist), owner_role=owner_role)
    services.minutes_approve(minutes=minutes, by=world.users["involved_manager"])
    return services.minutes_circulate(minutes=minutes, by=world.users["involved_manager"])


def esc1(world):
    escalation, _created = escalation_make(
        rule_id="ESC-1", clause="003 §7.9", key=f"ESC-1:family:{world.family.pk}",
        title="Convene a multi-agency meeting: 4 defaulted visits", owner=world.users["involved_practitioner"],
        family=world.family, deadline=timezone.now() + timedelta(days=10),
        facts=[{"text": "4th defaulted visit", "link": ""}],
    )
    return escalation
