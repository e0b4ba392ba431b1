"""Issue 18, accessibility (WCAG 2.2 AA): every page Doorstep serves, found from the access matrix (each app's
tests/access.py), opened by someone allowed to see it, in Welsh at 320 px wide (the longest words on the narrowest
screen), then in English on a desktop, and each form page again with its form sent empty (its error state): axe-core
finds no violation of any impact, the page does not scroll sideways at 320 px, and errors follow GOV.UK's pattern. The daily pages in both
languages and at both widths, and a form's error state, are in test_browser_pages.py. One browser for the lot, one
context per person."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from doorstep.core.tests.test_access_matrix import ROUTES
from doorstep.core.tests.test_browser_pages import PASSWORD, axe_violations, sideways
from doorstep.testing.browser import ARGS, CHROMIUM, server_paused

# Who opens a page, in this order of preference among those the matrix allows.
PREFERENCE = ("involved_practitioner", "involved_manager", "administrator", "board_chair", "involved_postholder",
              "break_glass", "uninvolved_manager", "uninvolved", "anonymous")
NOT_PAGES = {"healthz", "readyz", "metrics", "language"}
NARROW, DESKTOP = {"width": 320, "height": 800}, {"width": 1280, "height": 900}  # probes, metrics and a redirect: no page to check


def page_routes():
    for route in ROUTES:
        if route.api or route.method != "get" or route.name.startswith("admin:") or route.name in NOT_PAGES:
            continue
        who = next((role for role in PREFERENCE if role in route.allowed), None)
        if who is not None:
            yield route, who


# The form pages: a POST row beside the GET row (the matrix posts them empty, and gets the form back with errors).
POSTED = {(route.name, route.method) for route in ROUTES if not route.api}

# Empty the page's main form (the one with the most questions) and send it, as someone pressing the button without
# answering would. False when the page has no form with questions.
SUBMIT_EMPTY = """() => {
  const forms = [...document.querySelectorAll("#main-content form[method=post]")]
    .filter(f => f.querySelector(".govuk-form-group"));
  if (!forms.length) return false;
  const form = forms.sort((a, b) => b.querySelectorAll(".govuk-form-group").length
                                    - a.querySelectorAll(".govuk-form-group").length)[0];
  for (const el of form.elements) {
    if (el.type === "radio" || el.type === "checkbox") el.checked = false;
    else if (el.tagName === "SELECT") el.selectedIndex = 0;
    else if (el.type !== "hidden" && el.type !== "submit" && "value" in el) el.value = "";
  }
  form.submit();
  return true;
}"""


def submit_empty(page) -> bool:
    with page.expect_navigation():
        sent = page.evaluate(SUBMIT_EMPTY)
        if not sent:
            page.evaluate("() => location.reload()")
    return sent


def check(page, where: str) -> list[str]:
    problems = [f"{where}: {v}" for v in axe_violations(page)]
    if overflow := sideways(page):
        problems.append(f"{where}: scrolls sideways by {overflow}px")
    return problems


def error_state_problems(page, where: str) -> list[str]:
    """GOV.UK's error pattern: "Gwall: " first in the title, each summary link to an element that exists, each
    message in the aria-describedby of its field or fieldset."""
    if not page.locator(".govuk-error-summary__list a").count():
        return []
    problems = []
    if not page.title().startswith("Gwall: "):
        problems.append(f"{where}: title {page.title()!r}")
    for link in page.locator(".govuk-error-summary__list a").all():
        target = link.get_attribute("href")
        if page.locator(f"[id='{target[1:]}']").count() != 1:
            problems.append(f"{where}: summary links to missing {target}")
    for message in page.locator(".govuk-error-message").all():
        error_id = message.get_attribute("id")
        if not error_id or page.locator(f"[aria-describedby~='{error_id}']").count() != 1:
            problems.append(f"{where}: error message {error_id!r} not in any aria-describedby")
    return problems


@pytest.mark.browser
@pytest.mark.one_pass  # axe and reflow of every page: the same pages on either database; about four minutes
def test_every_page_in_both_languages_passes_axe_and_reflows_at_320_px(live_server, browser_world):
    started = time.monotonic()
    problems, checked, unbuilt, errors, files = [], 0, [], 0, []
    by_person: dict[str, list] = {}
    for route, who in page_routes():
        by_person.setdefault(who, []).append(route)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for who, routes in by_person.items():
                context = browser.new_context(viewport=NARROW, timezone_id="Europe/London")
                context.add_cookies([{"name": "doorstep_language", "value": "cy", "url": live_server.url}])
                page = context.new_page()
                page.set_default_timeout(15000)
                if who != "anonymous":
                    page.goto(f"{live_server.url}/accounts/login/")
                    page.fill("#id_username", browser_world.users[who].username)
                    page.fill("#id_password", PASSWORD)
                    page.locator("#main-content form button.govuk-button").click()
                    page.wait_for_url(f"{live_server.url}/")
                for route in routes:
                    try:
                        # In a transaction, as in the matrix (some builders lock rows: PostgreSQL needs one), while
                        # the live server answers nothing (a download or a page's own requests may still run).
                        with server_paused(), transaction.atomic():
                            kwargs = route.kwargs(browser_world)
                    except ValidationError:
                        # A builder of the matrix makes its record on a fresh world; on this shared one an earlier
                        # builder may have made one that excludes it (a second agreement): noted, not hidden.
                        unbuilt.append(route.name)
                        continue
                    url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
                    try:
                        response = page.goto(f"{live_server.url}{url}")
                    except PlaywrightError as exc:
                        # A file download (an attachment: PDF, CSV, calendar) is not a page: told apart by what
                        # it returns, not by its name, so a page named "...pdf" (the PDF's "ask" page) is checked.
                        if "Download is starting" not in str(exc):
                            raise
                        files.append(route.name)
                        continue
                    if "text/html" not in (response.headers.get("content-type") or ""):
                        files.append(route.name)
                        continue
                    checked += 1
                    problems += check(page, f"{who} {url}")
                    # The same page in English on a desktop (issue 18: both languages): axe only.
                    context.add_cookies([{"name": "doorstep_language", "value": "en", "url": live_server.url}])
                    page.set_viewport_size(DESKTOP)
                    page.reload()
                    problems += [f"{who} {url} (English, desktop): {v}" for v in axe_violations(page)]
                    context.add_cookies([{"name": "doorstep_language", "value": "cy", "url": live_server.url}])
                    page.set_viewport_size(NARROW)
                    page.reload()
                    if (route.name, "post") in POSTED and submit_empty(page):
                        errors += 1
                        problems += check(page, f"{who} {url} (sent empty)")
                        problems += error_state_problems(page, f"{who} {url} (sent empty)")
                context.close()
        finally:
            browser.close()
    assert checked > 100 and errors > 40 and len(unbuilt) <= 3, (checked, errors, unbuilt)
    # The chronology's PDF "ask" page is a page; its CSV and the PDF download are files.
    assert "chronology:csv" in files and "chronology:export-download" in files, files
    assert "chronology:pdf" not in files, files
    assert problems == [], "\n".join(problems)
    # The whole `make test` must stay under 20 minutes.
    assert time.monotonic() - started < 600
