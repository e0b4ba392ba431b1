"""Playwright driving Debian's Chromium (never a downloaded browser)."""

import contextlib
import threading
import time

from django.core.signals import request_finished, request_started
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



class _Turns:
    """On SQLite, the live server's requests and the test's own database work take turns.

    Django's live server hands its threads the test's one connection to the in-memory test database (for them to see
    the test's rows), and a connection is not safe for two threads at once: two requests at the same moment (a page
    and its service worker's fetches, a download still streaming) or a request beside the test building its next
    record end in "database table is locked". Each request holds the turn from Django's request_started to its
    request_finished (sent when the response is closed, streamed or not, in every outcome); the test takes it with
    `server_paused()`. On PostgreSQL each thread has its own connection: nothing waits."""

    def __init__(self):
        self.lock = threading.Lock()
        self.held = threading.local()
        request_started.connect(self.started, dispatch_uid="doorstep.testing.browser.started")
        request_finished.connect(self.finished, dispatch_uid="doorstep.testing.browser.finished")

    @staticmethod
    def needed() -> bool:
        from django.db import connection

        return connection.vendor == "sqlite" and connection.is_in_memory_db()

    def started(self, **kwargs):
        # Only the live server's threads: the test client's requests run in the test's own thread.
        if threading.current_thread() is not threading.main_thread() and self.needed():
            self.held.turn = self.lock.acquire(timeout=60)

    def finished(self, **kwargs):
        if getattr(self.held, "turn", False):
            self.held.turn = False
            self.lock.release()


_TURNS = _Turns()


@contextlib.contextmanager
def server_paused(timeout: float = 30.0):
    """The test's own database work between a browser's requests, while the live server answers none (see _Turns)."""
    if not _TURNS.needed():
        yield
        return
    if not _TURNS.lock.acquire(timeout=timeout):
        raise TimeoutError(f"the live server was still answering a request after {timeout} s")
    try:
        yield
    finally:
        _TURNS.lock.release()
