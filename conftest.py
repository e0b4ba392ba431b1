import pytest
from django.conf import settings

from doorstep.testing.world import build_world


def pytest_configure(config):
    # Hashing passwords properly costs a quarter of a second each: tests do not need it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
