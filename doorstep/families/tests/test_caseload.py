"""Issue 18: a practitioner's home page is their own caseload, ranked by what needs them: overdue actions, then a
child not seen (alone) longest (P-1, ESC-8), then visits today, then the rest; never every family of the agency."""

from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditEvent
from doorstep.engagement.tests.helpers import record
from doorstep.families import services
from doorstep.families.caseload import caseload_for
from doorstep.families.models import MemberRole
from doorstep.testing.escalations import escalation_make
from doorstep.visits.tests.helpers import plan


def _family(world, name, *, by=None, child=None):
    by = by or world.users["involved_practitioner"]
    family = services.family_create(by=by, name=name, reason="Concerns", line1="3 Lôn Isaf", town="Afonwy",
                                    postcode="AF1 3CC")
    if child:
        services.person_add(family=family, by=by, role=MemberRole.CHILD, given_name=child, family_name=name.split()[0],
                            date_of_birth=date(2019, 1, 1))
    return family


def _overdue(world, family, *, key, owner=None):
    return escalation_make(rule_id="ESC-1", clause="003 §7.9", key=key, title="Convene a multi-agency meeting",
                           owner=owner or world.users["involved_practitioner"], family=family,
                           deadline=timezone.now() - timedelta(days=1))[0]


def _caseload(world):
    """Five families of the practitioner, one for each place in the ranking, and one the agency has that they do not
    lead or visit. Returns them in the order the home page must list them."""
    worker = world.users["involved_practitioner"]
    overdue = _overdue_family = _family(world, "Zeller household")
    _overdue(world, overdue, key="CASELOAD:1")
    _overdue(world, overdue, key="CASELOAD:2")
    seen = _family(world, "Morgan household", child="Nia")
    nia = seen.members.get(given_name="Nia")
    record(world, family=seen, children={nia: {"seen": True, "seen_alone": True}}, ago=timedelta(days=40))
    visit = _family(world, "Price household")
    plan(world, family=visit, by=worker, start_in=timedelta(minutes=30))
    rest = _family(world, "Aardvark household")
    _family(world, "Manager household", by=world.users["involved_manager"])  # the agency's, not the worker's
    # world.family: Alfie has never been seen (ESC-8), so it comes straight after the overdue actions.
    return [_overdue_family, world.family, seen, visit, rest]


def test_the_caseload_is_ranked_by_what_needs_the_worker(world):
    expected = _caseload(world)
    entries = caseload_for(professional=world.users["involved_practitioner"])
    assert [e.family.name for e in entries] == [f.name for f in expected]
    overdue, never, forty, visit, rest = entries
    assert overdue.overdue == 2 and overdue.tier == 0
    assert never.child_not_seen.child == world.child and never.child_not_seen.days is None
    assert not never.child_not_seen.alone  # not seen at all comes before not seen alone
    assert (forty.child_not_seen.days, forty.child_not_seen.alone) == (40, False)  # ESC-8: 28 days; alone: 56
    assert timezone.localdate(visit.visit_today) == timezone.localdate() and visit.tier == 2
    assert rest.tier == 3 and not rest.needs_attention
    assert all(e.leads for e in entries)


def test_the_caseload_holds_only_families_the_worker_leads_or_visits_while_their_agency_is_involved(world):
    _caseload(world)
    police = world.users["other_involved"]  # police's lead professional for the world's family
    assert [e.family for e in caseload_for(professional=police)] == [world.family]
    housing = world.users["uninvolved"]  # created Other household, so leads it
    assert [e.family for e in caseload_for(professional=housing)] == [world.other_family]
    # The worker who visits without leading: a contact recorded in the last 90 days puts the family in.
    record(world, by=world.users["involved_manager"], ago=timedelta(days=3))
    manager_families = [e.family.name for e in caseload_for(professional=world.users["involved_manager"])]
    assert manager_families == ["Testing household", "Manager household"]
    assert not [e for e in caseload_for(professional=world.users["involved_manager"]) if e.family == world.family][0].leads
    # The school's involvement ended: its worker's caseload is empty, whatever they once did (P-4).
    assert caseload_for(professional=world.users["ended"]) == []


def test_the_practitioners_home_page_lists_the_caseload_in_that_order_with_what_needs_them(world, client):
    expected = _caseload(world)
    client.force_login(world.users["involved_practitioner"])
    page = client.get(reverse("home")).content.decode()
    page = page[page.index('id="caseload"'):]
    positions = [page.index(reverse("families:detail", args=[f.pk])) for f in expected]
    assert positions == sorted(positions)
    assert "You lead or visit 5 families." in page and "4 need you now: they come first." in page
    assert "2 overdue actions" in page and "Alfie not seen yet" in page and "Nia not seen for 40 days" in page
    assert "Visit today at " in page and "Nothing due" in page
    assert "Manager household" not in page and "Other household" not in page
    assert "Families your agency works with" not in page
    listed = set(AuditEvent.objects.filter(actor=world.users["involved_practitioner"],
                                           summary="Listed on home page")
                 .values_list("object_id", flat=True))
    assert listed == {str(f.pk) for f in expected}


def test_the_home_page_in_welsh(world, client):
    _caseload(world)
    client.force_login(world.users["involved_practitioner"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("home")).content.decode()
    assert "Eich llwyth achosion" in page and "2 gam gweithredu hwyr" in page and "Ni welwyd Alfie eto" in page


def _home_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_practitioners_home_page_runs_the_same_queries_for_a_caseload_three_times_the_size(world, client):
    worker = world.users["involved_practitioner"]
    _caseload(world)
    small = _home_queries(client, worker)
    for n in range(10):
        family = _family(world, f"Extra{n} household", child=f"Child{n}")
        _overdue(world, family, key=f"EXTRA:{n}")
        record(world, family=family, children={family.members.get(): {"seen": True}}, ago=timedelta(days=n))
    assert len(caseload_for(professional=worker)) == 15
    assert _home_queries(client, worker) == small <= 30


def test_issue_21_esc_8_each_family_is_ranked_by_its_own_partnerships_periods(world):
    """ESC-8 (issue 21): two children seen 40 days ago; the default partnership's 28 days make one stand out, the
    second partnership's 50 days do not. Settings read once for the list, not once per family."""
    from doorstep.testing.partnerships import second_partnership

    here, there = _family(world, "Morgan household", child="Nia"), _family(world, "Price household", child="Bryn")
    for family in (here, there):
        child = family.members.get(role=MemberRole.CHILD)
        record(world, family=family, children={child: {"seen": True, "seen_alone": True}}, ago=timedelta(days=40))
    second_partnership(world, settings={"ESC-8": {"not_seen_days": 50, "not_seen_alone_days": 60}},
                       families=[there])
    entries = {e.family.name: e for e in caseload_for(professional=world.users["involved_practitioner"])}
    assert entries["Morgan household"].child_not_seen.days == 40
    assert entries["Price household"].child_not_seen is None
