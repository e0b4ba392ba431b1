"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import contextlib
import time

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


@contextlib.contextmanager
def browser_page(*, width: int = 1200, height: int = 900):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height}, timezone_id="Europe/London")
            page.set_default_timeout(15000)
            keep_time_with_the_server(page)
            yield page
        finally:
            browser.close()


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base_url}/")


def keep_time_with_the_server(page) -> None:
    """The browser's `Date` is the test's clock (issue 12), as a real browser's agrees with the server's: pages that
    count down to a time the server gave them (a visit's "back by") must not see a different day. Call it again after
    moving the test's clock."""
    page.clock.set_fixed_time(time.time())
