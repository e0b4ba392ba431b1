"""Issue 18: each role's home page says what to do next. A manager sees counters with links (visit plans to agree,
markers to authorise, overdue team actions, staff out on a visit now, supervisions due) and overdue actions by worker
as a bar chart with its table; an administrator sees undeliverable e-mails, tokens awaiting approval and locked
accounts; a practitioner their caseload (families/tests/test_caseload.py); the Board chair's page is the Board's.
Each page runs a fixed number of queries, whatever the numbers behind it."""

import re
from datetime import timedelta
from urllib.parse import urlencode

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from doorstep.agencies.models import Professional
from doorstep.markers import services as markers
from doorstep.markers.models import MarkerCategory
from doorstep.markers.selectors import current_address_of
from doorstep.notifications.models import EmailState, Notification, NotificationKind
from doorstep.testing.escalations import escalation_make
from doorstep.testing.factories import ProfessionalFactory
from doorstep.testing.world import partner_token
from doorstep.visits.tests.helpers import plan, started

COUNTER = re.compile(r'<a class="govuk-link govuk-link--no-visited-state ds-counter__link" href="([^"]*)">'
                     r'<span class="ds-counter__count ds-numeric">(\d+)</span> <span class="ds-counter__label">'
                     r'([^<]*)</span></a>')


def _counters(page: str) -> dict[str, tuple[int, str]]:
    return {label: (int(count), href.replace("&amp;", "&")) for href, count, label in COUNTER.findall(page)}


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def _overdue(world, *, owner, key):
    escalation_make(rule_id="ESC-1", clause="003 §7.9", key=key, title="Convene a multi-agency meeting", owner=owner,
                    family=world.family, deadline=timezone.now() - timedelta(days=2))


def _managers_day(world):
    """Something behind each of the manager's counters."""
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    plan(world, factors=["violence"])  # 003 §5.3: a plan with a risk factor waits for a manager
    started(world)  # out on a visit now
    markers.marker_raise(family=world.family, by=worker, address=current_address_of(family=world.family),
                         category=MarkerCategory.ANIMALS, nature="Two large dogs", advice="Phone ahead",
                         source="Health visitor", review_date=timezone.localdate() + timedelta(days=90), urgent=True)
    _overdue(world, owner=worker, key="HOME:1")
    _overdue(world, owner=worker, key="HOME:2")
    _overdue(world, owner=manager, key="HOME:3")
    # SUP-4: the worker joined long ago and has never been supervised.
    Professional.objects.filter(pk=worker.pk).update(date_joined=timezone.now() - timedelta(days=400))


def test_the_managers_home_page_counts_what_waits_for_them_with_links(world, client):
    _managers_day(world)
    page = _home(client, world.users["involved_manager"])
    assert "Your team" in page
    assert _counters(page) == {
        "Visit plans to agree": (1, reverse("visits:to_agree")),
        "Warning markers to authorise": (1, reverse("markers:awaiting")),
        "Overdue team actions": (3, reverse("escalations:team") + "?show=overdue"),
        "Out on a visit now": (1, reverse("visits:board")),
        "Supervisions due this week or overdue": (1, reverse("supervision:home")),
    }
    assert "1 urgent" in page
    assert "Your caseload" in page  # a manager may lead families too; they have none here


def test_the_managers_home_page_shows_overdue_actions_by_worker_as_a_chart_with_its_table(world, client):
    _managers_day(world)
    worker, manager = world.users["involved_practitioner"], world.users["involved_manager"]
    page = _home(client, manager)
    chart = page[page.index('id="chart-overdue-actions-by-worker"'):]
    chart = chart[:chart.index("</figure>")]
    assert 'role="img"' in chart and "<rect " in chart
    team = reverse("escalations:team")
    rows = re.findall(r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="([^"]*)">([^<]*)</a>'
                      r'</th>\s*<td class="govuk-table__cell govuk-table__cell--numeric ds-numeric">(\d+)</td>', chart)
    assert [(href.replace("&amp;", "&"), name, int(n)) for href, name, n in rows] == [
        (f"{team}?{urlencode({'show': 'overdue', 'owner': worker.pk})}", str(worker), 2),
        (f"{team}?{urlencode({'show': 'overdue', 'owner': manager.pk})}", str(manager), 1),
    ]
    # The link filters the team queue to that worker's overdue actions.
    client.force_login(manager)
    queue = client.get(rows[0][0].replace("&amp;", "&")).content.decode()
    assert queue.count("Convene a multi-agency meeting") == 2


def test_a_practitioner_and_the_board_chair_see_no_counters(world, client):
    _managers_day(world)
    page = _home(client, world.users["involved_practitioner"])
    assert not _counters(page) and "Overdue actions by worker" not in page and "Your caseload" in page
    page = _home(client, world.users["board_chair"])
    assert not _counters(page) and "Your caseload" not in page and "Accounts locked" not in page


def _administrators_day(world, *, locked=("health.worker",), failed=1):
    partner_token(world, approved=False, system_name="Awaiting system")
    partner_token(world, system_name="Approved system")
    for n in range(failed):
        Notification.objects.create(recipient=world.users["involved_practitioner"], kind=NotificationKind.ACTION,
                                    message="An action needs your attention", email_state=EmailState.FAILED,
                                    email_attempts=5, email_last_error="550 mailbox unavailable")
    for username in (*locked, "nobody-at-all"):  # failures on a name that is no account are no locked account
        AccessAttempt.objects.update_or_create(
            username=username, ip_address="192.0.2.10", user_agent="Firefox",
            defaults={"http_accept": "*/*", "path_info": "/accounts/login/", "get_data": "", "post_data": "",
                      "failures_since_start": 5, "attempt_time": timezone.now()})
    AccessAttempt.objects.update_or_create(
        username="police.worker", ip_address="192.0.2.11", user_agent="Firefox",
        defaults={"http_accept": "*/*", "path_info": "/accounts/login/", "get_data": "", "post_data": "",
                  "failures_since_start": 2})  # under the limit: not locked


def test_the_administrators_home_page_counts_emails_tokens_and_locked_accounts(world, client):
    _administrators_day(world)
    page = _home(client, world.users["administrator"])
    assert "Your administration tasks" in page
    assert _counters(page) == {
        "Undeliverable e-mails": (1, reverse("notifications:failed") + "?state=failed"),
        "Partner system tokens awaiting approval": (1, reverse("agencies:tokens")),
        "Accounts locked after failed sign-ins": (1, "#locked-accounts"),
    }
    locked = page[page.index('id="locked-accounts"'):]
    worker = world.users["involved_practitioner"]
    assert reverse("admin:agencies_professional_change", args=[worker.pk]) in locked
    assert "(health.worker)" in locked and "nobody-at-all" not in locked and "police.worker" not in locked
    assert "Your caseload" not in page


def test_a_lockout_that_has_cooled_off_is_not_counted(world, client, time_machine):
    _administrators_day(world)
    time_machine.shift(timedelta(hours=1, minutes=1))  # AXES_COOLOFF_TIME: one hour
    page = _home(client, world.users["administrator"])
    assert _counters(page)["Accounts locked after failed sign-ins"][0] == 0 and "No account is locked." in page


def test_the_managers_and_administrators_home_pages_in_welsh(world, client):
    _managers_day(world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = _home(client, world.users["involved_manager"])
    assert "Eich tîm" in page and escape("Cynlluniau ymweliad i'w cytuno") in page
    assert "Camau gweithredu hwyr fesul gweithiwr" in page
    page = _home(client, world.users["administrator"])
    assert "Eich tasgau gweinyddu" in page and escape("Cyfrifon wedi'u cloi ar ôl methu mewngofnodi") in page


def _queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_the_managers_and_administrators_home_pages_run_a_fixed_number_of_queries(world, client):
    manager, admin = world.users["involved_manager"], world.users["administrator"]
    _managers_day(world)
    _administrators_day(world)
    before = _queries(client, manager), _queries(client, admin)
    for n in range(4):  # more workers, each with overdue actions; more lockouts and failed e-mails
        worker = ProfessionalFactory(username=f"health.extra{n}", agency=manager.agency, line_manager=manager)
        _overdue(world, owner=worker, key=f"EXTRA:{n}")
        _overdue(world, owner=worker, key=f"EXTRA:{n}b")
    _administrators_day(world, locked=[f"health.extra{n}" for n in range(4)], failed=5)
    after = _queries(client, manager), _queries(client, admin)
    assert after == before
    assert before[0] <= 40 and before[1] <= 20
