"""Issue 18, accessibility (WCAG 2.2 AA): the pages a practitioner, a manager, the Board chair and an administrator use
every day, in English and Welsh, on a desktop and at 320 px wide, and a form in its error state: axe-core finds no
violation of any impact, and at 320 px nothing scrolls the page sideways (1.4.10 reflow: wide tables scroll inside
themselves); and a contact is recorded from the case file with the keyboard only, the focus visible at every stop.
One browser per test, a context per person, to keep the suite's time down."""

import json
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from doorstep.testing.browser import ARGS, CHROMIUM

PASSWORD = "correct-horse-battery"


def pages(world) -> dict[str, list[str]]:
    """Who opens which pages (issue 18 names the case file, team actions, tokens, home, Board and chronology)."""
    family = world.family.pk
    return {
        "health.worker": ["/", reverse("families:detail", args=[family]), reverse("chronology:family", args=[family]),
                          reverse("escalations:mine"), reverse("engagement:record", args=[family])],
        "health.manager": ["/", reverse("escalations:team"), reverse("families:detail", args=[family])],
        "board.chair": ["/", reverse("meetings:board")],
        "admin": ["/", reverse("agencies:tokens")],
    }


def axe_violations(page) -> list[str]:
    # axe-core is served from Doorstep's own static files (frontend/build.mjs), so the page's CSP allows it.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url="/static/axe/axe.min.js")
    found = json.loads(page.evaluate("async () => JSON.stringify((await axe.run()).violations)"))
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in found]


def sideways(page) -> int:
    """How far the page itself scrolls sideways, in CSS pixels (0: it reflows)."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.browser
def test_every_day_pages_pass_axe_in_both_languages_and_reflow_at_320_px(live_server, browser_world):
    started = time.monotonic()
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for username, paths in pages(browser_world).items():
                context = browser.new_context(viewport={"width": 1200, "height": 900}, timezone_id="Europe/London")
                page = context.new_page()
                page.set_default_timeout(15000)
                page.goto(f"{live_server.url}/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.click("button:has-text('Sign in')")
                page.wait_for_url(f"{live_server.url}/")
                for language in ("en", "cy"):
                    context.add_cookies([{"name": "doorstep_language", "value": language, "url": live_server.url}])
                    for path in paths:
                        # Welsh at 320 px is in test_browser_every_page.py, for every page.
                        for width in ((1200, 320) if language == "en" else (1200,)):
                            page.set_viewport_size({"width": width, "height": 900})
                            page.goto(f"{live_server.url}{path}")
                            where = f"{username} {language} {width}px {path}"
                            assert page.locator("html").get_attribute("lang") == language, where
                            problems += [f"{where}: {v}" for v in axe_violations(page)]
                            if width == 320 and (overflow := sideways(page)):
                                problems.append(f"{where}: scrolls sideways by {overflow}px")
                context.close()
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
    # The whole `make test` must stay under 20 minutes: this test shares one browser (measured about 100 s).
    assert time.monotonic() - started < 240


@pytest.mark.browser
def test_a_form_in_its_error_state_passes_axe_with_errors_described_in_both_languages(live_server, browser_world):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 320, "height": 900}, timezone_id="Europe/London")
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "health.worker")
            page.fill("#id_password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.wait_for_url(f"{live_server.url}/")
            for language, prefix, remaining in (("en", "Error: ", "characters remaining"),
                                                ("cy", "Gwall: ", "nod ar ôl")):
                context.add_cookies([{"name": "doorstep_language", "value": language, "url": live_server.url}])
                page.goto(f"{live_server.url}{reverse('engagement:record', args=[browser_world.family.pk])}")
                # GOV.UK's character count runs, in the page's language.
                page.locator("#id_note").fill("Card left")
                expect(page.locator("#id_note ~ .govuk-character-count__status")).to_contain_text(remaining)
                page.locator("#main-content form[method=post] button.govuk-button:not(.govuk-button--secondary)").last.click()
                assert page.title().startswith(prefix)
                # The summary's first link goes to an element that exists (for a group: its first option).
                first = page.locator(".govuk-error-summary__list a").first.get_attribute("href")
                assert page.locator(first).count() == 1
                # Every error message is read with its field or fieldset.
                for message in page.locator(".govuk-error-message").all():
                    error_id = message.get_attribute("id")
                    assert error_id and page.locator(f"[aria-describedby~='{error_id}']").count() == 1
                assert axe_violations(page) == [], language
                assert sideways(page) == 0
        finally:
            browser.close()


# What GOV.UK's focus style looks like on each kind of control: yellow (#ffdd00) outline, shadow or background.
FOCUS_SHOWN = """() => {
  const el = document.activeElement, yellow = "rgb(255, 221, 0)";
  const styles = [getComputedStyle(el)];
  if (el.matches(".govuk-radios__input, .govuk-checkboxes__input")) {
    styles.push(getComputedStyle(document.querySelector(`label[for="${el.id}"]`), "::before"));
  }
  return styles.some(s => s.outlineColor === yellow && s.outlineStyle !== "none" || s.backgroundColor === yellow
                          || s.boxShadow.includes(yellow));
}"""


def tab_to(page, selector: str, *, limit: int = 120) -> None:
    """Press Tab (only) until the focus is on `selector`, checking the focus can be seen at every stop (2.4.7)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        focused = page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")
        assert focused.startswith("<body") or page.evaluate(FOCUS_SHOWN), f"focus not shown on {focused}"
    raise AssertionError(f"Tab never reached {selector}")


def choose_radio(page, label: str) -> None:
    """In a radio group that has the focus, move with the arrow keys to `label` (which selects it)."""
    for _ in range(12):
        current = page.evaluate("() => document.querySelector(`label[for='${document.activeElement.id}']`).innerText")
        if current.strip() == label:
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"no radio labelled {label}")


@pytest.mark.browser
def test_recording_a_contact_from_the_case_file_with_the_keyboard_only(live_server, browser_world):
    from doorstep.engagement.models import Contact, Outcome

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900}, timezone_id="Europe/London")
            page.set_default_timeout(15000)
            page.goto(f"{live_server.url}/accounts/login/")
            tab_to(page, "#id_username")
            page.keyboard.type("health.worker")
            tab_to(page, "#id_password")
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}{reverse('families:detail', args=[browser_world.family.pk])}")
            # Sign out is reachable, with GOV.UK's focus style (checked by tab_to at every stop on the way).
            tab_to(page, ".ds-sign-out button")
            tab_to(page, "a[href$='/contacts/new/']")
            page.keyboard.press("Enter")
            page.wait_for_url("**/contacts/new/")
            tab_to(page, "input[name=kind]")
            choose_radio(page, "Home visit")
            tab_to(page, "#id_occurred_time")
            page.keyboard.type("00:00")
            tab_to(page, "input[name=outcome]")
            choose_radio(page, "No answer")
            tab_to(page, "#id_note")
            page.keyboard.type("Card left, curtains drawn")
            tab_to(page, "#main-content form[method=post] button.govuk-button")
            page.keyboard.press("Enter")
            page.wait_for_url("**/engagement/contacts/*/")
            # The check can fail: the browser's own focus ring is not GOV.UK's.
            page.evaluate("() => { const p = document.querySelector('.govuk-phase-banner__text'); p.tabIndex = -1; "
                          "p.focus(); }")
            assert not page.evaluate(FOCUS_SHOWN)
        finally:
            browser.close()
    contact = Contact.objects.get()
    assert (contact.outcome, contact.note) == (Outcome.NO_ANSWER, "Card left, curtains drawn")
