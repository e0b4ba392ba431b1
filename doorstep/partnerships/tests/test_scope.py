"""Issue 21: each partnership keeps its own case-file audit questions and recording-check list; a partnership's
administrator keeps only theirs (refused another's, through the pages and the services), a new partnership starts
with Doorstep's defaults, the recording check reads the family's partnership's list, and a round asks the planner's
partnership's questions over that partnership's families."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from doorstep.agencies.models import Professional, Role
from doorstep.oversight.models import AuditQuestion, RoundScope, SampleMethod
from doorstep.oversight.services import DEFAULT_QUESTIONS, audit_question_add, audit_question_set_active, audit_round_plan
from doorstep.partnerships.services import partnership_default
from doorstep.recording import services as recording
from doorstep.recording.defaults import DEFAULT_TERMS
from doorstep.recording.models import RecordingTerm
from doorstep.recording.selectors import terms_in_force
from doorstep.testing.factories import ProfessionalFactory
from doorstep.testing.partnerships import second_partnership


def _two(world, **kwargs):
    """Partnership A (the default) and B, each with its own administrator."""
    admin_a = ProfessionalFactory(username="a.admin", agency=None, role=Role.ADMINISTRATOR)
    admin_b = ProfessionalFactory(username="b.admin", agency=None, role=Role.ADMINISTRATOR)
    a = partnership_default()
    a.administrators.add(admin_a)
    b = second_partnership(world, administrators=[admin_b], **kwargs)
    return a, b, admin_a, admin_b


def test_issue_21_a_new_partnership_starts_with_the_default_questions_and_terms(world):
    b = second_partnership(world)
    assert sorted(AuditQuestion.objects.filter(partnership=b).values_list("key", flat=True)) == sorted(
        key for key, _msgid in DEFAULT_QUESTIONS)
    assert RecordingTerm.objects.filter(partnership=b).count() == len(DEFAULT_TERMS)
    assert not AuditQuestion.objects.exclude(partnership=b).exists()  # the default partnership's are its own


def test_issue_21_an_administrator_of_a_is_refused_bs_questions_and_terms_by_the_services(world):
    a, b, admin_a, admin_b = _two(world)
    with pytest.raises(PermissionDenied):
        audit_question_add(by=admin_a, english="Is the police log attached?", partnership=b)
    question_b = AuditQuestion.objects.filter(partnership=b).first()
    with pytest.raises(PermissionDenied):
        audit_question_set_active(by=admin_a, question=question_b, active=False)
    with pytest.raises(PermissionDenied):
        recording.recording_term_add(by=admin_a, term="unkempt", suggestion="Describe it.", language="en",
                                     partnership=b)
    term_b = RecordingTerm.objects.filter(partnership=b).first()
    with pytest.raises(PermissionDenied):
        recording.recording_term_update(by=admin_a, term_id=term_b.pk, term=term_b.term, suggestion="Changed",
                                        language=term_b.language, active=False)
    assert AuditQuestion.objects.get(pk=question_b.pk).is_active and RecordingTerm.objects.get(pk=term_b.pk).active
    assert AuditQuestion.objects.filter(partnership=b).count() == len(DEFAULT_QUESTIONS)
    # Their own partnership's: kept, and only there.
    added = audit_question_add(by=admin_a, english="Is the police log attached?")
    term = recording.recording_term_add(by=admin_a, term="unkempt", suggestion="Describe it.", language="en")
    assert (added.partnership, term.partnership) == (a, a)
    assert "unkempt" in {t.term for t in terms_in_force(a)} and "unkempt" not in {t.term for t in terms_in_force(b)}


def test_issue_21_an_administrator_of_a_is_refused_bs_questions_and_terms_pages(world, client):
    a, b, admin_a, admin_b = _two(world)
    question_b = AuditQuestion.objects.filter(partnership=b).first()
    term_b = RecordingTerm.objects.filter(partnership=b).first()
    client.force_login(admin_a)
    questions, terms = reverse("oversight:audit_questions"), reverse("recording:terms")
    assert client.get(f"{questions}?partnership={b.pk}").status_code == 403
    assert client.post(f"{questions}?partnership={b.pk}", {"english": "Not mine"}).status_code == 403
    assert client.post(reverse("oversight:audit_question_state", args=[question_b.pk]),
                       {"active": "no"}).status_code == 403
    assert client.get(f"{terms}?partnership={b.pk}").status_code == 403
    assert client.post(terms, {"partnership": b.pk, "term": "unkempt", "suggestion": "x",
                               "language": "en"}).status_code == 403
    assert client.get(reverse("recording:term", args=[term_b.pk])).status_code == 403
    assert client.post(reverse("recording:term", args=[term_b.pk]), {
        "term": term_b.term, "suggestion": "Changed", "language": term_b.language}).status_code == 403
    assert client.get(f"{terms}?partnership=abc").status_code == 404  # never a server error
    assert AuditQuestion.objects.get(pk=question_b.pk).is_active
    assert RecordingTerm.objects.get(pk=term_b.pk).suggestion == term_b.suggestion
    assert not RecordingTerm.objects.filter(term="unkempt").exists()
    # Each administrator's page is their own partnership's.
    page = client.get(terms).content.decode()
    assert f"This is the list of {a.name}" in page
    client.force_login(admin_b)
    page = client.get(questions).content.decode()
    assert f"These are the questions of {b.name}" in page
    response = client.post(terms, {"partnership": b.pk, "term": "unkempt", "suggestion": "Describe it.",
                                   "language": "en"})
    assert response.status_code == 302 and response["Location"] == f"{terms}?partnership={b.pk}"
    assert RecordingTerm.objects.get(term="unkempt").partnership == b


def test_issue_21_a_deployment_administrator_keeps_the_default_and_may_choose_another(
        world, client, django_assert_max_num_queries):
    a, b, admin_a, admin_b = _two(world)
    client.force_login(world.users["administrator"])
    terms = reverse("recording:terms")
    with django_assert_max_num_queries(14):
        page = client.get(terms).content.decode()
    assert f"This is the list of {a.name}" in page and f"?partnership={b.pk}" in page
    with django_assert_max_num_queries(14):
        page = client.get(f"{reverse('oversight:audit_questions')}?partnership={b.pk}").content.decode()
    assert f"These are the questions of {b.name}" in page


def test_issue_21_rig_2_the_recording_check_reads_the_family_partnerships_list(world, client):
    a, b, admin_a, admin_b = _two(world)
    recording.recording_term_add(by=admin_b, term="unkempt", suggestion="Describe what you saw.", language="en")
    from doorstep.recording.tests.test_views import _contact_post

    client.force_login(world.users["involved_practitioner"])
    url = reverse("engagement:record", args=[world.family.pk])
    post = _contact_post(world, check_wording="1", note="The home was unkempt.")
    assert '<mark class="ds-recording-mark">unkempt</mark>' not in client.post(url, post).content.decode()
    second_partnership(world, name="Moved", families=[world.family])  # not B: B's list is B's alone
    assert '<mark class="ds-recording-mark">unkempt</mark>' not in client.post(url, post).content.decode()
    from doorstep.families.models import Family

    Family.objects.filter(pk=world.family.pk).update(partnership=b)
    assert '<mark class="ds-recording-mark">unkempt</mark>' in client.post(url, post).content.decode()


def test_issue_21_ovr_1_a_round_asks_the_planners_partnerships_questions_over_its_families(world):
    police = world.users["other_involved"].agency
    a, b, admin_a, admin_b = _two(world, agencies=[police], families=[world.family])
    audit_question_add(by=admin_b, english="Is the police log attached?")
    manager = Professional.objects.get(username="police.manager")
    from django.utils import timezone

    today = timezone.localdate()
    audit_round = audit_round_plan(by=manager, title="Police files", period_start=today, period_end=today,
                                   scope=RoundScope.AGENCY, method=SampleMethod.RANDOM, sample_size=5)
    assert {q.partnership_id for q in audit_round.questions.all()} == {b.pk}
    assert "Is the police log attached?" in {q.text for q in audit_round.questions.all()}
    assert {f.family.partnership_id for f in audit_round.families.select_related("family")} == {b.pk}


def test_issue_21_pages_in_welsh(world, client, settings):
    a, b, admin_a, admin_b = _two(world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    client.force_login(world.users["administrator"])
    page = client.get(reverse("recording:terms")).content.decode()
    assert "Dyma restr Partneriaeth ddiogelu leol" in page and "Partneriaethau eraill rydych chi'n eu cadw:" in page
    page = client.get(reverse("oversight:audit_questions")).content.decode()
    assert "mae pob partneriaeth yn gofyn ei chwestiynau ei hun" in page
    page = client.get(reverse("escalations:rules")).content.decode()
    assert "Dyma osodiadau'r bartneriaeth ddiofyn, Partneriaeth ddiogelu leol" in page
