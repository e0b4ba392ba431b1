"""Issue 13, an administrator's last ways into case files: an account an administrator adds to an agency, or whose
e-mail address or agency they change, neither signs in nor receives a password link until a manager of that agency
approves it; the managers are told and every step is audited (P-3, P-4). And password reset links are limited per
e-mail address and per requesting address."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from doorstep.agencies import services
from doorstep.agencies.models import AccountApproval, ApprovalState, Professional, Role
from doorstep.audit.models import AuditEvent
from doorstep.notifications.models import Notification

from .test_admin import _professional_data

PASSWORD = "correct-horse-battery"  # the factories' password
ADMIN_EMAIL = "the.administrator@example.org"


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def admin_client(world):
    """The administrator's own browser (tests use `client` for someone else's)."""
    browser = Client()
    browser.force_login(world.users["administrator"])
    return browser


def _add_on_the_admin_site(admin_client, world, **changes) -> Professional:
    data = {"username": "new.worker", "first_name": "New", "last_name": "Worker", "email": ADMIN_EMAIL,
            "agency": world.involvement.agency.pk, "role": Role.PRACTITIONER, "preferred_language": "en",
            "is_active": "on"}
    data.update(changes)
    response = admin_client.post(reverse("admin:agencies_professional_add"), data)
    assert response.status_code == 302
    return Professional.objects.get(username=data["username"])


def _sign_in(client, person):
    return client.post(reverse("login"), {"username": person.username, "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")


def _send_link(admin_client, person):
    return admin_client.post(reverse("admin:agencies_professional_changelist"), {
        "action": "send_password_link", "_selected_action": [person.pk]}, follow=True)


def test_an_account_an_administrator_adds_gets_no_password_link_until_a_manager_approves(
        world, admin_client, client, django_capture_on_commit_callbacks):
    admin, manager = world.users["administrator"], world.users["involved_manager"]
    person = _add_on_the_admin_site(admin_client, world)
    assert person.awaiting_approval
    approval = person.approvals.get()
    assert (approval.state, approval.requested_by, approval.email) == (ApprovalState.REQUESTED, admin, ADMIN_EMAIL)
    # Neither the administrator's link nor the self-service reset reaches the address the administrator gave.
    with django_capture_on_commit_callbacks(execute=True):
        page = _send_link(admin_client, person).content.decode()
        admin_client.post(reverse("password_reset"), {"email": ADMIN_EMAIL})
    assert "waiting for a manager of their agency to approve it" in page
    assert mail.outbox == []
    # The agency's manager is told, with where to decide.
    told = Notification.objects.get(recipient=manager, message__contains="cannot be used until you approve it")
    assert told.link == "/agencies/accounts/" and "New Worker" in told.message
    client.force_login(manager)
    assert "new.worker" in client.get(reverse("agencies:accounts")).content.decode()
    response = client.post(reverse("agencies:account_approve", args=[approval.pk]))
    assert response.status_code == 302
    person.refresh_from_db()
    approval.refresh_from_db()
    assert not person.awaiting_approval and (approval.state, approval.decided_by) == (ApprovalState.APPROVED, manager)
    assert AuditEvent.objects.filter(actor=manager, object_id=str(person.pk),
                                     summary__startswith="Approved the account new.worker").exists()
    assert Notification.objects.filter(recipient=admin, message__contains="approved the account of New Worker").exists()
    with django_capture_on_commit_callbacks(execute=True):
        _send_link(admin_client, person)
    assert [m.to for m in mail.outbox] == [[ADMIN_EMAIL]]


def test_a_practitioner_whose_e_mail_an_administrator_changes_is_held_until_approved(world, admin_client, client):
    worker = world.users["involved_practitioner"]
    client.force_login(worker)
    assert client.get(reverse("home")).status_code == 200
    response = admin_client.post(reverse("admin:agencies_professional_change", args=[worker.pk]),
                                 _professional_data(worker, email=ADMIN_EMAIL))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.awaiting_approval
    assert AuditEvent.objects.filter(actor=world.users["administrator"], object_id=str(worker.pk),
                                     summary__endswith="waiting for a manager's approval").exists()
    # The session the account had stops working, and it cannot sign in, even with its own password.
    assert "/login/" in client.get(reverse("home"))["Location"]
    assert _sign_in(client, worker).status_code == 200  # the sign-in page again, with its error
    # A reset asked for at the new address sends nothing; a link made for the account does nothing.
    admin_client.post(reverse("password_reset"), {"email": ADMIN_EMAIL})
    assert mail.outbox == []
    uid, token = urlsafe_base64_encode(force_bytes(worker.pk)), default_token_generator.make_token(worker)
    for name in ("password_set", "password_reset_confirm"):
        page = client.get(reverse(name, args=[uid, token]), follow=True)
        assert "new_password1" not in page.content.decode()
    approval = worker.approvals.get()
    client.force_login(world.users["involved_manager"])
    client.post(reverse("agencies:account_approve", args=[approval.pk]))
    client.logout()
    assert _sign_in(client, worker)["Location"] == "/"


def test_an_administrators_second_account_moved_into_an_agency_is_held(world):
    admin, health = world.users["administrator"], world.involvement.agency
    second = services.professional_save_by_administrator(by=admin, professional=Professional(
        username="admin2", email=ADMIN_EMAIL, role=Role.ADMINISTRATOR))
    assert not second.awaiting_approval  # an administrator reads no case files
    second.role, second.agency = Role.PRACTITIONER, health
    services.professional_save_by_administrator(by=admin, professional=second)
    second.refresh_from_db()
    assert second.awaiting_approval and second.approvals.get().agency == health


def test_a_change_that_hands_over_nothing_needs_no_approval(world):
    worker = Professional.objects.get(pk=world.users["involved_practitioner"].pk)
    worker.phone, worker.role = "07700 900999", Role.MANAGER
    services.professional_save_by_administrator(by=world.users["administrator"], professional=worker)
    worker.refresh_from_db()
    assert not worker.awaiting_approval and not AccountApproval.objects.exists()


def test_only_a_manager_of_the_accounts_agency_decides(world, admin_client, client):
    person = _add_on_the_admin_site(admin_client, world)
    approval = person.approvals.get()
    for role in ("uninvolved_manager", "involved_practitioner", "board_chair", "administrator"):
        client.force_login(world.users[role])
        assert client.post(reverse("agencies:account_approve", args=[approval.pk])).status_code in (403, 404)
    with pytest.raises(services.PermissionDenied):
        services.account_approve(by=world.users["administrator"], approval=approval)
    person.refresh_from_db()
    assert person.awaiting_approval


def test_a_manager_the_administrator_changed_cannot_approve_and_the_board_chair_decides(world, admin_client):
    """Separation of duties, as for tokens: the one manager of health was changed by the requesting administrator,
    so could be that administrator; with no other manager, the Board chair decides."""
    manager = Professional.objects.get(pk=world.users["involved_manager"].pk)
    manager.phone = "01632 960999"
    services.professional_save_by_administrator(by=world.users["administrator"], professional=manager)
    person = _add_on_the_admin_site(admin_client, world)
    approval = person.approvals.get()
    assert services.account_approvers(approval=approval) == [world.users["board_chair"]]
    with pytest.raises(services.PermissionDenied):
        services.account_approve(by=manager, approval=approval)
    services.account_approve(by=world.users["board_chair"], approval=approval)
    person.refresh_from_db()
    assert not person.awaiting_approval


def test_a_declined_account_stays_unusable_and_a_later_change_asks_again(world, admin_client):
    manager = world.users["involved_manager"]
    person = _add_on_the_admin_site(admin_client, world)
    services.account_decline(by=manager, approval=person.approvals.get())
    person.refresh_from_db()
    assert person.awaiting_approval
    assert Notification.objects.filter(recipient=world.users["administrator"],
                                       message__contains="declined the account of New Worker").exists()
    admin_client.post(reverse("admin:agencies_professional_change", args=[person.pk]),
                      _professional_data(person, email="new.worker@example.org"))
    latest = person.approvals.order_by("-pk").first()
    assert latest.state == ApprovalState.REQUESTED and latest.email == "new.worker@example.org"
    with pytest.raises(services.ValidationError):
        services.account_approve(by=manager, approval=person.approvals.order_by("pk").first())


def test_a_second_change_before_the_decision_replaces_the_first(world, admin_client):
    person = _add_on_the_admin_site(admin_client, world)
    admin_client.post(reverse("admin:agencies_professional_change", args=[person.pk]),
                      _professional_data(person, email="someone.else@example.org"))
    assert list(person.approvals.order_by("pk").values_list("state", flat=True)) == [ApprovalState.SUPERSEDED,
                                                                                     ApprovalState.REQUESTED]


def test_the_staff_accounts_page_is_in_welsh(world, client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    client.force_login(world.users["involved_manager"])
    assert "Cyfrifon staff" in client.get(reverse("agencies:accounts")).content.decode()


# Password reset requests are limited (issue 13, ASVS V2.2.1).

def test_password_reset_links_are_limited_per_e_mail_address(world, client, settings):
    settings.DOORSTEP_PASSWORD_RESET_LIMIT_EMAIL = 3
    user = world.users["involved_practitioner"]
    for n in range(3):
        response = client.post(reverse("password_reset"), {"email": user.email}, REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert response.status_code == 302
    response = client.post(reverse("password_reset"), {"email": user.email.upper()}, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 429 and "Wait an hour" in response.content.decode()
    assert len(mail.outbox) == 3
    # The same for an address with no account: the limit says nothing about who has one.
    for n in range(3):
        client.post(reverse("password_reset"), {"email": "nobody@example.org"}, REMOTE_ADDR="192.0.2.60")
    assert client.post(reverse("password_reset"), {"email": "nobody@example.org"},
                       REMOTE_ADDR="192.0.2.61").status_code == 429


def test_password_reset_links_are_limited_per_requesting_address(world, client, settings, time_machine):
    settings.DOORSTEP_PASSWORD_RESET_LIMIT_IP = 5
    for n in range(5):
        assert client.post(reverse("password_reset"), {"email": f"person{n}@example.org"},
                           REMOTE_ADDR="198.51.100.7").status_code == 302
    assert client.post(reverse("password_reset"), {"email": "person9@example.org"},
                       REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.post(reverse("password_reset"), {"email": "person9@example.org"},
                       REMOTE_ADDR="198.51.100.8").status_code == 302
    time_machine.shift(3601)  # an hour later the address may ask again
    assert client.post(reverse("password_reset"), {"email": "person10@example.org"},
                       REMOTE_ADDR="198.51.100.7").status_code == 302


@pytest.mark.parametrize("power", ["is_disclosure_officer", "is_records_manager", "is_case_file_auditor"])
def test_a_power_to_read_more_that_an_administrator_grants_is_held_until_a_manager_approves(world, admin_client,
                                                                                            power):
    # Issues 19 and 20: a disclosure officer gathers every record about a person, a records manager sees families
    # past retention, an auditor reads a round's families; granting one is a way in, like a changed e-mail address.
    worker = world.users["involved_practitioner"]
    response = admin_client.post(reverse("admin:agencies_professional_change", args=[worker.pk]),
                                 _professional_data(worker, **{power: "on"}))
    assert response.status_code == 302
    worker.refresh_from_db()
    assert getattr(worker, power) and worker.awaiting_approval
    assert worker.approvals.get().state == ApprovalState.REQUESTED


def test_issue_21_only_the_board_chair_of_the_agencys_partnership_decides_for_an_agency_without_a_manager(
        world, admin_client, client):
    """Health works in no partnership, so in the deployment's default one, whose Board chair is the world's: the
    Board chair of another partnership neither sees the account waiting nor decides it."""
    from doorstep.agencies.selectors import account_approvals_for
    from doorstep.partnerships.services import partnership_create
    from doorstep.testing.factories import ProfessionalFactory

    other = ProfessionalFactory(username="mk.chair", agency=None, role=Role.BOARD_CHAIR)
    partnership_create(by=world.users["administrator"], name="Milton Keynes Partnership", nation="england-wales",
                       preset="milton-keynes", board_chairs=[other])
    manager = Professional.objects.get(pk=world.users["involved_manager"].pk)
    manager.phone = "01632 960999"
    services.professional_save_by_administrator(by=world.users["administrator"], professional=manager)
    approval = _add_on_the_admin_site(admin_client, world).approvals.get()
    assert services.account_approvers(approval=approval) == [world.users["board_chair"]]
    assert list(account_approvals_for(professional=other)) == []
    client.force_login(other)
    assert "New Worker" not in client.get(reverse("agencies:accounts")).content.decode()
    with pytest.raises(services.PermissionDenied):
        services.account_approve(by=other, approval=approval)
