import os

import factory.random
import pytest
from django.conf import settings

from doorstep.testing import clock as test_clock
from doorstep.testing.databases import keep_migrated_sqlite
from doorstep.testing.world import build_world

CLOCK = pytest.StashKey[test_clock.Clock]()


def pytest_configure(config):
    # Hashing passwords properly costs a quarter of a second each: tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    config.addinivalue_line("markers", "clock(moment=None, tick=False): the moment this test starts at (Europe/London), "
                                       "before any of its data is built; tick=True lets the clock run")
    # Resolve the base clock once, in the controlling process, so that every xdist worker uses the same moment.
    os.environ[test_clock.ENV] = test_clock.base().isoformat()
    _let_tests_empty_the_audit_table()
    _commit_test_databases_without_waiting_for_the_disk()


def _commit_test_databases_without_waiting_for_the_disk():
    """The suite's PostgreSQL connections commit without waiting for the WAL to reach the disk (only a crash of the
    server could lose the last commits, of a database dropped after the run anyway): what other connections see is
    unchanged, so transactional tests, browser tests and worker processes behave as before, with less waiting on
    each commit and on the flush after each transactional test. Tests only; the settings stay as production has them."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def _let_tests_empty_the_audit_table():
    """PostgreSQL refuses TRUNCATE of the audit table (audit/migrations/0005), and Django empties the test database
    with one TRUNCATE after each transactional test: lift the trigger for that statement only, in its transaction."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    sql_flush = DatabaseOperations.sql_flush

    def flush_with_audit(self, style, tables, **kwargs):
        statements = sql_flush(self, style, tables, **kwargs)
        if "audit_auditevent" in tables:
            trigger = "ALTER TABLE audit_auditevent {} TRIGGER audit_event_no_truncate;"
            statements = [trigger.format("DISABLE"), *statements, trigger.format("ENABLE")]
        return statements

    DatabaseOperations.sql_flush = flush_with_audit


def pytest_sessionstart(session):
    # Printed even with -q, by the controlling process only: the date this pass runs on (issue 12).
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and not hasattr(session.config, "workerinput"):
        reporter.write_line(f"clock: every test starts at {test_clock.describe(test_clock.base())} unless it "
                            f"declares another ({test_clock.ENV})")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item):
    """Issue 12: set the clock before any fixture runs, so every test's data is made on it; seed Faker per test."""
    marker = item.get_closest_marker("clock")
    moment = marker.args[0] if marker and marker.args else marker.kwargs.get("moment") if marker else None
    start = test_clock.parse(moment) if moment else test_clock.base()
    item.stash[CLOCK] = running = test_clock.Clock()
    running.start(start, tick=bool(marker and marker.kwargs.get("tick")))
    factory.random.reseed_random(item.nodeid)
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if CLOCK in item.stash:
            item.stash[CLOCK].stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request, tmp_path_factory):
    """pytest-django's test database, and on SQLite a file copy of it as migrated (doorstep/testing/databases.py)."""
    with django_db_blocker.unblock():
        keep_migrated_sqlite(request.config, tmp_path_factory.mktemp("migrated"))
    yield


@pytest.fixture
def time_machine(request):
    """The test's clock (set before its data was built); it moves only forward."""
    return request.node.stash[CLOCK]


@pytest.fixture
def clock(time_machine):
    return time_machine


@pytest.fixture(autouse=True)
def _empty_cache():
    """The API throttles count requests in the cache: each test starts with none counted (issue 13)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def browser_world(transactional_db):
    """The world for browser tests, with a known password for everyone (live_server needs real sign-in)."""
    from doorstep.agencies.models import Professional

    built = build_world()
    for user in Professional.objects.all():
        user.set_password("correct-horse-battery")
        user.save(update_fields=["password"])
    return built


@pytest.fixture(autouse=True)
def _allow_async_unsafe_for_playwright(request, monkeypatch):
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the test are safe.
    if request.node.get_closest_marker("browser"):
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _monitoring_warnings_off(settings):
    """Tests run no worker, so no heartbeat: the "alarm monitoring is not running" warnings (issue 16) are off unless a
    test turns them on (doorstep/core/tests/test_monitoring.py)."""
    settings.DOORSTEP_MONITORING_WARNINGS = False
