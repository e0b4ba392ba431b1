"""Issue 21: the partnership pages for administrators: the protocol and its rules with the clauses they cite,
changing the protocol (a reason required, an error summary linked to the field, nothing half-saved), a rule's
settings in the partnership, creating a partnership; in Welsh; reachable from the navigation; in a number of queries
that does not grow with the changes made (the access matrix, core/tests/test_access_matrix.py, covers refusals)."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doorstep.agencies.models import Agency, Role
from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found
from doorstep.escalations.services import rule_settings
from doorstep.partnerships.models import Partnership, PresetChange
from doorstep.partnerships.presets import BRIDGEND
from doorstep.partnerships.services import partnership_default, partnership_preset_change
from doorstep.testing.factories import ProfessionalFactory


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.users["administrator"])
    return client


def test_the_partnership_page_shows_its_protocol_rules_and_clauses(world, admin_client):
    partnership = partnership_default()
    partnership_preset_change(partnership=partnership, by=world.users["administrator"], preset=BRIDGEND.key,
                              reason="Board decision")
    html = admin_client.get(reverse("partnerships:detail", args=[partnership.pk])).content.decode()
    assert "Bridgend protocol 7.9" in html and "Not in this protocol" in html and "Board decision" in html
    assert reverse("partnerships:list") in admin_client.get(reverse("home")).content.decode()  # navigation


def test_esc_12_changing_the_protocol_without_a_reason_is_refused_linked_to_the_field(world, admin_client):
    partnership = partnership_default()
    url = reverse("partnerships:preset", args=[partnership.pk])
    html = admin_client.post(url, {"preset": BRIDGEND.key, "reason": ""}).content.decode()
    assert "govuk-error-summary" in html and 'href="#id_reason"' in html
    assert Partnership.objects.get(pk=partnership.pk).preset == "all-five" and not PresetChange.objects.exists()
    response = admin_client.post(url, {"preset": BRIDGEND.key, "reason": "Board decision"})
    assert response.status_code == 302 and Partnership.objects.get(pk=partnership.pk).preset == BRIDGEND.key


def test_esc_12_a_rule_setting_outside_its_range_is_refused_on_the_partnerships_page(world, admin_client):
    partnership = partnership_default()
    url = reverse("partnerships:rule_edit", args=[partnership.pk, "ESC-1"])
    html = admin_client.post(url, {"enabled": "on", "threshold": "99", "deadline_working_days": "10",
                                   "reason": "Stricter"}).content.decode()
    assert "govuk-error-summary" in html and 'href="#id_threshold"' in html
    assert rule_settings("ESC-1", partnership)[1]["threshold"] == 4
    response = admin_client.post(url, {"enabled": "on", "threshold": "3", "deadline_working_days": "10",
                                       "reason": "Stricter"})
    assert response.status_code == 302 and rule_settings("ESC-1", partnership)[1]["threshold"] == 3


def test_a_deployment_administrator_creates_a_partnership(world, admin_client):
    response = admin_client.post(reverse("partnerships:create"), {
        "name": "Milton Keynes", "nation": "england-wales", "preset": "milton-keynes",
        "agencies": [world.users["other_involved"].agency_id], "board_chairs": [world.users["board_chair"].pk]})
    created = Partnership.objects.get(name="Milton Keynes")
    assert response.status_code == 302 and list(created.agencies.all()) == [world.users["other_involved"].agency]
    html = admin_client.post(reverse("partnerships:create"), {}).content.decode()
    assert 'href="#id_name"' in html and "Enter the partnership&#x27;s name" in html


def test_a_partnerships_administrator_sees_only_their_own(world, client):
    own = ProfessionalFactory(username="mk.admin", agency=None, role=Role.ADMINISTRATOR)
    mine = Partnership.objects.create(name="Milton Keynes", nation="england-wales", preset="milton-keynes")
    mine.administrators.add(own)
    client.force_login(own)
    html = client.get(reverse("partnerships:list")).content.decode()
    assert "Milton Keynes" in html and partnership_default().name not in html
    assert client.get(reverse("partnerships:detail", args=[partnership_default().pk])).status_code == 403
    assert client.get(reverse("partnerships:create")).status_code == 403


def test_pages_in_welsh(world, admin_client):
    partnership = partnership_default()
    exact, patterns = _english_messages()
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    for url in (reverse("partnerships:list"), reverse("partnerships:create"),
                reverse("partnerships:detail", args=[partnership.pk]),
                reverse("partnerships:preset", args=[partnership.pk]),
                reverse("partnerships:rule_edit", args=[partnership.pk, "ESC-1"])):
        response = admin_client.get(url)
        assert response.status_code == 200
        # The world's agencies are named after their kinds ("Police") and have no Welsh names.
        names = {a.name for a in Agency.objects.all()}
        assert [t for t in english_found(response.content.decode(), exact, patterns)
                if t not in ALLOWED and t not in names] == [], url


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_partnership_pages_run_the_same_queries_however_many_changes(world, admin_client):
    partnership = partnership_default()
    urls = [reverse("partnerships:list"), reverse("partnerships:detail", args=[partnership.pk]),
            reverse("partnerships:rule_edit", args=[partnership.pk, "ESC-1"])]
    before = [_queries(admin_client, url) for url in urls]
    for n, preset in enumerate(["bridgend", "cwm-taf", "milton-keynes"]):
        partnership_preset_change(partnership=partnership, by=world.users["administrator"], preset=preset,
                                  reason=f"Change {n}")
        Partnership.objects.create(name=f"Extra {n}", nation="scotland", preset=preset)
    assert [_queries(admin_client, url) for url in urls] == before


def test_ovr_2_issue_21_the_create_form_takes_analysts_and_the_partnership_page_lists_its_report_readers(
        world, admin_client):
    analyst = world.users["analyst"]
    response = admin_client.post(reverse("partnerships:create"), {
        "name": "Milton Keynes", "nation": "england-wales", "preset": "milton-keynes",
        "board_chairs": [world.users["board_chair"].pk], "analysts": [analyst.pk]})
    created = Partnership.objects.get(name="Milton Keynes")
    assert response.status_code == 302 and list(created.analysts.all()) == [analyst]
    html = admin_client.get(reverse("partnerships:detail", args=[created.pk])).content.decode()
    assert "Analysts" in html and str(analyst) in html and str(world.users["board_chair"]) in html
    # Someone without the analyst role is not offered, and refused if sent (linked to the field, nothing saved).
    html = admin_client.post(reverse("partnerships:create"), {
        "name": "Elsewhere", "nation": "scotland", "preset": "bridgend",
        "analysts": [world.users["involved_manager"].pk]}).content.decode()
    assert 'href="#id_analysts' in html and not Partnership.objects.filter(name="Elsewhere").exists()
