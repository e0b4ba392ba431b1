"""Issue 13 finding 2 (a): an administrator alone must never be able to read case files through a partner-system
token. A token works only once a manager of its agency approves it, within its scope and until it expires or is
revoked, and every request made with it is audited against the token and the people behind it (P-3, P-4)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from doorstep.agencies import services
from doorstep.agencies.models import AgencySystemToken, Professional, Role, TokenScope, TokenState
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.families.models import Family
from doorstep.notifications.models import Notification
from doorstep.testing.world import partner_token


@pytest.fixture
def api():
    return APIClient()


def _family_url(world):
    return reverse("family-detail", args=[world.family.pk])


def _request(world, **kwargs):
    fields = {"agency": world.involvement.agency, "system_name": "Health EPR", "contact_name": "Sam Jones",
              "contact_email": "sam.jones@partner.example", "scope": TokenScope.READ_WRITE}
    return services.system_token_request(by=world.users["administrator"], **(fields | kwargs))


def test_a_token_does_not_work_until_a_manager_of_its_agency_approves_it(world, api):
    token, key = _request(world)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(_family_url(world))
    assert response.status_code == 401 and "approved" in response.json()["detail"]
    services.system_token_approve(by=world.users["involved_manager"], token=token)
    assert api.get(_family_url(world)).status_code == 200


def test_a_declined_token_never_works(world, api):
    token, key = _request(world)
    services.system_token_decline(by=world.users["involved_manager"], token=token)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(_family_url(world)).status_code == 401
    with pytest.raises(ValidationError):
        services.system_token_approve(by=world.users["involved_manager"], token=token)


@pytest.mark.parametrize("role", ["administrator", "uninvolved_manager", "involved_practitioner", "board_chair"])
def test_only_a_manager_of_the_tokens_agency_approves_it(world, role):
    token, _key = _request(world)
    with pytest.raises(PermissionDenied):
        services.system_token_approve(by=world.users[role], token=token)
    with pytest.raises(PermissionDenied):
        services.system_token_decline(by=world.users[role], token=token)
    token.refresh_from_db()
    assert token.state == TokenState.REQUESTED and token.decided_by is None


def test_another_agencys_manager_cannot_approve_through_the_page(world, client):
    token, _key = _request(world)
    client.force_login(world.users["uninvolved_manager"])
    assert client.post(reverse("agencies:token_approve", args=[token.pk])).status_code == 404
    client.force_login(world.users["administrator"])
    assert client.post(reverse("agencies:token_approve", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.state == TokenState.REQUESTED


def test_a_manager_the_requesting_administrator_changed_cannot_approve(world, client):
    """An administrator could otherwise make (or re-address) a manager account of the agency and approve their own
    token with it: the administrator's change to the account is in its history."""
    admin = world.users["administrator"]
    token, _key = _request(world)
    client.force_login(admin)
    manager = world.users["involved_manager"]
    response = client.post(reverse("admin:agencies_professional_change", args=[manager.pk]), {
        "username": manager.username, "first_name": manager.first_name, "last_name": manager.last_name,
        "email": "admin@example.org", "agency": manager.agency_id, "team": manager.team_id, "role": Role.MANAGER,
        "is_designated_postholder": "on", "is_duty_manager": "on", "preferred_language": "en", "is_active": "on",
        "job_title": "", "phone": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    with pytest.raises(PermissionDenied):
        services.system_token_approve(by=Professional.objects.get(pk=manager.pk), token=token)


def test_a_read_only_token_is_refused_every_write(world, api):
    _token, key = partner_token(world, scope=TokenScope.READ)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(_family_url(world)).status_code == 200
    before = Family.objects.count()
    response = api.post(reverse("family-list"), {"name": "New household", "reason": "Referral", "line1": "1 Road",
                                                 "town": "Afonwy", "postcode": "AF1 1AA"}, format="json")
    assert response.status_code == 403 and "only read" in response.json()["detail"]
    assert api.patch(_family_url(world), {"name": "Renamed"}, format="json").status_code == 403
    assert api.delete(_family_url(world)).status_code == 403
    assert Family.objects.count() == before
    world.family.refresh_from_db()
    assert world.family.name == "Testing household"


def test_a_read_and_write_token_may_write(world, api):
    _token, key = partner_token(world, scope=TokenScope.READ_WRITE)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    # It writes to its agency's families (a partner system opens none: doorstep/families/tests/test_partner_systems.py).
    response = api.post(reverse("family-add-person", args=[world.family.pk]), {
        "role": "adult_living", "given_name": "Gareth", "family_name": "Testing", "date_of_birth": "1988-02-03"},
        format="json")
    assert response.status_code == 201, response.json()


def test_an_expired_token_is_refused(world, api, time_machine):
    today = timezone.localdate()
    token, key = _request(world, expires_on=today + timedelta(days=10))
    services.system_token_approve(by=world.users["involved_manager"], token=token)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    time_machine.move_to(timezone.now() + timedelta(days=9))
    assert api.get(_family_url(world)).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(days=1))
    response = api.get(_family_url(world))
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_revoked_token_is_refused(world, api):
    token, key = partner_token(world)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(_family_url(world)).status_code == 200
    services.system_token_revoke(by=world.users["involved_manager"], token=token)
    response = api.get(_family_url(world))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_by == world.users["involved_manager"]


def test_another_agencys_manager_cannot_revoke(world):
    token, _key = partner_token(world)
    with pytest.raises(PermissionDenied):
        services.system_token_revoke(by=world.users["uninvolved_manager"], token=token)


def test_a_token_lasts_90_days_unless_chosen_and_a_year_at_most(world):
    today = timezone.localdate()
    token, _key = _request(world)
    assert token.expires_on == today + timedelta(days=90)
    assert token.scope == TokenScope.READ_WRITE
    assert _request(world, expires_on=today + timedelta(days=365))[0].expires_on == today + timedelta(days=365)
    with pytest.raises(ValidationError) as refused:
        _request(world, expires_on=today + timedelta(days=366))
    assert refused.value.message_dict == {"expires_on": ["A token can last a year at most"]}
    with pytest.raises(ValidationError) as refused:
        _request(world, expires_on=today, contact_name=" ", contact_email="")
    assert set(refused.value.message_dict) == {"expires_on", "contact_name", "contact_email"}


def test_only_administrators_request_tokens(world):
    with pytest.raises(PermissionDenied):
        services.system_token_request(by=world.users["involved_manager"], agency=world.involvement.agency,
                                      system_name="EPR", contact_name="Sam", contact_email="sam@example.org")


def test_every_request_with_a_token_is_audited_naming_the_token_requester_and_approver(world, api):
    token, key = partner_token(world, scope=TokenScope.READ)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    before = AuditEvent.objects.filter(object_type="agencies.AgencySystemToken", object_id=str(token.pk)).count()
    api.get(_family_url(world))
    api.get(reverse("family-list"))
    api.post(reverse("family-list"), {}, format="json")  # refused: a read-only token
    rows = list(AuditEvent.objects.filter(object_type="agencies.AgencySystemToken", object_id=str(token.pk))
                .order_by("id"))[before:]
    assert [(r.action, r.path) for r in rows] == [
        (AuditAction.TOKEN, _family_url(world)), (AuditAction.TOKEN, reverse("family-list")),
        (AuditAction.DENIED, reverse("family-list")),
    ]
    for row in rows:
        assert row.actor == token.account and row.actor_agency_id == token.agency_id
        assert token.prefix in row.summary
        assert "requested by admin" in row.summary and "approved by health.manager" in row.summary
    assert rows[2].summary.startswith("Refused: This token may only read.")


def test_a_refused_token_is_audited_too(world, api):
    token, key = _request(world)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api.get(_family_url(world))
    row = AuditEvent.objects.filter(object_id=str(token.pk), object_type="agencies.AgencySystemToken").latest("id")
    assert row.action == AuditAction.DENIED and "not yet been approved" in row.summary


def test_the_agencys_managers_are_told_when_a_token_is_requested_and_the_administrator_of_the_decision(world):
    token, _key = _request(world)
    told = set(Notification.objects.filter(dedupe_key=f"system-token:{token.pk}:requested")
               .values_list("recipient__username", flat=True))
    assert told == {"health.manager"}
    services.system_token_approve(by=world.users["involved_manager"], token=token)
    assert Notification.objects.get(dedupe_key=f"system-token:{token.pk}:decided").recipient == \
        world.users["administrator"]


def test_a_manager_approves_from_the_partner_systems_page(world, client):
    token, _key = _request(world, system_name="Health EPR")
    client.force_login(world.users["involved_manager"])
    html = client.get(reverse("agencies:tokens")).content.decode()
    assert "Waiting for your approval" in html and "Health EPR" in html and "sam.jones@partner.example" in html
    assert "Ask for a token" not in html
    response = client.post(reverse("agencies:token_approve", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.state == TokenState.APPROVED and token.decided_by == world.users["involved_manager"]
    assert "Waiting for your approval" not in client.get(reverse("agencies:tokens")).content.decode()


def test_a_manager_sees_only_their_agencys_tokens(world, client):
    _request(world, system_name="Health EPR")
    client.force_login(world.users["uninvolved_manager"])
    html = client.get(reverse("agencies:tokens")).content.decode()
    assert "Health EPR" not in html
    assert client.post(reverse("agencies:tokens"), {"system_name": "x"}).status_code == 403


def test_an_administrator_asks_for_a_token_from_the_page(world, client):
    client.force_login(world.users["administrator"])
    today = timezone.localdate() + timedelta(days=30)
    response = client.post(reverse("agencies:tokens"), {
        "agency": world.involvement.agency.pk, "system_name": "Health EPR", "contact_name": "Sam Jones",
        "contact_email": "sam.jones@partner.example", "scope": "read", "expires_on_0": today.day,
        "expires_on_1": today.month, "expires_on_2": today.year,
    })
    assert response.status_code == 200
    token = AgencySystemToken.objects.get(system_name="Health EPR")
    assert token.state == TokenState.REQUESTED and token.scope == TokenScope.READ and token.expires_on == today
    assert 'id="new-key"' in response.content.decode()
    assert token.requested_by == world.users["administrator"]


def test_the_new_token_is_shown_whole_in_a_copyable_block(world, client):
    # Issue 18: the whole token, in a block that wraps rather than cuts it off, with a copy button for scripts.
    client.force_login(world.users["administrator"])
    today = timezone.localdate() + timedelta(days=30)
    response = client.post(reverse("agencies:tokens"), {
        "agency": world.involvement.agency.pk, "system_name": "Health EPR", "contact_name": "Sam Jones",
        "contact_email": "sam.jones@partner.example", "scope": "read", "expires_on_0": today.day,
        "expires_on_1": today.month, "expires_on_2": today.year,
    })
    key = response.context["new_key"]
    html = response.content.decode()
    block = f'<pre class="ds-copyable" aria-labelledby="new-key-label" tabindex="0"><code id="new-key">{key}</code></pre>'
    assert block in html
    assert 'data-copy="new-key"' in html
