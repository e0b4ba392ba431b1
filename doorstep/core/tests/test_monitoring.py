"""Issue 16 "when nobody is watching the alarms" (SAF-3): with no fresh worker heartbeat, managers and duty managers
see a red banner on every page, administrators on their home page, a worker's visit page asks them to phone in, and
the administrators are e-mailed once per outage. A fresh heartbeat clears it all."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from doorstep.core.heartbeat import heartbeat_beat, heartbeat_start
from doorstep.notifications.models import EmailState, Notification
from doorstep.visits.tests.helpers import started

BANNER = 'id="monitoring-down"'
TEXT = "Alarm monitoring is not running: lone-working alarms and deadlines are not being raised"


@pytest.fixture
def warnings_on(settings):
    settings.DOORSTEP_MONITORING_WARNINGS = True


def _page(client, user, url) -> str:
    cache.clear()  # each web process caches the answer for a few seconds
    client.force_login(user)
    return client.get(url).content.decode()


def test_a_stopped_heartbeat_is_seen_by_managers_administrators_and_workers_on_visits(world, client, time_machine,
                                                                                     warnings_on):
    beat = heartbeat_start(host="worker-1", pid=1)
    manager, worker, admin = (world.users[r] for r in ("involved_manager", "involved_practitioner", "administrator"))
    visit = started(world)
    family_page = reverse("families:detail", args=[world.family.pk])
    assert BANNER not in _page(client, manager, family_page)
    assert BANNER not in _page(client, admin, "/")
    assert "phone-in" not in _page(client, worker, reverse("visits:out", args=[visit.pk]))

    # The worker stops: a minute later, nobody is watching the alarms.
    time_machine.shift(timedelta(seconds=61))
    home = _page(client, manager, "/")
    assert BANNER in home and TEXT in home  # the duty manager, on every page
    assert BANNER in _page(client, manager, family_page)
    assert BANNER in _page(client, admin, "/")
    assert BANNER not in _page(client, admin, reverse("notifications:inbox"))  # administrators: their home page
    out = _page(client, worker, reverse("visits:out", args=[visit.pk]))
    assert 'id="phone-in"' in out and "Phone the office when you arrive and again when you leave" in out
    assert 'id="phone-in"' in _page(client, worker, reverse("visits:detail", args=[visit.pk]))
    assert BANNER not in _page(client, world.users["other_involved"], "/")  # a practitioner not on a visit page

    # The administrators are e-mailed once for this outage, however many pages show the banner.
    _page(client, manager, "/")
    (note,) = Notification.objects.filter(dedupe_key__startswith="monitoring-down:")
    assert note.recipient == admin and note.email_state == EmailState.CREATED and note.mandatory

    # The worker comes back: everything clears.
    heartbeat_beat(heartbeat_id=beat.pk)
    assert BANNER not in _page(client, manager, family_page)
    assert BANNER not in _page(client, admin, "/")
    assert 'id="phone-in"' not in _page(client, worker, reverse("visits:out", args=[visit.pk]))

    # A second outage is a new e-mail.
    time_machine.shift(timedelta(seconds=61))
    _page(client, manager, "/")
    assert Notification.objects.filter(dedupe_key__startswith="monitoring-down:").count() == 2


def test_no_warnings_while_a_worker_runs(world, client, warnings_on):
    heartbeat_start(host="worker-1", pid=1)
    assert BANNER not in _page(client, world.users["involved_manager"], "/")
    assert not Notification.objects.filter(dedupe_key__startswith="monitoring-down:").exists()
