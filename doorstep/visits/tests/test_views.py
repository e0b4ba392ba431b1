"""The visit pages: planning in two steps without JavaScript, the manager's agreement, the out-on-a-visit page, the
emergency card's visibility, the board, the home page and the case file."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families import services as family_services
from doorstep.notifications.models import Notification, NotificationKind
from doorstep.visits import services
from doorstep.visits.models import Arrangement, Visit, VisitStatus
from doorstep.visits.scheduled import visit_alarm_sweep

from .helpers import dog_marker, plan, started


def _hm(moment) -> str:
    """A moment as the pages show it: hours and minutes in Europe/London (the passes run on different clocks)."""
    return timezone.localtime(moment).strftime("%H:%M")


def _step_one(world, **overrides) -> dict:
    when = timezone.localtime(timezone.now() + timedelta(days=1))
    data = {
        "stage": "assess", "planned_on_0": when.day, "planned_on_1": when.month, "planned_on_2": when.year,
        "planned_time": "10:30", "planned_minutes": "45", "where": "home", "purpose": "New birth visit",
        "contingency": "Offer a clinic appointment", "factors": ["animals", "warning_markers"],
        "q_daylight": "yes", "q_car_targeted": "no", "q_phone": "yes", "q_neutral_venue": "no",
        "q_can_continue": "yes",
    }
    data.update(overrides)
    return data


def test_planning_shows_the_markers_first_and_ticks_what_the_record_knows(world, client):
    dog_marker(world)
    client.force_login(world.users["involved_practitioner"])
    page = client.get(reverse("visits:plan", args=[world.family.pk])).content.decode()
    assert page.index("Warning: risk to professionals") < page.index("Risk factors (003 §5.4)")
    assert 'value="animals" checked' in page and 'value="warning_markers" checked' in page
    assert 'value="violence" aria' not in page and 'value="violence">' in page  # not ticked, no reason
    assert "From the record: Warning marker: Dogs or other animals (the address)" in page
    assert "Known to: Health Board, Police" in page


def test_planning_in_two_steps_proposes_a_joint_visit_and_sends_it_for_agreement(world, client):
    dog_marker(world)
    client.force_login(world.users["involved_practitioner"])
    url = reverse("visits:plan", args=[world.family.pk])
    step_two = client.post(url, _step_one(world)).content.decode()
    assert "How the visit will be made" in step_two
    assert "Not a sole visit: there is at least one risk factor." in step_two
    assert "Two workers" in step_two and "(003 §5.3)" in step_two and "Joint visit with another agency" in step_two
    assert 'value="sole"' not in step_two  # a sole visit is not offered (003 §5.3)
    assert 'name="arrangements" type="checkbox" value="two_workers" checked' in step_two
    assert "Your manager's agreement is needed" in step_two
    assert 'type="hidden" name="factors" value="animals"' in step_two  # step 1 carried without JavaScript
    # Saving without naming the second worker is refused on the same page.
    data = {**_step_one(world), "stage": "save", "arrangements": ["two_workers", "daylight_only"]}
    again = client.post(url, data).content.decode()
    assert "Say who is going with you" in again and not Visit.objects.exists()
    response = client.post(url, {**data, "companions": "Sam Oakley, Police"})
    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("visits:detail", args=[visit.pk])
    assert visit.status == VisitStatus.AWAITING_AGREEMENT and visit.planned_minutes == 45
    assert visit.factors == ["animals", "warning_markers"]
    assert visit.factors_suggested["animals"][0].startswith("Warning marker: Dogs")


def test_changing_the_assessment_goes_back_to_step_one_with_the_answers_kept(world, client):
    client.force_login(world.users["involved_practitioner"])
    page = client.post(reverse("visits:plan", args=[world.family.pk]),
                       {**_step_one(world), "stage": "edit"}).content.decode()
    assert "Step 1 of 2" in page and 'value="animals" checked' in page and "New birth visit" in page


def test_step_one_errors_are_shown_on_step_one(world, client):
    client.force_login(world.users["involved_practitioner"])
    page = client.post(reverse("visits:plan", args=[world.family.pk]),
                       _step_one(world, purpose="", q_phone="")).content.decode()
    assert "Step 1 of 2" in page and "There is a problem" in page
    assert "Enter purpose of the visit" in page and "Answer: Will you have a mobile phone" in page


def test_the_manager_agrees_from_the_queue(world, client):
    visit = plan(world, factors=["animals"])
    client.force_login(world.users["involved_manager"])
    queue = client.get(reverse("visits:to_agree")).content.decode()
    assert reverse("visits:decide", args=[visit.pk]) in queue
    response = client.post(reverse("visits:decide", args=[visit.pk]), {"decision": "agreed", "reason": ""})
    assert response.status_code == 302
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.READY
    refused = plan(world, factors=["animals"])
    page = client.post(reverse("visits:decide", args=[refused.pk]), {"decision": "refused"}).content.decode()
    assert "Enter why you are refusing the plan" in page


def test_the_out_page_works_without_javascript(world, client):
    worker = world.users["involved_practitioner"]
    visit = plan(world)
    client.force_login(worker)
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    assert 'value="07700 900123"' in page  # their work phone, to confirm
    assert "I've arrived" in page
    client.post(reverse("visits:out", args=[visit.pk]),
                {"contact_number": "07700 900555", "vehicle": "cy70 xyz", "minutes": "30"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.contact_number == "07700 900555"
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    for name in ("check_out", "extend", "help"):
        assert f'method="post" action="{reverse(f"visits:{name}", args=[visit.pk])}"' in page
    assert "I'm safe, leaving" in page and "Extend by 15 minutes" in page and "I need help now" in page
    client.post(reverse("visits:extend", args=[visit.pk]), {"minutes": "30"})
    assert Visit.objects.get(pk=visit.pk).expected_back == visit.expected_back + timedelta(minutes=30)
    response = client.post(reverse("visits:check_out", args=[visit.pk]), {"something_happened": "no"})
    assert response["Location"] == reverse("visits:out", args=[visit.pk])
    page = client.get(response["Location"]).content.decode()
    assert "You have reported back safe" in page and "Record the contact on the case file" in page


def test_something_happened_at_check_out_starts_an_incident_and_tells_the_manager(world, client):
    visit = started(world)
    client.force_login(visit.worker)
    response = client.post(reverse("visits:check_out", args=[visit.pk]), {"something_happened": "yes"})
    assert response["Location"].startswith(reverse("incidents:create", args=[world.family.pk]))
    assert Notification.objects.get(kind=NotificationKind.VIOLENCE).recipient == world.users["involved_manager"]
    assert client.get(response["Location"]).status_code == 200


def test_help_now_alerts_the_chain_from_the_page(world, client):
    visit = started(world)
    client.force_login(visit.worker)
    client.post(reverse("visits:help", args=[visit.pk]))
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    # Issue 18: the page is the alarm now: when, who was alerted, whom to phone; no countdown.
    assert f'id="alarm-title">Help requested at {_hm(timezone.now())}</h1>' in page
    assert str(world.users["involved_manager"]) in page.split('id="alerted"')[1].split("</ul>")[0]
    assert "Not acknowledged yet" in page and 'href="tel:999"' in page and "data-countdown" not in page
    assert f'href="{reverse("visits:help_cancel", args=[visit.pk])}"' in page
    assert Notification.objects.filter(recipient=world.users["involved_manager"],
                                       message__startswith="HELP:").exists()


def test_on_the_visit_page_nothing_comes_before_the_visit(world, client):
    """Issue 18: one line of markers (a details component), no case-file banners (actions), and "I need help now" in
    a bar fixed to the bottom of the screen on every step: before arriving and on the visit (SAF-3, SAF-4)."""
    dog_marker(world)
    visit = plan(world)
    client.force_login(visit.worker)
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    main = page.split('id="main-content"')[1]
    assert main.index('id="marker-line"') < main.index('id="arrived"')
    assert "Warning: Dogs or other animals" in main and "Warning: risk to professionals" not in main
    assert 'class="ds-help-bar"' in main and 'id="help-now"' in main
    services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900123")
    main = client.get(reverse("visits:out", args=[visit.pk])).content.decode().split('id="main-content"')[1]
    assert main.index('id="check-out"') < main.index("Extend by 15 minutes")
    assert 'class="ds-help-bar"' in main and f"Back by {_hm(timezone.now() + timedelta(minutes=60))}" in main
    services.visit_check_out(visit=visit, by=visit.worker)
    main = client.get(reverse("visits:out", args=[visit.pk])).content.decode().split('id="main-content"')[1]
    assert 'id="help-now"' not in main  # the visit is over: the page says what to record next


def test_help_from_the_doorstep_starts_the_visit_and_alerts_at_once(world, client):
    """Issue 18: "I need help now" before "I've arrived": the visit starts with the worker's number and the chain has
    it at once (SAF-3)."""
    visit = plan(world)
    client.force_login(visit.worker)
    client.post(reverse("visits:help", args=[visit.pk]))
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.help_requested_at == timezone.now()
    assert visit.contact_number == "07700 900123" and visit.escalation_started
    assert Notification.objects.filter(recipient=world.users["involved_manager"],
                                       message__startswith="HELP:").exists()


def test_cancelling_a_false_alarm_needs_a_reason_and_tells_everyone_alerted(world, client):
    visit = started(world)
    manager = world.users["involved_manager"]
    client.force_login(visit.worker)
    client.post(reverse("visits:help", args=[visit.pk]))
    url = reverse("visits:help_cancel", args=[visit.pk])
    page = client.post(url, {"reason": "  "}).content.decode()
    assert '<a href="#id_reason">Enter why it was a false alarm</a>' in page
    assert Visit.objects.get(pk=visit.pk).help_requested_at is not None  # nothing half-saved
    response = client.post(url, {"reason": "Pressed it by mistake"})
    assert response["Location"] == reverse("visits:out", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.help_requested_at is None and not visit.alarm_step
    told = Notification.objects.get(recipient=manager, kind=NotificationKind.GENERAL)
    assert told.message_text["msgid"].startswith("False alarm: %(worker)s cancelled their request for help")
    assert told.message_text["params"]["note"] == "Pressed it by mistake"
    audit = AuditEvent.objects.filter(object_id=str(visit.pk), action=AuditAction.UPDATE).latest("id")
    assert audit.summary_text["msgid"] == "Request for help cancelled: false alarm"
    assert audit.reason == "Pressed it by mistake"
    # Nothing left to cancel: said so, and nothing changes.
    before = Notification.objects.count()
    response = client.get(url)
    assert response.status_code == 302 and Notification.objects.count() == before


def test_the_emergency_card_only_for_the_chain_only_once_escalation_starts(world, client):
    manager = world.users["involved_manager"]
    visit = started(world, minutes=30)
    card = reverse("visits:alarm", args=[visit.pk])
    client.force_login(manager)
    assert client.get(card).status_code == 404  # not yet: nothing has escalated
    assert AuditEvent.objects.filter(actor=manager, action=AuditAction.DENIED,
                                     summary="Refused: emergency card").exists()
    visit_alarm_sweep(now=visit.expected_back)  # the reminder goes to the worker only
    assert client.get(card).status_code == 404
    visit_alarm_sweep(now=visit.expected_back + timedelta(minutes=15))  # the line manager
    page = client.get(card).content.decode()
    assert "07700 900999" in page and "CY21 ABC" in page and "Emergency card" in page
    assert AuditEvent.objects.filter(actor=manager, action=AuditAction.VIEW, summary="Emergency card",
                                     family=world.family).exists()
    # Others never see it, not even another manager of the agency's partner or the worker's colleagues.
    for role in ("other_involved", "uninvolved_manager", "involved_postholder"):
        client.force_login(world.users[role])
        assert client.get(card).status_code == 404
    # Nor are the contact number and vehicle anywhere else for the manager.
    client.force_login(manager)
    for url in (reverse("visits:detail", args=[visit.pk]), reverse("visits:board")):
        assert "07700 900999" not in client.get(url).content.decode()
    # Acknowledge, then the worker reports back: the card no longer shows the details.
    client.post(reverse("visits:acknowledge", args=[visit.pk]))
    assert Visit.objects.get(pk=visit.pk).acknowledged_by == manager
    services.visit_check_out(visit=visit, by=visit.worker)
    page = client.get(card).content.decode()
    assert "The alarm is over" in page and "07700 900999" not in page


def test_the_board_shows_live_visits_alarms_first(world, client):
    quiet = started(world, minutes=120)
    from doorstep.testing.factories import ProfessionalFactory

    other = ProfessionalFactory(username="health.other", agency=quiet.agency, line_manager=world.users["involved_manager"])
    late = services.visit_start(visit=plan(world, by=other), by=other, contact_number="07700 900111", minutes=5)
    visit_alarm_sweep(now=late.expected_back + timedelta(minutes=15))
    client.force_login(world.users["involved_manager"])
    page = client.get(reverse("visits:board")).content.decode()
    assert page.index(str(other)) < page.index(str(quiet.worker))
    assert "Overdue: line manager alerted" in page and "On the visit" in page
    client.force_login(world.users["uninvolved_manager"])
    assert str(other) not in client.get(reverse("visits:board")).content.decode()


def test_the_home_page_puts_a_live_alarm_first(world, client):
    visit = started(world, minutes=5)
    visit_alarm_sweep(now=visit.expected_back + timedelta(minutes=15))
    client.force_login(world.users["involved_manager"])
    page = client.get(reverse("home")).content.decode()
    assert "Lone-worker alarm" in page and reverse("visits:alarm", args=[visit.pk]) in page
    assert page.index("Lone-worker alarm") < page.index("Your team")  # issue 18: before the manager's counters
    client.force_login(visit.worker)
    page = client.get(reverse("home")).content.decode()
    assert "You are out on a visit" in page and reverse("visits:out", args=[visit.pk]) in page


def test_the_case_file_panel_costs_the_same_whatever_the_number_of_visits(world, client, django_assert_num_queries):
    client.force_login(world.users["involved_practitioner"])
    url = reverse("families:safety", args=[world.family.pk])  # issue 18: the case file's Safety sub page
    plan(world)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Plan a visit" in page and reverse("visits:plan", args=[world.family.pk]) in page
    for _ in range(4):
        plan(world)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(five.captured_queries) == len(one.captured_queries)


def test_administrators_set_each_agencys_lone_working_procedure(world, client):
    from doorstep.visits.models import LoneWorkingProcedure

    client.force_login(world.users["administrator"])
    url = "/admin/visits/loneworkingprocedure/add/"
    assert client.get(url).status_code == 200
    agency = world.users["involved_practitioner"].agency
    data = {"agency": agency.pk, "reminder_minutes": "0", "line_manager_minutes": "50", "duty_manager_minutes": "30",
            "emergency_minutes": "45", "acknowledgement_hold_minutes": "15", "emergency_procedure": ""}
    assert "Each step must come at or after the one before it" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "line_manager_minutes": "10"}).status_code == 302
    assert LoneWorkingProcedure.objects.get(agency=agency).line_manager_minutes == 10
    client.force_login(world.users["involved_manager"])
    assert client.get(url).status_code == 302  # to the admin sign-in: not for managers


def test_the_out_page_and_the_alarm_speak_welsh(world, client, settings):
    from django.utils import translation

    visit = plan(world)
    client.force_login(visit.worker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    assert "Rwyf wedi cyrraedd" in page and "I&#x27;ve arrived" not in page and "I've arrived" not in page
    plan_page = client.get(reverse("visits:plan", args=[world.family.pk])).content.decode()
    assert "Ffactorau risg (003 §5.4)" in plan_page
    # A Welsh-speaking manager's alert is written in Welsh, whatever language the sweep runs in.
    from doorstep.agencies.models import Professional

    Professional.objects.filter(pk=world.users["involved_manager"].pk).update(preferred_language="cy")
    with translation.override("en"):
        live = services.visit_start(visit=visit, by=visit.worker, contact_number="07700 900123", minutes=5)
        visit_alarm_sweep(now=live.expected_back + timedelta(minutes=15))
    note = Notification.objects.get(recipient=world.users["involved_manager"], kind=NotificationKind.VISIT_OVERDUE)
    assert note.message.startswith(f"Nid yw {visit.worker} wedi adrodd yn ôl")


def test_every_string_has_a_welsh_translation():
    from pathlib import Path

    po = (Path(__file__).resolve().parents[1] / "locale" / "cy" / "LC_MESSAGES" / "django.po").read_text()
    entries = po.split("\n\n")[1:]
    assert len(entries) > 300
    for entry in entries:
        assert 'msgstr ""' not in entry.replace('msgstr ""\n"', "") and '] ""' not in entry, entry
        assert "#, fuzzy" not in entry, entry


def test_the_board_chair_sees_visit_safety_as_figures_only(world, client):
    visit = started(world, minutes=5)
    visit_alarm_sweep(now=visit.expected_back + timedelta(minutes=15))
    client.force_login(world.users["board_chair"])
    page = client.get(reverse("home")).content.decode()
    assert "Lone-working alarms" in page and "Alarms raised" in page
    assert str(visit.worker) not in page and world.family.name not in page


def test_planning_again_from_a_visit_of_another_family_is_refused_and_nothing_is_saved(world, client):
    """Issue 13, finding 10: `?from=<id>` naming the worker's own visit to another family was dropped silently."""
    worker = world.users["involved_practitioner"]
    elsewhere = family_services.family_create(by=worker, name="Second household", reason="Health visiting",
                                              line1="3 Heol y Felin", town="Afonwy", postcode="AF1 1AA")
    earlier = plan(world, family=elsewhere)
    client.force_login(worker)
    url = reverse("visits:plan", args=[world.family.pk]) + f"?from={earlier.pk}"
    assert client.get(url).status_code == 404
    data = {**_step_one(world, factors=[]), "stage": "save", "arrangements": ["sole"]}
    assert client.post(url, data).status_code == 404
    assert list(Visit.objects.all()) == [earlier]


def test_the_discreet_alarm_looks_like_an_ordinary_check_out_and_raises_the_full_alarm(world, client):
    """Issue 18 (BS 8484, SAF-3): "Leaving now" checks out on screen, word for word as "I'm safe, leaving" does, while
    the chain has the full alarm, audited; the managers see it as an alarm, marked discreet."""
    manager = world.users["involved_manager"]
    ordinary = started(world)
    client.force_login(ordinary.worker)
    response = client.post(reverse("visits:check_out", args=[ordinary.pk]), {"something_happened": "no"})
    normal = client.get(response["Location"]).content.decode()

    visit = started(world)
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    assert 'name="leaving" value="now"' in page and "Discreet" not in page and "duress" not in page.lower()
    response = client.post(reverse("visits:check_out", args=[visit.pk]), {"leaving": "now"})
    assert response["Location"] == reverse("visits:out", args=[visit.pk])
    discreet = client.get(response["Location"]).content.decode()

    def shown(html):  # the page as the worker sees it, less the ids and tokens that differ between two visits
        main = html.split('id="main-content"')[1].split("</main>")[0]
        return re.sub(r'(/visits/|/families/)\d+|(csrfmiddlewaretoken|press_key)" value="[^"]+"', "", main)
    assert shown(discreet) == shown(normal)
    assert "You have reported back safe" in discreet and "I need help now" not in discreet
    mine = client.get(reverse("visits:mine")).content.decode()
    assert "Help requested" not in mine and "Discreet alarm" not in mine
    # "Something happened" after it goes on to the incident form, as after any check-out.
    response = client.post(reverse("visits:something_happened", args=[visit.pk]))
    assert response["Location"].startswith(reverse("incidents:create", args=[world.family.pk]))

    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.duress_at == timezone.now() and visit.escalation_started
    assert Notification.objects.filter(recipient=manager, kind=NotificationKind.VISIT_OVERDUE,
                                       message__startswith="HELP:").exists()
    assert AuditEvent.objects.filter(object_id=str(visit.pk), summary_text__msgid=(
        "Discreet alarm: the worker checked out under duress")).exists()
    client.force_login(manager)
    card = client.get(reverse("visits:alarm", args=[visit.pk])).content.decode()
    assert 'id="discreet-alarm"' in card and "Discreet alarm" in card
    board = client.get(reverse("visits:board")).content.decode()
    assert "Discreet alarm" in board
    # Found safe: the round ends, and the worker's page is theirs again.
    services.visit_resolve(visit=visit, by=manager, outcome="continuing", note="Phoned her", minutes=15)
    visit.refresh_from_db()
    assert visit.duress_at is None and not visit.shows_as_checked_out


@pytest.mark.clock("2026-12-04 10:00")
def test_arriving_outside_the_plan_warns_the_worker_and_tells_the_manager_who_agreed_it(world, client, time_machine):
    """Issue 18 (SAF-2, 002 §9.5): the issue's Saturday 20:30 check-in for a plan agreed as "Sunday 10:00, daylight
    only", alone where it says two workers, and somewhere else: the visit starts (monitoring never waits), the page
    warns, the manager who agreed it is told (a stored message id), the emergency card says where the worker is."""
    manager = world.users["involved_manager"]
    visit = plan(world, factors=["violence"], start_in=timedelta(days=2),
                 arrangements=[Arrangement.TWO_WORKERS, Arrangement.DAYLIGHT_ONLY])
    visit = services.visit_decide(visit=visit, by=manager, decision="agreed")
    time_machine.move_to(datetime(2026, 12, 5, 20, 30, tzinfo=ZoneInfo("Europe/London")), tick=False)
    client.force_login(visit.worker)
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    assert "We've arrived" in page and 'id="arrived-alone"' in page
    client.post(reverse("visits:out", args=[visit.pk]), {
        "contact_number": "07700 900123", "minutes": "60", "together": "no", "elsewhere": "Tesco car park"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS
    assert visit.off_plan == ["time", "dark", "alone", "elsewhere"] and visit.elsewhere == "Tesco car park"
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    warning = page.split('id="off-plan"')[1].split("</div>")[0]
    assert "Arrived outside the plan&#x27;s time window; Not in daylight" in warning
    assert "Your manager has been told" in warning
    told = Notification.objects.get(recipient=manager, dedupe_key=f"visit:{visit.pk}:off-plan")
    assert told.message_text["msgid"].endswith("outside the plan you agreed: %(off_plan)s")
    assert "Alone, where the plan says someone goes with the worker" in told.message
    assert AuditEvent.objects.filter(object_id=str(visit.pk), summary_text__msgid=(
        "Arrived outside the plan: %(off_plan)s")).exists()
    services.visit_help(visit=visit, by=visit.worker)
    client.force_login(manager)
    card = client.get(reverse("visits:alarm", args=[visit.pk])).content.decode()
    assert "On arrival the worker said they were at: Tesco car park" in card


def test_arriving_as_planned_tells_nobody(world, client):
    visit = plan(world)
    client.force_login(visit.worker)
    client.post(reverse("visits:out", args=[visit.pk]), {"contact_number": "07700 900123", "minutes": "60"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.off_plan == []
    assert not Notification.objects.filter(dedupe_key__endswith=":off-plan").exists()
    assert 'id="off-plan"' not in client.get(reverse("visits:out", args=[visit.pk])).content.decode()


def test_the_phones_location_only_with_consent_only_at_arrival_help_and_extension(world, client):
    """Issue 18: sent by the page's script with "I've arrived", "I need help now" and each extension, with the
    worker's consent; shown on the emergency card with its accuracy and time. A bad value never stops a press."""
    where = {"latitude": "52.4153", "longitude": "-4.0829", "accuracy": "35.4"}
    visit = plan(world)
    client.force_login(visit.worker)
    client.post(reverse("visits:out", args=[visit.pk]), {"contact_number": "07700 900123", "minutes": "60", **where})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.location is None  # no consent: nothing kept
    services.visit_check_out(visit=visit, by=visit.worker)

    visit = plan(world)
    client.post(reverse("visits:out", args=[visit.pk]), {"contact_number": "07700 900123", "minutes": "60",
                                                        "share_location": "on", **where})
    visit.refresh_from_db()
    assert visit.location == {"latitude": 52.4153, "longitude": -4.0829, "accuracy": 35,
                              "at": timezone.now().isoformat(), "on": "arrival"}
    page = client.get(reverse("visits:out", args=[visit.pk])).content.decode()
    assert page.count('data-locate="yes"') == 2  # the extension and "I need help now"
    client.post(reverse("visits:extend", args=[visit.pk]), {"minutes": "15", "latitude": "nan", "longitude": "0",
                                                            "accuracy": "5"})
    visit.refresh_from_db()
    assert visit.location["on"] == "arrival"  # the bad value dropped, the extension made
    client.post(reverse("visits:help", args=[visit.pk]), {"latitude": "52.4161", "longitude": "-4.0801",
                                                          "accuracy": "12"})
    visit.refresh_from_db()
    assert visit.location["on"] == "help" and visit.help_requested_at is not None
    client.force_login(world.users["involved_manager"])
    card = client.get(reverse("visits:alarm", args=[visit.pk])).content.decode()
    row = card.split('id="location"')[1].split("</dd>")[0]
    assert 'href="geo:52.4161,-4.0801"' in row and f"To within 12 metres, at {_hm(timezone.now())}" in row
    assert "when they asked for help" in row



def test_a_worker_on_a_long_visit_stays_signed_in_until_after_they_are_due_back(world, client, clock):
    """SAF-3, SAF-4: the 30-minute idle timeout must not sign out a worker whose phone sat unused through a long visit:
    their "I need help now" would land on the sign-in page. Once they have reported back, the idle timeout applies."""
    visit = plan(world, planned_minutes=180)
    client.force_login(visit.worker)
    client.post(reverse("visits:out", args=[visit.pk]),
                {"contact_number": "07700 900555", "vehicle": "", "minutes": "180"})
    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS
    client.get(reverse("visits:out", args=[visit.pk]))
    clock.shift(timedelta(minutes=150))  # far past the idle timeout, before the expected return
    response = client.post(reverse("visits:help", args=[visit.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("visits:out", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.alarm_step == "help"
    response = client.post(reverse("visits:help_cancel", args=[visit.pk]), {"reason": "Pressed by mistake."})
    assert response.status_code == 302
    client.post(reverse("visits:check_out", args=[visit.pk]), {"something_happened": "no"})
    assert "_session_expiry" not in client.session  # reported back: the ordinary idle timeout again
    clock.shift(timedelta(minutes=31))
    assert reverse("login") in client.get(reverse("visits:mine"))["Location"]
