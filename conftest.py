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
