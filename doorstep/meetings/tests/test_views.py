"""The meetings pages: refusals with reasons, calling from an escalation, the specialist's confidentiality step,
minutes through to circulation, the case file's plan panel and the PDF."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from doorstep.families import services as family_services
from doorstep.families.models import BreakGlassGround, Involvement
from doorstep.meetings import services
from doorstep.meetings.models import Meeting, MeetingKind, MeetingState, MinutesState

from . import helpers as h


def _when(days=1) -> dict:
    day = timezone.localdate() + timedelta(days=days)
    return {"starts_on_0": day.day, "starts_on_1": day.month, "starts_on_2": day.year, "start_time": "14:30",
            "duration_minutes": 90, "location": "Civic Centre"}


def _call_data(world, **overrides) -> dict:
    data = {"kind": MeetingKind.MARP, "reason": "Fourth defaulted visit", "urgency": "working_days",
            "within_working_days": "", "parents": "excluded", "parents_excluded_reason": "Threats to staff",
            "chair": world.users["involved_manager"].pk, "minute_taker": world.users["involved_manager"].pk, **_when()}
    data.update(overrides)
    return data


def test_the_call_page_refuses_a_marp_to_someone_who_is_not_a_designated_postholder(world, client):
    worker = world.users["involved_practitioner"]
    client.force_login(worker)
    url = reverse("meetings:call", args=[world.family.pk])
    html = client.get(url + "?kind=marp").content.decode()
    assert "Only your agency&#x27;s designated postholder can call a MARP" in html
    response = client.post(url, _call_data(world, chair=worker.pk, minute_taker=worker.pk))
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert "designated postholder" in response.content.decode()
    assert not Meeting.objects.exists()


def test_emergency_access_does_not_call_meetings(world, client):
    client.force_login(world.users["break_glass"])
    response = client.get(reverse("meetings:call", args=[world.family.pk]))
    assert response.status_code == 403 and "must be involved" in response.content.decode()


def test_a_meeting_is_called_from_an_escalation_in_one_step(world, client):
    escalation = h.esc1(world)
    client.force_login(world.users["involved_manager"])
    response = client.get(reverse("meetings:call_from_escalation", args=[escalation.pk]))
    url = reverse("meetings:call", args=[world.family.pk]) + f"?escalation={escalation.pk}"
    assert response.status_code == 302 and response["Location"] == url
    html = client.get(url).content.decode()
    assert "ESC-1" in html and 'value="marp" checked' in html and "4th defaulted visit" in html
    response = client.post(reverse("meetings:call", args=[world.family.pk]),
                           _call_data(world, escalation=escalation.pk))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meetings:invite", args=[meeting.pk])
    assert meeting.escalation == escalation and meeting.kind == MeetingKind.MARP
    assert meeting.hold_by <= escalation.deadline


def test_the_case_file_offers_the_meeting_an_escalation_asks_for_and_shows_the_plan(world, client):
    escalation = h.esc1(world)
    client.force_login(world.users["other_involved"])
    html = client.get(reverse("families:meetings", args=[world.family.pk])).content.decode()
    assert "Call the meeting this asks for" in html and f"?escalation={escalation.pk}" in html
    assert "No multi-agency plan has been agreed yet." in html
    minutes = h.circulated(world, specialist=False)
    html = client.get(reverse("families:meetings", args=[world.family.pk])).content.decode()
    assert "Joint visit with the health visitor" in html
    assert reverse("meetings:minutes", args=[minutes.meeting_id]) in html


def test_a_specialist_sees_only_the_confidentiality_terms_until_they_accept(world, client):
    meeting = h.with_specialist(world, accepted=False)
    invitation = world.specialist_invitation
    client.force_login(world.users["uninvolved"])
    terms = reverse("meetings:confidentiality", args=[invitation.pk])
    assert client.get(reverse("meetings:detail", args=[meeting.pk]))["Location"] == terms
    assert client.get(reverse("meetings:respond", args=[invitation.pk]))["Location"] == terms
    assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 404
    html = client.get(terms).content.decode()
    assert "absolute confidentiality" in html and "Testing household" not in html and "Kelly" not in html
    response = client.post(terms, {})
    assert "Tick to accept the confidentiality terms" in response.content.decode()
    response = client.post(terms, {"accept": "on"})
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert "Testing household" in client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert client.get(reverse("families:detail", args=[world.family.pk])).status_code == 200


def test_a_specialist_may_decline_without_accepting(world, client):
    h.with_specialist(world, accepted=False)
    client.force_login(world.users["uninvolved"])
    response = client.post(reverse("meetings:confidentiality", args=[world.specialist_invitation.pk]), {"decline": "1"})
    assert response["Location"] == reverse("meetings:mine")
    world.specialist_invitation.refresh_from_db()
    assert world.specialist_invitation.response == "declined"


def test_minutes_from_draft_to_circulation_through_the_pages(world, client):
    minutes = h.held(world)
    meeting = minutes.meeting
    police = world.users["other_involved"]
    chair = world.users["involved_manager"]
    client.force_login(chair)
    edit = reverse("meetings:minutes_edit", args=[meeting.pk])
    html = client.get(edit).content.decode()
    assert "Role of Police, reviewed" in html and "Role of Health Board, reviewed" in html
    data = {"concerns": "Not seen", f"role_{police.agency_id}": "Police checks",
            f"role_{chair.agency_id}": "Health visiting", "plan_agreed": "yes", "sharing_with_family": "By letter",
            "no_dissent": "on", "outcome": "continue"}
    response = client.post(edit, {**data, "approve": "1"})
    assert "Add the plan&#x27;s actions" in response.content.decode()  # approval refused: no actions yet
    response = client.post(edit, {**data, "add_action": "1"})
    assert response["Location"] == reverse("meetings:action_add", args=[meeting.pk])
    due = timezone.localdate() + timedelta(days=7)
    response = client.post(response["Location"], {"description": "Police welfare check", "agency": police.agency_id,
                                                  "owner": police.pk, "due_date_0": due.day, "due_date_1": due.month,
                                                  "due_date_2": due.year})
    assert response["Location"] == edit
    response = client.post(edit, {**data, "approve": "1"})
    assert response["Location"] == reverse("meetings:minutes", args=[meeting.pk])
    response = client.post(reverse("meetings:minutes_circulate", args=[meeting.pk]))
    minutes.refresh_from_db()
    assert minutes.state == MinutesState.CIRCULATED and minutes.meeting.state == MeetingState.CLOSED
    client.force_login(police)
    html = client.get(reverse("meetings:mine")).content.decode()
    assert "Police welfare check" in html


def test_the_board_chair_reads_the_minutes_and_their_pdf_and_nothing_else(world, client):
    minutes = h.circulated(world)
    client.force_login(world.users["board_chair"])
    home = client.get(reverse("home")).content.decode()
    assert "Minutes sent to you" in home and reverse("meetings:minutes", args=[minutes.meeting_id]) in home
    assert "Multi-agency meetings called, by kind" in home  # the Board's report is their home page (OVR-2)
    html = client.get(reverse("meetings:minutes", args=[minutes.meeting_id])).content.decode()
    assert "Joint visit with the health visitor" in html
    assert reverse("families:detail", args=[world.family.pk]) not in html  # no way into the case file
    assert reverse("meetings:action", args=[minutes.actions.get().pk]) not in html
    pdf = client.get(reverse("meetings:minutes_pdf", args=[minutes.meeting_id]))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    assert "Minutes: Multi-agency risk panel (MARP)" in text and world.family.reference in text
    assert text.index("Concerns") < text.index("Joint visit with the health visitor") < text.index("Outcome")
    for url in (reverse("families:detail", args=[world.family.pk]), reverse("meetings:detail", args=[minutes.meeting_id]),
                reverse("meetings:action", args=[minutes.actions.get().pk])):
        assert client.get(url).status_code == 404


def test_the_owner_of_an_action_records_that_it_is_done(world, client):
    minutes = h.circulated(world, owner_role="uninvolved")
    action = minutes.actions.get()
    client.force_login(world.users["uninvolved"])
    page = reverse("meetings:action", args=[action.pk])
    assert "Record progress" in client.get(page).content.decode()
    response = client.post(reverse("meetings:action_progress", args=[action.pk]), {"note": "Done", "completed": "on"})
    assert response["Location"] == page
    action.escalation.refresh_from_db()
    assert action.escalation.state == "done"


def test_the_pages_speak_welsh(world, client):
    minutes = h.circulated(world)
    client.force_login(world.users["involved_manager"])
    client.cookies["doorstep_language"] = "cy"
    html = client.get(reverse("meetings:minutes", args=[minutes.meeting_id])).content.decode()
    assert '<html lang="cy"' in html and "Cynllun ymyrraeth" in html


def test_a_role_for_an_agency_that_did_not_attend_is_refused_and_the_minutes_are_unchanged(world, client):
    """Issue 13, finding 10: `role_<id>` for an agency that did not attend was dropped silently."""
    minutes = h.held(world)
    meeting = minutes.meeting
    client.force_login(world.users["involved_manager"])
    housing = world.users["uninvolved"].agency
    response = client.post(reverse("meetings:minutes_edit", args=[meeting.pk]), {
        "concerns": "Not seen", f"role_{housing.pk}": "Housing reviewed", "plan_agreed": "yes",
        "sharing_with_family": "By letter", "no_dissent": "on", "outcome": "continue"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Roles are reviewed only for the agencies that attended" in body
    before = minutes.concerns
    minutes.refresh_from_db()
    assert minutes.concerns == before != "Not seen" and not minutes.agency_roles.exists()


def test_a_chair_on_emergency_access_alone_cannot_run_the_meeting(world, client):
    """Issue 13: the police postholder called and chairs a MARP; the police leave the family and the postholder reads
    it on emergency access only, which is read-only: no moving, cancelling or recording the meeting."""
    postholder = world.users["involved_postholder"]
    meeting = services.meeting_call(
        family=world.family, by=postholder, kind=MeetingKind.MARP, reason="Threats to officers",
        starts_at=(timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0), location="Police station",
        parents="excluded", parents_excluded_reason="Threats to staff")
    police = Involvement.objects.get(family=world.family, agency=postholder.agency)
    family_services.involvement_end(involvement=police, by=world.users["other_involved"], reason="Case closed")
    family_services.break_glass_open(professional=postholder, family_reference=world.family.reference,
                                     ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Called to the address")
    client.force_login(postholder)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200  # reading is allowed
    for name, data in [("meetings:cancel", {"reason": "Chair is ill"}), ("meetings:invite", {}),
                       ("meetings:held", {"held_on": timezone.localdate().isoformat()})]:
        assert client.post(reverse(name, args=[meeting.pk]), data).status_code == 403, name
    with pytest.raises(PermissionDenied, match="read-only"):
        services.meeting_cancel(meeting=meeting, by=postholder, reason="Chair is ill")
    assert Meeting.objects.get(pk=meeting.pk).state == MeetingState.SCHEDULED


def test_an_administrator_sets_each_kinds_timescale_on_the_rule_settings_page_and_the_call_page_uses_it(world,
                                                                                                          client):
    """MTG-2 (000: "the urgency of the matter will determine how quickly") and ESC-12: the usual timescale of each
    kind of meeting is a setting on the Rule settings page, changed with a reason and audited; the call page offers
    it and says it."""
    from doorstep.audit.models import AuditEvent
    from doorstep.escalations.models import RuleSetting
    from doorstep.escalations.rules import RULES

    admin = world.users["administrator"]
    client.force_login(admin)
    page = client.get("/escalations/rules/MTG-2/").content.decode()
    assert "Working days to hold a MARP" in page and 'name="marp_working_days"' in page
    data = {"enabled": "on", **{p.name: str(p.default) for p in RULES["MTG-2"].parameters}}
    response = client.post("/escalations/rules/MTG-2/", {**data, "marp_working_days": "2",
                                                         "reason": "Board decision: MARPs within 2 days"})
    assert response.status_code == 302
    assert RuleSetting.objects.get(rule_id="MTG-2").parameters["marp_working_days"] == 2
    assert AuditEvent.objects.filter(actor=admin, summary__contains="marp_working_days 5 -> 2").exists()
    client.force_login(world.users["involved_manager"])
    html = client.get(reverse("meetings:call", args=[world.family.pk]) + "?kind=marp").content.decode()
    assert 'name="within_working_days" type="text" value="2"' in html
    assert "usually within 2 working days" in html


def _chair_of_another_partnership(world):
    """Issue 21: a second partnership with its own Board chair (and no family of the world's)."""
    from doorstep.agencies.models import Role
    from doorstep.partnerships.services import partnership_create
    from doorstep.testing.factories import ProfessionalFactory

    chair = ProfessionalFactory(username="mk.chair", agency=None, role=Role.BOARD_CHAIR)
    partnership_create(by=world.users["administrator"], name="Milton Keynes Partnership", nation="england-wales",
                       preset="milton-keynes", board_chairs=[chair])
    return chair


def test_issue_21_mtg_4_minutes_go_to_the_board_chair_of_the_familys_partnership_only(world, client):
    from doorstep.meetings.models import MinutesRecipient, RecipientKind
    from doorstep.notifications.models import Notification

    other = _chair_of_another_partnership(world)
    minutes = h.circulated(world)
    board = MinutesRecipient.objects.filter(minutes=minutes, kind=RecipientKind.BOARD_CHAIR)
    assert [r.recipient for r in board] == [world.users["board_chair"]]
    assert not Notification.objects.filter(recipient=other).exists()
    client.force_login(other)
    assert client.get(reverse("meetings:minutes", args=[minutes.meeting_id])).status_code == 404
    page = client.get(reverse("meetings:board")).content.decode()
    assert reverse("meetings:minutes", args=[minutes.meeting_id]) not in page
    assert '<span class="govuk-heading-l govuk-!-margin-bottom-0 ds-numeric" id="marp-called">0</span>' in page
    client.force_login(world.users["board_chair"])
    page = client.get(reverse("meetings:board")).content.decode()
    assert reverse("meetings:minutes", args=[minutes.meeting_id]) in page
    assert '<span class="govuk-heading-l govuk-!-margin-bottom-0 ds-numeric" id="marp-called">1</span>' in page


def test_issue_21_a_board_chair_who_no_longer_chairs_the_partnership_reads_none_of_its_minutes(world, client):
    minutes = h.circulated(world)
    chair = world.users["board_chair"]
    world.family.partnership.board_chairs.remove(chair)
    client.force_login(chair)
    assert client.get(reverse("meetings:minutes", args=[minutes.meeting_id])).status_code == 404
    board = client.get(reverse("meetings:board"))
    message = "You are not the Board chair of any partnership: ask the deployment&#x27;s administrator to add you to one"
    assert board.status_code == 403 and message in board.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert message in home and reverse("meetings:minutes", args=[minutes.meeting_id]) not in home
def test_issue_21_mtg_2_the_call_page_offers_the_family_partnerships_timescale(world, client):
    """MTG-2 (issue 21): the call page offers the timescale the family's partnership set (3 working days for a MARP),
    not the deployment's default partnership's (5)."""
    from doorstep.testing.partnerships import second_partnership

    second_partnership(world, settings={"MTG-2": {"marp_working_days": 3}}, families=[world.family])
    client.force_login(world.users["involved_manager"])
    html = client.get(reverse("meetings:call", args=[world.family.pk]) + "?kind=marp").content.decode()
    assert 'name="within_working_days" type="text" value="3"' in html
    assert "usually within 3 working days" in html
