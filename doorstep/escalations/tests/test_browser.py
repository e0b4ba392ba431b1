"""In a real browser (Debian's Chromium): the practitioner signs in and lands on "My actions"; the action raised by
the 4th defaulted visit shows why, with its deadline; they acknowledge it and mark it done, and their manager sees
the history. Keyboard and no JavaScript needed (plain links and forms)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from doorstep.escalations.evaluate import family_evaluate
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.testing.browser import browser_page, sign_in

from .helpers import contact

PASSWORD = "correct-horse-battery"


@pytest.mark.browser
def test_my_actions_landing_page_acknowledge_and_done(live_server, browser_world):
    from playwright.sync_api import expect

    world = browser_world
    worker = world.users["involved_practitioner"]
    today = timezone.localdate()
    for days in (21, 14, 7, 0):
        contact(world.family, worker, today - timedelta(days=days))
    family_evaluate(family=world.family)
    escalation = Escalation.objects.get(rule_id="ESC-1")

    with browser_page() as page:
        sign_in(page, live_server.url, worker.username, PASSWORD)
        actions = page.locator("main table").first
        expect(actions).to_contain_text("Convene a multi-agency meeting")
        page.get_by_role("link", name="Convene a multi-agency meeting").first.click()
        expect(page.locator("h1")).to_contain_text("Convene a multi-agency meeting")
        expect(page.locator("main")).to_contain_text("Why this action was raised")
        page.get_by_role("button", name="Acknowledge").click()
        expect(page.locator("main")).to_contain_text("Acknowledged")
        page.get_by_role("link", name="Mark as done").click()
        page.get_by_label("What was done").fill("MARP held on Monday; plan of intervention agreed")
        page.get_by_role("button", name="Mark as done").click()
        expect(page.locator("main")).to_contain_text("MARP held on Monday")

        page.context.clear_cookies()
        sign_in(page, live_server.url, world.users["involved_manager"].username, PASSWORD)
        page.goto(f"{live_server.url}/escalations/team/?show=closed")
        expect(page.locator("main table")).to_contain_text("Convene a multi-agency meeting")

    escalation.refresh_from_db()
    assert escalation.state == EscalationState.DONE
    assert list(escalation.events.values_list("action", flat=True)) == ["raised", "acknowledged", "done"]
