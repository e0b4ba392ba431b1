"""The demo region shows every state of visit safety (issue 5): in progress, overdue and acknowledged, awaiting
agreement, refused."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from doorstep.agencies.models import Professional
from doorstep.visits.models import ChainStep, Decision, Visit, VisitAlert, VisitStatus


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_the_demo_has_a_visit_in_each_state(demo, client):
    live = Visit.objects.get(family__name="Llewellyn household")
    assert live.status == VisitStatus.IN_PROGRESS and live.escalated_at is None
    overdue = Visit.objects.get(family__name="Morgan household")
    manager = Professional.objects.get(username="csc.manager")
    assert overdue.status == VisitStatus.IN_PROGRESS and overdue.acknowledged_by == manager
    assert list(VisitAlert.objects.filter(visit=overdue).values_list("step", flat=True)) == [
        ChainStep.REMINDER, ChainStep.LINE_MANAGER]
    awaiting = Visit.objects.get(family__name="Pritchard household")
    assert awaiting.status == VisitStatus.AWAITING_AGREEMENT and "animals" in awaiting.factors
    refused = Visit.objects.get(family__name="Thomas household")
    assert refused.status == VisitStatus.REFUSED and refused.decision == Decision.REFUSED
    # What the README promises the demo logins see.
    client.force_login(manager)
    assert "07700" in client.get(reverse("visits:alarm", args=[overdue.pk])).content.decode()
    client.force_login(Professional.objects.get(username="health.manager"))
    assert "Pritchard household" in client.get(reverse("visits:to_agree")).content.decode()
    client.force_login(Professional.objects.get(username="health.practitioner3"))
    assert "You are out on a visit" in client.get(reverse("home")).content.decode()
