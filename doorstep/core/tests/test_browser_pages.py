"""Issue 18, accessibility (WCAG 2.2 AA): the pages a practitioner, a manager, the Board chair and an administrator use
every day, in English and Welsh, on a desktop and at 320 px wide, and a form in its error state: axe-core finds no
violation of any impact, and at 320 px nothing scrolls the page sideways (1.4.10 reflow: wide tables scroll inside
themselves). One browser for the whole file, a context per person, to keep the suite's time down."""

import json
import time

import pytest
from django.urls import reverse
from playwright.sync_api import sync_playwright

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
                        for width in (1200, 320):
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
    # The whole `make test` must stay under 20 minutes: this file shares one browser (measured about a minute).
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
            for language, prefix in (("en", "Error: "), ("cy", "Gwall: ")):
                context.add_cookies([{"name": "doorstep_language", "value": language, "url": live_server.url}])
                page.goto(f"{live_server.url}{reverse('engagement:record', args=[browser_world.family.pk])}")
                page.locator("#main-content form[method=post] button.govuk-button").last.click()
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
