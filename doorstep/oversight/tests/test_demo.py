"""Issue 19's Done-when, OVR-1 part: in the demo, health.manager finds the planted drift and the planted visit
recorded that did not take place, at once (the demo runs the nightly job when it loads)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from doorstep.agencies.models import Professional
from doorstep.families.models import Family
from doorstep.oversight.models import DiscrepancyKind, DriftSignal, SignalKind, VisitDiscrepancy


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_health_manager_finds_the_planted_drift_and_visit(demo, client):
    manager = Professional.objects.get(username="health.manager")
    rhydderch = Family.objects.get(name="Rhydderch household")
    assert set(DriftSignal.objects.filter(family=rhydderch).values_list("kind", flat=True)) >= {
        SignalKind.NO_CONTACT, SignalKind.NOT_SEEN_ALONE}
    planted = VisitDiscrepancy.objects.get(family__name="Bowen household", kind=DiscrepancyKind.NO_SESSION)
    assert planted.worker.username == "health.practitioner2" and planted.worker.line_manager == manager

    client.force_login(manager)
    drift = client.get(reverse("oversight:signals"), {"page": 1})
    pages = [drift.content.decode()] + [client.get(reverse("oversight:signals"), {"page": n}).content.decode()
                                        for n in range(2, drift.context["page"].paginator.num_pages + 1)]
    assert any("Rhydderch" in html and "Nia" in html for html in pages)
    visits = client.get(reverse("oversight:discrepancies")).content.decode()
    assert reverse("oversight:discrepancy", args=[planted.pk]) in visits
    assert client.get(reverse("oversight:discrepancy", args=[planted.pk])).status_code == 200
