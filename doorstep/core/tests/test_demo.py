"""`make demo` loads the region: what each capability promises the demo shows, in one module so the region is loaded
once for all of them (loading it takes seconds; each test still runs in its own transaction, rolled back after it).
Sections: the region and its logins; engagement histories (issue 4); meetings (issue 6); visit safety (issue 5);
the region read in Welsh (issue 14); oversight (issue 19)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.core.workingdays import working_days_between
from doorstep.engagement.models import ACHIEVED_OUTCOMES, Behaviour, Contact, ContactChild, ThreatKind
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.families.models import Family, Involvement, MemberRole, Person
from doorstep.meetings.models import Meeting, MeetingKind, MeetingState, MinutesState
from doorstep.oversight.models import DiscrepancyKind, DriftSignal, SignalKind, VisitDiscrepancy
from doorstep.visits.models import ChainStep, Decision, Visit, VisitAlert, VisitStatus

from .test_welsh import ALLOWED, _english_messages, english_found

# Both xdist workers would each load the region for the tests they were given: keep this module on one
# (`--dist loadgroup` in the Makefile).
pytestmark = pytest.mark.xdist_group("demo_region")


@pytest.fixture(scope="module")
def demo_region(django_db_setup, django_db_blocker):
    """The demo region, loaded once for this module's tests (it takes seconds; each test still runs in its own
    transaction, rolled back after it), and emptied again after them as a transactional test empties its database."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


@pytest.fixture
def demo(demo_region, db):
    pass


def test_demo_region_has_the_promised_shape(demo):
    assert Professional.objects.exclude(role="system").count() >= 25
    assert Family.objects.count() >= 40
    assert Person.objects.filter(role=MemberRole.UNBORN).exists()
    assert Person.objects.filter(lives_elsewhere=True).exists()
    assert Person.objects.filter(role=MemberRole.PARTNER).exists()
    assert Person.objects.filter(role=MemberRole.ADULT_VISITING).exists()
    assert Person.objects.filter(child_status="cp").exists() and Person.objects.filter(child_status="none").exists()
    assert Involvement.objects.filter(ended_on__isnull=False).exists()
    assert all(p.line_manager_id for p in Professional.objects.filter(role="practitioner"))


@pytest.mark.parametrize("username", ["health.practitioner", "police.practitioner", "school.manager",
                                      "housing.practitioner2", "voluntary.practitioner"])
def test_each_demo_login_sees_exactly_its_agencys_families(demo, client, username):
    user = Professional.objects.get(username=username)
    client.force_login(user)
    involved = set(Involvement.objects.filter(agency=user.agency, ended_on__isnull=True).values_list("family", flat=True))
    assert involved, "every demo agency works with some families"
    families = list(Family.objects.all()[:40])
    for family in families:
        status = client.get(reverse("families:detail", args=[family.pk])).status_code
        assert status == (200 if family.pk in involved else 404), family
    # Issue 19 planted two more families: the region has more than the 40 opened here.
    refused = sum(1 for family in families if family.pk not in involved)
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count() == refused


def test_demo_board_chair_and_administrator_open_no_family(demo, client):
    family = Family.objects.first()
    for username in ("board.chair", "admin.user"):
        client.force_login(Professional.objects.get(username=username))
        assert client.get(reverse("families:detail", args=[family.pk])).status_code == 404


def test_demo_logins_use_the_printed_password(demo, client):
    from doorstep.core.demo import DEMO_PASSWORD

    response = client.post(reverse("login"), {"username": "health.practitioner", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


# Engagement histories (issue 4).

def test_demo_histories(demo):
    contacts = Contact.objects.all()
    behaviours = {b for c in contacts for b in c.behaviours}
    threats = {t for c in contacts for t in c.threats}
    assert behaviours == set(Behaviour.values) and threats == set(ThreatKind.values)

    def family(name):
        return Family.objects.get(name=f"{name} household")

    evans = Contact.objects.filter(family=family("Evans"), outcome__in=ACHIEVED_OUTCOMES,
                                   occurred_at__gte=timezone.now() - timedelta(days=150))
    assert {c.agency.name for c in evans} == {"Afonwy Schools Service"}  # engages with school only
    pritchard = Contact.objects.filter(family=family("Pritchard"))
    assert sum("disguised_compliance" in c.behaviours for c in pritchard) >= 5
    assert pritchard.filter(defaulted=True, planned=True).count() >= 10  # agreed, then not kept
    llewellyn = Contact.objects.filter(family=family("Llewellyn"))
    assert llewellyn.count() > 20 and not llewellyn.filter(occurred_at__gte=timezone.now() - timedelta(days=100))
    morgan = family("Morgan")
    eldest = morgan.members.filter(role=MemberRole.CHILD).order_by("id").first()
    assert ContactChild.objects.filter(child=eldest, seen=True).count() > 5
    assert not ContactChild.objects.filter(child=eldest, seen_alone=True).exists()  # never seen alone
    assert contacts.filter(recorded_late=True, family=family("Hughes")).count() >= 2
    assert contacts.filter(version__gt=1, family=family("Hughes")).exists()
    assert contacts.filter(entered_in_error=True, family=family("Price")).exists()
    assert contacts.filter(family=family("Owen")).values("agency").distinct().count() == 8


# Meetings (issue 6): each scenario the issue asks for, built through the services.

def test_the_demo_has_the_four_meetings_the_issue_asks_for(demo):
    morgan = Family.objects.get(name="Morgan household").meetings.get()
    assert morgan.kind == MeetingKind.MARP and morgan.calling_agency.kind == "housing"
    assert morgan.escalation.rule_id == "ESC-1" and morgan.escalation.state == EscalationState.DONE
    assert morgan.minutes.state == MinutesState.CIRCULATED and morgan.minutes.circulated_on_time
    assert morgan.minutes.actions.values("agency").distinct().count() == 3
    assert morgan.invitations.filter(is_specialist=True, confidentiality_accepted_at__isnull=False, attended=True)

    owen = Family.objects.get(name="Owen household").meetings.get()
    assert owen.state == MeetingState.HELD and owen.minutes.state == MinutesState.DRAFT
    overdue = Escalation.objects.get(key=f"MTG-4:meeting:{owen.pk}")
    assert overdue.is_active and overdue.deadline < timezone.now()

    price = Family.objects.get(name="Price household").meetings.get()
    assert price.minutes.plan_agreed is False and price.minutes.no_plan_reason
    assert price.minutes.state == MinutesState.CIRCULATED

    core = Meeting.objects.get(kind=MeetingKind.CORE_GROUP, escalation__rule_id="ESC-2")
    assert core.escalation.rule_id == "ESC-2" and core.escalation.state == EscalationState.DONE
    triggered = timezone.localtime(core.escalation.created_at).date()
    assert working_days_between(triggered, core.held_on) <= 3


# Visit safety (issue 5): in progress, overdue and acknowledged, awaiting agreement, refused.

def test_the_demo_has_a_visit_in_each_state(demo, client):
    live = Visit.objects.get(family__name="Llewellyn household")
    assert live.status == VisitStatus.IN_PROGRESS and live.escalated_at is None
    overdue = Visit.objects.get(family__name="Morgan household")
    manager = Professional.objects.get(username="csc.manager")
    assert overdue.status == VisitStatus.IN_PROGRESS and overdue.acknowledged_by == manager
    assert list(VisitAlert.objects.filter(visit=overdue).values_list("step", flat=True)) == [
        ChainStep.REMINDER, ChainStep.LINE_MANAGER]
    awaiting = Visit.objects.get(family__name="Pritchard household")
    assert awaiting.status == VisitStatus.AWAITING_AGREEMENT and "animals" in awaiting.factors
    refused = Visit.objects.get(family__name="Thomas household")
    assert refused.status == VisitStatus.REFUSED and refused.decision == Decision.REFUSED
    # What the README promises the demo logins see.
    client.force_login(manager)
    assert "07700" in client.get(reverse("visits:alarm", args=[overdue.pk])).content.decode()
    client.force_login(Professional.objects.get(username="health.manager"))
    assert "Pritchard household" in client.get(reverse("visits:to_agree")).content.decode()
    client.force_login(Professional.objects.get(username="health.practitioner3"))
    assert "You are out on a visit" in client.get(reverse("home")).content.decode()


# The region read in Welsh (issue 14): no English interface text.

@pytest.fixture(scope="module")
def messages():
    return _english_messages()


def _welsh(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client


FOUND: list[str] = []


def _assert_welsh(client, url, messages):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers.get("Content-Language", "cy").startswith("cy")
    FOUND.extend(f"{url}: {t}" for t in english_found(response.content.decode(), *messages) if t not in ALLOWED)


def _richest_family():
    """The demo family whose chronology holds the most kinds of entry Doorstep writes by itself."""
    counts = {}
    for family_id, kind in ChronologyEntry.objects.values_list("family_id", "kind").distinct():
        counts[family_id] = counts.get(family_id, 0) + 1
    return Family.objects.get(pk=max(counts, key=counts.get))


def _worker_for(family):
    involvement = Involvement.objects.filter(family=family, ended_on__isnull=True).order_by("id").first()
    return (Professional.objects.filter(agency=involvement.agency, role="practitioner", is_active=True).first()
            or Professional.objects.filter(agency=involvement.agency, is_active=True).first())


def test_the_demo_region_in_welsh_shows_no_english_interface_text(demo, client, messages):
    family = _richest_family()
    worker = _worker_for(family)
    _welsh(client, worker)
    # Every kind of entry Doorstep writes into the chronology, across the demo.
    kinds = set(ChronologyEntry.objects.values_list("kind", flat=True))
    assert {EntryKind.CONTACT, EntryKind.INVOLVEMENT, EntryKind.MARKER, EntryKind.MEETING} <= kinds
    families = {family.pk}
    for kind in kinds:
        entry = ChronologyEntry.objects.filter(kind=kind, family__involvements__agency=worker.agency,
                                               family__involvements__ended_on__isnull=True).first()
        if entry is not None:
            families.add(entry.family_id)
    for family_id in sorted(families):
        _assert_welsh(client, reverse("chronology:family", args=[family_id]), messages)
    # Issue 18: every sub page of the case file.
    for name in ("families:detail", "families:children", "families:engagement", "families:meetings",
                 "families:agreement", "families:safety"):
        _assert_welsh(client, reverse(name, args=[family.pk]), messages)
    _assert_welsh(client, reverse("engagement:record", args=[family.pk]), messages)
    _assert_welsh(client, reverse("escalations:mine"), messages)
    escalation = Escalation.objects.filter(owner=worker).first() or Escalation.objects.filter(
        family=family).first()
    if escalation is not None:
        _welsh(client, escalation.owner)
        _assert_welsh(client, reverse("escalations:detail", args=[escalation.pk]), messages)
    visit = Visit.objects.select_related("worker").first()
    if visit is not None:
        _welsh(client, visit.worker)
        _assert_welsh(client, reverse("visits:detail", args=[visit.pk]), messages)
    _welsh(client, Professional.objects.get(username="board.chair"))
    _assert_welsh(client, reverse("meetings:board"), messages)
    _assert_welsh(client, reverse("board_report"), messages)  # issue 19: the Board's report
    assert not FOUND, "English in Welsh pages:\n" + "\n".join(FOUND)


# Oversight (issue 19, OVR-1): health.manager finds the planted drift and the planted visit recorded that did not
# take place, at once (the demo runs the nightly job when it loads).

def test_health_manager_finds_the_planted_drift_and_visit(demo, client):
    manager = Professional.objects.get(username="health.manager")
    rhydderch = Family.objects.get(name="Rhydderch household")
    assert set(DriftSignal.objects.filter(family=rhydderch).values_list("kind", flat=True)) >= {
        SignalKind.NO_CONTACT, SignalKind.NOT_SEEN_ALONE}
    planted = VisitDiscrepancy.objects.get(family__name="Bowen household", kind=DiscrepancyKind.NO_SESSION)
    assert planted.worker.username == "health.practitioner2" and planted.worker.line_manager == manager

    client.force_login(manager)
    drift = client.get(reverse("oversight:signals"), {"page": 1})
    pages = [drift.content.decode()] + [client.get(reverse("oversight:signals"), {"page": n}).content.decode()
                                        for n in range(2, drift.context["page"].paginator.num_pages + 1)]
    assert any("Rhydderch" in html and "Nia" in html for html in pages)
    visits = client.get(reverse("oversight:discrepancies")).content.decode()
    assert reverse("oversight:discrepancy", args=[planted.pk]) in visits
    assert client.get(reverse("oversight:discrepancy", args=[planted.pk])).status_code == 200


# Retention (issue 20): health.records, the health board's records manager, finds the Madoc household past retention
# at once (the demo runs the nightly review when it loads); nothing else in the demo is.

def test_records_manager_finds_the_family_past_retention(demo, client):
    from doorstep.retention.models import RecordKind, RetentionReview

    records = Professional.objects.get(username="health.records")
    assert records.is_records_manager and records.line_manager.username == "health.manager"
    madoc = Family.objects.get(name="Madoc household")
    assert not Involvement.objects.filter(family=madoc, ended_on__isnull=True).exists()
    past = RetentionReview.objects.filter(retain_until__lt=timezone.localdate())
    assert list(past.values_list("family__name", flat=True)) == ["Madoc household"]
    assert past.get().kind == RecordKind.ADULTS
    client.force_login(records)
    html = client.get(reverse("retention:review")).content.decode()
    assert "Madoc household" in html and reverse("retention:family", args=[madoc.pk]) in html
    assert reverse("retention:review") in client.get(reverse("home")).content.decode()  # in the navigation


# Partnerships (issue 21): the demo region is the partnership Afonwy, in Wales, on the Cwm Taf protocol, with the
# rules the tour shows that Cwm Taf does not have switched on again by its administrator, each with a reason.

def test_the_demo_region_is_the_partnership_afonwy_on_the_cwm_taf_protocol(demo, client):
    from doorstep.escalations.models import RuleSettingChange
    from doorstep.partnerships.models import Partnership

    afonwy = Partnership.objects.get(name="Afonwy")
    assert (afonwy.nation, afonwy.preset, afonwy.is_default) == ("england-wales", "cwm-taf", True)
    # Issue 21: every family but Ouzel Valley's (two opened there, one transferred there) is Afonwy's.
    assert Family.objects.exclude(partnership=afonwy).count() == 3
    assert set(RuleSettingChange.objects.filter(partnership=afonwy).values_list("rule_id", flat=True)) >= {
        "ESC-1", "ESC-2", "ESC-8"}
    # Cwm Taf's own rules cite its clauses; the rules switched on again keep the merged set's.
    assert Escalation.objects.filter(rule_id__in=["ESC-9", "ESC-10", "ESC-11"],
                                     clause__startswith="Cwm Taf protocol").exists()
    assert Escalation.objects.filter(rule_id="ESC-1", clause="003 §7.9").exists()
    client.force_login(Professional.objects.get(username="admin.user"))
    html = client.get(reverse("partnerships:detail", args=[afonwy.pk])).content.decode()
    assert "Cwm Taf protocol" in html and "Afonwy" in html
def test_issue_21_two_partnerships_with_their_presets_police_and_health_working_in_both(demo, client):
    from doorstep.partnerships.models import Partnership

    afonwy, ouzel = Partnership.objects.get(name="Afonwy"), Partnership.objects.get(name="Ouzel Valley")
    assert (ouzel.nation, ouzel.preset) == ("england-wales", "milton-keynes")
    assert [p.username for p in ouzel.board_chairs.all()] == ["board.chair.ouzel"]
    assert [p.username for p in ouzel.administrators.all()] == ["admin.ouzel"]
    assert [p.username for p in afonwy.board_chairs.all()] == ["board.chair"]
    both = set(afonwy.agencies.all()) & set(ouzel.agencies.all())
    assert {a.kind for a in both} == {"police", "health"} and set(ouzel.agencies.all()) == both
    # The Ouzel Valley administrator manages their own partnership only.
    client.force_login(Professional.objects.get(username="admin.ouzel"))
    html = client.get(reverse("partnerships:list")).content.decode()
    assert "Ouzel Valley" in html and "Afonwy" not in html
    assert client.get(reverse("partnerships:detail", args=[afonwy.pk])).status_code == 403


def test_issue_21_each_board_chair_sees_only_their_own_partnership(demo, client):
    """Done when: each Board chair sees only their own partnership: the Board's report is theirs (another's refused)
    and the MARP minutes sent to the Board are of their partnership's families only."""
    from doorstep.meetings.models import MinutesRecipient, RecipientKind
    from doorstep.partnerships.models import Partnership

    afonwy, ouzel = Partnership.objects.get(name="Afonwy"), Partnership.objects.get(name="Ouzel Valley")
    afonwy_minutes = MinutesRecipient.objects.filter(kind=RecipientKind.BOARD_CHAIR,
                                                     minutes__meeting__family__partnership=afonwy)
    assert afonwy_minutes.exists()
    assert set(afonwy_minutes.values_list("recipient__username", flat=True)) == {"board.chair"}
    meeting_id = afonwy_minutes.values_list("minutes__meeting_id", flat=True).first()
    for username, own, other in (("board.chair", afonwy, ouzel), ("board.chair.ouzel", ouzel, afonwy)):
        client.force_login(Professional.objects.get(username=username))
        assert client.get("/api/v1/board/report/").json()["partnership"]["id"] == own.pk
        assert client.get(reverse("board_report") + f"?partnership={other.pk}").status_code == 403
        assert client.get(f"/api/v1/board/report/?partnership={other.pk}").status_code == 403
        page = client.get(reverse("meetings:board")).content.decode()
        minutes_link = reverse("meetings:minutes", args=[meeting_id])
        if own == afonwy:
            assert minutes_link in page and client.get(minutes_link).status_code == 200
        else:
            assert minutes_link not in page and client.get(minutes_link).status_code == 404


def test_issue_21_the_same_police_practitioner_sees_each_familys_own_protocols_clauses(demo, client):
    """Done when: the same police practitioner works families in both partnerships and sees each family's own
    protocol's clause numbers (on the action's page, "Rule ... from clause ...")."""
    police = Professional.objects.get(username="police.practitioner")
    client.force_login(police)
    involved = Involvement.objects.filter(agency=police.agency, ended_on__isnull=True).values("family")
    seen = {}
    for name, citation in (("Afonwy", "Cwm Taf protocol"), ("Ouzel Valley", "Milton Keynes procedures")):
        action = (Escalation.objects.filter(family__in=involved, family__partnership__name=name,
                                            state__in=[EscalationState.OPEN, EscalationState.ACKNOWLEDGED],
                                            clause__startswith=citation).order_by("pk").first())
        assert action is not None, name
        html = client.get(reverse("escalations:detail", args=[action.pk])).content.decode()
        assert action.clause in html, name
        assert client.get(reverse("families:detail", args=[action.family_id])).status_code == 200
        seen[name] = action.clause
    assert seen["Afonwy"].startswith("Cwm Taf protocol ")
    assert seen["Ouzel Valley"].startswith("Milton Keynes procedures 5.1.")
    # police.practitioner's own action in Ouzel Valley: the Milton Keynes access rule (ESC-3, 001 §5.1.9.1).
    assert Escalation.objects.filter(owner=police, family__partnership__name="Ouzel Valley", rule_id="ESC-3",
                                     clause="Milton Keynes procedures 5.1.9.1").exists()


def test_issue_21_an_afonwy_family_transferred_to_ouzel_valley_keeps_its_history_and_open_actions(demo, client):
    from doorstep.partnerships.models import FamilyTransfer

    transfer = FamilyTransfer.objects.select_related("family", "from_partnership", "to_partnership").get()
    family = transfer.family
    assert (transfer.from_partnership.name, transfer.to_partnership.name, family.partnership.name) == (
        "Afonwy", "Ouzel Valley", "Ouzel Valley")
    assert transfer.by.username == "health.manager" and transfer.retimed
    entry = ChronologyEntry.objects.get(family=family, source_type="partnerships.FamilyTransfer")
    assert entry.significant and "Transferred from Afonwy to Ouzel Valley" in entry.summary_shown
    assert ChronologyEntry.objects.filter(family=family, kind=EntryKind.CONTACT).exists()  # history kept
    moved = Escalation.objects.filter(pk__in=[row["escalation"] for row in transfer.retimed])
    assert moved.exists() and all(e.state in (EscalationState.OPEN, EscalationState.ACKNOWLEDGED) for e in moved)
    assert all(e.events.filter(action="transferred").exists() for e in moved)
    assert moved.filter(clause__startswith="Milton Keynes procedures").exists()  # cites its new protocol
    client.force_login(Professional.objects.get(username="health.manager"))
    html = client.get(reverse("families:detail", args=[family.pk])).content.decode()
    assert "Ouzel Valley" in html and "moved to Ouzelford" in html


def test_health_managers_audit_round_of_5_finds_the_planted_drift_and_visit(demo, client):
    """OVR-1 (issue 19): the demo round, 5 families with drift or visit records to check, holds both planted
    families; its seed draws the same sample again; opened, each family's form shows what was planted beside it."""
    from doorstep.oversight.demo import DEMO_ROUND_TITLE
    from doorstep.oversight.models import AuditRound
    from doorstep.oversight.services import audit_round_plan

    manager = Professional.objects.get(username="health.manager")
    planned = AuditRound.objects.get(planned_by=manager, title=DEMO_ROUND_TITLE)
    sample = list(planned.families.order_by("position").values_list("family__name", flat=True))
    assert len(sample) == 5 and {"Rhydderch household", "Bowen household"} <= set(sample)
    again = audit_round_plan(by=manager, title="Again", period_start=planned.period_start,
                             period_end=planned.period_end, scope=planned.scope, method=planned.method, sample_size=5,
                             seed=planned.seed)
    assert list(again.families.order_by("position").values_list("family__name", flat=True)) == sample
    client.force_login(manager)
    assert client.post(reverse("oversight:audit_round", args=[planned.pk]), {"to": "open"}).status_code == 302
    forms = {a.family.name: reverse("oversight:audit_family", args=[planned.pk, a.pk])
             for a in planned.families.select_related("family")}
    bowen = client.get(forms["Bowen household"]).content.decode()
    assert str(DiscrepancyKind.NO_SESSION.label) in bowen
    rhydderch = client.get(forms["Rhydderch household"]).content.decode()
    assert str(SignalKind.NO_CONTACT.label) in rhydderch and str(SignalKind.NOT_SEEN_ALONE.label) in rhydderch
# A respectful, factual record (issue 20, RIG-2): the planted judgemental note in the Evans household is marked by the
# recording check, the family's account stands beside it in the chronology, and one request to correct a record
# awaits the police's decision (UK GDPR Article 16).

def test_rig_2_the_planted_note_is_marked_and_the_familys_account_is_beside_it(demo, client):
    from doorstep.recording.demo import PLANTED_ACCOUNT, PLANTED_NOTE

    planted = Contact.objects.select_related("recorded_by").get(family__name="Evans household", note=PLANTED_NOTE)
    assert planted.family_account == PLANTED_ACCOUNT
    client.force_login(planted.recorded_by)
    checked = client.post(reverse("engagement:correct", args=[planted.pk]),
                          {"note": planted.note, "check_wording": "1"}).content.decode()
    for word in ("aggressive", "uncooperative", "as usual"):
        assert f'<mark class="ds-recording-mark">{word}</mark>' in checked, word
    chronology = client.get(reverse("chronology:family", args=[planted.family_id]),
                            {"agency": str(planted.agency_id)}).content.decode()
    note_at, account_at = chronology.index(PLANTED_NOTE), chronology.index(PLANTED_ACCOUNT)
    assert 0 < account_at - note_at < 600


def test_rig_2_one_request_to_correct_a_record_awaits_the_polices_decision(demo, client):
    from doorstep.recording.models import CorrectionRequest, CorrectionState

    request = CorrectionRequest.objects.select_related("contact__agency").get(family__name="Evans household")
    assert request.state == CorrectionState.AWAITING and request.contact.agency.kind == "police"
    action = Escalation.objects.get(rule_id="RIG-2", family=request.family)
    assert action.state == EscalationState.OPEN and action.owner.username == "police.practitioner"
    client.force_login(action.owner)
    assert reverse("recording:correction_decide", args=[request.pk]) in client.get(
        reverse("recording:correction", args=[request.pk])).content.decode()
# Subject access (issue 20, RIG-1): health.disclosure walks the Evans mother's request through consultation,
# redaction, approval by health.manager and release; the bundle names neither the children's father nor any other
# adult of the household (what she told us herself aside, and none of hers names them).

def test_rig_1_evans_mothers_request_walks_through_to_a_bundle_without_the_father(demo, client):
    import re

    from doorstep.core.board import Period
    from doorstep.subjectaccess import services as sar
    from doorstep.subjectaccess.board import subject_access_figures
    from doorstep.subjectaccess.models import (
        Consultation, ConsultationState, Redaction, RedactionState, RequestState, SubjectAccessRequest)
    from doorstep.subjectaccess.rules import answer_key
    from doorstep.testing.pdf import text as pdf_text

    officer = Professional.objects.get(username="health.disclosure")
    manager = Professional.objects.get(username="health.manager")
    assert officer.is_disclosure_officer and officer.line_manager == manager
    request = SubjectAccessRequest.objects.select_related("subject").get(family__name="Evans household")
    evans = request.family
    assert request.officer == officer and request.state == RequestState.GATHERED
    action = Escalation.objects.get(key=answer_key(request.pk))
    assert action.owner == officer and action.state == EscalationState.OPEN
    client.force_login(officer)
    assert request.reference in client.get(reverse("escalations:mine")).content.decode()  # on My actions
    start, end = Period(request.received_on, request.received_on).bounds()
    (table,) = subject_access_figures(start=start, end=end, partnership=evans.partnership)
    assert table.figures[0].value >= 1  # received, in the Board's figures

    others = [p for p in Person.objects.filter(family=evans).exclude(pk=request.subject_id) if p.role != "unborn"]
    adults = [p for p in others if not p.is_child]
    assert adults, "the Evans household has the children's father"
    assert Consultation.objects.filter(request=request, state=ConsultationState.OPEN).exists()
    for consultation in Consultation.objects.filter(request=request, state=ConsultationState.OPEN):
        sar.consultation_answer(consultation=consultation, by=consultation.owner, objection=False)
    children = {n for p in others if p.is_child for n in (p.given_name, f"{p.given_name} {p.family_name}")}
    for proposal in Redaction.objects.filter(item__request=request, state=RedactionState.PROPOSED):
        # She knows her own children's names; everyone else's are withheld.
        sar.redaction_decide(redaction=proposal, by=officer, withhold=proposal.text not in children)
    sar.request_submit(request=request, by=officer)
    sar.request_approve(request=request, by=manager)
    bundle = client.get(reverse("subjectaccess:bundle", args=[request.pk]))
    assert bundle.status_code == 200
    words = " ".join(pdf_text(bundle.content).split())
    for adult in adults:
        assert not re.search(rf"\b{re.escape(adult.given_name)}\b", words), adult.given_name
    assert "ico.org.uk" in words
    released = sar.request_release(request=request, by=officer)
    assert released.state == RequestState.RELEASED and released.released_on_time
