"""Issue 13: what a session keeps, how long it lasts, and what a browser may cache (findings 6, 8 and 11)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.chronology.models import ChronologyEntry
from doorstep.core.drafts import DRAFT_PREFIX


def _drafts(client) -> dict:
    return {k: v for k, v in client.session.items() if k.startswith(DRAFT_PREFIX)}


@pytest.fixture
def timed_out(world, time_machine):
    """A practitioner whose session timed out with the analysis page open (CSRF checked as in a browser)."""
    time_machine.move_to(timezone.now(), tick=False)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["involved_practitioner"])
    entry = ChronologyEntry.objects.filter(family=world.family).first()
    url = reverse("chronology:comment", args=[entry.pk])
    assert client.get(url).status_code == 200  # the page sets the CSRF cookie, as a browser's first visit does
    time_machine.shift(timedelta(minutes=31))
    return client, url


def _post_typed(client, url, text="Pattern of missed visits since May", csrf=True):
    data = {"text": text}
    if csrf:
        data["csrfmiddlewaretoken"] = client.cookies[settings.CSRF_COOKIE_NAME].value
    return client.post(url, data)


def test_what_was_typed_when_the_session_timed_out_is_put_back_for_the_same_person(world, timed_out):
    client, url = timed_out
    response = _post_typed(client, url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    client.force_login(world.users["involved_practitioner"])
    html = client.get(url).content.decode()
    assert "Pattern of missed visits since May" in html
    assert "Pattern of missed visits" not in client.get(url).content.decode()  # offered once


def test_a_cross_site_post_is_not_rescued_into_the_next_persons_form(world, timed_out):
    client, url = timed_out
    response = _post_typed(client, url, text="Planted by another site", csrf=False)
    assert response.status_code == 403
    assert not _drafts(client)
    client.force_login(world.users["involved_practitioner"])
    assert "Planted by another site" not in client.get(url).content.decode()


def test_an_anonymous_post_with_no_ended_session_is_not_rescued(world, db):
    entry = ChronologyEntry.objects.filter(family=world.family).first()
    url = reverse("chronology:comment", args=[entry.pk])
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))  # a CSRF cookie, but nobody has signed in on this browser
    response = _post_typed(client, url, text="From nobody")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not _drafts(client)


def test_a_rescued_draft_is_discarded_when_someone_else_signs_in(world, timed_out):
    client, url = timed_out
    _post_typed(client, url, text="The practitioner's own words")
    assert _drafts(client)
    client.force_login(world.users["involved_manager"])  # may read the same entry
    assert not _drafts(client)
    assert "own words" not in client.get(url).content.decode()


def test_a_draft_is_offered_only_to_the_person_whose_session_ended(world, client):
    from doorstep.core.drafts import draft_keep

    entry = ChronologyEntry.objects.filter(family=world.family).first()
    url = reverse("chronology:comment", args=[entry.pk])
    client.force_login(world.users["involved_manager"])
    session = client.session
    draft_keep(session, path=url, owner_id=world.users["involved_practitioner"].pk, data={"text": ["Not yours"]})
    session.save()
    assert "Not yours" not in client.get(url).content.decode()


def test_the_absolute_session_lifetime_signs_out_a_busy_session_after_ten_hours(world, client, time_machine):
    assert settings.DOORSTEP_SESSION_ABSOLUTE_SECONDS == 10 * 3600
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(world.users["involved_practitioner"])
    for _ in range(29):  # a request every 20 minutes: never idle for 30
        time_machine.shift(timedelta(minutes=20))
        assert client.get(reverse("home")).status_code == 200
    html = client.get(reverse("home")).content.decode()
    assert 'data-session-timeout="1200"' in html  # the warning counts down to the nearer end: 20 minutes left
    time_machine.shift(timedelta(minutes=20))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_absolute_session_lifetime_is_a_setting(world, client, settings, time_machine):
    settings.DOORSTEP_SESSION_ABSOLUTE_SECONDS = 3600
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(world.users["involved_practitioner"])
    for _ in range(2):
        time_machine.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(minutes=2))
    assert client.get(reverse("home")).status_code == 302


def test_signed_in_responses_are_never_stored_by_a_cache(world, client):
    client.force_login(world.users["involved_practitioner"])
    for url in (reverse("home"), reverse("families:detail", args=[world.family.pk]),
                reverse("chronology:csv", args=[world.family.pk]), reverse("family-list"),
                reverse("family-detail", args=[world.family.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_static_files_may_still_be_cached(world, client):
    client.force_login(world.users["involved_practitioner"])
    response = client.get(settings.STATIC_URL + "doorstep.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_throttles_each_user(world, client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) == {"anon", "user"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "2/minute"})
    client.force_login(world.users["involved_practitioner"])
    statuses = [client.get(reverse("family-list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    client.force_login(world.users["other_involved"])  # counted per person
    assert client.get(reverse("family-list")).status_code == 200


def test_every_request_still_renews_the_idle_limit_with_one_update(world, client, time_machine):
    """Issue 15 (core/session_store.py): the renewal is one UPDATE of the session row, committed without waiting for
    the disk on PostgreSQL; the 30-minute idle limit still runs from the last request."""
    client.force_login(world.users["involved_practitioner"])
    key = client.session.session_key
    client.get(reverse("families:search"))
    time_machine.shift(timedelta(minutes=10))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("families:search")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed == timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sql = [q["sql"] for q in queries]
    updates = [i for i, s in enumerate(sql) if s.startswith('UPDATE "django_session"')]
    assert len(updates) == 1
    if connection.vendor == "postgresql":
        assert sql[updates[0] - 1] == "SET LOCAL synchronous_commit TO OFF"
    else:
        assert not [s for s in sql if "synchronous_commit" in s]
