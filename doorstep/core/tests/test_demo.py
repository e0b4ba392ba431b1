"""`make demo` loads the region: each demo login opens the families it should and is refused the others."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families.models import Family, Involvement, MemberRole, Person


@pytest.fixture(scope="module")
def demo_region(django_db_setup, django_db_blocker):
    """The demo region, loaded once for this module's tests (it takes seconds; each test still runs in its own
    transaction, rolled back after it), and emptied again after them as a transactional test empties its database."""
    with django_db_blocker.unblock():
        call_command("load_demo", verbosity=0)
    yield
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


@pytest.fixture
def demo(demo_region, db):
    pass


def test_demo_region_has_the_promised_shape(demo):
    assert Professional.objects.exclude(role="system").count() >= 25
    assert Family.objects.count() >= 40
    assert Person.objects.filter(role=MemberRole.UNBORN).exists()
    assert Person.objects.filter(lives_elsewhere=True).exists()
    assert Person.objects.filter(role=MemberRole.PARTNER).exists()
    assert Person.objects.filter(role=MemberRole.ADULT_VISITING).exists()
    assert Person.objects.filter(child_status="cp").exists() and Person.objects.filter(child_status="none").exists()
    assert Involvement.objects.filter(ended_on__isnull=False).exists()
    assert all(p.line_manager_id for p in Professional.objects.filter(role="practitioner"))


@pytest.mark.parametrize("username", ["health.practitioner", "police.practitioner", "school.manager",
                                      "housing.practitioner2", "voluntary.practitioner"])
def test_each_demo_login_sees_exactly_its_agencys_families(demo, client, username):
    user = Professional.objects.get(username=username)
    client.force_login(user)
    involved = set(Involvement.objects.filter(agency=user.agency, ended_on__isnull=True).values_list("family", flat=True))
    assert involved, "every demo agency works with some families"
    families = list(Family.objects.all()[:40])
    for family in families:
        status = client.get(reverse("families:detail", args=[family.pk])).status_code
        assert status == (200 if family.pk in involved else 404), family
    # Issue 19 planted two more families: the region has more than the 40 opened here.
    refused = sum(1 for family in families if family.pk not in involved)
    assert AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count() == refused


def test_demo_board_chair_and_administrator_open_no_family(demo, client):
    family = Family.objects.first()
    for username in ("board.chair", "admin.user"):
        client.force_login(Professional.objects.get(username=username))
        assert client.get(reverse("families:detail", args=[family.pk])).status_code == 404


def test_demo_logins_use_the_printed_password(demo, client):
    from doorstep.core.demo import DEMO_PASSWORD

    response = client.post(reverse("login"), {"username": "health.practitioner", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
