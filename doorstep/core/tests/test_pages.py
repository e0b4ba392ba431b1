import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[3]


def test_login_page_has_the_language_switcher_and_security_headers(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hreflang="cy"' in html and "Cymraeg" in html
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_switching_to_welsh_translates_the_page(client, db):
    response = client.get(reverse("language"), {"lang": "cy", "next": reverse("login")})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="cy"' in html
    assert "Mewngofnodi i Doorstep" in html


def test_language_switch_refuses_to_redirect_off_site(client, db):
    response = client.get(reverse("language"), {"lang": "cy", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_lockout_after_five_failed_sign_ins(world, client):
    url = reverse("login")
    for _ in range(5):
        client.post(url, {"username": "health.worker", "password": "wrong"})
    response = client.post(url, {"username": "health.worker", "password": "correct-horse-battery"})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


def test_sign_in_with_the_right_password(world, client):
    response = client.post(reverse("login"), {"username": "health.worker", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_session_times_out_after_30_minutes_idle(world, client, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client.force_login(world.users["involved_practitioner"])
    assert client.get(reverse("home")).status_code == 200
    time_machine.shift(timedelta(minutes=29))
    assert client.get(reverse("home")).status_code == 200  # each request renews the session
    time_machine.shift(timedelta(minutes=31))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_warn_before_the_session_times_out(world, client):
    client.force_login(world.users["involved_practitioner"])
    html = client.get(reverse("home")).content.decode()
    assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE}"' in html
    assert 'id="session-warning"' in html
    assert client.post(reverse("session_extend")).status_code == 204


def test_navigation_depends_on_the_role(world, client):
    client.force_login(world.users["administrator"])
    html = client.get(reverse("home")).content.decode()
    assert "Partner systems" in html and "Find a family" not in html
    client.force_login(world.users["involved_manager"])
    html = client.get(reverse("home")).content.decode()
    # Issue 13 finding 2: managers approve their agency's partner-system tokens.
    assert "Find a family" in html and "Audit" in html and "Partner systems" in html
    client.force_login(world.users["involved_practitioner"])
    html = client.get(reverse("home")).content.decode()
    assert "Find a family" in html and "Partner systems" not in html


def test_production_settings_pass_the_deployment_check():
    env = {**os.environ, "DOORSTEP_ENV": "production", "SECRET_KEY": "x" * 64 + "-production-test-key-1234567890",
           "ALLOWED_HOSTS": "doorstep.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_board_chair_sees_aggregate_figures_and_no_family(world, client):
    client.force_login(world.users["board_chair"])
    html = client.get(reverse("home")).content.decode()
    assert "this quarter so far" in html
    assert "Multi-agency meetings called, by kind" in html and "Supervision of staff" in html
    assert "Testing household" not in html and world.family.reference not in html and "Alfie" not in html
