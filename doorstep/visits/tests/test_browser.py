"""Done-when for issue 5, in a real browser on a phone-sized screen (Debian's Chromium through Playwright, against
live_server): a health visitor plans a visit to a family with a dog marker and sees the joint-visit proposal; the
manager agrees it; the worker arrives; time moves on past the deadline (the sweep runs with a later `now`); the
manager receives the alert, acknowledges it and sees the emergency card.
"""

import json
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from doorstep.notifications.models import Notification, NotificationKind
from doorstep.testing.browser import browser_page, keep_time_with_the_server, sign_in
from doorstep.visits import services
from doorstep.visits.models import Visit, VisitStatus
from doorstep.visits.scheduled import visit_alarm_sweep

from .helpers import dog_marker

PASSWORD = "correct-horse-battery"


def _axe_serious(page) -> list[str]:
    # axe-core from Doorstep's own static files (the CSP allows it), as in doorstep/core/tests/test_browser.py.
    page.add_script_tag(url="/static/axe/axe.min.js")
    result = page.evaluate("async () => JSON.stringify((await axe.run()).violations)")
    return [v["id"] for v in json.loads(result) if v["impact"] in ("serious", "critical")]
PHONE = {"width": 390, "height": 844}


def _sign_in(page, base, user):
    page.context.clear_cookies()
    sign_in(page, base, user.username, PASSWORD)


@pytest.mark.browser
def test_plan_agree_start_go_overdue_and_the_manager_acknowledges_on_a_phone(live_server, browser_world):
    from playwright.sync_api import expect

    world = browser_world
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    dog_marker(world)
    base = live_server.url
    when = timezone.localtime(timezone.now() + timedelta(minutes=10))

    with browser_page(**PHONE) as page:
        # The worker plans the visit from the case file; the dog marker comes first and is already ticked.
        _sign_in(page, base, worker)
        page.goto(f"{base}/families/{world.family.pk}/safety/")  # issue 18: the case file's Safety sub page
        page.locator("#visits-panel ~ p a", has_text="Plan a visit").click()
        expect(page.locator("#risk-banner")).to_contain_text("Dogs or other animals")
        expect(page.locator("input[name=factors][value=animals]")).to_be_checked()
        expect(page.locator("input[name=factors][value=warning_markers]")).to_be_checked()
        page.fill("#id_planned_on_0", str(when.day))
        page.fill("#id_planned_on_1", str(when.month))
        page.fill("#id_planned_on_2", str(when.year))
        page.fill("#id_planned_time", when.strftime("%H:%M"))
        page.select_option("#id_planned_minutes", "30")
        page.fill("#id_purpose", "New birth visit: weigh the baby.")
        page.fill("#id_contingency", "Offer a clinic appointment and tell the social worker.")
        for question, answer in (("daylight", "yes"), ("car_targeted", "no"), ("phone", "yes"),
                                 ("neutral_venue", "no"), ("can_continue", "yes")):
            page.check(f"input[name=q_{question}][value={answer}]")
        assert _axe_serious(page) == []
        page.get_by_role("button", name="Continue").click()

        # Step 2: not a sole visit; a joint visit is proposed, citing 003 §5.3.
        expect(page.locator("#no-sole-visit")).to_be_visible()
        proposal = page.locator("#proposal")
        expect(proposal).to_contain_text("Two workers")
        expect(proposal).to_contain_text("Joint visit with another agency")
        expect(proposal).to_contain_text("003 §5.3")
        expect(page.locator("input[name=arrangements][value=sole]")).to_have_count(0)
        page.check("input[name=arrangements][value=joint_agency]")
        page.uncheck("input[name=arrangements][value=two_workers]")
        page.fill("#id_companions", "Sam Oakley, Afonwy Children's Services")
        page.get_by_role("button", name="Send to my manager for agreement").click()
        expect(page.locator("#visit-status")).to_have_text("Awaiting agreement")
        visit = Visit.objects.get()

        # The manager agrees it from their queue.
        _sign_in(page, base, manager)
        page.get_by_role("link", name="1 Visit plans to agree").click()  # issue 18: the manager's counter
        page.get_by_role("link", name=world.family.name).click()
        expect(page.locator("#plan-factors")).to_contain_text("Dogs or other animals at the address")
        page.check("input[name=decision][value=agreed]")
        page.get_by_role("button", name="Save the decision").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Plan agreed")

        # The worker arrives: a phone-sized page with big buttons.
        _sign_in(page, base, worker)
        page.goto(f"{base}/visits/mine/")
        page.get_by_role("link", name=world.family.name).click()
        expect(page.locator("#id_contact_number")).to_have_value("07700 900123")
        page.locator("#start-details summary").click()  # issue 18: the arrival details fold away
        page.fill("#id_vehicle", "CY21 ABC")
        page.get_by_role("button", name="We've arrived").click()
        expect(page.locator("#expected-back")).to_contain_text("Back by")
        box = page.locator("#help-now").bounding_box()
        assert box["width"] > 300 and box["height"] >= 60  # a big button on a phone
        assert _axe_serious(page) == []

        # Time moves on: the sweep runs 15 minutes after the deadline (reminder, then the line manager).
        visit.refresh_from_db()
        assert visit.status == VisitStatus.IN_PROGRESS
        assert visit_alarm_sweep(now=visit.expected_back + timedelta(minutes=15)) == 2

        # The manager has the alert, opens it, acknowledges it and sees the emergency card.
        _sign_in(page, base, manager)
        expect(page.locator(".govuk-notification-banner", has_text="Lone-worker alarm")).to_contain_text(str(worker))
        page.goto(f"{base}/notifications/")
        row = page.locator("tr", has_text="has not reported back")
        row.get_by_role("button", name="Open").click()
        expect(page.locator("#card-title")).to_contain_text("Emergency card")
        page.get_by_role("button", name="Acknowledge: I am dealing with this").click()
        expect(page.locator("#acknowledged")).to_contain_text(f"Acknowledged by {manager}")
        card = page.locator("#emergency-card")
        expect(card).to_contain_text(str(worker))
        expect(card).to_contain_text("1 Heol y Felin")
        expect(page.locator("#contact-number")).to_contain_text("07700 900123")
        expect(page.locator("#vehicle")).to_have_text("CY21 ABC")
        expect(page.locator("#card-markers ~ .govuk-warning-text")).to_contain_text("Dogs or other animals")
        expect(page.locator("#visit-record ~ .moj-timeline")).to_contain_text("Line manager")
        expect(page.locator("#visit-record ~ .moj-timeline")).to_contain_text("Alert acknowledged")
        assert _axe_serious(page) == []
        # The database calls made while Playwright's event loop runs use their own connection: close it.
        connections.close_all()

    alert = Notification.objects.get(recipient=manager, kind=NotificationKind.VISIT_OVERDUE)
    assert alert.mandatory and alert.read_at is not None
    assert Visit.objects.get().acknowledged_by == manager


def _in_first_screen(page, selector: str) -> dict:
    """The element is wholly inside the 390x844 screen as the page opens (scrolled to the top), and not behind the
    "I need help now" bar fixed to its bottom."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    bottom = PHONE["height"]
    if selector != "#help-now" and page.locator("#help-bar").count():
        bottom = page.locator("#help-bar").bounding_box()["y"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= bottom, (selector, box, bottom)
    return box


@pytest.mark.browser
def test_on_a_phone_the_safety_controls_are_in_the_first_screen_at_every_step_and_help_turns_the_page_red(
        live_server, browser_world, clock):
    """Issue 18, Done when (SAF-3, SAF-4): at 390x844 "I need help now" is on the first screen at every step of a
    visit (before arriving, on the visit, overdue, after asking for help), with the step's main button; after
    pressing it the page is the alarm: when help was asked for, who was alerted, tel: links; "Cancel: false alarm"
    needs a reason."""
    from playwright.sync_api import expect

    from .helpers import plan

    world = browser_world
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    manager.phone = "07700 900456"
    manager.save(update_fields=["phone"])
    dog_marker(world)
    visit = plan(world, planned_minutes=15)
    base = live_server.url

    with browser_page(**PHONE) as page:
        _sign_in(page, base, worker)
        page.goto(f"{base}/visits/{visit.pk}/go/")
        # Before arriving: one line of markers (expandable), "I've arrived" and "I need help now" on the first screen.
        expect(page.locator("#marker-line summary")).to_contain_text("Dogs or other animals")
        expect(page.locator("#marker-line .govuk-warning-text").first).not_to_be_visible()
        assert page.locator("#marker-line summary").bounding_box()["height"] < 60  # one line
        _in_first_screen(page, "#arrived")
        help_box = _in_first_screen(page, "#help-now")
        assert help_box["width"] > 300 and help_box["height"] >= 60
        page.locator("#marker-line summary").click()
        expect(page.locator("#marker-line .govuk-warning-text").first).to_contain_text("Advice for visitors")
        # Fixed to the bottom: still on screen at the end of the page.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        box = page.locator("#help-now").bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"]
        assert _axe_serious(page) == []

        # On the visit: "I'm safe, leaving" and "I need help now". With the worker's consent the phone's location goes
        # with the arrival (the Geolocation API), and with "I need help now" below.
        page.reload()
        page.context.grant_permissions(["geolocation"], origin=base)
        page.context.set_geolocation({"latitude": 52.4153, "longitude": -4.0829, "accuracy": 35})
        page.locator("#start-details summary").click()
        page.check("#id_share_location")
        page.locator("#arrived").click()
        expect(page.locator("#expected-back")).to_contain_text("Back by")
        back = timezone.localtime(Visit.objects.get(pk=visit.pk).expected_back).strftime("%H:%M")
        expect(page.locator("#expected-back")).to_contain_text(f"Back by {back}")
        located = Visit.objects.get(pk=visit.pk).location
        assert (located["latitude"], located["longitude"], located["accuracy"], located["on"]) == (
            52.4153, -4.0829, 35, "arrival")
        _in_first_screen(page, "#check-out")
        _in_first_screen(page, "#help-now")
        assert _axe_serious(page) == []

        # Overdue: still both, with the warning.
        clock.shift(timedelta(minutes=16))  # within the 30-minute idle timeout
        keep_time_with_the_server(page)
        page.reload()
        expect(page.locator("#expected-back")).to_contain_text("You are overdue")
        _in_first_screen(page, "#check-out")
        _in_first_screen(page, "#help-now")

        # "I need help now": the page is the alarm, in red, no countdown.
        page.context.set_geolocation({"latitude": 52.4161, "longitude": -4.0801, "accuracy": 12})
        page.locator("#help-now").click()
        expect(page.locator("#alarm-title")).to_contain_text("Help requested at")
        asked = timezone.localtime(Visit.objects.get(pk=visit.pk).help_requested_at).strftime("%H:%M")
        expect(page.locator("#alarm-title")).to_have_text(f"Help requested at {asked}")
        located = Visit.objects.get(pk=visit.pk).location
        assert (located["latitude"], located["accuracy"], located["on"]) == (52.4161, 12, "help")
        expect(page.locator("#expected-back")).to_have_count(0)
        assert page.locator("#alarm").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(212, 53, 28)"
        expect(page.locator("#alerted")).to_contain_text(str(manager))
        expect(page.locator("#alerted")).to_contain_text("Not acknowledged yet")
        expect(page.locator("#call-999")).to_have_attribute("href", "tel:999")
        expect(page.locator("#call-manager")).to_have_attribute("href", "tel:07700 900456")
        _in_first_screen(page, "#alarm-title")
        _in_first_screen(page, "#call-999")
        _in_first_screen(page, "#help-now")
        assert _axe_serious(page) == []

        # The manager acknowledges: the worker sees who has it, and when.
        services.visit_acknowledge(visit=Visit.objects.get(pk=visit.pk), by=manager)
        page.reload()
        expect(page.locator("#alerted")).to_contain_text(f"Acknowledged by {manager} at {asked}")

        # "Cancel: false alarm" needs a reason; with one, the visit goes on.
        page.locator("#cancel-alarm").click()
        page.locator("#confirm-false-alarm").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why it was a false alarm")
        page.fill("#id_reason", "Pressed it getting my phone out")
        page.locator("#confirm-false-alarm").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("False alarm cancelled")
        expect(page.locator("#alarm")).to_have_count(0)
        _in_first_screen(page, "#help-now")
        connections.close_all()

    visit.refresh_from_db()
    assert visit.status == VisitStatus.IN_PROGRESS and visit.help_requested_at is None
    told = Notification.objects.filter(recipient=manager, kind=NotificationKind.GENERAL).order_by("-id").first()
    assert "False alarm" in str(told.message) and "Pressed it getting my phone out" in str(told.message)


@pytest.mark.browser
def test_the_visit_page_from_the_keyboard_only(live_server, browser_world):
    """Issue 18 (WCAG 2.1.1, 2.4.7): a worker who cannot use a touch screen signs in, arrives and reports back safe
    with the keyboard alone; "I need help now" is reachable at every step, each stop with GOV.UK's focus style."""
    from playwright.sync_api import expect

    from doorstep.core.tests.test_browser_pages import tab_to

    from .helpers import plan

    world = browser_world
    worker = world.users["involved_practitioner"]
    visit = plan(world, planned_minutes=15)
    base = live_server.url

    with browser_page(**PHONE) as page:
        page.goto(f"{base}/accounts/login/")
        tab_to(page, "#id_username")
        page.keyboard.type(worker.username)
        tab_to(page, "#id_password")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/visits/{visit.pk}/go/")
        tab_to(page, "#help-now")
        page.goto(f"{base}/visits/{visit.pk}/go/")
        tab_to(page, "#arrived")
        page.keyboard.press("Enter")
        expect(page.locator("#expected-back")).to_contain_text("Back by")
        tab_to(page, "#help-now")
        page.goto(f"{base}/visits/{visit.pk}/go/")
        tab_to(page, "#check-out")
        page.keyboard.press("Enter")
        expect(page.locator(".govuk-panel__title")).to_have_text("You have reported back safe")
        connections.close_all()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.COMPLETED
