"""Issue 6, done when: a designated postholder in housing calls a MARP from the escalation, invites three agencies
and a specialist, records the minutes with a plan of three actions for three agencies and circulates them; each
owner sees their action; the Board chair sees the minutes and nothing else of the family."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from doorstep.agencies.models import AgencyKind, Role
from doorstep.testing.escalations import escalation_make
from doorstep.families import services as family_services
from doorstep.meetings.models import Meeting, MinutesState
from doorstep.testing.browser import browser_page, sign_in
from doorstep.testing.factories import AgencyFactory, ProfessionalFactory

PASSWORD = "correct-horse-battery"


def _fill_date(page, field: str, day) -> None:
    page.fill(f"#id_{field}_0", str(day.day))
    page.fill(f"#id_{field}_1", str(day.month))
    page.fill(f"#id_{field}_2", str(day.year))


def _as(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, username, PASSWORD)


@pytest.mark.browser
def test_housing_calls_a_marp_and_the_plan_reaches_each_owner_and_the_board_chair(live_server, browser_world):
    w = browser_world
    housing = w.users["uninvolved"].agency
    postholder = w.users["uninvolved_manager"]
    postholder.is_designated_postholder = True
    postholder.save()
    csc = AgencyFactory(name="Children's Services", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
    social_worker = ProfessionalFactory(username="csc.worker", agency=csc, first_name="Siân", last_name="Social")
    probation = AgencyFactory(name="Probation", kind=AgencyKind.PROBATION)
    specialist = ProfessionalFactory(username="probation.officer", agency=probation, first_name="Owain",
                                     last_name="Officer")
    health, police = w.users["involved_practitioner"], w.users["other_involved"]
    family = family_services.family_create(by=w.users["uninvolved"], name="Browser household", reason="Arrears",
                                           line1="3 Lôn Las", town="Afonwy", postcode="AF3 3CC")
    family_services.person_add(family=family, by=w.users["uninvolved"], role="child", given_name="Seren",
                               family_name="Browser")
    for lead in (health, police, social_worker):
        family_services.involvement_start(family=family, by=w.users["uninvolved"], agency=lead.agency,
                                          reason="Working with the family", lead_professional=lead)
    with transaction.atomic():  # the engine runs inside its caller's transaction
        escalation, _ = escalation_make(
            rule_id="ESC-1", clause="003 §7.9", key=f"ESC-1:family:{family.pk}", family=family,
            owner=w.users["uninvolved"], title="Convene a multi-agency meeting: 4 defaulted visits",
            deadline=timezone.now() + timedelta(days=10), facts=[{"text": "Fourth defaulted visit", "link": ""}])
    base = live_server.url
    tomorrow = timezone.localdate() + timedelta(days=1)

    with browser_page() as page:
        # The housing postholder calls the MARP from the escalation, on the case file.
        _as(page, base, postholder.username)
        page.goto(f"{base}/families/{family.pk}/")
        page.locator(".moj-sub-navigation").get_by_role("link", name="Meetings and plan").click()  # issue 18
        page.click("a:has-text('Call the meeting this asks for')")
        assert page.locator("#id_kind_0").is_checked()  # MARP, as ESC-1 asks
        _fill_date(page, "starts_on", tomorrow)
        page.fill("#id_start_time", "10:00")
        page.fill("#id_location", "Housing office, room 1")
        page.fill("#id_parents_excluded_reason", "The father's threats would impair information sharing")
        page.click("button:has-text('Call the meeting')")
        # Invite: each involved agency's lead is ticked; housing is there already (its postholder chairs), so
        # invite the other three agencies' leads, and a specialist from probation.
        page.uncheck(f"input[name=invitees][value='{w.users['uninvolved'].pk}']")
        checked = page.locator("input[name=invitees]:checked")
        assert sorted(checked.nth(i).get_attribute("value") for i in range(checked.count())) == sorted(
            str(p.pk) for p in (health, police, social_worker))
        page.select_option("#id_specialist", str(specialist.pk))
        page.fill("#id_specialist_reason", "The father is on licence")
        page.click("button:has-text('Send the invitations')")
        assert "Invitations are being e-mailed" in page.inner_text("main")
        meeting = Meeting.objects.get(family=family)
        assert meeting.escalation_id == escalation.pk and meeting.invitations.count() == 5

        # The specialist sees only the confidentiality terms until they accept them.
        _as(page, base, specialist.username)
        page.goto(f"{base}/meetings/{meeting.pk}/")
        assert "Before you see anything" in page.inner_text("h1")
        page.check("#id_accept")
        page.click("button:has-text('Accept and continue')")
        assert page.locator("h1").inner_text() == "Multi-agency risk panel (MARP)"

        # The chair records the meeting as held and writes the minutes with a plan of three actions.
        _as(page, base, postholder.username)
        page.goto(f"{base}/meetings/{meeting.pk}/held/")
        _fill_date(page, "held_on", timezone.localdate())
        for box in page.locator("input[name=attended]").all():
            box.check()
        page.click("button:has-text('Record as held')")
        page.fill("#id_concerns", "Four defaulted visits; threats to the tenancy officer.")
        for role in page.locator("textarea[name^=role_]").all():
            role.fill("Role reviewed and agreed.")
        page.check("#id_plan_agreed_0")
        page.fill("#id_sharing_with_family", "The social worker writes to the mother within five days.")
        page.check("#id_no_dissent")
        page.check("input[name=outcome][value=continue]")
        page.click("button:has-text('Save and add an action')")
        due = timezone.localdate() + timedelta(days=14)
        for n, owner in enumerate((health, police, social_worker)):
            page.fill("#id_description", f"Action for {owner.agency.name}")
            page.select_option("#id_agency", str(owner.agency_id))
            page.select_option("#id_owner", str(owner.pk))
            _fill_date(page, "due_date", due)
            page.click("button:has-text('Add it and add another')" if n < 2 else "button:has-text('Add the action')")
        from playwright.sync_api import expect

        expect(page.locator("table tbody tr")).to_have_count(3)  # waits for the page the last click loads
        page.click("button:has-text('Save and approve')")
        assert "Minutes approved" in page.inner_text("main")
        page.click("button:has-text('Circulate the minutes')")
        assert "Minutes circulated" in page.inner_text("main")
        assert meeting.minutes.__class__.objects.get(meeting=meeting).state == MinutesState.CIRCULATED

        # Each owner sees their own action.
        for owner in (health, police, social_worker):
            _as(page, base, owner.username)
            page.goto(f"{base}/meetings/")
            actions = page.inner_text("#plan-actions + table")
            assert f"Action for {owner.agency.name}" in actions
            assert sum(f"Action for {o.agency.name}" in actions for o in (health, police, social_worker)) == 1

        # The Board chair sees the minutes, and nothing else of the family.
        chair = w.users["board_chair"]
        assert chair.role == Role.BOARD_CHAIR
        _as(page, base, chair.username)
        page.click(f"a:has-text('MARP held on')")
        minutes_text = page.inner_text("main")
        assert "Browser household" in minutes_text and "Action for Police" in minutes_text
        assert page.locator(f"a[href='/families/{family.pk}/']").count() == 0
        for path in (f"/families/{family.pk}/", f"/meetings/{meeting.pk}/", f"/meetings/families/{family.pk}/"):
            response = page.goto(base + path)
            assert response.status in (403, 404) and "Seren" not in page.content()
