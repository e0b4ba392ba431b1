"""The pages: My actions (the landing page's first section), the team queue, an action's detail with its facts and
history, acknowledging, completing and cancelling, the case-file banner, ESC-2's and ESC-6's pages, rule settings."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from doorstep.audit.models import AuditEvent
from doorstep.escalations.evaluate import family_evaluate
from doorstep.escalations.models import ClosureStep, Escalation, EscalationState, NonComplianceFinding, RuleSetting
from doorstep.testing.escalations import escalation_make

from .helpers import at, contact


def raise_action(world, *, key="TEST:1", owner=None, days=3, family=None, title="Convene a multi-agency meeting"):
    escalation, _ = escalation_make(
        rule_id="ESC-1", clause="003 §7.9", key=key, title=title, owner=owner or world.users["involved_practitioner"],
        family=family or world.family, deadline=timezone.now() + timedelta(days=days),
        facts=[{"text": "Four defaulted visits since 1 December", "link": f"/families/{world.family.pk}/"}],
    )
    return escalation


def login(client, world, role):
    client.force_login(world.users[role])
    return world.users[role]


def test_my_actions_is_the_first_section_of_the_landing_page(world, client):
    raise_action(world)
    login(client, world, "involved_practitioner")
    page = client.get("/").content.decode()
    assert page.index("My actions") < page.index("Your caseload")
    assert "Convene a multi-agency meeting" in page and world.family.name in page


def test_my_actions_shows_my_own_and_escalated_actions_with_overdue(world, client):
    mine = raise_action(world, key="A", days=-2)
    raise_action(world, key="B", owner=world.users["other_involved"], title="Police action")
    login(client, world, "involved_practitioner")
    page = client.get("/escalations/").content.decode()
    assert f"/escalations/{mine.pk}/" in page and "Overdue" in page and "Police action" not in page


def test_lists_hide_families_the_reader_can_no_longer_see(world, client):
    raise_action(world, key="other", family=world.other_family, title="Other family's action")
    login(client, world, "involved_practitioner")
    assert "Other family" not in client.get("/escalations/").content.decode()


def test_team_queue_shows_reports_actions_and_filters(world, client):
    raise_action(world, key="late", days=-1, title="Late one")
    raise_action(world, key="soon", days=5, title="Soon one")
    login(client, world, "involved_manager")
    page = client.get("/escalations/team/").content.decode()
    assert "Late one" in page and "Soon one" in page
    page = client.get("/escalations/team/?show=overdue").content.decode()
    assert "Late one" in page and "Soon one" not in page
    login(client, world, "uninvolved_manager")
    assert "Late one" not in client.get("/escalations/team/").content.decode()


def test_detail_shows_facts_with_links_and_history_and_is_audited(world, client):
    esc = raise_action(world)
    login(client, world, "other_involved")  # another involved agency may read it, not act on it
    page = client.get(f"/escalations/{esc.pk}/").content.decode()
    assert f'href="/families/{world.family.pk}/"' in page and "Four defaulted visits" in page
    assert "Raised" in page and "Mark as done" not in page
    assert AuditEvent.objects.filter(actor=world.users["other_involved"], family=world.family,
                                     summary="escalation").exists()
    assert client.post(f"/escalations/{esc.pk}/acknowledge/").status_code == 403


def test_acknowledge_then_done_with_an_outcome(world, client):
    esc = raise_action(world)
    login(client, world, "involved_practitioner")
    assert client.post(f"/escalations/{esc.pk}/acknowledge/").status_code == 302
    esc.refresh_from_db()
    assert esc.state == EscalationState.ACKNOWLEDGED
    response = client.post(f"/escalations/{esc.pk}/done/", {"outcome": ""})
    assert "Enter what was done" in response.content.decode() and "govuk-error-summary" in response.content.decode()
    response = client.post(f"/escalations/{esc.pk}/done/", {"outcome": "MARP held, plan agreed"})
    assert response.status_code == 302
    esc.refresh_from_db()
    assert esc.state == EscalationState.DONE and esc.outcome == "MARP held, plan agreed"
    assert list(esc.events.values_list("action", flat=True)) == ["raised", "acknowledged", "done"]


def test_the_manager_cancels_with_a_reason(world, client):
    esc = raise_action(world)
    manager = login(client, world, "involved_manager")
    client.post(f"/escalations/{esc.pk}/cancel/", {"reason": "Raised in error: the visits were rescheduled"})
    esc.refresh_from_db()
    assert esc.state == EscalationState.CANCELLED and esc.closed_by == manager


def test_case_file_banner_shows_open_actions_in_a_fixed_number_of_queries(world, client):
    login(client, world, "involved_practitioner")
    raise_action(world, key="k0", days=-1)
    with CaptureQueriesContext(connection) as one:
        page = client.get(f"/families/{world.family.pk}/").content.decode()
    assert "1 action open, 1 overdue" in page and "Overdue" in page
    for i in range(1, 12):
        raise_action(world, key=f"k{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"/families/{world.family.pk}/").content.decode()
    # Issue 18: the banner says it in one line, linking to the Overview's list of every open action.
    assert "12 actions open, 1 overdue" in page and f'href="/families/{world.family.pk}/#open-actions"' in page
    assert len(re.findall(r'href="/escalations/\d+/"', page)) == 12 and 'id="open-actions"' in page
    assert len(many.captured_queries) == len(one.captured_queries)
    assert "Record evidence of non-compliance" in page  # the side panel


@pytest.mark.clock("2026-12-24 10:00")
def test_recording_non_compliance_raises_esc_2_for_the_manager(world, client, time_machine):
    login(client, world, "involved_practitioner")
    url = f"/escalations/families/{world.family.pk}/non-compliance/"
    response = client.post(url, {"evidence": "", "concerns": "", "identified_on_0": "31", "identified_on_1": "12",
                                 "identified_on_2": "2026"})
    content = response.content.decode()
    assert "Enter evidence of non-compliance" in content and "must be today or in the past" in content
    assert not NonComplianceFinding.objects.exists()
    response = client.post(url, {"evidence": "Three appointments missed", "concerns": "Neglect",
                                 "identified_on_0": "24", "identified_on_1": "12", "identified_on_2": "2026"})
    assert response.status_code == 302
    esc = Escalation.objects.get(rule_id="ESC-2")
    assert esc.owner == world.users["involved_manager"]
    assert timezone.localtime(esc.deadline).date() == date(2027, 1, 7)
    assert f"#finding-{NonComplianceFinding.objects.get().pk}" in esc.facts[0]["link"]


def test_ending_page_explains_what_is_missing_and_records_a_consultation(world, client):
    worker = login(client, world, "involved_practitioner")
    for d in (3, 1):
        contact(world.family, worker, timezone.localdate() - timedelta(days=d))
    family_evaluate(family=world.family)
    url = f"/escalations/involvements/{world.involvement.pk}/before-ending/"
    page = client.get(url).content.decode()
    assert "Access difficulties are unresolved" in page and "Consult Police" in page
    police = world.users["other_involved"].agency
    today = timezone.localdate()
    response = client.post(url, {"kind": "consultation", "agency": police.pk, "person": "PC Jones",
                                 "held_on_0": today.day, "held_on_1": today.month, "held_on_2": today.year,
                                 "note": "Police stay involved"})
    assert response.status_code == 302
    assert ClosureStep.objects.get().agency == police
    assert "Consult Police" not in client.get(url).content.decode()
    # The foundation's page refuses the ending and says why.
    response = client.post(f"/families/involvements/{world.involvement.pk}/end/", {"reason": "Not engaging"})
    assert "multi-agency plan" in response.content.decode()


def test_administrator_changes_a_rule_setting_with_a_reason(world, client):
    admin = login(client, world, "administrator")
    page = client.get("/escalations/rules/").content.decode()
    assert "ESC-8" in page and "003 §7.9" in page
    url = "/escalations/rules/ESC-8/"
    response = client.post(url, {"enabled": "on", "not_seen_days": "500", "not_seen_alone_days": "56",
                                 "deadline_working_days": "5", "reason": ""})
    content = response.content.decode()
    assert "Enter why you are changing the settings" in content and "365" in content
    response = client.post(url, {"enabled": "on", "not_seen_days": "14", "not_seen_alone_days": "56",
                                 "deadline_working_days": "5", "reason": "Board decision of 3 March"})
    assert response.status_code == 302
    assert RuleSetting.objects.get(rule_id="ESC-8").parameters["not_seen_days"] == 14
    assert AuditEvent.objects.filter(actor=admin, summary__contains="not_seen_days 28 -> 14").exists()
    assert "Board decision of 3 March" in client.get("/escalations/rules/").content.decode()


def _partnership_administrators(world):
    """Issue 21: partnership A (the default, where the world's families are) and B, each with its own administrator."""
    from doorstep.agencies.models import Role
    from doorstep.partnerships.services import partnership_default
    from doorstep.testing.factories import ProfessionalFactory
    from doorstep.testing.partnerships import second_partnership

    admin_a = ProfessionalFactory(username="a.admin", agency=None, role=Role.ADMINISTRATOR)
    admin_b = ProfessionalFactory(username="b.admin", agency=None, role=Role.ADMINISTRATOR)
    a = partnership_default()
    a.administrators.add(admin_a)
    b = second_partnership(world, administrators=[admin_b])
    return a, b, admin_a, admin_b


def test_issue_21_a_partnership_administrator_is_sent_to_their_own_partnerships_rules(world, client):
    a, b, admin_a, admin_b = _partnership_administrators(world)
    client.force_login(admin_b)
    assert client.get("/escalations/rules/")["Location"] == f"/partnerships/{b.pk}/"
    assert client.get("/escalations/rules/ESC-8/")["Location"] == f"/partnerships/{b.pk}/rules/ESC-8/"
    # A POST to the old page changes nothing in the default partnership: it is sent to its own page.
    response = client.post("/escalations/rules/ESC-8/", {"enabled": "on", "not_seen_days": "14",
                                                          "not_seen_alone_days": "56", "deadline_working_days": "5",
                                                          "reason": "Not mine"})
    assert response.status_code == 302
    from doorstep.escalations.services import rule_settings

    assert rule_settings("ESC-8", a)[1]["not_seen_days"] == 28 and not RuleSetting.objects.filter(
        rule_id="ESC-8", updated_by=admin_b).exists()


def test_issue_21_an_administrator_of_a_is_refused_bs_rule_settings_by_page_and_service(world, client):
    from django.core.exceptions import PermissionDenied

    from doorstep.escalations.services import rule_settings, rule_settings_update

    a, b, admin_a, admin_b = _partnership_administrators(world)
    client.force_login(admin_a)
    assert client.get(f"/partnerships/{b.pk}/").status_code == 403
    response = client.post(f"/partnerships/{b.pk}/rules/ESC-8/", {
        "enabled": "on", "not_seen_days": "14", "not_seen_alone_days": "56", "deadline_working_days": "5",
        "reason": "Not my partnership"})
    assert response.status_code == 403
    assert rule_settings("ESC-8", b)[1]["not_seen_days"] == 28
    with pytest.raises(PermissionDenied):
        rule_settings_update(rule_id="ESC-8", by=admin_a, enabled=True, partnership=b, reason="Not mine",
                             parameters={**rule_settings("ESC-8", b)[1], "not_seen_days": 14})
    assert rule_settings("ESC-8", b)[1]["not_seen_days"] == 28
    # Their own partnership's: allowed.
    rule_settings_update(rule_id="ESC-8", by=admin_a, enabled=True, partnership=a, reason="Board decision",
                         parameters={**rule_settings("ESC-8", a)[1], "not_seen_days": 14})
    assert (rule_settings("ESC-8", a)[1]["not_seen_days"], rule_settings("ESC-8", b)[1]["not_seen_days"]) == (14, 28)


def test_issue_21_a_deployment_administrator_sees_the_default_partnerships_rules_with_a_link_to_every_one(
        world, client, django_assert_max_num_queries):
    from doorstep.escalations.services import rule_settings
    from doorstep.partnerships.services import partnership_default
    from doorstep.testing.partnerships import second_partnership

    b = second_partnership(world)
    login(client, world, "administrator")
    with django_assert_max_num_queries(12):
        page = client.get("/escalations/rules/").content.decode()
    assert "These are the settings of the default partnership" in page and 'href="/partnerships/"' in page
    response = client.post("/escalations/rules/ESC-8/", {
        "enabled": "on", "not_seen_days": "14", "not_seen_alone_days": "56", "deadline_working_days": "5",
        "reason": "Board decision"})
    assert response.status_code == 302
    assert rule_settings("ESC-8", partnership_default())[1]["not_seen_days"] == 14
    assert rule_settings("ESC-8", b)[1]["not_seen_days"] == 28
    assert "Board decision" in client.get("/escalations/rules/").content.decode()


def test_navigation_entries(world, client):
    login(client, world, "involved_manager")
    page = client.get("/").content.decode()
    assert 'href="/escalations/"' in page and 'href="/escalations/team/"' in page
    assert 'href="/escalations/rules/"' not in page
    login(client, world, "administrator")
    assert 'href="/escalations/rules/"' in client.get("/").content.decode()


@pytest.mark.parametrize("language", ["cy"])
def test_pages_in_welsh(world, client, language):
    from doorstep.escalations.engine import family_rules_evaluate

    worker = login(client, world, "involved_practitioner")
    for d in (21, 14, 7, 0):
        contact(world.family, worker, timezone.localdate() - timedelta(days=d))
    family_rules_evaluate(family=world.family)
    esc = Escalation.objects.get(rule_id="ESC-1")
    client.cookies["doorstep_language"] = language
    page = client.get(f"/escalations/{esc.pk}/").content.decode()
    assert escape(esc.translations["cy"]["title"]) in page and esc.title not in page
    assert "Pam y codwyd" in page  # "Why this action was raised"


# --- API ---------------------------------------------------------------------------------------------------------

def test_api_lists_my_actions_and_the_team_queue(world, client):
    esc = raise_action(world)
    login(client, world, "involved_practitioner")
    data = client.get("/api/v1/escalations/").json()
    assert [r["id"] for r in data["results"]] == [esc.pk]
    assert data["results"][0]["facts"][0]["text"].startswith("Four defaulted")
    assert client.get("/api/v1/escalations/?scope=team").status_code == 403
    login(client, world, "involved_manager")
    assert [r["id"] for r in client.get("/api/v1/escalations/?scope=team").json()["results"]] == [esc.pk]


def test_api_complete_and_refusals(world, client):
    esc = raise_action(world)
    login(client, world, "other_involved")
    assert client.get(f"/api/v1/escalations/{esc.pk}/").json()["events"][0]["action"] == "raised"
    assert client.post(f"/api/v1/escalations/{esc.pk}/complete/", {"outcome": "x"},
                       content_type="application/json").status_code == 403
    login(client, world, "involved_practitioner")
    response = client.post(f"/api/v1/escalations/{esc.pk}/complete/", {"outcome": ""}, content_type="application/json")
    assert response.status_code == 400 and "outcome" in response.json()
    response = client.post(f"/api/v1/escalations/{esc.pk}/complete/", {"outcome": "Held"},
                           content_type="application/json")
    assert response.json()["state"] == "done"
    response = client.post(f"/api/v1/escalations/{esc.pk}/cancel/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 400  # already closed, with the reason
    login(client, world, "uninvolved")
    assert client.get(f"/api/v1/escalations/{esc.pk}/").status_code == 404


def test_emergency_access_cannot_act_on_a_familys_action(world, client):
    """Issue 13 (finding 3, found by the every-method matrix): the owner of a family's action whose agency is no
    longer involved reads it on emergency access only; acknowledging, completing or cancelling it (which writes to
    the family's chronology) is refused on the pages, before any form, and through the API. Nothing changes."""
    from doorstep.families import services as family_services
    from doorstep.families.models import BreakGlassGround

    owner = world.users["other_involved"]  # the police lead
    police = world.family.involvements.get(agency=owner.agency, ended_on__isnull=True)
    family_services.involvement_end(involvement=police, by=owner, reason="Police work finished")
    family_services.break_glass_open(professional=owner, family_reference=world.family.reference,
                                     ground=BreakGlassGround.POLICE_AT_ADDRESS, reason="Called to the address")
    esc = raise_action(world, owner=owner)  # e.g. raised before the ending and not yet closed
    login(client, world, "other_involved")
    detail = client.get(f"/escalations/{esc.pk}/")
    assert detail.status_code == 200 and f"/escalations/{esc.pk}/done/" not in detail.content.decode()
    assert client.post(f"/escalations/{esc.pk}/acknowledge/").status_code == 403
    for page, data in (("done", {"outcome": "Held"}), ("cancel", {"reason": "Not needed"})):
        assert client.get(f"/escalations/{esc.pk}/{page}/").status_code == 403
        assert client.post(f"/escalations/{esc.pk}/{page}/", {}).status_code == 403
        assert client.post(f"/escalations/{esc.pk}/{page}/", data).status_code == 403
    for action, data in (("acknowledge", {}), ("complete", {"outcome": "Held"}), ("cancel", {"reason": "x"})):
        assert client.post(f"/api/v1/escalations/{esc.pk}/{action}/", data,
                           content_type="application/json").status_code == 403
    esc.refresh_from_db()
    assert esc.state == EscalationState.OPEN and list(esc.events.values_list("action", flat=True)) == ["raised"]


# --- Issue 18: rules in plain words --------------------------------------------------------------------------------

def _details(page: str) -> list[str]:
    import re

    return re.findall(r'<details class="govuk-details[^"]*ds-rule-why.*?</details>', page, re.S)


def test_actions_are_listed_by_the_rules_plain_title_with_the_rule_id_inside_why_doorstep_asks_this(world, client):
    """Issue 18 (ESC-12: each rule cites its clause, but not as the line a practitioner reads): "ESC-1 · 003 §7.9"
    becomes the rule's title; the ID and clause are inside a "Why Doorstep asks this" details component."""
    esc = raise_action(world)
    login(client, world, "involved_practitioner")
    for url in ("/escalations/", f"/escalations/{esc.pk}/"):
        page = client.get(url).content.decode()
        assert "ESC-1 · 003 §7.9" not in page
        assert "Defaulted visits and appointments" in page  # ESC-1's title
        details = _details(page)
        assert details and "Why Doorstep asks this" in details[0]
        assert "ESC-1" in details[0] and "003 §7.9" in details[0]
        assert "ESC-1" not in page.replace(details[0], "")  # nowhere else on the page
    client.cookies["doorstep_language"] = "cy"
    page = client.get("/escalations/").content.decode()
    assert "Pam mae Doorstep yn gofyn hyn" in page and "Why Doorstep asks this" not in page


def test_team_actions_filter_by_the_rules_name_listing_every_rule(world, client):
    from doorstep.escalations.rules import RULES

    raise_action(world, key="one", title="Late one")
    login(client, world, "involved_manager")
    page = client.get("/escalations/team/").content.decode()
    for definition in RULES.values():
        assert f'<option value="{definition.rule_id}">{escape(str(definition.title))}</option>' in page
    assert '<option value="ESC-1">ESC-1</option>' not in page
    assert "Late one" in client.get("/escalations/team/", {"rule": "ESC-1"}).content.decode()
    assert "Late one" not in client.get("/escalations/team/", {"rule": "ESC-8"}).content.decode()


def test_the_history_is_an_moj_timeline_newest_first(world, client):
    esc = raise_action(world)
    worker = login(client, world, "involved_practitioner")
    client.post(f"/escalations/{esc.pk}/acknowledge/")
    page = client.get(f"/escalations/{esc.pk}/").content.decode()
    timeline = page[page.index('<div class="moj-timeline">'):]
    assert timeline.index("Acknowledged") < timeline.index("Raised")
    assert f"by {worker}" in timeline


def test_the_api_keeps_the_rule_id_and_adds_its_title(world, client):
    esc = raise_action(world)
    login(client, world, "involved_practitioner")
    body = client.get(f"/api/v1/escalations/{esc.pk}/").json()
    assert body["rule_id"] == "ESC-1" and body["clause"] == "003 §7.9"
    assert body["rule_title"] == "Defaulted visits and appointments"
