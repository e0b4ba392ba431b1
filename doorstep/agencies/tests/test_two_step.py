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


# Issue 13 finding 1: two-step verification cannot be skipped with an `Authorization: Token ...` header.

PASSWORD = "correct-horse-battery-staple"


def _password_only(client, settings, user):
    """`user` signs in with their password only, though their role must use two-step and they have a device."""
    settings.DOORSTEP_TWO_STEP_ROLES = ["manager", "administrator", "board_chair"]
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def _sent_to_verify(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("two_step_verify"))


def test_a_forged_token_header_does_not_skip_two_step_verification(world, client, settings):
    _password_only(client, settings, world.users["involved_manager"])
    forged = {"HTTP_AUTHORIZATION": "Token anything"}
    for url in (reverse("families:detail", args=[world.family.pk]), reverse("audit:search"),
                reverse("chronology:csv", args=[world.family.pk])):
        response = client.get(url, **forged)
        assert _sent_to_verify(response), url
    response = client.get(reverse("family-list"), **forged)
    assert response.status_code == 401 and "results" not in response.json()


def test_a_forged_token_header_does_not_open_the_admin_site_without_two_step(world, client, settings):
    _password_only(client, settings, world.users["administrator"])
    response = client.get(reverse("admin:index"), HTTP_AUTHORIZATION="Token anything")
    assert _sent_to_verify(response)
    response = client.get(reverse("admin:agencies_professional_changelist"), HTTP_AUTHORIZATION="Token anything")
    assert _sent_to_verify(response)


def test_the_api_asks_a_session_user_for_two_step_verification(world, client, settings):
    _password_only(client, settings, world.users["involved_manager"])
    response = client.get(reverse("family-list"))
    assert response.status_code == 403
    assert response.json()["detail"] == "Verify with two-step verification first."


def test_a_token_that_authenticates_is_served_as_the_partner_system_and_opens_no_page(world, client, settings):
    from doorstep.testing.world import partner_token

    _token, key = partner_token(world, agency=world.users["uninvolved"].agency)
    _password_only(client, settings, world.users["involved_manager"])
    real = {"HTTP_AUTHORIZATION": f"Token {key}"}
    response = client.get(reverse("family-list"), **real)
    assert response.status_code == 200
    # The token's partner system (housing) is not involved with the world's family: the API answers as the system.
    assert world.family.pk not in [f["id"] for f in response.json()["results"]]
    assert _sent_to_verify(client.get(reverse("families:detail", args=[world.family.pk]), **real))


def test_every_api_view_checks_two_step_verification():
    from django.urls import URLPattern, URLResolver, get_resolver

    from doorstep.agencies.middleware import is_api_view
    from doorstep.agencies.permissions import TwoStepVerified

    def views(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from views(p.url_patterns)
            elif isinstance(p, URLPattern) and is_api_view(p.callback):
                yield p.callback

    api_views = list(views(get_resolver().url_patterns))
    assert len(api_views) > 20
    for view in api_views:
        initkwargs = getattr(view, "initkwargs", {})
        classes = initkwargs.get("permission_classes", view.cls.permission_classes)
        assert TwoStepVerified in classes, view.cls
