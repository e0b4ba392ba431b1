import pytest
from django.db import transaction
from django.utils import translation

# CI scale (issue 9): 200 families, one of them with 2,000+ contacts over eight agencies.
CI_FAMILIES = 200
CI_GIANT_CONTACTS = 2_000


@pytest.fixture(scope="module")
def region(django_db_setup, django_db_blocker):
    """The small generated region, once per test module, rolled back afterwards so that no other test sees it."""
    from doorstep.scale.generate import Plan, run_generation

    with django_db_blocker.unblock():
        with transaction.atomic():
            with translation.override("en"):
                report = run_generation(Plan(families=CI_FAMILIES, giant_contacts=CI_GIANT_CONTACTS, seed=1))
            yield report
            transaction.set_rollback(True)
