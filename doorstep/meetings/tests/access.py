"""Who may use each meetings page and endpoint (P-4, MTG-2, MTG-4, MTG-6).

The health manager chairs the MARP and the health practitioner takes its minutes ("run the meeting"). The housing
worker ("uninvolved") is the invited specialist: while the meeting is open and they have accepted its
confidentiality terms they may read the family (EXTRA_ACCESS); once the minutes are circulated they read only those
minutes, like the Board chair, and their own plan action.
"""

from django.utils import timezone

from doorstep.testing.access import AGENCY_STAFF, BOARD_CHAIR, FAMILY, FAMILY_INVOLVED, PEOPLE_ONLY, SYSTEM, Route

from . import helpers as h

RUN = frozenset({"involved_manager", "involved_practitioner"})  # the chair and the minute-taker
CHAIR = frozenset({"involved_manager"})
SPECIALIST = frozenset({"uninvolved"})
# Circulated minutes: the family's readers, the Board chair and the attending specialist (MTG-4).
MINUTES_READERS = FAMILY | BOARD_CHAIR | SPECIALIST


def _meeting(w):
    return {"meeting_id": h.call_marp(w).pk}


def _meeting_with_specialist(w):
    return {"meeting_id": h.with_specialist(w).pk}


def _family_with_specialist(w):
    h.with_specialist(w)
    return {"family_id": w.family.pk}


def _held(w):
    return {"meeting_id": h.held(w).meeting_id}


def _approved(w):
    return {"meeting_id": h.approved(w).meeting_id}


def _circulated(w):
    return {"meeting_id": h.circulated(w).meeting_id}


def _specialist_action(w):
    """A plan action owned by the specialist, after circulation."""
    minutes = h.circulated(w, owner_role="uninvolved")
    return {"action_id": minutes.actions.get().pk}


def _specialist_action_pk(w):
    return {"pk": _specialist_action(w)["action_id"]}


def _draft_action(w):
    minutes = h.complete(w, h.held(w))
    return {"action_id": minutes.actions.get().pk}


def _invitation_for_postholder(w):
    (invitation,) = h.invite(w, h.call_marp(w), "involved_postholder")
    return {"invitation_id": invitation.pk}


def _specialist_invitation(w):
    h.with_specialist(w, accepted=False)
    return {"invitation_id": w.specialist_invitation.pk}


def _pk(kwargs_fn):
    return lambda w: {"pk": next(iter(kwargs_fn(w).values()))}


def _held_data(w):
    return {"held_on": timezone.localdate().isoformat(),
            "attended": list(w.last_meeting.invitations.values_list("pk", flat=True))}


def _meeting_invited(w):
    meeting = h.call_marp(w)
    h.invite(w, meeting, "other_involved")
    return {"pk": meeting.pk}


ROUTES = [
    Route("meetings:mine", AGENCY_STAFF),
    Route("meetings:board", BOARD_CHAIR),
    # The specialist reads the family's meetings while the meeting is open and the terms are accepted (MTG-6).
    Route("meetings:family", FAMILY | SPECIALIST, _family_with_specialist),
    # Calling needs an involved agency: emergency access does not call meetings.
    Route("meetings:call", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    # Empty POSTs: the form back with its errors (200) to whoever may write.
    Route("meetings:call", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("meetings:call_from_escalation", FAMILY_INVOLVED, lambda w: {"escalation_id": h.esc1(w).pk}),
    Route("meetings:detail", FAMILY | SPECIALIST, _meeting_with_specialist),
    Route("meetings:invite", RUN, _meeting),
    Route("meetings:invite", RUN, _meeting, method="post"),
    Route("meetings:reschedule", RUN, _meeting),
    Route("meetings:reschedule", RUN, _meeting, method="post"),
    Route("meetings:cancel", RUN, _meeting),
    Route("meetings:cancel", RUN, _meeting, method="post"),
    Route("meetings:held", RUN, _meeting),
    Route("meetings:held", RUN, _meeting, method="post"),
    Route("meetings:minutes_edit", RUN, _held),
    Route("meetings:minutes_edit", RUN, _held, method="post"),
    Route("meetings:action_add", RUN, _held),
    Route("meetings:action_add", RUN, _held, method="post"),
    Route("meetings:action_remove", RUN, _draft_action, method="post"),
    Route("meetings:minutes_circulate", RUN, _approved, method="post"),
    # Circulated minutes: the Board chair reads them (their only identifiable data) and so does the specialist
    # who attended, whose access to the family itself has ended.
    Route("meetings:minutes", MINUTES_READERS, _circulated),
    Route("meetings:minutes_pdf", MINUTES_READERS, _circulated),
    Route("meetings:action", FAMILY | SPECIALIST, _specialist_action),
    # The owner (the specialist) and the chair; the owner's line manager too, but the housing manager may not read
    # the family, so is refused here.
    Route("meetings:action_progress", SPECIALIST | CHAIR, _specialist_action, method="post",
          data=lambda w: {"note": "Visited with the health visitor"}),
    Route("meetings:respond", frozenset({"involved_postholder"}), _invitation_for_postholder),
    Route("meetings:respond", frozenset({"involved_postholder"}), _invitation_for_postholder, method="post"),
    Route("meetings:confidentiality", SPECIALIST, _specialist_invitation),
    Route("meetings:confidentiality", SPECIALIST, _specialist_invitation, method="post"),
    Route("meeting-list", AGENCY_STAFF, api=True),
    # Empty: bad input (400) to whoever gets past the access gate. A partner system calls no meeting (it would chair it).
    Route("meeting-list", AGENCY_STAFF, method="post", api=True, tokens=PEOPLE_ONLY),
    Route("meeting-detail", FAMILY | SPECIALIST, _pk(_meeting_with_specialist), api=True, tokens=SYSTEM),
    Route("meeting-invite", RUN, _pk(_meeting), method="post", api=True,
          data=lambda w: {"invitees": [w.users["other_involved"].pk]}, tokens=PEOPLE_ONLY),
    Route("meeting-held", RUN, _meeting_invited, method="post", api=True, data=_held_data, tokens=PEOPLE_ONLY),
    Route("meeting-cancel", RUN, _pk(_meeting), method="post", api=True, data=lambda w: {"reason": "Chair is ill"},
          tokens=PEOPLE_ONLY),
    Route("meeting-minutes", MINUTES_READERS, _pk(_circulated), api=True, tokens=SYSTEM),
    Route("meeting-minutes", RUN, _pk(_circulated), method="put", api=True, tokens=PEOPLE_ONLY),
    Route("meeting-approve-minutes", CHAIR, lambda w: {"pk": h.complete(w, h.held(w)).meeting_id}, method="post",
          api=True),
    Route("meeting-circulate-minutes", RUN, _pk(_approved), method="post", api=True, tokens=PEOPLE_ONLY),
    Route("invitation-list", AGENCY_STAFF, api=True),
    Route("invitation-respond", frozenset({"involved_postholder"}), _pk(_invitation_for_postholder), method="post",
          api=True, data=lambda w: {"response": "accepted"}),
    Route("plan-action-list", AGENCY_STAFF, api=True),
    Route("plan-action-detail", FAMILY | SPECIALIST, _specialist_action_pk, api=True, tokens=SYSTEM),
    Route("plan-action-progress", SPECIALIST | CHAIR, _specialist_action_pk, method="post", api=True,
          data=lambda w: {"note": "Visited with the health visitor"}, tokens=PEOPLE_ONLY),
]
