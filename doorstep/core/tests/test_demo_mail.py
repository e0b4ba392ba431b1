"""Issue 17: the demo catches its e-mails in a local SMTP server of its own and shows them on "Demo mailbox"."""

import pytest
from django.utils import timezone

from doorstep.core import demo_mail
from doorstep.notifications.models import EmailState, Notification, NotificationKind
from doorstep.notifications.services import email_deliver


@pytest.fixture
def demo_server(settings, tmp_path):
    port = demo_mail.free_port()
    controller = demo_mail.serve(port=port, directory=tmp_path)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.DOORSTEP_DEMO_MAILBOX = str(tmp_path)
    yield tmp_path
    controller.stop()


def test_an_email_sent_in_the_demo_is_caught_and_shown(world, client, demo_server):
    recipient = world.users["involved_manager"]
    note = Notification.objects.create(recipient=recipient, kind=NotificationKind.VISIT_OVERDUE, message="Overdue",
                                       link="/visits/now/", email_state=EmailState.CREATED,
                                       email_next_attempt_at=timezone.now())
    assert email_deliver(note.pk) == "sent"
    assert len(list(demo_server.glob("*.eml"))) == 1

    client.force_login(world.users["involved_practitioner"])
    response = client.get("/demo/mailbox/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Demo mailbox" in page and "Doorstep: A colleague has not reported back from a visit" in page
    assert recipient.email in page and "/visits/now/" in page
    # The navigation offers it in the demo.
    assert 'href="/demo/mailbox/"' in client.get("/").content.decode()


def test_the_page_is_welsh_too(world, client, demo_server):
    client.force_login(world.users["involved_practitioner"])
    client.cookies["doorstep_language"] = "cy"
    page = client.get("/demo/mailbox/").content.decode()
    assert "Blwch post y demo" in page and "Dim e-byst eto." in page


def test_the_mailbox_exists_only_in_the_demo(world, client, settings):
    client.force_login(world.users["involved_practitioner"])
    settings.DOORSTEP_DEMO_MAILBOX = ""
    assert client.get("/demo/mailbox/").status_code == 404
    assert 'href="/demo/mailbox/"' not in client.get("/").content.decode()
    settings.DOORSTEP_DEMO_MAILBOX, settings.PRODUCTION = "/tmp", True
    assert client.get("/demo/mailbox/").status_code == 404
    client.logout()
    settings.PRODUCTION = False
    assert client.get("/demo/mailbox/").status_code == 302  # to the sign-in page
