"""OVR-2: the Board's report counts written agreements, breaches and supervision in a period, as aggregates only."""


import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.agreements import services
from doorstep.agreements.board import agreements_figures
from doorstep.core.board import quarter_so_far
from doorstep.supervision.board import supervision_figures
from doorstep.supervision.tests.builders import held
from doorstep.testing.escalations import rule_set

from .builders import issued


def _figures(tables) -> dict:
    return {f.key: f.value for t in tables for f in t.figures + ([t.total] if t.total else [])}


@pytest.mark.django_db
def test_board_figures(world, client, settings):
    rule_set("SUP-4", interval_days=28)
    version = issued(world)
    services.agreement_breach_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                     term=version.terms.filter(section="behaviour").first(), description="x",
                                     occurred_at=timezone.now())
    held(world, days_ago=3, health_and_safety_discussed=False)
    start, end = quarter_so_far().bounds()
    agreements = _figures(agreements_figures(start=start, end=end, partnership=world.family.partnership))
    assert agreements == {"agreements_made": 1, "agreements_signed": 0, "agreements_refused": 0,
                          "agreements_breaches": 1}
    supervision = _figures(supervision_figures(start=start, end=end, partnership=world.family.partnership))
    assert supervision["supervision_held"] == 1 and supervision["supervision_workers"] == 1
    assert supervision["supervision_safety"] == 0 and supervision["supervision_cancelled"] == 0
    assert supervision["supervision_per_worker"] == 1.0
    client.force_login(world.users["board_chair"])
    page = client.get(reverse("home")).content.decode()
    assert "Written agreements with families" in page and "Supervision of staff" in page
    assert world.family.name not in page
