"""Issue 13 finding 11: signing in is throttled per address too; people change and reset their own password."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstep.audit.models import AuditEvent

PASSWORD = "correct-horse-battery"  # the factories' password
NEW_PASSWORD = "lantern-orchard-seventeen"


def _sign_in(client, username, password, address="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_guessing_many_usernames_from_one_address_is_throttled(world, client):
    limit = settings.DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for n in range(limit):  # never more than one failure per username
        _sign_in(client, f"guess{n}", "wrong")
    response = _sign_in(client, "health.worker", PASSWORD)
    assert response.status_code == 429
    # The same person from another address is not affected.
    assert _sign_in(client, "health.worker", PASSWORD, address="198.51.100.7").status_code == 302


def test_an_office_address_survives_a_few_mistakes_by_different_people(world, client):
    for n in range(settings.DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _sign_in(client, f"colleague{n}", "wrong")
    assert _sign_in(client, "health.worker", PASSWORD).status_code == 302


def test_one_good_password_does_not_reset_an_address_guessing_other_usernames(world, client):
    limit = settings.DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        _sign_in(client, f"guess{n}", "wrong")
    assert _sign_in(client, "police.worker", PASSWORD).status_code == 302  # the guesser's own account
    client.logout()
    _sign_in(client, "guess-last", "wrong")
    assert _sign_in(client, "health.worker", PASSWORD).status_code == 429


def test_a_person_changes_their_own_password(world, client):
    user = world.users["involved_practitioner"]
    client.force_login(user)
    assert f'href="{reverse("password_change")}"' in client.get(reverse("home")).content.decode()
    response = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert "Your password has been changed" in client.get(reverse("password_change_done")).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(actor=user, object_id=str(user.pk), summary="Changed their own password").exists()


def test_changing_a_password_ends_the_persons_other_sessions(world, client):
    """ASVS V3.3.3: the browser that changed the password stays signed in; every other session of that person ends."""
    from django.test import Client

    user = world.users["involved_practitioner"]
    elsewhere = Client()
    elsewhere.force_login(user)
    client.force_login(user)
    client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    assert "/login/" in elsewhere.get(reverse("home"))["Location"]


def test_changing_a_password_needs_the_old_one(world, client):
    user = world.users["involved_practitioner"]
    client.force_login(user)
    response = client.post(reverse("password_change"), {
        "old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 200 and 'class="govuk-error-summary"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_changing_a_password_needs_two_step_verification_first(world, client):
    user = world.users["involved_practitioner"]
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user)  # password only
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_step_verify"))


def test_a_password_reset_by_e_mail_names_no_family(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DOORSTEP_SITE_URL = "https://doorstep.example.gov.uk"
    user = world.users["involved_practitioner"]
    response = client.post(reverse("password_reset"), {"email": user.email}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == [user.email] and message.subject == "Reset your Doorstep password"
    for secret in (world.family.name, world.child.given_name, world.parent.given_name, "localhost"):
        assert secret not in message.body
    link = re.search(r"https://doorstep\.example\.gov\.uk(/accounts/password/reset/\S+/)", message.body).group(1)
    response = client.get(link)  # Django swaps the token for a session marker, then shows the form
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(actor=user, summary="Reset their password with an e-mailed link").exists()
    assert "The link has expired" in client.get(link, follow=True).content.decode()  # it works once


def test_a_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(world, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_password_pages_are_in_welsh(world, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert "Wedi anghofio eich cyfrinair?" in client.get(reverse("login")).content.decode()
    assert "Ailosod eich cyfrinair" in client.get(reverse("password_reset")).content.decode()
    client.force_login(world.users["involved_practitioner"])
    assert "Newid eich cyfrinair" in client.get(reverse("password_change")).content.decode()
