"""The suite's one clock (issue 12): every test runs on a clock set before any of its data is built.

- The **base clock** is the moment every test starts at, unless it declares another. `DOORSTEP_TEST_CLOCK` sets it:
  `today` (the default: today's real date at 10:00 in Europe/London) or `YYYY-MM-DD HH:MM` (Europe/London), e.g.
  `DOORSTEP_TEST_CLOCK="2027-07-15 14:00" make test-postgres`. `make test` runs the SQLite pass on today and the
  PostgreSQL pass on a fixed summer date, so that every run covers two calendars.
- A test that needs another moment says so up front: `@pytest.mark.clock("2026-12-24 10:00")`, and
  `@pytest.mark.clock(tick=True)` for a clock that runs (tests with real worker processes).
- Within a test the clock only moves **forward** (`time_machine.move_to`, `.shift`): a visit going overdue, a
  deadline passing. Moving it back before the data was made is refused with a message saying what to do.
- Worker processes a test starts run on the test's clock too: `python_on_clock(...)` starts Python with the clock
  set to the test's "now", running from there.
"""

import os
import sys
import time
from datetime import date, datetime, time as clock_time
from zoneinfo import ZoneInfo

import time_machine

LONDON = ZoneInfo("Europe/London")
ENV = "DOORSTEP_TEST_CLOCK"
TODAY_AT = clock_time(10, 0)


def parse(text: str) -> datetime:
    """`YYYY-MM-DD HH:MM` (or `YYYY-MM-DD`, at 10:00) in Europe/London; `today` is today's real date at 10:00."""
    text = text.strip()
    if text == "today":
        # The real date, read past any clock a test has set.
        hatch = time_machine.escape_hatch
        real = datetime.fromtimestamp(hatch.time.time() if hatch.is_travelling() else time.time(), LONDON)
        return datetime.combine(real.date(), TODAY_AT, LONDON)
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), TODAY_AT, LONDON)
    moment = datetime.fromisoformat(text)
    return moment.astimezone(LONDON) if moment.tzinfo else moment.replace(tzinfo=LONDON)


def base() -> datetime:
    return parse(os.environ.get(ENV) or "today")


def describe(moment: datetime) -> str:
    return f"{moment:%A %-d %B %Y, %H:%M} Europe/London ({moment.tzname()})"


class Clock(time_machine.TimeMachineFixture):
    """The test's clock, started before its fixtures; tests reach it as the `time_machine` (or `clock`) fixture."""

    def start(self, moment: datetime, *, tick: bool) -> None:
        super().move_to(moment, tick=tick)

    def move_to(self, destination, tick: bool | None = None) -> None:
        before = time.time()
        super().move_to(destination, tick=tick)
        if time.time() < before - 0.001:
            moved_to = datetime.fromtimestamp(time.time(), LONDON)
            super().move_to(before)
            raise AssertionError(
                f"The clock may only move forward within a test: from {datetime.fromtimestamp(before, LONDON)} "
                f"back to {moved_to}. Declare the moment the test starts at with @pytest.mark.clock(...), so that its "
                "data is built then."
            )

    def shift(self, delta) -> None:
        seconds = delta if isinstance(delta, int | float) else delta.total_seconds()
        if seconds < 0:
            raise AssertionError("The clock may only move forward within a test; declare the start with "
                                 "@pytest.mark.clock(...)")
        super().shift(delta)


def python_on_clock(*args: str) -> list[str]:
    """The command line for a Python process that runs on this test's clock, ticking on from its "now"."""
    return [sys.executable, "-m", "doorstep.testing.on_clock", datetime.fromtimestamp(time.time(), LONDON).isoformat(),
            *args]
