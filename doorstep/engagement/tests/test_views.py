"""The engagement pages: recording on one page, specific errors with nothing saved, corrections, entered in error,
follow-up, the summary for a parent (page and PDF, Welsh and plain language), settings, and the case file."""

import io
from datetime import date, timedelta

import pypdf
import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.engagement import views
from doorstep.engagement.models import Contact, ContactRevision, EngagementSettings, Outcome, ParentLetter
from doorstep.families import services as family_services
from doorstep.families.models import BreakGlassGround, CorrespondenceLanguage, Literacy, MemberRole

from .helpers import record


@pytest.fixture
def worker_client(client, world):
    client.force_login(world.users["involved_practitioner"])
    return client


def _form(world, **extra):
    today = timezone.localdate()
    data = {"kind": "home_visit", "occurred_date_0": today.day, "occurred_date_1": today.month,
            "occurred_date_2": today.year, "occurred_time": "00:01", "planned": "yes", "outcome": "no_answer"}
    data.update(extra)
    return data


def test_a_no_access_visit_takes_four_fields(world, worker_client):
    url = reverse("engagement:record", args=[world.family.pk])
    page = worker_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-module="govuk-radios"' in body and "If you feel threatened, what is life like for the child?" in body
    response = worker_client.post(url, _form(world))
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("engagement:detail", args=[contact.pk])
    assert contact.outcome == Outcome.NO_ANSWER and contact.defaulted and contact.planned
    assert timezone.localtime(contact.occurred_at).strftime("%H:%M") == "00:01"


def test_a_full_contact_from_the_form(world, worker_client):
    data = _form(world, outcome="seen", note="Alfie in the garden", **{
        f"child_{world.child.pk}": ["seen", "seen_alone", "sleeping_place_seen"],
        "adults_present": [str(world.parent.pk)], "unknown_adults_present": "2",
        "behaviours": ["ambivalence"], "threats": ["silence"], "child_impact": "He watched his mother",
        "non_cooperation_codes": ["fears_removal"], "non_cooperation_basis": "given",
        "assessment_areas_missed": ["child_views"], "areas_not_achieved": "Mother answered for him",
        "purpose": "Routine visit", "planned": "no"})
    response = worker_client.post(reverse("engagement:record", args=[world.family.pk]), data)
    assert response.status_code == 302
    contact = Contact.objects.get()
    child = contact.children.get()
    assert (child.seen, child.seen_alone, child.sleeping_place_seen, child.food_seen) == (True, True, True, False)
    assert list(contact.adults_present.all()) == [world.parent] and contact.unknown_adults_present == 2
    assert contact.threats == ["silence"] and contact.significant and not contact.planned
    assert contact.non_cooperation_codes == ["fears_removal"] and contact.non_cooperation_basis == "given"
    detail = worker_client.get(response["Location"]).content.decode()
    assert "Deliberate use of silence" in detail and "2 adults not known to the record" in detail


@pytest.mark.parametrize("extra, message", [
    ({"occurred_time": "23:59"}, "The time of the contact must be in the past"),
    ({"occurred_time": "25:00"}, "Enter a real time, for example 14:30"),
    ({"occurred_time": ""}, "Enter the time of the contact"),
    ({"outcome": ""}, "Select what happened"),
    ({"kind": ""}, "Select the kind of contact"),
    ({"occurred_date_0": "31", "occurred_date_1": "2"}, "Date of the contact must be a real date"),
    ("child_seen", "means nobody was seen, but you recorded that Alfie Testing was seen"),
    ({"unknown_adults_present": "-1"}, "The number of unknown adults cannot be negative"),
])
@pytest.mark.clock("2026-06-15 10:00")
def test_bad_input_shows_a_specific_error_and_saves_nothing(world, worker_client, time_machine, extra, message):
    if extra == "child_seen":
        extra = {f"child_{world.child.pk}": ["seen"]}
    audit_before = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    response = worker_client.post(reverse("engagement:record", args=[world.family.pk]), _form(world, **extra))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert Contact.objects.count() == 0
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() == audit_before


def test_the_section_with_an_error_is_open(world, worker_client):
    response = worker_client.post(reverse("engagement:record", args=[world.family.pk]),
                                  _form(world, **{f"child_{world.child.pk}": ["seen_alone"]}, outcome="seen"))
    body = response.content.decode()
    assert "cannot be seen alone without being seen" in body
    assert 'id="section-children" open' in body and 'id="section-behaviour" open' not in body


def test_correcting_a_contact_from_the_page(world, worker_client):
    contact = record(world, outcome=Outcome.NO_ANSWER, note="Nobody home")
    url = reverse("engagement:correct", args=[contact.pk])
    page = worker_client.get(url).content.decode()
    assert "Nobody home" in page and 'value="no_answer" checked' in page
    local = timezone.localtime(contact.occurred_at)
    data = {"kind": "home_visit", "occurred_date_0": local.day, "occurred_date_1": local.month,
            "occurred_date_2": local.year, "occurred_time": local.strftime("%H:%M"), "planned": "yes",
            "outcome": "seen", "note": "Mother answered", f"child_{world.child.pk}": ["seen"]}
    response = worker_client.post(url, data)
    assert "Enter why you are correcting this contact" in response.content.decode()
    response = worker_client.post(url, {**data, "reason": "Recorded the wrong outcome"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.version == 2 and contact.outcome == Outcome.SEEN
    detail = worker_client.get(reverse("engagement:detail", args=[contact.pk])).content.decode()
    assert "Version 1, corrected by" in detail and "Recorded the wrong outcome" in detail and "Nobody home" in detail
    assert ContactRevision.objects.get().data["note"] == "Nobody home"


def test_other_agencies_cannot_correct(world, client):
    contact = record(world)
    client.force_login(world.users["other_involved"])
    assert client.get(reverse("engagement:correct", args=[contact.pk])).status_code == 403
    detail = client.get(reverse("engagement:detail", args=[contact.pk])).content.decode()
    assert "Correct this contact" not in detail and "Mark as entered in error" not in detail


def test_entered_in_error_from_the_page(world, worker_client):
    contact = record(world)
    url = reverse("engagement:entered_in_error", args=[contact.pk])
    assert "Enter why this contact was entered in error" in worker_client.post(url, {"reason": ""}).content.decode()
    assert worker_client.post(url, {"reason": "Wrong family"}).status_code == 302
    detail = worker_client.get(reverse("engagement:detail", args=[contact.pk])).content.decode()
    assert "Marked as entered in error by" in detail and "Wrong family" in detail
    assert "Correct this contact" not in detail
    assert worker_client.get(reverse("engagement:correct", args=[contact.pk])).status_code == 302


def test_follow_up_from_the_page(world, worker_client):
    contact = record(world, outcome=Outcome.DID_NOT_ATTEND, kind="office")
    detail = worker_client.get(reverse("engagement:detail", args=[contact.pk])).content.decode()
    assert "No follow-up recorded yet" in detail
    response = worker_client.post(reverse("engagement:follow_up", args=[contact.pk]), {"text": "Rebooked by phone"})
    assert response.status_code == 302
    detail = worker_client.get(reverse("engagement:detail", args=[contact.pk])).content.decode()
    assert "Rebooked by phone" in detail
    defaulted = worker_client.get(reverse("engagement:defaulted", args=[world.family.pk])).content.decode()
    assert "Rebooked by phone" in defaulted and "1 defaulted since" in defaulted


def test_links_to_incidents_and_agreements_only_when_those_pages_exist(world, worker_client, monkeypatch):
    contact = record(world)
    url = reverse("engagement:detail", args=[contact.pk])
    body = worker_client.get(url).content.decode()
    real_reverse = views.reverse

    def reverse_with_incidents(name, *args, **kwargs):
        if name == "incidents:create":
            return "/incidents/new/"
        if name == "agreements:breach_create":
            raise NoReverseMatch(name)
        return real_reverse(name, *args, **kwargs)

    try:
        real_reverse("incidents:create")
        installed = True
    except NoReverseMatch:
        installed = False
    if not installed:
        assert "Record an incident about this contact" not in body
    monkeypatch.setattr(views, "reverse", reverse_with_incidents)
    body = worker_client.get(url).content.decode()
    assert f'href="/incidents/new/?contact={contact.pk}"' in body
    assert "Record a breach of the written agreement" not in body


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_summary_letter_in_welsh_and_plain_language(world, worker_client):
    family_services.person_update(person=world.parent, by=world.users["involved_practitioner"],
                                  correspondence_language=CorrespondenceLanguage.WELSH,
                                  literacy=Literacy.NEEDS_EASY_READ)
    contact = record(world, children={world.child: {"seen": True}}, purpose="Gweld Alfie")
    url = reverse("engagement:letter_create", args=[contact.pk])
    page = worker_client.get(url).content.decode()
    assert "Gweld Alfie" in page
    due = timezone.localdate() + timedelta(days=10)
    data = {"addressee": str(world.parent.pk), "language": "auto", "format": "auto", "purpose": "Gweld Alfie",
            "what_was_done": "Siaradon ni am ysgol", "who_1": "Kelly", "what_1": "Ffonio'r ysgol",
            "by_1_0": due.day, "by_1_1": due.month, "by_1_2": due.year, "who_2": "Kelly"}
    response = worker_client.post(url, data)
    assert "Enter who, what and by when" in response.content.decode()
    del data["who_2"]
    response = worker_client.post(url, data)
    letter = ParentLetter.objects.get()
    assert response.status_code == 302 and letter.language == "cy" and letter.plain_language
    body = worker_client.get(reverse("engagement:letter_detail", args=[letter.pk])).content.decode()
    assert 'lang="cy"' in body and "Pam des i" in body and "Ffonio&#x27;r ysgol" in body
    pdf = worker_client.get(reverse("engagement:letter_pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Pam des i" in text and "Siaradon ni am ysgol" in text and "Kelly: Ffonio'r ysgol" in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="engagement.ParentLetter").exists()


def test_summary_letter_standard_english(world, worker_client):
    contact = record(world, outcome=Outcome.NO_ANSWER)
    response = worker_client.post(reverse("engagement:letter_create", args=[contact.pk]), {
        "addressee": str(world.parent.pk), "language": "en", "format": "standard", "purpose": "To see Alfie",
        "what_was_done": "I knocked and left a card"})
    letter = ParentLetter.objects.get()
    text = _pdf_text(worker_client.get(reverse("engagement:letter_pdf", args=[letter.pk])).content)
    assert response.status_code == 302 and "Dear Kelly Testing," in text
    assert "I tried to see you on" in text and "Nothing more is needed from you at the moment." in text
    assert "Why we met" in text and "To see Alfie" in text


def test_settings_page_changes_the_configuration(world, client):
    client.force_login(world.users["administrator"])
    url = reverse("engagement:settings")
    assert "Outcomes that count as defaulted" in client.get(url).content.decode()
    response = client.post(url, {"defaulted_outcomes": ["no_answer"], "late_entry_hours": "12"})
    assert response.status_code == 302
    config = EngagementSettings.current()
    assert (config.defaulted_outcomes, config.late_entry_hours, config.updated_by) == (
        ["no_answer"], 12, world.users["administrator"])
    response = client.post(url, {"defaulted_outcomes": ["seen"], "late_entry_hours": "0"})
    assert "Enter a whole number from 1 to 336" in response.content.decode()
    client.force_login(world.users["involved_manager"])
    assert client.get(url).status_code == 403


def test_case_file_shows_the_engagement_panels_and_links(world, worker_client):
    record(world, outcome=Outcome.NO_ANSWER, follow_up="Card left")
    body = worker_client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert reverse("engagement:record", args=[world.family.pk]) in body
    assert reverse("chronology:family", args=[world.family.pk]) in body
    assert "When each child was last seen" in body and "Never seen" in body  # P-1: on the Overview
    # Issue 18: the engagement panels are on the case file's Engagement sub page, with the same links.
    body = worker_client.get(reverse("families:engagement", args=[world.family.pk])).content.decode()
    assert reverse("engagement:record", args=[world.family.pk]) in body
    assert "Engagement picture" in body and "Every attempt refused or missed: Health Board" in body
    assert "Defaulted visits and appointments" in body and "Card left" in body


def test_engagement_picture_page(world, worker_client):
    record(world, adults_present=[world.parent], children={world.child: {"seen": True}})
    body = worker_client.get(reverse("engagement:picture", args=[world.family.pk]) + "?end=2001-01").content.decode()
    assert "Later twelve months" in body and "from February 2000 to January 2001" in body
    body = worker_client.get(reverse("engagement:picture", args=[world.family.pk]) + "?end=nonsense").content.decode()
    assert "Contact achieved by: Health Board" in body and "Contacts each adult was present at, by month" in body


def _other_familys_child(world):
    return family_services.person_add(family=world.other_family, by=world.users["uninvolved"], role=MemberRole.CHILD,
                                      given_name="Seren", family_name="Other", date_of_birth=date(2019, 4, 1))


def test_a_child_of_another_family_named_in_the_contact_form_is_refused_and_nothing_is_saved(world, worker_client):
    """Issue 13, finding 10: `child_<id>=seen` for another family's child was saved with that child dropped."""
    stranger = _other_familys_child(world)
    audit_before = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    response = worker_client.post(reverse("engagement:record", args=[world.family.pk]), _form(
        world, outcome="seen", **{f"child_{world.child.pk}": ["seen"], f"child_{stranger.pk}": ["seen"]}))
    assert response.status_code == 200
    body = response.content.decode()
    # The GOV.UK error summary links to the children's field, and that section is open.
    assert f'<a href="#id_child_{world.child.pk}_0">That child is not a member of this family</a>' in body
    assert 'id="section-children" open' in body
    assert Contact.objects.count() == 0
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() == audit_before


def test_a_child_of_another_family_named_in_a_correction_is_refused_and_nothing_changes(world, worker_client):
    stranger = _other_familys_child(world)
    contact = record(world, outcome=Outcome.NO_ANSWER, note="Nobody home")
    local = timezone.localtime(contact.occurred_at)
    audit_before = AuditEvent.objects.exclude(action=AuditAction.VIEW).count()
    response = worker_client.post(reverse("engagement:correct", args=[contact.pk]), {
        "kind": "home_visit", "occurred_date_0": local.day, "occurred_date_1": local.month,
        "occurred_date_2": local.year, "occurred_time": local.strftime("%H:%M"), "planned": "yes", "outcome": "seen",
        f"child_{stranger.pk}": ["seen"], "reason": "Recorded the wrong outcome"})
    assert "That child is not a member of this family" in response.content.decode()
    contact.refresh_from_db()
    assert contact.version == 1 and contact.outcome == Outcome.NO_ANSWER and not ContactRevision.objects.exists()
    assert AuditEvent.objects.exclude(action=AuditAction.VIEW).count() == audit_before


def test_an_adult_of_another_family_named_in_the_contact_form_is_refused(world, worker_client):
    stranger = family_services.person_add(family=world.other_family, by=world.users["uninvolved"],
                                          role=MemberRole.PARENT, given_name="Rhys", family_name="Other",
                                          date_of_birth=date(1985, 1, 1))
    response = worker_client.post(reverse("engagement:record", args=[world.family.pk]),
                                  _form(world, adults_present=[str(stranger.pk)]))
    body = response.content.decode()
    assert f'<a href="#id_adults_present_0">That person is not a member of this family</a>' in body
    assert "Rhys" not in body and Contact.objects.count() == 0


def test_an_adult_named_for_a_family_with_no_adults_is_refused(world, client):
    """The family has no adults, so the form has no adults field: a posted one is not silently ignored."""
    housing = world.users["uninvolved"]
    client.force_login(housing)
    response = client.post(reverse("engagement:record", args=[world.other_family.pk]),
                           _form(world, adults_present=[str(world.parent.pk)]))
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "That person is not a member of this family" in body and "Kelly" not in body
    assert Contact.objects.count() == 0


def test_emergency_access_is_refused_the_correction_forms_of_a_contact_one_recorded(world, client):
    """Issue 13 (finding 3, found by the every-method matrix): a worker whose agency is no longer involved reads the
    family on emergency access only; the correction, entered-in-error and follow-up pages of a contact they once
    recorded refuse them outright (403), not only once their form is valid, and nothing changes."""
    worker = world.users["other_involved"]  # the police lead
    contact = record(world, by=worker, outcome=Outcome.NO_ANSWER, note="Nobody home")
    police = world.family.involvements.get(agency=worker.agency, ended_on__isnull=True)
    family_services.involvement_end(involvement=police, by=worker, reason="Police work finished")
    family_services.break_glass_open(professional=worker, family_reference=world.family.reference,
                                     ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Called to the address")
    client.force_login(worker)
    assert client.get(reverse("engagement:detail", args=[contact.pk])).status_code == 200  # still reads it
    for name, valid in (("engagement:correct", {"reason": "Wrong outcome", "kind": "home_visit", "outcome": "seen"}),
                        ("engagement:entered_in_error", {"reason": "Wrong family"}),
                        ("engagement:follow_up", {"text": "Rebooked by phone"})):
        url = reverse(name, args=[contact.pk])
        assert client.get(url).status_code == 403, name
        assert client.post(url, {}).status_code == 403, name
        assert client.post(url, valid).status_code == 403, name
    contact.refresh_from_db()
    assert (contact.version, contact.entered_in_error, contact.follow_ups.count()) == (1, False, 0)
