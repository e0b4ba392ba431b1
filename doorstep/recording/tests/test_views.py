"""RIG-2 and UK GDPR Article 16 on the pages: "Check wording" marks judgemental wording and keeps everything typed,
never blocks saving and stores nothing; the family's own account shows beside the worker's note in the chronology;
a request to correct a record is logged from the record, decided by its agency, and the person's statement shows
wherever the record is shown; the administrator's list refuses bad input; the pages in Welsh; bounded queries."""

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditEvent
from doorstep.chronology.models import ChronologyEntry
from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found
from doorstep.engagement.models import Contact
from doorstep.engagement.tests.helpers import record
from doorstep.incidents.models import Incident
from doorstep.recording.models import CorrectionRequest, CorrectionState

from .helpers import world_correction

NOTE = "Mum was aggressive and uncooperative as usual."


def _contact_post(world, **extra) -> dict:
    when = timezone.localtime(timezone.now() - timedelta(hours=2))
    return {"kind": "home_visit", "occurred_date_0": when.day, "occurred_date_1": when.month,
            "occurred_date_2": when.year, "occurred_time": when.strftime("%H:%M"), "planned": "yes",
            "outcome": "cut_short", "note": NOTE, "family_account": "Mum says she was frightened.", **extra}


def test_rig_2_check_wording_marks_the_terms_keeps_what_was_typed_and_saves_nothing(world, client):
    client.force_login(world.users["involved_practitioner"])
    url = reverse("engagement:record", args=[world.family.pk])
    audited = AuditEvent.objects.count()
    client.get(url)
    per_page = AuditEvent.objects.count() - audited  # what opening the page writes (the family read)
    audited = AuditEvent.objects.count()
    page = client.post(url, _contact_post(world, check_wording="1", child_impact="She is clearly frightened."))
    assert page.status_code == 200 and not Contact.objects.exists()
    html = page.content.decode()
    assert 'id="wording-check"' in html and "govuk-error-summary" not in html
    assert '<mark class="ds-recording-mark">aggressive</mark>' in html
    assert '<mark class="ds-recording-mark">uncooperative</mark>' in html and "as usual" in html
    assert "Describe the behaviour: what did you see or hear?" in html
    assert "Opinion stated as fact" in html  # "clearly", in the question about the child
    assert f"{NOTE}</textarea>" in html and "Mum says she was frightened.</textarea>" in html  # kept as typed
    # Never stored as a judgement about the worker: the check writes no more than opening the page does.
    assert AuditEvent.objects.count() - audited == per_page
    assert not AuditEvent.objects.filter(summary__icontains="aggressive").exists()


def test_rig_2_the_check_never_blocks_saving_and_shows_again_when_the_form_has_errors(world, client):
    client.force_login(world.users["involved_practitioner"])
    url = reverse("engagement:record", args=[world.family.pk])
    wrong = client.post(url, _contact_post(world, kind=""))
    html = wrong.content.decode()
    assert "govuk-error-summary" in html and 'id="wording-check"' in html
    saved = client.post(url, _contact_post(world))
    assert saved.status_code == 302
    contact = Contact.objects.get()
    assert contact.note == NOTE and contact.family_account == "Mum says she was frightened."


def test_rig_2_welsh_wording_is_checked_on_an_incident(world, client):
    client.force_login(world.users["involved_practitioner"])
    url = reverse("incidents:create", args=[world.family.pk])
    page = client.post(url, {"account": "Roedd y tad yn elyniaethus fel arfer.", "check_wording": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and not Incident.objects.exists()
    assert '<mark class="ds-recording-mark">elyniaethus</mark>' in html and "fel arfer" in html
    assert "Disgrifiwch yr ymddygiad" in html


def test_rig_2_the_familys_account_shows_beside_the_workers_note_in_the_chronology(world, client):
    contact = record(world, note="Father said the children were at their gran's.",
                     family_account="Dad says the children stay with their gran on Tuesdays.")
    client.force_login(world.users["other_involved"])
    html = client.get(reverse("chronology:family", args=[world.family.pk])).content.decode()
    note_at = html.index("Father said the children were at their gran")
    account_at = html.index("Dad says the children stay with their gran on Tuesdays.")
    assert 0 < account_at - note_at < 600  # in the same timeline item, straight after the note
    assert "The family&#x27;s account" in html or "The family's account" in html
    entry_id = ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk)).pk
    assert reverse("recording:correction_new", args=["entry", entry_id]) in html  # Article 16, from any entry
    detail = client.get(reverse("engagement:detail", args=[contact.pk])).content.decode()
    assert 'id="family-account"' in detail and "Ask to correct this record" in detail
    csv = b"".join(client.get(reverse("chronology:csv", args=[world.family.pk])).streaming_content).decode()
    assert "The family's account: Dad says the children stay with their gran on Tuesdays." in csv
    api = client.get(f"/api/v1/contacts/{contact.pk}/").json()
    assert api["family_account"] == "Dad says the children stay with their gran on Tuesdays."


def test_article_16_logged_from_the_record_decided_and_the_statement_shown_wherever_the_record_is(world, client):
    contact = record(world, note="Nobody answered.")
    client.force_login(world.users["other_involved"])  # the police: involved, not the recording agency
    url = reverse("recording:correction_new", args=["contact", contact.pk])
    refused = client.post(url, {"request_text": ""})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert not CorrectionRequest.objects.exists()
    today = timezone.localdate()
    logged = client.post(url, {"person": world.parent.pk, "received_on_0": today.day, "received_on_1": today.month,
                               "received_on_2": today.year, "request_text": "I was at home and nobody knocked."})
    request = CorrectionRequest.objects.get()
    assert logged.status_code == 302 and logged["Location"] == reverse("recording:correction", args=[request.pk])
    decide = reverse("recording:correction_decide", args=[request.pk])
    assert client.get(decide).status_code == 403  # the police do not decide the health visitor's record

    client.force_login(world.users["involved_practitioner"])
    page = client.get(reverse("recording:correction", args=[request.pk])).content.decode()
    assert "I was at home and nobody knocked." in page and decide in page
    sent = client.post(decide, {"decision": CorrectionState.NOT_CORRECTED, "reason": "Two of us knocked twice.",
                                "statement": "I was at home all afternoon and heard nothing."})
    assert sent.status_code == 302
    for url in (reverse("engagement:detail", args=[contact.pk]), reverse("chronology:family", args=[world.family.pk])):
        assert "I was at home all afternoon and heard nothing." in client.get(url).content.decode(), url


def test_article_16_a_decided_request_cannot_be_decided_again(world, client):
    request = world_correction(world)
    client.force_login(world.users["involved_manager"])
    decide = reverse("recording:correction_decide", args=[request.pk])
    client.post(decide, {"decision": "corrected", "reason": "Wrong address noted.", "corrected_text": "Card left."})
    assert CorrectionRequest.objects.get().state == CorrectionState.CORRECTED
    again = client.get(decide)
    assert again.status_code == 302


def test_rig_2_the_administrators_list_refuses_bad_input_and_is_in_the_navigation(world, client):
    client.force_login(world.users["administrator"])
    url = reverse("recording:terms")
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    html = client.get(url).content.decode()
    assert "refused to engage" in html and "gwrthod ymgysylltu" in html and "default list" in html
    refused = client.post(url, {"term": "a", "language": "en", "suggestion": "Describe it."})
    html = refused.content.decode()
    assert "govuk-error-summary" in html and "The word or phrase must be at least 3 letters" in html
    assert "govuk-error-summary" in client.post(url, {"term": "slovenly", "language": "en"}).content.decode()
    added = client.post(url, {"term": "slovenly", "language": "en", "suggestion": "Describe what you saw."})
    assert added.status_code == 302
    client.force_login(world.users["involved_practitioner"])
    assert client.get(url).status_code == 403


def test_rig_2_pages_in_welsh(world, client):
    request = world_correction(world)
    exact, patterns = _english_messages()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    client.force_login(world.users["involved_practitioner"])
    for url in (reverse("recording:correction", args=[request.pk]),
                reverse("recording:correction_decide", args=[request.pk]),
                reverse("recording:correction_new", args=["contact", request.contact_id]),
                reverse("engagement:detail", args=[request.contact_id])):
        response = client.get(url)
        assert response.status_code == 200
        assert [t for t in english_found(response.content.decode(), exact, patterns) if t not in ALLOWED] == [], url
    checked = client.post(reverse("engagement:record", args=[world.family.pk]),
                          _contact_post(world, check_wording="1")).content.decode()
    assert "Gwiriwch eich geiriad" in checked
    assert [t for t in english_found(checked, exact, patterns) if t not in ALLOWED] == []
    client.force_login(world.users["administrator"])
    html = client.get(reverse("recording:terms")).content.decode()
    assert [t for t in english_found(html, exact, patterns) if t not in ALLOWED] == []


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_rig_2_record_pages_and_the_chronology_run_a_fixed_number_of_queries(world, client):
    """Bounded queries: the requests and the family's accounts beside entries cost the same for 1 as for 6."""
    client.force_login(world.users["involved_practitioner"])
    contact = world_correction(world).contact
    record(world, note="No answer.", family_account="We were out.")
    pages = [reverse("engagement:detail", args=[contact.pk]), reverse("chronology:family", args=[world.family.pk])]
    before = [_queries(client, url) for url in pages]
    for n in range(5):
        record(world, note=f"Visit {n}.", family_account=f"We were out {n}.")
        world.__dict__.pop("_correction")
        world_correction(world)
    assert [_queries(client, url) for url in pages] == before
    assert before[1] <= 24


def test_rig_2_check_wording_on_meeting_minutes_and_a_supervision_decision(world, client):
    from doorstep.meetings.models import Minutes
    from doorstep.meetings.tests import helpers as meetings
    from doorstep.supervision.models import SupervisionDecision
    from doorstep.supervision.tests.builders import case

    minutes = meetings.held(world)
    concerns = minutes.concerns
    client.force_login(world.users["involved_manager"])  # the chair
    page = client.post(reverse("meetings:minutes_edit", args=[minutes.meeting.pk]),
                       {"concerns": "The family is chaotic and obviously hiding something.", "check_wording": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and '<mark class="ds-recording-mark">chaotic</mark>' in html
    assert '<mark class="ds-recording-mark">obviously</mark>' in html
    assert Minutes.objects.get(pk=minutes.pk).concerns == concerns  # a check saves nothing

    found = case(world)
    decisions = SupervisionDecision.objects.count()
    page = client.post(reverse("supervision:decision_add", args=[found.pk]),
                       {"kind": "decision", "decision": "Close: mum is resistant.", "reason": "", "check_wording": "1"})
    html = page.content.decode()
    assert page.status_code == 200 and '<mark class="ds-recording-mark">resistant</mark>' in html
    assert "govuk-error-summary" not in html and SupervisionDecision.objects.count() == decisions
