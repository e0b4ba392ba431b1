"""OVR-1 (004 §4.1; issue 19): case-file audit rounds. Planning and its refusals, the reproducible sample, the
auditor's grant (opens the case file during the round only, for the round's families only, audited), findings as
tracked actions (rule OVR-1A), the round's report (page, CSV, PDF), the API, Welsh and bounded queries."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.partnerships.services import partnership_default
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry
from doorstep.core.access import family_get_for, family_may_write
from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found
from doorstep.core.workingdays import add_working_days, end_of_day
from doorstep.escalations.models import Escalation
from doorstep.families.services import family_create
from doorstep.oversight.models import AuditQuestion, Grade, RoundScope, RoundState, SampleMethod
from doorstep.oversight.rules import FindingFacts, ovr_1a
from doorstep.oversight.services import (
    audit_answer_record, audit_question_add, audit_question_set_active, audit_questions_seed, audit_round_close,
    audit_round_open, audit_round_plan, audit_sample,
)

from .helpers import audit_round, audited, discrepancy


def _plan(by, **kwargs):
    today = timezone.localdate()
    options = {"title": "Autumn audit", "period_start": today - timedelta(days=30), "period_end": today,
               "scope": RoundScope.AGENCY, "method": SampleMethod.RANDOM, "sample_size": 5, **kwargs}
    return audit_round_plan(by=by, **options)


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


def test_ovr_1_plan_refuses_with_a_specific_message(world):
    manager = world.users["involved_manager"]
    today = timezone.localdate()
    assert _errors(lambda: _plan(manager, period_start=today, period_end=today - timedelta(days=1))) == {
        "period_end": ["The period must end on or after the day it starts"]}
    # No families: no contact with any health family in the period.
    assert _errors(lambda: _plan(manager, method=SampleMethod.CONTACTS))["method"][0].startswith(
        "No family you may audit matches")
    assert _errors(lambda: _plan(manager, method=SampleMethod.CASELOAD, worker=manager))["worker"] == [
        "You cannot audit your own caseload: ask another manager or auditor"]
    assert _errors(lambda: _plan(manager, scope=RoundScope.PARTNERSHIP))["scope"] == [
        "Only a designated case-file auditor of the partnership plans a multi-agency round"]
    audit_questions_seed(partnership_default())
    AuditQuestion.objects.update(is_active=False)
    assert _errors(lambda: _plan(manager))["__all__"] == [
        "The question set has no questions: add a question before planning a round"]


def test_ovr_1_a_practitioner_cannot_audit_their_own_cases(world):
    worker = world.users["involved_practitioner"]
    worker.is_case_file_auditor = True
    worker.save(update_fields=["is_case_file_auditor"])
    # The world's family is the only one health is involved with, and this practitioner leads it.
    assert "No family you may audit matches" in _errors(lambda: _plan(worker))["method"][0]
    with pytest.raises(PermissionDenied):
        _plan(world.users["other_involved"])  # neither a manager nor a designated auditor


def test_ovr_1_the_sample_is_reproducible_from_its_seed(world):
    ids = list(range(1, 40))
    assert audit_sample(ids=ids, size=5, seed=42) == audit_sample(ids=list(reversed(ids)), size=5, seed=42)
    assert audit_sample(ids=ids, size=5, seed=42) != audit_sample(ids=ids, size=5, seed=43)
    assert audit_sample(ids=[3, 1], size=5, seed=1) in ([1, 3], [3, 1])
    planned = _plan(world.users["involved_manager"], seed=42)
    assert planned.seed == 42 and planned.state == RoundState.PLANNED
    assert [a.family_id for a in planned.families.all()] == [world.family.pk]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="oversight.AuditRound",
                                     object_id=str(planned.pk)).exists()
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, family=world.family,
                                     actor=world.users["involved_manager"]).exists()


def test_ovr_1_drift_criterion_chooses_families_with_visit_records_to_check(world):
    manager = world.users["involved_manager"]
    quiet = family_create(by=world.users["involved_practitioner"], name="Quiet household", reason="Health visiting",
                          line1="2 Stryd Fawr", town="Afonwy", postcode="AF2 3CC")
    discrepancy(world)  # the world's family: a visit recorded that did not take place
    planned = _plan(manager, method=SampleMethod.DRIFT)
    assert [a.family_id for a in planned.families.all()] == [world.family.pk]
    assert quiet.pk not in {a.family_id for a in _plan(manager, title="Again", method=SampleMethod.DRIFT)
                            .families.all()}


def test_ovr_1_audit_grant_opens_the_case_file_during_the_round_only(world):
    """The grant: housing's designated auditor reads the health family while the round is open, read-only and
    audited with the grant; not before it opens, not after it closes, never a family outside the round."""
    auditor = world.users["uninvolved_manager"]
    auditor.is_case_file_auditor = True
    auditor.save(update_fields=["is_case_file_auditor"])
    planned = _plan(auditor, scope=RoundScope.PARTNERSHIP, method=SampleMethod.CASELOAD,
                    worker=world.users["involved_practitioner"])
    assert [a.family_id for a in planned.families.all()] == [world.family.pk]
    outside = family_create(by=world.users["involved_practitioner"], name="Outside household", reason="Health",
                            line1="3 Stryd Fawr", town="Afonwy", postcode="AF2 3CC")
    from django.http import Http404

    with pytest.raises(Http404):
        family_get_for(professional=auditor, family_id=world.family.pk)
    audit_round_open(audit_round=planned, by=auditor)
    read = family_get_for(professional=auditor, family_id=world.family.pk, purpose="case-file audit")
    assert read.pk == world.family.pk and read.read_by_grant is not None
    row = AuditEvent.objects.filter(actor=auditor, action=AuditAction.VIEW, family=world.family).latest("id")
    assert row.summary == "case-file audit" and "Autumn audit" in row.reason
    assert not family_may_write(professional=auditor, family_id=world.family.pk)
    with pytest.raises(Http404):
        family_get_for(professional=auditor, family_id=outside.pk)
    audit_round_close(audit_round=planned, by=auditor)
    with pytest.raises(Http404):
        family_get_for(professional=auditor, family_id=world.family.pk)


def test_ovr_1_audit_grant_on_the_case_file_page(world, client):
    auditor = world.users["uninvolved_manager"]
    auditor.is_case_file_auditor = True
    auditor.save(update_fields=["is_case_file_auditor"])
    planned = _plan(auditor, scope=RoundScope.PARTNERSHIP, method=SampleMethod.CASELOAD,
                    worker=world.users["involved_practitioner"])
    client.force_login(auditor)
    url = reverse("families:detail", args=[world.family.pk])
    assert client.get(url).status_code == 404
    audit_round_open(audit_round=planned, by=auditor)
    page = client.get(url)
    assert page.status_code == 200 and "for a case-file audit round: read-only" in page.content.decode()
    audit_round_close(audit_round=planned, by=auditor)
    assert client.get(url).status_code == 404


def test_ovr_1a_a_finding_becomes_the_lead_professionals_tracked_action(world):
    manager, lead = world.users["involved_manager"], world.users["involved_practitioner"]
    found = audited(world)
    question = found.round.questions.get(key="visits")
    entry = ChronologyEntry.objects.filter(family=world.family).first()
    assert _errors(lambda: audit_answer_record(audited=found, question=question, by=manager,
                                               grade=Grade.INADEQUATE)) == {
        "note": ["Say what must improve: it becomes the lead professional's action"]}
    answer = audit_answer_record(audited=found, question=question, by=manager, grade=Grade.INADEQUATE,
                                 note="A home visit is recorded with no visit session.", evidence_ids=[entry.pk])
    action = Escalation.objects.get(rule_id="OVR-1A")
    assert answer.escalation == action and action.owner == lead and action.family == world.family
    assert action.deadline == end_of_day(add_working_days(timezone.localdate(), 10, settings.DOORSTEP_NATION))
    assert "Did every visit recorded take place?" in action.title
    assert list(answer.evidence.all()) == [entry]
    # Answered again: the same action, never a second.
    audit_answer_record(audited=found, question=question, by=manager, grade=Grade.REQUIRES_IMPROVEMENT, note="Less")
    assert Escalation.objects.filter(rule_id="OVR-1A").count() == 1
    assert audit_answer_record(audited=found, question=found.round.questions.get(key="plan"), by=manager,
                               grade=Grade.GOOD).escalation is None
    with pytest.raises(PermissionDenied):  # the lead cannot audit the round (not theirs), nor their own case
        audit_answer_record(audited=found, question=question, by=lead, grade=Grade.GOOD)
    audit_round_close(audit_round=found.round, by=manager)
    with pytest.raises(ValidationError, match="The round is not open"):
        audit_answer_record(audited=found, question=question, by=manager, grade=Grade.GOOD)


def test_ovr_1a_rule_is_pure_and_welsh():
    from datetime import date

    from doorstep.core.texts import Text, text_render

    facts = FindingFacts(answer_id=1, family_id=2, round_title="R", question=Text("Was supervision recorded?"),
                         grade=Grade.REQUIRES_IMPROVEMENT, note="", lead_id=3, manager_id=4, auditor_id=5,
                         today=date(2026, 12, 24), nation="england-wales")
    [raised] = ovr_1a(facts, {"inadequate_working_days": 10, "improvement_working_days": 20}).outcomes
    assert raised.owner_id == 3 and raised.notify_ids == (4, 5) and raised.key == "OVR-1A:answer:1"
    assert raised.deadline == add_working_days(date(2026, 12, 24), 20, "england-wales") == date(2027, 1, 26)  # Christmas, Boxing Day (28th) and 1 January skipped
    assert text_render(raised.title, "cy") != text_render(raised.title, "en")


def test_ovr_1_question_set_is_configurable_and_audited(world):
    manager = world.users["involved_manager"]
    question = audit_question_add(by=manager, english="Is the risk plan current?", welsh="Ydy'r cynllun risg yn gyfredol?")
    assert question.text == "Is the risk plan current?"
    from django.utils import translation

    with translation.override("cy"):
        assert question.text == "Ydy'r cynllun risg yn gyfredol?"
        assert AuditQuestion.objects.get(key="seen_alone").text != "Is the child seen, and seen alone, as the plan requires?"
    audit_question_set_active(by=manager, question=question, active=False)
    assert not AuditQuestion.objects.get(pk=question.pk).is_active
    assert AuditEvent.objects.filter(object_type="oversight.AuditQuestion", actor=manager).count() == 2
    assert _errors(lambda: audit_question_add(by=manager, english=" ")) == {"english": ["Enter the question in English"]}


def test_ovr_1_pages_plan_audit_and_report(world, client):
    manager = world.users["involved_manager"]
    discrepancy(world)
    client.force_login(manager)
    assert f'href="{reverse("oversight:audits")}"' in client.get(reverse("home")).content.decode()
    refused = client.post(reverse("oversight:audit_plan"), {
        "title": "Autumn", "period_start_0": "2", "period_start_1": "12", "period_start_2": "2026",
        "period_end_0": "1", "period_end_1": "12", "period_end_2": "2026", "scope": "agency", "method": "random",
        "sample_size": "5"})
    html = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in html
    assert 'href="#id_period_end_0">The period must end on or after the day it starts' in html
    found = audited(world)
    page = client.get(reverse("oversight:audit_family", args=[found.round_id, found.pk])).content.decode()
    # The visit recorded that did not take place is beside the form.
    assert "Home visit recorded as seen with no visit session" in page
    question = found.round.questions.get(key="voice")
    url = reverse("oversight:audit_answer", args=[found.round_id, found.pk, question.pk])
    assert client.post(url, {"grade": Grade.GOOD, "note": "Both recorded."}).status_code == 302
    report = client.get(reverse("oversight:audit_report", args=[found.round_id]))
    assert report.status_code == 200 and "Are the family&#x27;s voice and the child&#x27;s recorded?" in \
        report.content.decode()
    csv = client.get(reverse("oversight:audit_report_csv", args=[found.round_id]))
    assert csv["Content-Type"].startswith("text/csv")
    assert "Are the family's voice and the child's recorded?,Health Board,1,0,0,0" in csv.content.decode()
    pdf = client.get(reverse("oversight:audit_report_pdf", args=[found.round_id]))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="oversight.AuditRound").count() == 2


def test_ovr_1_api_lists_rounds_and_findings(world, client):
    manager = world.users["involved_manager"]
    found = audited(world)
    audit_answer_record(audited=found, question=found.round.questions.get(key="plan"), by=manager,
                        grade=Grade.INADEQUATE, note="No owned plan.")
    client.force_login(manager)
    rounds = client.get("/api/v1/oversight/audits/").json()["results"]
    assert [r["id"] for r in rounds] == [found.round_id] and rounds[0]["seed"] == 7
    detail = client.get(f"/api/v1/oversight/audits/{found.round_id}/").json()
    assert detail["families"][0]["id"] == world.family.pk
    findings = client.get("/api/v1/oversight/audits/findings/").json()["results"]
    assert [(f["grade"], f["family"]) for f in findings] == [("inadequate", world.family.pk)] and findings[0]["action"]
    client.force_login(world.users["uninvolved_manager"])
    assert client.get(f"/api/v1/oversight/audits/{found.round_id}/").status_code == 404


def test_ovr_1_pages_in_welsh(world, client):
    found = audited(world)
    exact, patterns = _english_messages()
    client.force_login(world.users["involved_manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    question = found.round.questions.order_by("position").first()
    for url in (reverse("oversight:audits"), reverse("oversight:audit_plan"), reverse("oversight:audit_questions"),
                reverse("oversight:audit_round", args=[found.round_id]),
                reverse("oversight:audit_family", args=[found.round_id, found.pk]),
                reverse("oversight:audit_answer", args=[found.round_id, found.pk, question.pk]),
                reverse("oversight:audit_report", args=[found.round_id])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert [t for t in english_found(response.content.decode(), exact, patterns) if t not in ALLOWED] == [], url


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_ovr_1_audit_pages_run_the_same_queries_however_many_families_and_answers(world, client):
    manager, worker = world.users["involved_manager"], world.users["involved_practitioner"]
    found = audited(world)
    audit_answer_record(audited=found, question=found.round.questions.order_by("position").last(), by=manager,
                        grade=Grade.GOOD)
    client.force_login(manager)
    urls = [reverse("oversight:audits"), reverse("oversight:audit_round", args=[found.round_id]),
            reverse("oversight:audit_family", args=[found.round_id, found.pk]),
            reverse("oversight:audit_report", args=[found.round_id]), "/api/v1/oversight/audits/"]
    small = {url: _queries(client, url) for url in urls}
    for n in range(3):
        family_create(by=worker, name=f"Extra{n} household", reason="Health visiting", line1=f"{n} Stryd Fawr",
                      town="Afonwy", postcode="AF2 3CC")
    big_round = audit_round(world, title="Bigger")
    assert big_round.families.count() == 4
    for question in found.round.questions.all()[:4]:
        audit_answer_record(audited=found, question=question, by=manager, grade=Grade.GOOD)
    other = big_round.families.get(family=world.family)
    bigger = [reverse("oversight:audits"), reverse("oversight:audit_round", args=[big_round.pk]),
              reverse("oversight:audit_family", args=[found.round_id, found.pk]),
              reverse("oversight:audit_report", args=[found.round_id]), "/api/v1/oversight/audits/"]
    big = {small_url: _queries(client, url) for small_url, url in zip(urls, bigger)}
    assert big == small, (small, big)
    assert max(small.values()) <= 25
    assert other.round_id == big_round.pk
