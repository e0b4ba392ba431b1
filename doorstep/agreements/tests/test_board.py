"""OVR-2: the Board chair sees how written agreements and supervision are used, as aggregates only."""


import pytest
from django.urls import reverse
from django.utils import timezone

from doorstep.agreements import services
from doorstep.agreements.board import agreements_figures
from doorstep.supervision.board import supervision_figures
from doorstep.supervision.tests.builders import held
from doorstep.testing.escalations import rule_set

from .builders import issued


@pytest.mark.django_db
def test_board_figures(world, client, settings):
    rule_set("SUP-4", interval_days=28)
    version = issued(world)
    services.agreement_breach_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                     term=version.terms.filter(section="behaviour").first(), description="x",
                                     occurred_at=timezone.now())
    held(world, days_ago=30, health_and_safety_discussed=False)
    assert dict(agreements_figures()[0]["rows"]) == {
        "In force": 1, "Signed by the family": 0, "The family refused to sign": 0,
        "Breaches recorded in the last 12 months": 1}
    rows = dict(supervision_figures()[0]["rows"])
    # The world's practitioners with a line manager: health, police x2, housing x2, school.
    assert rows["Staff supervised by a line manager"] == 6
    assert rows["Overdue supervision now"] == 1 and rows["Supervisions held in the last 12 months"] == 1
    assert rows["Of which health and safety was discussed"] == 0
    client.force_login(world.users["board_chair"])
    page = client.get(reverse("home")).content.decode()
    assert "Written agreements with families" in page and "Supervision of staff" in page
    assert world.family.name not in page
