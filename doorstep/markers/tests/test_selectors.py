"""FLG-1 reads of markers at scale (issue 15): a family's shown markers and the address check are UNIONs of two
indexed lookups, in a fixed number of queries, and find exactly what the OR across the join found."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstep.markers.models import MarkerCategory
from doorstep.markers.selectors import address_check, markers_shown_for_family

from .test_services import raise_marker
from .test_views import _address_marker


def test_a_familys_shown_markers_are_its_peoples_and_its_addresss_in_at_most_three_queries(world):
    on_parent = raise_marker(world, by="involved_manager")
    on_address = _address_marker(world)
    on_other_family = raise_marker(world, by="uninvolved_manager", family=world.other_family, person=None,
                                   address=world.other_family.addresses.get().address,
                                   category=MarkerCategory.ANIMALS, advice="Dogs")
    with CaptureQueriesContext(connection) as queries:
        shown = markers_shown_for_family(family=world.family, professional=world.users["involved_practitioner"])
    assert {m.pk for m in shown} == {on_parent.pk, on_address.pk} and on_other_family.pk not in {m.pk for m in shown}
    assert len(queries) <= 3
    markers_query = next(q["sql"] for q in queries if 'FROM "markers_warningmarker"' in q["sql"])
    # Not `person.family_id = f OR address_id = a` over the join, which scanned every person (issue 15).
    assert "UNION" in markers_query and ' OR "markers_warningmarker"."address_id"' not in markers_query


def test_the_address_check_finds_markers_on_the_address_and_on_the_people_living_there(world):
    raise_marker(world, by="involved_manager")  # on Kelly Testing, who lives at 1 Heol y Felin
    _address_marker(world)
    with CaptureQueriesContext(connection) as queries:
        found = address_check(professional=world.users["uninvolved"], postcode="af1 1aa", line1="1 Heol y Felin")
    assert found == [{"address": "1 Heol y Felin, Afonwy, AF1 1AA",
                      "advice": ["Phone ahead; dogs shut away.", "Two workers, daylight only."]}]
    assert any("UNION" in q["sql"] for q in queries)
    assert address_check(professional=world.users["uninvolved"], postcode="AF1 1AA", line1="10") == []
