"""Done-when for issue 8, in a real browser (Debian's Chromium through Playwright, against live_server):

an incident recorded by a health visitor makes the warning banner appear on the same family's case file for a
police officer and a teacher of involved agencies, in the same request cycle, and their managers have the alert
(a notification row) and the e-mail.

E-mail: Django's locmem backend (pytest-django's default in tests) with django-tasks' ImmediateBackend, so the
e-mail task that `notify` queues on commit runs synchronously inside the live server's request.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from doorstep.agencies.models import Professional
from doorstep.families import services as family_services
from doorstep.notifications.models import EmailState, Notification, NotificationKind
from doorstep.testing.browser import browser_page, sign_in
from doorstep.testing.factories import ProfessionalFactory

PASSWORD = "correct-horse-battery"  # browser_world's password for everyone


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "alarms", "email"]}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sign_in(page, base, username):
    page.context.clear_cookies()
    sign_in(page, base, username, PASSWORD)


@pytest.mark.browser
def test_an_incident_by_a_health_visitor_warns_police_and_school_and_alerts_their_managers(
        live_server, browser_world, immediate_tasks):
    from playwright.sync_api import expect

    world = browser_world
    health_visitor = world.users["involved_practitioner"]
    police_officer = world.users["other_involved"]  # the police force's lead professional
    school_manager = Professional.objects.get(username="school.manager")
    teacher = ProfessionalFactory(username="school.teacher", agency=school_manager.agency, line_manager=school_manager,
                                  password=PASSWORD)
    family_services.involvement_start(family=world.family, by=health_visitor, agency=teacher.agency,
                                      reason="Attendance and welfare", lead_professional=teacher)
    mail.outbox.clear()  # the school's manager is told the school is involved (issue 13); this test counts the alert
    when = timezone.localtime(timezone.now() - timedelta(hours=1))
    base = live_server.url

    with browser_page() as page:
        case_file = f"{base}/families/{world.family.pk}/safety/"  # issue 18: the case file's Safety sub page

        # Before: no warning on the case file.
        _sign_in(page, base, police_officer.username)
        page.goto(case_file)
        expect(page.locator("#risk-banner")).to_have_count(0)

        # The health visitor records the incident from the case file.
        _sign_in(page, base, health_visitor.username)
        page.goto(case_file)
        page.locator("#incidents-panel ~ p a", has_text="Record an incident").click()
        page.fill("#id_occurred_on_0", str(when.day))
        page.fill("#id_occurred_on_1", str(when.month))
        page.fill("#id_occurred_on_2", str(when.year))
        page.fill("#id_occurred_time", when.strftime("%H:%M"))
        page.check("input[name=at_home][value=yes]")
        page.check(f"input[name=people][value='{world.parent.pk}']")
        page.check("input[name=threats][value=shouting]")
        page.check("input[name=threats][value=intimidating_language]")
        page.check("input[name=threat_to_kill][value=yes]")
        page.check("input[name=injury][value=no]")
        page.check("input[name=police_informed][value=no]")
        page.fill("#id_account", "He stood in the doorway and said he would kill me if I came back.")
        page.get_by_role("button", name="Save and alert my manager").click()
        expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Incident recorded")

        # After: the police officer and the teacher see the warning on the same family's case file.
        for professional in (police_officer, teacher):
            _sign_in(page, base, professional.username)
            page.goto(case_file)
            banner = page.locator("#risk-banner")
            expect(banner).to_be_visible()
            expect(banner).to_contain_text("Warning: risk to professionals")
            expect(banner).to_contain_text("Threat to kill")
            # The fact of the risk, not the health visitor's own account.
            expect(page.locator("body")).not_to_contain_text("said he would kill me")

    # Their managers have the alert (ESC-5) and the e-mail, which carries no family data.
    for manager in (police_officer.line_manager, school_manager):
        note = Notification.objects.get(recipient=manager, kind=NotificationKind.VIOLENCE)
        assert note.mandatory and note.email_state == EmailState.SENT, note.email_last_error
        sent = [m for m in mail.outbox if m.to == [manager.email]]
        assert len(sent) == 1 and "Testing" not in sent[0].body + sent[0].subject
    # The health visitor's own manager has the ESC-4 alert and e-mail too.
    assert Notification.objects.filter(recipient=world.users["involved_manager"], kind=NotificationKind.VIOLENCE,
                                       email_state=EmailState.SENT).count() == 2  # follow-up and police report
