from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def _code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_turning_on_two_step_then_signing_in_asks_for_the_code(world, client):
    user = world.users["involved_practitioner"]
    client.force_login(user)
    html = client.get(reverse("two_step")).content.decode()
    assert 'id="secret"' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_step"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert "The code is not right" in response.content.decode()
    assert client.post(reverse("two_step"), {"token": _code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.logout()
    client.force_login(user)
    url = reverse("families:detail", args=[world.family.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_step_verify"))
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post(reverse("two_step_verify"), {"token": _code(device), "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200


def test_roles_that_must_use_two_step_are_sent_to_set_it_up(world, client, settings):
    settings.DOORSTEP_TWO_STEP_ROLES = ["manager"]
    client.force_login(world.users["involved_manager"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("two_step")
    client.force_login(world.users["involved_practitioner"])
    assert client.get(reverse("home")).status_code == 200
