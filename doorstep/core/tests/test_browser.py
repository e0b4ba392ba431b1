"""A person signs in, finds a family and opens the case file in a real browser; the pages pass axe-core's
accessibility checks (no serious or critical violations)."""

import json

import pytest

from doorstep.testing.browser import browser_page, sign_in

def _axe_serious(page) -> list[str]:
    # axe-core is served from Doorstep's own static files, so the page's CSP allows it.
    page.add_script_tag(url="/static/axe/axe.min.js")
    result = page.evaluate("async () => JSON.stringify((await axe.run()).violations)")
    return [v["id"] for v in json.loads(result) if v["impact"] in ("serious", "critical")]


@pytest.mark.browser
def test_sign_in_find_a_family_and_open_the_case_file(live_server, browser_world):
    with browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        assert _axe_serious(page) == []
        sign_in(page, live_server.url, "police.worker", "correct-horse-battery")
        page.click("a.govuk-service-navigation__link:has-text('Find a family')")
        page.fill("#id_name", "alf")
        page.click("button:has-text('Search')")
        page.click("a:has-text('Testing household')")
        assert page.locator("h1").inner_text() == "Testing household"
        assert page.locator("#children-seen + table").inner_text().count("Alfie Testing") == 1  # P-1, the Overview
        assert _axe_serious(page) == []
        # Issue 18: the case file's sub navigation; each sub page is a page of its own.
        page.locator(".moj-sub-navigation").get_by_role("link", name="Children").click()
        assert page.locator(".moj-sub-navigation [aria-current=page]").inner_text() == "Children"
        assert page.locator("#main-content table").inner_text().count("Alfie Testing") == 1
        assert _axe_serious(page) == []
        page.click("a:has-text('Cymraeg')")
        assert page.locator("html").get_attribute("lang") == "cy"
