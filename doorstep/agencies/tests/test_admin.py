"""Issue 13 finding 2 (b): the admin site must not let an administrator become someone who can read case files:
no password setting (a reset link instead), no change to their own role, agency or permissions, and an audit row
for every change to a professional, agency or team (P-3, P-4)."""

import re

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse

from doorstep.agencies import services
from doorstep.agencies.models import Agency, AgencyKind, Professional, Role, Team
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.notifications.models import Notification
from doorstep.testing.world import partner_token


@pytest.fixture
def admin_client(world, client):
    client.force_login(world.users["administrator"])
    return client


def _professional_data(person: Professional, **changes) -> dict:
    data = {
        "username": person.username, "first_name": person.first_name, "last_name": person.last_name,
        "email": person.email, "agency": person.agency_id or "", "team": person.team_id or "",
        "job_title": person.job_title, "role": person.role, "line_manager": person.line_manager_id or "",
        "phone": person.phone, "preferred_language": person.preferred_language,
    }
    for flag in ("is_designated_postholder", "is_duty_manager", "is_active"):
        if getattr(person, flag):
            data[flag] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_admin_site_cannot_set_anyones_password(world, admin_client):
    worker = world.users["involved_practitioner"]
    worker.set_password("their-own-secret")
    worker.save()
    with pytest.raises(NoReverseMatch):
        reverse("admin:auth_user_password_change", args=[worker.pk])
    url = f"/admin/agencies/professional/{worker.pk}/password/"
    response = admin_client.post(url, {"password1": "Admin-knows-this-1", "password2": "Admin-knows-this-1"})
    assert response.status_code in (302, 404)
    worker.refresh_from_db()
    assert worker.check_password("their-own-secret") and not worker.check_password("Admin-knows-this-1")
    page = admin_client.get(reverse("admin:agencies_professional_change", args=[worker.pk])).content.decode()
    assert "Passwords are never set here" in page and 'name="password' not in page


def test_a_professional_added_on_the_admin_site_has_no_password(world, admin_client):
    health = world.involvement.agency
    response = admin_client.post(reverse("admin:agencies_professional_add"), {
        "username": "new.worker", "first_name": "New", "last_name": "Worker", "email": "new@example.org",
        "agency": health.pk, "role": Role.PRACTITIONER, "preferred_language": "en", "is_active": "on",
        "password1": "Admin-knows-this-1", "password2": "Admin-knows-this-1", "usable_password": "true",
    })
    assert response.status_code == 302
    person = Professional.objects.get(username="new.worker")
    assert not person.has_usable_password()
    event = AuditEvent.objects.filter(object_type="agencies.Professional", object_id=str(person.pk)).get()
    assert event.action == AuditAction.CREATE and event.actor == world.users["administrator"]
    assert "role - -> practitioner" in event.summary
    # The agency's managers are told that someone joined them.
    assert Notification.objects.filter(recipient=world.users["involved_manager"],
                                       message__contains="New Worker").exists()


def test_the_admin_site_sends_a_password_reset_link_instead(world, admin_client, django_capture_on_commit_callbacks):
    worker = world.users["involved_practitioner"]
    worker.email = "health.worker@example.org"
    worker.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:agencies_professional_changelist"), {
            "action": "send_password_link", "_selected_action": [worker.pk]})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["health.worker@example.org"]]
    assert AuditEvent.objects.filter(actor=world.users["administrator"], object_id=str(worker.pk),
                                     summary="Sent a password reset link to health.worker").exists()
    link = re.search(r"https?://[^/]+(/accounts/password/set/\S+)", mail.outbox[0].body).group(1)
    admin_client.logout()
    page = admin_client.get(link, follow=True)
    assert "Set your password" in page.content.decode()
    response = admin_client.post(page.redirect_chain[-1][0], {"new_password1": "A-long-new-secret-9",
                                                             "new_password2": "A-long-new-secret-9"})
    assert response.status_code == 302 and response["Location"] == reverse("password_set_done")
    worker.refresh_from_db()
    assert worker.check_password("A-long-new-secret-9")


def test_an_administrator_cannot_change_their_own_role_or_agency_on_the_admin_site(world, admin_client):
    admin = world.users["administrator"]
    health = world.involvement.agency
    response = admin_client.post(reverse("admin:agencies_professional_change", args=[admin.pk]), _professional_data(
        admin, role=Role.MANAGER, agency=health.pk, first_name="Renamed"))
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR and admin.agency_id is None and admin.first_name == "Renamed"
    assert not admin.is_superuser and not admin.is_staff


@pytest.mark.parametrize("change", [{"role": Role.MANAGER}, {"is_superuser": True}, {"is_staff": True},
                                    {"is_active": False}])
def test_an_administrator_cannot_change_their_own_role_or_permissions_by_the_service(world, change):
    admin = Professional.objects.get(pk=world.users["administrator"].pk)
    for field, value in change.items():
        setattr(admin, field, value)
    with pytest.raises(services.PermissionDenied):
        services.professional_save_by_administrator(by=world.users["administrator"], professional=admin)
    admin.refresh_from_db()
    assert admin.role == Role.ADMINISTRATOR and not admin.is_superuser and not admin.is_staff and admin.is_active


def test_an_administrators_own_agency_cannot_be_set_by_the_service(world):
    admin = Professional.objects.get(pk=world.users["administrator"].pk)
    admin.agency = world.involvement.agency
    with pytest.raises(services.PermissionDenied):
        services.professional_save_by_administrator(by=world.users["administrator"], professional=admin)


def test_changing_a_professional_on_the_admin_site_is_an_audit_row(world, admin_client):
    worker = world.users["uninvolved"]
    health = world.involvement.agency
    response = admin_client.post(reverse("admin:agencies_professional_change", args=[worker.pk]),
                                 _professional_data(worker, agency=health.pk, email="me@admin.example"))
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="agencies.Professional", object_id=str(worker.pk)).latest("id")
    assert event.actor == world.users["administrator"] and event.action == AuditAction.UPDATE
    assert f"agency {worker.agency_id} -> {health.pk}" in event.summary and "email" in event.summary
    # The managers of the agency they left and the one they joined are both told.
    told = set(Notification.objects.filter(message__contains=str(worker)).values_list("recipient__username",
                                                                                      flat=True))
    assert {"health.manager", "housing.manager"} <= told


def test_changing_an_agency_or_a_team_on_the_admin_site_is_an_audit_row(world, admin_client):
    """ORG-1: agencies are configurable data, changed by an administrator, audited."""
    response = admin_client.post(reverse("admin:agencies_agency_add"), {"name": "Youth service",
                                                                        "kind": AgencyKind.VOLUNTARY,
                                                                        "is_active": "on"})
    assert response.status_code == 302
    agency = Agency.objects.get(name="Youth service")
    assert AuditEvent.objects.filter(object_type="agencies.Agency", object_id=str(agency.pk),
                                     action=AuditAction.CREATE).exists()
    response = admin_client.post(reverse("admin:agencies_agency_change", args=[agency.pk]),
                                 {"name": "Youth justice", "kind": AgencyKind.VOLUNTARY})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(object_type="agencies.Agency", object_id=str(agency.pk)).latest("id")
    assert event.action == AuditAction.UPDATE and "name Youth service -> Youth justice" in event.summary
    assert "is_active True -> False" in event.summary
    response = admin_client.post(reverse("admin:agencies_team_add"), {"agency": agency.pk, "name": "East"})
    assert response.status_code == 302
    team = Team.objects.get(name="East")
    assert AuditEvent.objects.filter(object_type="agencies.Team", object_id=str(team.pk),
                                     actor=world.users["administrator"]).exists()


def test_partner_system_accounts_and_tokens_are_not_on_the_admin_site(world, admin_client):
    token, _key = partner_token(world)
    assert admin_client.get(reverse("admin:agencies_professional_change", args=[token.account.pk])).status_code \
        in (302, 404)
    with pytest.raises(NoReverseMatch):
        reverse("admin:agencies_agencysystemtoken_changelist")
    page = admin_client.get(reverse("admin:agencies_professional_add")).content.decode()
    assert 'value="system"' not in page


def test_a_failed_sign_in_to_the_admin_site_is_a_page_not_a_server_error(db, client):
    """Found by the access matrix's every-method rows (issue 13): the admin's sign-in page asked an anonymous
    visitor's `is_administrator` and answered a wrong password with a 500."""
    response = client.post("/admin/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200


def test_issue_21_a_partnership_administrator_manages_the_agencies_working_in_their_partnership_only(world, client):
    """Issue 21: B's administrator lists and changes the police (working in B) and its staff; the health board (not
    in B), its teams and staff are refused on the admin site and by the services; so is a token for it."""
    from django.core.exceptions import PermissionDenied

    from doorstep.agencies.selectors import system_tokens_for
    from doorstep.testing.factories import ProfessionalFactory
    from doorstep.testing.partnerships import second_partnership

    police = world.users["other_involved"].agency
    health = world.users["involved_practitioner"].agency
    admin_b = ProfessionalFactory(username="b.admin", agency=None, role=Role.ADMINISTRATOR)
    second_partnership(world, agencies=[police], administrators=[admin_b])
    client.force_login(admin_b)
    listed = client.get(reverse("admin:agencies_agency_changelist")).content.decode()
    assert "Police" in listed and "Health Board" not in listed
    assert client.get(reverse("admin:agencies_professional_change",
                              args=[world.users["involved_practitioner"].pk])).status_code in (302, 404)
    assert client.get(reverse("admin:agencies_professional_change",
                              args=[world.users["other_involved"].pk])).status_code == 200
    worker = world.users["involved_practitioner"]
    worker.job_title = "Changed by another partnership"
    with pytest.raises(PermissionDenied):
        services.professional_save_by_administrator(by=admin_b, professional=worker)
    health.name = "Renamed"
    with pytest.raises(PermissionDenied):
        services.agency_save_by_administrator(by=admin_b, agency=health)
    team = Team.objects.filter(agency=health).first()
    with pytest.raises(PermissionDenied):
        services.team_save_by_administrator(by=admin_b, team=team)
    with pytest.raises(PermissionDenied):
        services.system_token_request(by=admin_b, agency=health, system_name="Health PAS", contact_name="A",
                                      contact_email="a@example.org")
    assert Agency.objects.get(pk=health.pk).name == "Health Board"
    # Their own partnership's agency: changed, and a new agency joins their partnership.
    police.name_cy = "Heddlu"
    services.agency_save_by_administrator(by=admin_b, agency=police)
    added = services.agency_save_by_administrator(by=admin_b, agency=Agency(name="Fire", kind=AgencyKind.VOLUNTARY))
    assert list(added.partnerships.values_list("name", flat=True)) == ["Second partnership"]
    token, _key = services.system_token_request(by=admin_b, agency=police, system_name="Police RMS",
                                                 contact_name="A", contact_email="a@example.org")
    assert list(system_tokens_for(professional=admin_b)) == [token]
    # The deployment's administrator still manages every agency.
    services.agency_save_by_administrator(by=world.users["administrator"], agency=health)
