"""Issue 21: a family changes partnership only by a recorded transfer that keeps the history. Refused with specific
messages (the same partnership, no reason, someone not allowed); its open actions move with it, re-timed to the new
partnership's calendar (a Scottish bank holiday that England and Wales do not keep), with the change in the
chronology, the action's history and the audit; the page (GOV.UK error summary, Welsh, bounded queries) and the API.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from doorstep.agencies.models import Agency, Role
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found
from doorstep.engagement.models import ContactKind, Outcome
from doorstep.engagement.services import contact_record
from doorstep.escalations.models import Escalation, EscalationEvent, EscalationState, FamilyCheck
from doorstep.families.models import Family
from doorstep.partnerships.models import FamilyTransfer, Nation, Partnership
from doorstep.partnerships.presets import BRIDGEND
from doorstep.partnerships.services import deadline_retime, family_transfer, partnership_create
from doorstep.testing.factories import ProfessionalFactory
from doorstep.testing.world import partner_token

LONDON = timezone.get_default_timezone()
XMAS_EVE = date(2026, 12, 24)
december = pytest.mark.clock("2026-12-01 09:00")


def _scottish(world, **kwargs) -> Partnership:
    """A partnership in Scotland on the Bridgend protocol, where health and police (the world's family's involved
    agencies) also work."""
    values = {"name": "Loch Ard", "nation": Nation.SCOTLAND, "preset": BRIDGEND.key,
              "agencies": [world.users["involved_manager"].agency, world.users["other_involved"].agency]}
    return partnership_create(by=world.users["administrator"], **{**values, **kwargs})


def _four_defaulted_visits(world, time_machine) -> Escalation:
    """ESC-1 (003 §7.9): the fourth defaulted visit, on Christmas Eve 2026, raises an action due in 10 working
    days: Tuesday 12 January 2027 in England and Wales, Wednesday 13 January 2027 in Scotland (2 January, a
    Saturday, is a Scottish bank holiday with its substitute on Monday 4 January: core/workingdays.py)."""
    worker = world.users["involved_practitioner"]
    for day in (3, 10, 17, 24):
        time_machine.move_to(datetime.combine(date(2026, 12, day), time(16, 0), tzinfo=LONDON), tick=False)
        contact_record(family=world.family, by=worker, kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
                       occurred_at=timezone.now())
    return Escalation.objects.get(family=world.family, rule_id="ESC-1", state=EscalationState.OPEN)


def test_the_same_deadline_counted_again_in_scotland_moves_past_its_bank_holiday():
    before = datetime.combine(date(2027, 1, 12), time(23, 59, 59), tzinfo=LONDON)
    after = deadline_retime(trigger_date=XMAS_EVE, deadline=before, from_nation="england-wales", to_nation="scotland")
    assert after == datetime.combine(date(2027, 1, 13), time(23, 59, 59), tzinfo=LONDON)
    # And back: 10 working days in Scotland end on 13 January; in England and Wales on 12 January.
    assert deadline_retime(trigger_date=XMAS_EVE, deadline=after, from_nation="scotland",
                           to_nation="england-wales") == before
    # A deadline on a Saturday was not a working-day count: it is kept.
    saturday = datetime.combine(date(2027, 1, 9), time(12, 0), tzinfo=LONDON)
    assert deadline_retime(trigger_date=XMAS_EVE, deadline=saturday, from_nation="england-wales",
                           to_nation="scotland") == saturday


@december
def test_issue_21_a_re_timed_action_is_queued_to_escalate_when_its_new_deadline_passes(world, time_machine,
                                                                                       monkeypatch):
    """Issue 16's promise survives a transfer: the overdue task is queued for the new deadline (13 January in
    Scotland), not only for the one the engine queued when it raised the action (12 January)."""
    from doorstep.core import tasks_support
    from doorstep.escalations.tasks import overdue_due

    escalation = _four_defaulted_visits(world, time_machine)
    queued = []
    monkeypatch.setattr(tasks_support, "enqueue_at", lambda task, when, *args: queued.append((task, when, args)))
    family_transfer(family=world.family, to_partnership=_scottish(world), by=world.users["involved_manager"],
                    reason="The family moved to Callander")
    escalation.refresh_from_db()
    assert queued == [(overdue_due, escalation.deadline + timedelta(seconds=1), (escalation.pk,))]
    assert timezone.localtime(escalation.deadline).date() == date(2027, 1, 13)


@december
def test_issue_21_a_transfer_moves_open_actions_re_timed_and_keeps_the_history(world, time_machine):
    escalation = _four_defaulted_visits(world, time_machine)
    assert timezone.localtime(escalation.deadline).date() == date(2027, 1, 12)
    closed = Escalation.objects.create(rule_id="ESC-2", clause="003 §7.9", key="closed", title="Done already",
                                       family=world.family, owner=world.users["involved_practitioner"],
                                       state=EscalationState.DONE, trigger_date=XMAS_EVE,
                                       deadline=escalation.deadline)
    history = list(ChronologyEntry.objects.filter(family=world.family).values_list("pk", "summary"))
    contacts = world.family.contacts.count()
    loch_ard = _scottish(world)
    manager = world.users["involved_manager"]
    transfer = family_transfer(family=world.family, to_partnership=loch_ard, by=manager,
                               reason="The family moved to Callander")

    family = Family.objects.get(pk=world.family.pk)
    assert family.partnership == loch_ard
    escalation.refresh_from_db()
    # Still open, the same owner, re-timed to Scotland's calendar and citing the family's new protocol.
    assert escalation.state == EscalationState.OPEN and escalation.owner == world.users["involved_practitioner"]
    local = timezone.localtime(escalation.deadline)
    assert (local.date(), local.hour, local.minute, local.second) == (date(2027, 1, 13), 23, 59, 59)
    assert escalation.clause == "Bridgend protocol 7.9"
    closed.refresh_from_db()
    assert timezone.localtime(closed.deadline).date() == date(2027, 1, 12)  # a closed action is not moved
    moved = {row["rule"]: row for row in transfer.retimed}
    assert moved["ESC-1"] == {"escalation": escalation.pk, "rule": "ESC-1",
                              "before": "2027-01-12T23:59:59+00:00", "after": "2027-01-13T23:59:59+00:00"}
    # ESC-3 (the first no-access visit, 3 December) fell due before Christmas: no holiday between, the same day.
    assert moved["ESC-3"]["before"] == moved["ESC-3"]["after"] and len(moved) == 2
    assert (transfer.from_partnership_id, transfer.to_partnership, transfer.by) == (
        world.family.partnership_id, loch_ard, manager)
    event = EscalationEvent.objects.get(escalation=escalation, action="transferred")
    assert "2027-01-12" in event.note_shown and "2027-01-13" in event.note_shown and "Loch Ard" in event.note_shown
    # History kept: every earlier entry as it was, the contacts all there, and one significant entry more.
    assert set(history) <= set(ChronologyEntry.objects.filter(family=family).values_list("pk", "summary"))
    assert family.contacts.count() == contacts
    entry = ChronologyEntry.objects.get(family=family, source_type="partnerships.FamilyTransfer")
    assert entry.significant and entry.kind == EntryKind.FAMILY
    assert entry.summary_shown == (
        "Transferred from Local safeguarding partnership to Loch Ard. Open actions moved with the family, re-timed "
        "to the new partnership's calendar: 2")
    with translation.override("cy"):  # a stored sentence, read in the reader's language (issue 14)
        assert entry.summary_shown.startswith("Trosglwyddwyd o Partneriaeth ddiogelu leol i Loch Ard.")
        assert event.note_shown.startswith("Symudwyd gyda'r teulu o Partneriaeth ddiogelu leol i Loch Ard")
    audit = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="families.Family",
                                   object_id=str(family.pk), actor=manager)
    assert audit.reason == "The family moved to Callander" and "Loch Ard" in audit.summary
    # The new protocol's rules run at the next sweep.
    assert FamilyCheck.objects.get(family=family).due_at == timezone.now()


def test_issue_21_transfers_refused_with_specific_messages(world):
    manager, family = world.users["involved_manager"], world.family
    loch_ard = _scottish(world)
    with pytest.raises(ValidationError) as error:
        family_transfer(family=family, to_partnership=family.partnership, by=manager, reason="Moved")
    assert error.value.message_dict == {"to_partnership": [
        "The family already belongs to Local safeguarding partnership: select another partnership"]}
    with pytest.raises(ValidationError) as error:
        family_transfer(family=family, to_partnership=loch_ard, by=manager, reason="   ")
    assert error.value.message_dict == {"reason": ["Enter why the family is transferring to another partnership"]}
    # A practitioner, a manager of an agency not involved, a manager whose agency does not work in the destination.
    housing_only = partnership_create(by=world.users["administrator"], name="Housing only", nation=Nation.SCOTLAND,
                                      preset=BRIDGEND.key, agencies=[world.users["uninvolved_manager"].agency])
    for by, to in ((world.users["involved_practitioner"], loch_ard), (world.users["uninvolved_manager"], loch_ard),
                   (manager, housing_only), (world.users["board_chair"], loch_ard)):
        with pytest.raises(PermissionDenied):
            family_transfer(family=family, to_partnership=to, by=by, reason="Moved")
    # A partnership's own administrator of neither partnership.
    other_admin = ProfessionalFactory(username="other.admin", agency=None, role=Role.ADMINISTRATOR)
    housing_only.administrators.add(other_admin)
    with pytest.raises(PermissionDenied):
        family_transfer(family=family, to_partnership=loch_ard, by=other_admin, reason="Moved")
    assert Family.objects.get(pk=family.pk).partnership_id != loch_ard.pk and not FamilyTransfer.objects.exists()
    # The destination's administrator may.
    loch_ard.administrators.add(other_admin)
    family_transfer(family=family, to_partnership=loch_ard, by=other_admin, reason="Moved")
    assert Family.objects.get(pk=family.pk).partnership_id == loch_ard.pk


@pytest.fixture
def manager_client(world, client):
    client.force_login(world.users["involved_manager"])
    return client


def test_issue_21_the_transfer_page_refuses_bad_input_linked_to_the_field_then_transfers(world, manager_client):
    loch_ard = _scottish(world)
    elsewhere = partnership_create(by=world.users["administrator"], name="Housing only", nation=Nation.SCOTLAND,
                                   preset=BRIDGEND.key, agencies=[world.users["uninvolved_manager"].agency])
    url = reverse("partnerships:transfer", args=[world.family.pk])
    html = manager_client.get(url).content.decode()
    # Only the partnerships the manager's agency works in are offered.
    assert "Loch Ard" in html and "Housing only" not in html and "0 open actions" in html
    html = manager_client.post(url, {"to_partnership": str(elsewhere.pk), "reason": "Moved"}).content.decode()
    assert 'href="#id_to_partnership' in html and "Select the partnership the family is transferring to" in html
    html = manager_client.post(url, {"to_partnership": str(loch_ard.pk), "reason": ""}).content.decode()
    assert "govuk-error-summary" in html and 'href="#id_reason"' in html
    assert Family.objects.get(pk=world.family.pk).partnership_id != loch_ard.pk
    response = manager_client.post(url, {"to_partnership": str(loch_ard.pk), "reason": "Moved to Callander"})
    assert response.status_code == 302
    # The case file shows the partnership and its transfer history; the practitioner gets no transfer link.
    html = manager_client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Loch Ard" in html and "Moved to Callander" in html and url in html
    manager_client.force_login(world.users["involved_practitioner"])
    html = manager_client.get(reverse("families:detail", args=[world.family.pk])).content.decode()
    assert "Loch Ard" in html and url not in html
    assert manager_client.get(url).status_code == 403


def test_issue_21_the_transfer_page_in_welsh(world, manager_client):
    _scottish(world, name_cy="Loch Ard")
    exact, patterns = _english_messages()
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    names = {a.name for a in Agency.objects.all()} | {"Loch Ard"}
    for url in (reverse("partnerships:transfer", args=[world.family.pk]),
                reverse("families:detail", args=[world.family.pk])):
        response = manager_client.get(url)
        assert response.status_code == 200
        assert [t for t in english_found(response.content.decode(), exact, patterns)
                if t not in ALLOWED and t not in names] == [], url


def test_issue_21_the_transfer_page_runs_a_bounded_number_of_queries(world, manager_client,
                                                                   django_assert_max_num_queries):
    loch_ard = _scottish(world)
    url = reverse("partnerships:transfer", args=[world.family.pk])
    manager_client.get(url)
    with CaptureQueriesContext(connection) as before:
        manager_client.get(url)
    for n in range(3):
        Partnership.objects.create(name=f"Extra {n}", nation="scotland", preset="bridgend")
    family_transfer(family=world.family, to_partnership=loch_ard, by=world.users["involved_manager"], reason="Moved")
    default = Partnership.objects.get(is_default=True)
    default.agencies.add(world.users["involved_manager"].agency)
    family_transfer(family=world.family, to_partnership=default,
                    by=world.users["involved_manager"], reason="Moved back")
    with django_assert_max_num_queries(len(before)):
        assert manager_client.get(url).status_code == 200
    detail = reverse("families:detail", args=[world.family.pk])
    manager_client.get(detail)
    with CaptureQueriesContext(connection) as first:
        manager_client.get(detail)
    family_transfer(family=world.family, to_partnership=loch_ard, by=world.users["involved_manager"], reason="Again")
    with django_assert_max_num_queries(len(first)):
        manager_client.get(detail)


def test_issue_21_the_api_transfers_and_refuses_with_reasons(world, client):
    loch_ard = _scottish(world)
    url = reverse("family-transfer-list", kwargs={"family_id": world.family.pk})
    client.force_login(world.users["involved_manager"])
    response = client.post(url, {"to_partnership": world.family.partnership_id, "reason": "Moved"},
                           content_type="application/json")
    assert response.status_code == 400 and "already belongs" in response.json()["to_partnership"][0]
    response = client.post(url, {"to_partnership": loch_ard.pk}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()
    client.force_login(world.users["involved_practitioner"])
    response = client.post(url, {"to_partnership": loch_ard.pk, "reason": "Moved"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"]
    client.force_login(world.users["involved_manager"])
    response = client.post(url, {"to_partnership": loch_ard.pk, "reason": "Moved"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["to_partnership"] == loch_ard.pk and response.json()["retimed"] == []
    assert Family.objects.get(pk=world.family.pk).partnership_id == loch_ard.pk
    _, token = partner_token(world)  # a partner system is no manager: refused
    assert client.post(url, {"to_partnership": world.family.partnership_id, "reason": "x"},
                       content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}").status_code in (403,)
