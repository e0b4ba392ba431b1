import pytest
from django.db import transaction
from django.utils import translation

# CI scale (issue 9): 200 families, one of them with 2,000+ contacts over eight agencies. A test module may set
# FAMILIES_PER_AREA to cut its region into several areas, each a partnership (issue 21, test_partnerships.py).
CI_FAMILIES = 200
CI_GIANT_CONTACTS = 2_000


@pytest.fixture(scope="module")
def region(request, django_db_setup, django_db_blocker):
    """The small generated region, once per test module, rolled back afterwards so that no other test sees it."""
    from doorstep.scale.generate import FAMILIES_PER_AREA, Plan, run_generation

    per_area = getattr(request.module, "FAMILIES_PER_AREA", FAMILIES_PER_AREA)
    with django_db_blocker.unblock():
        with transaction.atomic():
            with translation.override("en"):
                report = run_generation(Plan(families=CI_FAMILIES, giant_contacts=CI_GIANT_CONTACTS, seed=1,
                                             families_per_area=per_area))
            yield report
            transaction.set_rollback(True)
