"""The engine against the database: facts gathered, outcomes applied in the caller's transaction, idempotent, the
sweep for time-based rules, overdue actions escalated once, settings that apply to new escalations only, ESC-2's
trigger and ESC-6's refusal."""

import time
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.engagement.models import Contact, ContactChild, ContactKind, Outcome
from doorstep.escalations.evaluate import family_evaluate, sweep_run
from doorstep.escalations.facts import family_facts
from doorstep.escalations.models import (
    ClosureStepKind,
    Escalation,
    EscalationEvent,
    EscalationState,
    FamilyCheck,
    NonComplianceFinding,
    RuleSettingChange,
)
from doorstep.escalations.scheduled import escalations_overdue_run, family_checks_run
from doorstep.escalations.services import (
    closure_step_record,
    escalation_complete,
    non_compliance_record,
    rule_settings_update,
)
from doorstep.families.models import ChildStatus, Family
from doorstep.families.services import involvement_end, person_update
from doorstep.notifications.models import Notification, NotificationKind
from doorstep.partnerships.models import Partnership

from .helpers import at, contact

XMAS_EVE = date(2026, 12, 24)


# The world built on 1 December 2026 at 09:00, before any test's data (issue 12), evaluated at once (nothing is due).
december = pytest.mark.clock("2026-12-01 09:00")


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def four_defaults(world, last: date):
    worker = world.users["involved_practitioner"]
    return [contact(world.family, worker, last - timedelta(days=d)) for d in (21, 14, 7, 0)]


@december
@pytest.mark.parametrize("nation, deadline", [("england-wales", date(2027, 1, 12)), ("scotland", date(2027, 1, 13))])
def test_fourth_defaulted_visit_raises_esc_1_in_the_contacts_transaction(world, time_machine, settings, nation, deadline):
    settings.DOORSTEP_NATION = nation
    Partnership.objects.filter(pk=world.family.partnership_id).update(nation=nation)  # issue 21: its partnership's
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    with transaction.atomic():
        four_defaults(world, XMAS_EVE)
        family_evaluate(family=world.family)  # what issue 3's contact service does in its transaction
    esc = Escalation.objects.get(rule_id="ESC-1")
    assert esc.key == f"ESC-1:family:{world.family.pk}" and esc.owner == worker and esc.state == EscalationState.OPEN
    assert esc.trigger_date == XMAS_EVE
    local = timezone.localtime(esc.deadline)
    assert (local.date(), local.hour, local.minute, local.second) == (deadline, 23, 59, 59)
    assert esc.parameters == {"threshold": 4, "deadline_working_days": 10}
    assert len(esc.facts) == 5 and esc.facts[1]["link"].startswith("/")
    assert set(Notification.objects.filter(dedupe_key=f"escalation:{esc.pk}:raised")
               .values_list("recipient__username", flat=True)) == {worker.username, manager.username}
    assert ChronologyEntry.objects.filter(family=world.family, kind=EntryKind.ESCALATION, significant=True).exists()
    assert AuditEvent.objects.filter(object_type="escalations.Escalation", object_id=str(esc.pk)).exists()
    # The family is next due in the small hours of tomorrow.
    assert local_day(FamilyCheck.objects.get(family=world.family).due_at) == XMAS_EVE + timedelta(days=1)


@december
def test_a_rolled_back_contact_leaves_no_escalation(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        four_defaults(world, XMAS_EVE)
        family_evaluate(family=world.family)
        raise RuntimeError("the contact did not save")
    assert not Escalation.objects.exists() and not Notification.objects.exists()


@december
def test_the_same_facts_never_raise_a_second_copy_and_new_facts_update_the_open_one(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    four_defaults(world, XMAS_EVE)
    family_evaluate(family=world.family)
    family_evaluate(family=world.family)
    assert Escalation.objects.filter(rule_id="ESC-1").count() == 1
    esc = Escalation.objects.get(rule_id="ESC-1")
    notes = Notification.objects.count()
    time_machine.move_to(at(date(2026, 12, 29), 10), tick=False)
    contact(world.family, world.users["involved_practitioner"], date(2026, 12, 29))
    family_evaluate(family=world.family)
    esc2 = Escalation.objects.get(rule_id="ESC-1")
    assert esc2.pk == esc.pk and esc2.deadline == esc.deadline  # the first trigger started the clock
    assert "5" in esc2.facts[0]["text"]
    assert list(esc2.events.values_list("action", flat=True)) == ["raised", "updated"]
    assert Notification.objects.count() == notes  # updates notify nobody again


@december
def test_closing_esc_1_starts_the_count_again(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    four_defaults(world, XMAS_EVE)
    family_evaluate(family=world.family)
    esc = Escalation.objects.get(rule_id="ESC-1")
    time_machine.move_to(at(date(2027, 1, 4), 12), tick=False)
    escalation_complete(escalation=esc, by=world.users["involved_manager"], outcome="MARP held on 4 January")
    worker = world.users["involved_practitioner"]
    for day in (5, 6, 7):
        contact(world.family, worker, date(2027, 1, day))
    family_evaluate(family=world.family)
    assert Escalation.objects.filter(rule_id="ESC-1").count() == 1  # three since the meeting: under the threshold
    contact(world.family, worker, date(2027, 1, 7), hour=15)
    family_evaluate(family=world.family)
    assert Escalation.objects.filter(rule_id="ESC-1", state=EscalationState.OPEN).count() == 1
    assert Escalation.objects.filter(rule_id="ESC-1").count() == 2


@december
def test_entered_in_error_contacts_do_not_count(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    worker = world.users["involved_practitioner"]
    for d in (21, 14, 7):
        contact(world.family, worker, XMAS_EVE - timedelta(days=d))
    contact(world.family, worker, XMAS_EVE, entered_in_error=True)
    family_evaluate(family=world.family)
    assert not Escalation.objects.filter(rule_id="ESC-1").exists()


def _bulk_contacts(world, n: int) -> None:
    worker, police = world.users["involved_practitioner"], world.users["other_involved"]
    start = timezone.now() - timedelta(days=3 * 365)
    kinds = [ContactKind.HOME_VISIT, ContactKind.PHONE, ContactKind.SCHOOL, ContactKind.OFFICE]
    outcomes = [Outcome.SEEN, Outcome.NO_ANSWER, Outcome.SEEN, Outcome.REFUSED_ENTRY, Outcome.CUT_SHORT]
    rows = [Contact(family=world.family, agency_id=(worker if i % 2 else police).agency_id,
                    recorded_by=worker if i % 2 else police, kind=kinds[i % 4], outcome=outcomes[i % 5],
                    occurred_at=start + timedelta(hours=5 * i),
                    defaulted=outcomes[i % 5] in ("no_answer", "refused_entry"),
                    behaviours=["avoidance"] if i % 7 == 0 else [])
            for i in range(n)]
    Contact.objects.bulk_create(rows, batch_size=1000)
    ids = list(Contact.objects.filter(family=world.family, outcome=Outcome.SEEN).values_list("pk", flat=True))
    ContactChild.objects.bulk_create([ContactChild(contact_id=pk, child=world.child, seen=True, seen_alone=pk % 3 == 0)
                                      for pk in ids], batch_size=1000)


@december
def test_fact_gathering_takes_a_fixed_number_of_queries_for_5000_contacts(world, time_machine):
    _bulk_contacts(world, 10)
    with CaptureQueriesContext(connection) as small:
        family_facts(family=world.family, now=timezone.now())
    Contact.objects.all().delete()
    _bulk_contacts(world, 5000)
    with CaptureQueriesContext(connection) as large:
        gathered = family_facts(family=world.family, now=timezone.now())
    assert len(gathered.facts.contacts) == 5000
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
    # The whole evaluation, raising what the history calls for, is bounded too; a second one raises nothing.
    family_evaluate(family=world.family)
    with CaptureQueriesContext(connection) as again:
        started = time.perf_counter()
        family_evaluate(family=world.family)
        elapsed = time.perf_counter() - started
    print(f"\nEvaluating a family with 5,000 contacts: {len(again.captured_queries)} queries, {elapsed * 1000:.0f} ms")
    assert len(again.captured_queries) <= 15
    assert elapsed < 3, elapsed


# --- The sweep: time-based rules ---------------------------------------------------------------------------------

@december
@pytest.mark.parametrize("nation, deadline", [("england-wales", date(2027, 1, 5)), ("scotland", date(2027, 1, 6))])
def test_sweep_raises_esc_8_the_day_after_the_period_and_not_before(world, time_machine, settings, nation, deadline):
    settings.DOORSTEP_NATION = nation
    Partnership.objects.filter(pk=world.family.partnership_id).update(nation=nation)  # issue 21: its partnership's
    worker = world.users["involved_practitioner"]
    seen_on = XMAS_EVE - timedelta(days=29)  # Wednesday 25 November
    contact(world.family, worker, seen_on, outcome=Outcome.SEEN, seen=[world.child], seen_alone=[world.child])
    family_evaluate(family=world.family)
    check = FamilyCheck.objects.get(family=world.family)
    time_machine.move_to(at(XMAS_EVE - timedelta(days=1), 23, 50), tick=False)  # 28 days: not longer than 28
    sweep_run(now=timezone.now())
    assert not Escalation.objects.filter(rule_id="ESC-8").exists()
    time_machine.move_to(at(XMAS_EVE, 9), tick=False)
    check.refresh_from_db()
    assert check.due_at <= timezone.now()
    result = sweep_run(now=timezone.now())
    assert result["doorstep.escalations.scheduled.family_checks_run"] >= 1
    esc = Escalation.objects.get(rule_id="ESC-8")
    assert esc.key == f"ESC-8:child:{world.child.pk}:not-seen" and esc.trigger_date == XMAS_EVE
    assert local_day(esc.deadline) == deadline
    assert esc.owner == worker
    # Seen again: the engine resolves it, with the reason.
    time_machine.move_to(at(date(2026, 12, 29), 11), tick=False)
    contact(world.family, worker, date(2026, 12, 29), outcome=Outcome.SEEN, seen=[world.child])
    family_evaluate(family=world.family)
    esc.refresh_from_db()
    assert esc.state == EscalationState.DONE and "seen on 29 Dec 2026" in esc.outcome
    assert esc.events.last().action == "resolved"


@december
def test_sweep_with_nothing_due_does_nothing_quickly(world, time_machine):
    family_evaluate(family=world.family)
    family_evaluate(family=world.other_family)
    with CaptureQueriesContext(connection) as queries:
        result = sweep_run(now=timezone.now())
    assert all(v == 0 for v in result.values())
    # One query per check (the engine's: families never evaluated, due families, overdue actions; and one for each
    # check other capabilities registered), besides savepoints and one read of the checks' failures (issue 16); and the checks whose horizon is a rule's setting
    # (FLG-2, AGR-1, SUP-4: ESC-12) read it, one row each.
    from doorstep.escalations.evaluate import SWEEP_CHECKS

    real = [q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    settings_reads = [q for q in real if "escalations_rulesetting" in q["sql"]]
    assert len(settings_reads) <= 3
    # Issue 21: each family's partnership's settings: AGR-1 reads the partnerships' nations; SUP-4 the agencies, the
    # default partnership and the agencies' partnerships (supervision/conf.py). Four, whatever the number of families.
    partnership_reads = [q for q in real if "partnerships_partnership" in q["sql"] or 'FROM "agencies_agency"' in q["sql"]]
    assert len(partnership_reads) <= 4
    assert len(real) - len(settings_reads) - len(partnership_reads) == len(SWEEP_CHECKS) + 2


@december
def test_sweep_over_10000_families_with_nothing_due_takes_seconds(world, time_machine):
    families = Family.objects.bulk_create(
        [Family(reference=f"DS-9{i:06d}", name=f"Household {i}", partnership_id=world.family.partnership_id)
         for i in range(10_000)], batch_size=2000)
    tomorrow = timezone.now() + timedelta(days=1)
    FamilyCheck.objects.bulk_create([FamilyCheck(family=f, due_at=tomorrow) for f in families]
                                    + [FamilyCheck(family=f, due_at=tomorrow)
                                       for f in (world.family, world.other_family)], batch_size=2000)
    started = time.perf_counter()
    result = sweep_run(now=timezone.now())
    elapsed = time.perf_counter() - started
    print(f"\nSweep over {Family.objects.count()} families with nothing due: {elapsed * 1000:.1f} ms")
    assert all(v == 0 for v in result.values())
    assert elapsed < 2, elapsed


@december
def test_a_failing_evaluation_is_recorded_on_the_row_and_tried_again(world, time_machine, monkeypatch):
    from doorstep.escalations import evaluate

    def broken(*, family):
        raise RuntimeError("boom")

    monkeypatch.setattr(evaluate, "FAMILY_EVALUATORS", [broken])
    family_checks_run(now=timezone.now())
    check = FamilyCheck.objects.get(family=world.family)
    assert check.failures == 1 and "boom" in check.last_error and check.due_at > timezone.now()


# --- Overdue: escalated to the line manager once (ORG-3) ---------------------------------------------------------

@december
def test_overdue_action_escalates_to_the_owners_line_manager_once(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    four_defaults(world, XMAS_EVE)
    family_evaluate(family=world.family)
    esc = Escalation.objects.get(rule_id="ESC-1")
    time_machine.move_to(at(date(2027, 1, 12), 23, 59), tick=False)
    escalations_overdue_run(now=timezone.now())  # ESC-3's discussion (due 30 December) is overdue; ESC-1 is not
    esc.refresh_from_db()
    assert esc.overdue_escalated_at is None  # due by the end of 12 January
    time_machine.move_to(at(date(2027, 1, 13), 0, 1), tick=False)
    assert escalations_overdue_run(now=timezone.now()) == 1
    assert escalations_overdue_run(now=timezone.now()) == 0
    esc.refresh_from_db()
    assert esc.overdue_escalated_to == world.users["involved_manager"]
    overdue = Notification.objects.filter(kind=NotificationKind.ACTION_OVERDUE,
                                          dedupe_key=f"escalation:{esc.pk}:overdue")
    assert set(overdue.values_list("recipient__username", flat=True)) == {"health.manager", "health.worker"}
    assert esc.events.filter(action="overdue").count() == 1
    assert ChronologyEntry.objects.filter(source_id=str(esc.pk), summary__contains="overdue").count() == 1


# --- Settings: changes apply to new escalations only (ESC-12) ------------------------------------------------------

@december
def test_changed_settings_apply_to_new_escalations_only(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    admin = world.users["administrator"]
    non_compliance_record(family=world.family, by=world.users["involved_practitioner"], evidence="Did not attend",
                          concerns="Neglect", identified_on=XMAS_EVE)
    first = Escalation.objects.get(rule_id="ESC-2")
    assert local_day(first.deadline) == date(2027, 1, 7)  # 7 working days
    rule_settings_update(rule_id="ESC-2", by=admin, enabled=True, reason="Local protocol: 5 working days",
                         parameters={"no_plan_working_days": 5, "cp_plan_working_days": 3})
    family_evaluate(family=world.family)
    first.refresh_from_db()
    assert local_day(first.deadline) == date(2027, 1, 7) and first.parameters["no_plan_working_days"] == 7
    assert RuleSettingChange.objects.get().after["no_plan_working_days"] == 5
    assert AuditEvent.objects.filter(actor=admin, summary__contains="no_plan_working_days 7 -> 5").exists()
    escalation_complete(escalation=first, by=world.users["involved_manager"], outcome="Meeting held")
    time_machine.move_to(at(date(2027, 1, 8), 10), tick=False)
    non_compliance_record(family=world.family, by=world.users["involved_practitioner"], evidence="Again",
                          concerns="Neglect", identified_on=date(2027, 1, 8))
    second = Escalation.objects.get(rule_id="ESC-2", state=EscalationState.OPEN)
    assert local_day(second.deadline) == date(2027, 1, 15)  # 5 working days


def test_only_administrators_change_settings_and_values_are_bounded(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rule_settings_update(rule_id="ESC-1", by=world.users["involved_manager"], enabled=True,
                             parameters={"threshold": 3, "deadline_working_days": 5}, reason="x")
    with pytest.raises(ValidationError) as error:
        rule_settings_update(rule_id="ESC-1", by=world.users["administrator"], enabled=True,
                             parameters={"threshold": 1, "deadline_working_days": 5}, reason="x")
    assert "threshold" in error.value.message_dict


@pytest.mark.parametrize("rule_id", ["SAF-3", "ESC-4", "ESC-5"])
def test_the_rules_that_keep_people_safe_cannot_be_switched_off(world, client, rule_id):
    """ESC-12 makes timescales configuration; SAF-3 (lone-worker alarms) and ESC-4/ESC-5 (violence alerts) stay on:
    refused by the service, no switch on the page, and a row stored off before this change is read as on."""
    from doorstep.escalations.models import RuleSetting
    from doorstep.escalations.services import rule_settings, rule_settings_all
    from doorstep.partnerships.services import partnership_default

    admin = world.users["administrator"]
    with pytest.raises(ValidationError) as error:
        rule_settings_update(rule_id=rule_id, by=admin, enabled=False, parameters=rule_settings(rule_id)[1],
                             reason="Not used here")
    assert "enabled" in error.value.message_dict
    RuleSetting.objects.update_or_create(partnership=partnership_default(), rule_id=rule_id,
                                         defaults={"enabled": False})
    assert rule_settings(rule_id)[0] is True and rule_settings_all()[rule_id][0] is True
    client.force_login(admin)
    page = client.get(reverse("escalations:rule_edit", args=[rule_id])).content.decode()
    assert 'name="enabled"' not in page and "cannot be switched off" in page
    assert 'name="enabled"' in client.get(reverse("escalations:rule_edit", args=["ESC-1"])).content.decode()
    response = client.post(reverse("escalations:rule_edit", args=[rule_id]), {
        **rule_settings(rule_id)[1], "reason": "Timescales only"})
    assert response.status_code == 302 and RuleSetting.objects.get(rule_id=rule_id).enabled is True


# --- ESC-2's trigger ---------------------------------------------------------------------------------------------

@december
def test_non_compliance_with_a_child_on_a_cp_plan_needs_the_core_group_in_3_working_days(world, time_machine):
    time_machine.move_to(at(XMAS_EVE, 11), tick=False)
    person_update(person=world.child, by=world.users["involved_practitioner"],
                  child_status=ChildStatus.CHILD_PROTECTION)
    finding = non_compliance_record(family=world.family, by=world.users["involved_practitioner"],
                                    evidence="Refused the agreed visits", concerns="Injuries unexplained",
                                    identified_on=XMAS_EVE)
    assert finding.child_protection_plan
    esc = Escalation.objects.get(rule_id="ESC-2")
    assert esc.key.endswith(":core-group") and local_day(esc.deadline) == date(2026, 12, 31)
    assert esc.owner == world.users["involved_manager"]  # the recorder's manager acts
    told = set(Notification.objects.filter(dedupe_key=f"escalation:{esc.pk}:raised")
               .values_list("recipient__username", flat=True))
    assert told == {"health.manager", "health.worker", "police.worker"}  # and every involved agency's lead


@december
def test_non_compliance_rejects_bad_input_and_saves_nothing(world, time_machine):
    with pytest.raises(ValidationError) as error:
        non_compliance_record(family=world.family, by=world.users["involved_practitioner"], evidence=" ",
                              concerns="", identified_on=date(2026, 12, 2))
    assert set(error.value.message_dict) == {"evidence", "concerns", "identified_on"}
    assert not NonComplianceFinding.objects.exists() and not Escalation.objects.exists()


# --- ESC-6: ending an involvement -------------------------------------------------------------------------------

@december
def test_ending_an_involvement_is_refused_while_access_is_difficult_until_consulted(world, time_machine):
    """P-2 (001 §5.1.19, §5.1.21) and ESC-6: non-engagement is never a reason to close; the ending waits for the
    consultations and the meeting."""
    worker = world.users["involved_practitioner"]
    for d in (3, 2):
        contact(world.family, worker, date(2026, 12, 1) - timedelta(days=d))
    family_evaluate(family=world.family)
    with pytest.raises(ValidationError) as error:
        involvement_end(involvement=world.involvement, by=worker, reason="Family will not engage")
    reasons = error.value.message_dict["reason"]
    assert any("Access difficulties are unresolved" in r and "ESC-3" in r for r in reasons)
    assert any(r.startswith("Consult Police") for r in reasons)
    assert any("multi-agency plan (Alfie Testing: Child in need)" in r for r in reasons)
    police = world.users["other_involved"].agency
    closure_step_record(involvement=world.involvement, by=worker, kind=ClosureStepKind.CONSULTATION, agency=police,
                        held_on=date(2026, 12, 1), person="PC Jones", note="Police agree; they stay involved")
    with pytest.raises(ValidationError) as error:
        involvement_end(involvement=world.involvement, by=worker, reason="Family will not engage")
    assert not any(r.startswith("Consult") for r in error.value.message_dict["reason"])
    closure_step_record(involvement=world.involvement, by=worker, kind=ClosureStepKind.MEETING,
                        held_on=date(2026, 12, 1), note="Professionals meeting agreed health may close")
    ended = involvement_end(involvement=world.involvement, by=worker, reason="Agreed at the professionals meeting")
    assert ended.ended_on == date(2026, 12, 1)


@december
def test_esc_6_counts_a_meeting_held_in_the_meetings_app_with_the_ending_agency_present(world, time_machine):
    """ESC-6 (001 §5.1.19): a MARP held and recorded in the meetings app, attended by the agency that wants to end
    its involvement, is the meeting the protocol asks for; nobody records it twice."""
    from doorstep.meetings.tests.helpers import held

    worker = world.users["involved_practitioner"]
    for d in (3, 2):
        contact(world.family, worker, date(2026, 12, 1) - timedelta(days=d))
    family_evaluate(family=world.family)
    police = world.users["other_involved"].agency
    closure_step_record(involvement=world.involvement, by=worker, kind=ClosureStepKind.CONSULTATION, agency=police,
                        held_on=date(2026, 12, 1), person="PC Jones", note="Police agree; they stay involved")
    with pytest.raises(ValidationError) as error:
        involvement_end(involvement=world.involvement, by=worker, reason="Family will not engage")
    assert any("Hold a multi-agency meeting" in r for r in error.value.message_dict["reason"])
    minutes = held(world)  # the MARP, chaired by the ending agency's manager, with the police present
    assert minutes.meeting.invitations.filter(agency=world.involvement.agency, attended=True).exists()
    ended = involvement_end(involvement=world.involvement, by=worker, reason="Agreed at the MARP")
    assert ended.ended_on == date(2026, 12, 1)


@december
def test_esc_6_does_not_count_a_meeting_the_ending_agency_did_not_attend(world, time_machine):
    from doorstep.escalations.engine import _meeting_held_on
    from doorstep.meetings.tests.helpers import held

    held(world)
    since = date(2026, 11, 1)
    assert _meeting_held_on(family=world.family, agency_id=world.involvement.agency_id, since=since) == date(2026, 12, 1)
    assert _meeting_held_on(family=world.family, agency_id=world.users["uninvolved"].agency_id, since=since) is None
    assert _meeting_held_on(family=world.family, agency_id=world.involvement.agency_id,
                            since=date(2026, 12, 2)) is None


def test_consulting_an_agency_not_involved_is_refused(world):
    with pytest.raises(ValidationError) as error:
        closure_step_record(involvement=world.involvement, by=world.users["involved_practitioner"],
                            kind=ClosureStepKind.CONSULTATION, agency=world.users["uninvolved"].agency,
                            held_on=timezone.localdate(), note="x")
    assert "agency" in error.value.message_dict


def test_the_world_raises_nothing(world):
    family_evaluate(family=world.family)
    family_evaluate(family=world.other_family)
    assert not Escalation.objects.exists()
    assert not EscalationEvent.objects.exists()


@december
def test_a_bulk_load_defers_evaluation_to_the_end(world, time_machine):
    from doorstep.escalations.evaluate import evaluation_defer, evaluation_resume

    time_machine.move_to(at(XMAS_EVE, 16), tick=False)
    with transaction.atomic():
        evaluation_defer()
        four_defaults(world, XMAS_EVE)
        family_evaluate(family=world.family)
        family_evaluate(family=world.family)
        assert not Escalation.objects.exists()
        assert evaluation_resume() == 1
    assert Escalation.objects.filter(rule_id="ESC-1").count() == 1
    # A load that fails leaves nothing deferred behind it.
    with pytest.raises(RuntimeError), transaction.atomic():
        evaluation_defer()
        raise RuntimeError("the load failed")
    contact(world.family, world.users["involved_practitioner"], XMAS_EVE, hour=17)
    family_evaluate(family=world.family)
    assert "5" in Escalation.objects.get(rule_id="ESC-1").facts[0]["text"]


@december
def test_esc_7_raised_when_the_family_still_does_not_engage_after_the_marp_and_its_meeting_closes_it(
        world, time_machine):
    """ESC-7 (001 §5.1.17): the MARP that ESC-1 asked for was held (ESC-1 done); three visits in a row since then
    fail, so the overall lead is asked to consider a child protection consultation and to convene a hard-to-engage
    professionals meeting, which closes the action when it is held."""
    from doorstep.meetings import services as meetings
    from doorstep.meetings.models import MeetingKind
    from doorstep.meetings.rules import kind_for_escalation
    from doorstep.meetings.tests.helpers import invite

    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    four_defaults(world, date(2026, 11, 30))
    family_evaluate(family=world.family)
    esc_1 = Escalation.objects.get(rule_id="ESC-1")
    escalation_complete(escalation=esc_1, by=worker, outcome="MARP held; plan agreed")
    for day in (date(2026, 12, 7), date(2026, 12, 14)):
        time_machine.move_to(at(day, 16), tick=False)
        contact(world.family, worker, day)
        family_evaluate(family=world.family)
    assert not Escalation.objects.filter(rule_id="ESC-7").exists()  # two failed visits: not yet
    time_machine.move_to(at(date(2026, 12, 21), 16), tick=False)
    contact(world.family, world.users["other_involved"], date(2026, 12, 21))  # the police fare no better
    told = Notification.objects.filter(recipient=manager).count()
    family_evaluate(family=world.family)
    esc_7 = Escalation.objects.get(rule_id="ESC-7")
    assert (esc_7.key, esc_7.owner, esc_7.clause) == (f"ESC-7:family:{world.family.pk}", worker, "001 §5.1.17")
    assert esc_7.trigger_date == date(2026, 12, 21)
    assert local_day(esc_7.deadline) == date(2027, 1, 7)  # 10 working days (25, 28 December and 1 January off)
    assert Notification.objects.filter(recipient=manager).count() == told + 1  # the lead's manager is told
    assert kind_for_escalation("ESC-7", child_on_plan=False) == MeetingKind.HARD_TO_ENGAGE
    family_evaluate(family=world.family)
    assert Escalation.objects.filter(rule_id="ESC-7").count() == 1  # the same facts never raise it twice
    meeting = meetings.meeting_call(
        family=world.family, by=manager, kind=MeetingKind.HARD_TO_ENGAGE, reason="Still not engaging",
        starts_at=at(date(2026, 12, 22), 10), location="Room 2", escalation=esc_7,
        parents_excluded_reason="Held without parents")
    invite(world, meeting, "other_involved")
    time_machine.move_to(at(date(2026, 12, 22), 12), tick=False)
    meetings.meeting_record_held(meeting=meeting, by=manager, held_on=date(2026, 12, 22),
                                 attended=[i.pk for i in meeting.invitations.all()])
    esc_7.refresh_from_db()
    assert esc_7.state == EscalationState.DONE


@december
def test_esc_6_an_agreed_plan_of_intervention_needs_a_meeting_before_the_agency_ends_its_part(world, time_machine):
    """ESC-6 (001 §5.1.19): "A meeting ... should always take place where the planned contact forms part of a formal
    multi-agency plan". A plan agreed at a MARP that still gives the ending agency an open action is such a plan:
    it is never a reason to end, it makes a meeting a condition of ending (the MARP itself, held 35 days ago, no
    longer counts)."""
    from doorstep.meetings.tests.helpers import circulated

    worker = world.users["involved_practitioner"]
    person_update(person=world.child, by=worker, child_status=ChildStatus.NONE)  # no child's plan: only the MARP's
    circulated(world, specialist=False, owner_role="involved_practitioner")  # health owns a plan action
    time_machine.move_to(at(date(2027, 1, 5), 10), tick=False)
    for day in (date(2027, 1, 4), date(2027, 1, 5)):
        contact(world.family, worker, day)
    family_evaluate(family=world.family)
    police = world.users["other_involved"].agency
    closure_step_record(involvement=world.involvement, by=worker, kind=ClosureStepKind.CONSULTATION, agency=police,
                        held_on=date(2027, 1, 5), person="PC Jones", note="Police stay involved")
    with pytest.raises(ValidationError) as error:
        involvement_end(involvement=world.involvement, by=worker, reason="Family will not engage")
    [reason] = [r for r in error.value.message_dict["reason"] if r.startswith("Hold a multi-agency meeting")]
    assert "the plan of intervention agreed at the MARP held on 1 Dec 2026 gives the agency an action" in reason
    closure_step_record(involvement=world.involvement, by=worker, kind=ClosureStepKind.MEETING,
                        held_on=date(2027, 1, 5), note="Professionals meeting: health's action passes to police")
    assert involvement_end(involvement=world.involvement, by=worker, reason="Agreed at the meeting").ended_on == \
        date(2027, 1, 5)


@december
def test_esc_6_a_plan_whose_actions_for_the_agency_are_done_asks_for_no_meeting(world, time_machine):
    """ESC-6: once the ending agency's part of the plan is done, its contact is no longer part of the plan; the
    consultations alone are asked for (other agencies remain involved)."""
    from doorstep.meetings.models import PlanAction
    from doorstep.meetings.services import plan_action_progress
    from doorstep.meetings.tests.helpers import circulated

    worker = world.users["involved_practitioner"]
    person_update(person=world.child, by=worker, child_status=ChildStatus.NONE)
    circulated(world, specialist=False, owner_role="involved_practitioner")
    plan_action_progress(action=PlanAction.objects.get(agency=worker.agency), by=worker, note="Joint visit done",
                         completed=True)
    time_machine.move_to(at(date(2027, 1, 5), 10), tick=False)
    for day in (date(2027, 1, 4), date(2027, 1, 5)):
        contact(world.family, worker, day)
    family_evaluate(family=world.family)
    police = world.users["other_involved"].agency
    closure_step_record(involvement=world.involvement, by=worker, kind=ClosureStepKind.CONSULTATION, agency=police,
                        held_on=date(2027, 1, 5), person="PC Jones", note="Police stay involved")
    assert involvement_end(involvement=world.involvement, by=worker, reason="Consulted the police").ended_on == \
        date(2027, 1, 5)
