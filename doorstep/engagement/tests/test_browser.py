"""ENG-1 in a real browser: recording a visit with no access takes one page and at most five fields, works from
the keyboard, and the page has no accessibility violations that axe can find."""

import pytest
from django.utils import timezone

from doorstep.engagement.models import Contact, Outcome
from doorstep.testing.browser import browser_page, sign_in


@pytest.fixture
def page(live_server, browser_world):
    with browser_page() as page:
        sign_in(page, live_server.url, "health.worker", "correct-horse-battery")
        yield page


@pytest.mark.browser
def test_a_no_access_visit_takes_one_page_and_at_most_five_fields(page, live_server, browser_world):
    world = browser_world
    page.goto(f"{live_server.url}/families/{world.family.pk}/")
    page.get_by_role("link", name="Record a contact").click()
    form_url = page.url
    filled = 0
    page.get_by_label("Home visit").check()
    filled += 1
    page.get_by_label("Time of the contact").fill("00:00")  # the date is today already
    filled += 1
    page.get_by_label("No answer").check()
    filled += 1
    page.get_by_label("Note (optional)").fill("Card left, curtains drawn")
    filled += 1
    page.get_by_role("button", name="Save contact").click()
    page.wait_for_url("**/engagement/contacts/*/")
    assert filled <= 5 and page.url != form_url
    assert "Contact recorded" in page.content()
    contact = Contact.objects.get()
    assert (contact.outcome, contact.defaulted, contact.note) == (Outcome.NO_ANSWER, True, "Card left, curtains drawn")
    assert timezone.localtime(contact.occurred_at).date() == timezone.localdate()


@pytest.mark.browser
def test_the_form_works_from_the_keyboard_and_passes_axe(page, live_server, browser_world):
    world = browser_world
    page.goto(f"{live_server.url}/engagement/families/{world.family.pk}/contacts/new/")
    # Keyboard only: arrow keys choose a radio, Tab moves on, Enter opens a section, Space ticks a box.
    page.locator("#id_kind_0").focus()
    page.keyboard.press("ArrowDown")  # Office appointment
    assert page.locator("#id_kind_1").is_checked()
    page.locator("#id_occurred_date_2").focus()
    page.keyboard.press("Tab")
    page.keyboard.type("09:15")
    assert page.locator("#id_occurred_time").input_value() == "09:15"
    behaviour = page.locator("#section-behaviour summary")
    behaviour.focus()
    page.keyboard.press("Enter")
    assert page.locator("#section-behaviour").get_attribute("open") is not None
    page.locator("#id_behaviours_1").focus()
    page.keyboard.press("Space")
    assert page.locator("#id_behaviours_1").is_checked()
    page.add_script_tag(url=f"{live_server.url}/static/axe/axe.min.js")
    # The page's own content (the frame around it, header and footer, belongs to the base layout).
    violations = page.evaluate(
        "async () => (await axe.run('#main-content')).violations.map(v => v.id + ': ' + v.help)")
    assert violations == []
