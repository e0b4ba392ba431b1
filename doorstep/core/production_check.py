"""The production path, tried as an operator would (issue 17; `make production-check`, run by `make test`).

Run after the README's production steps (check --deploy, migrate, collectstatic) with the same environment:
    python -m doorstep.core.production_check --port 8097
It adds one practitioner and one family to the (fresh) database, starts gunicorn with the production settings as the
README does, and, sending `X-Forwarded-Proto: https` as a TLS proxy would: checks /healthz and /readyz, signs in,
opens the case file, a static asset (from the manifest) and the API schema, reads /metrics with its token, then stops
gunicorn. Exit status 0 when every step worked; otherwise it says which step failed and why.
"""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

USERNAME = "check.practitioner"
PASSWORD = "production-check-password-2026"


class Failed(Exception):
    pass


class Browser:
    """A minimal HTTP client that behaves as a browser behind a TLS proxy: keeps cookies (Secure ones too, since the
    proxy speaks HTTPS to it), sends Origin and Referer for the CSRF check."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                         "Referer": self.origin + path})
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                if morsel.get("max-age") == "0":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        connection.close()
        return response.status, response.msg, data

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)


def expect(step: str, condition: bool, detail: str = "") -> None:
    if not condition:
        raise Failed(f"{step}: {detail}")
    print(f"  ok  {step}")


def seed() -> int:
    """One agency, one practitioner and one family, made through the real services; returns the family's id."""
    import django

    django.setup()
    from doorstep.agencies.models import Agency, AgencyKind, Professional, Role
    from doorstep.families import services as family_services

    agency = Agency.objects.create(name="Production check health board", kind=AgencyKind.HEALTH)
    worker = Professional.objects.create_user(username=USERNAME, password=PASSWORD, email="check@example.org",
                                              first_name="Check", last_name="Practitioner", agency=agency,
                                              role=Role.PRACTITIONER)
    family = family_services.family_create(by=worker, name="Production check household", reason="Checking",
                                           line1="1 Check Street", town="Afonwy", postcode="AF1 1AA")
    return family.pk


def run(port: int, family_id: int) -> None:
    browser = Browser(port)
    status, _headers, body = browser.get("/healthz")
    expect("/healthz answers 200", status == 200, f"{status} {body[:200]!r}")
    status, _headers, body = browser.get("/readyz")
    checks = json.loads(body).get("checks", {})
    expect("/readyz: the database answers and every migration is applied",
           checks.get("database", {}).get("ok") and checks.get("migrations", {}).get("ok"), body.decode()[:300])

    status, _headers, body = browser.get("/accounts/login/")
    expect("the sign-in page", status == 200, str(status))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    expect("the sign-in page has a CSRF token", token is not None)
    form = f"csrfmiddlewaretoken={token.group(1).decode()}&username={USERNAME}&password={PASSWORD}"
    status, headers, body = browser.request("POST", "/accounts/login/", body=form)
    expect("signing in", status == 302 and "sessionid" in browser.cookies, f"{status} {body[:300]!r}")
    session = next(c for c in headers.get_all("Set-Cookie") if c.startswith("sessionid="))
    expect("the session cookie is Secure and HttpOnly", "Secure" in session and "HttpOnly" in session, session)

    status, _headers, body = browser.get(f"/families/{family_id}/")
    expect("the case file", status == 200 and b"Production check household" in body, f"{status} {body[:300]!r}")
    stylesheet = re.search(rb'href="(/static/govuk/govuk-frontend\.min\.[0-9a-f]{12}\.css)"', body)
    expect("pages link hashed static files (manifest storage)", stylesheet is not None)
    status, headers, body = browser.get(stylesheet.group(1).decode())
    expect("a static asset", status == 200 and len(body) > 10000 and "max-age" in (headers.get("Cache-Control") or ""),
           f"{status} {headers.get('Cache-Control')}")
    moj = re.search(rb'href="(/static/moj/moj-frontend\.min\.[0-9a-f]{12}\.css)"', browser.get(
        f"/families/{family_id}/")[2])
    if moj:
        status, _headers, css = browser.get(moj.group(1).decode())
        image = re.search(rb'url\("?(/static/moj/assets/images/[^")]+)"?\)', css)
        expect("MOJ Frontend's images", status == 200 and image is not None and browser.get(
            image.group(1).decode())[0] == 200)

    status, headers, body = browser.get("/api/v1/schema/", Accept="application/vnd.oai.openapi+json")
    expect("the API schema", status == 200 and b"openapi" in body[:200], f"{status} {body[:200]!r}")

    from django.conf import settings

    metrics_token = settings.DOORSTEP_METRICS_TOKEN
    if metrics_token:
        status, _headers, body = browser.get("/metrics", Authorization=f"Bearer {metrics_token}")
        expect("/metrics with its token", status == 200 and b'doorstep_http_requests_total{method="GET"' in body,
               f"{status} {body[:200]!r}")

    plain = Browser(port)
    status, headers, _body = plain.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    expect("plain HTTP is sent to HTTPS", status == 301 and (headers.get("Location") or "").startswith("https://"),
           str(status))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    if not settings.PRODUCTION:
        print("production_check: set DOORSTEP_ENV=production (and the README's other settings) first")
        return 2
    root = Path(__file__).resolve().parents[2]
    print("production check:")
    family_id = seed()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "config.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{args.port}",
                               "--log-level", "warning"], cwd=root, start_new_session=True,
                              env={"LOG_LEVEL": "WARNING", **os.environ})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", args.port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise Failed("gunicorn did not start") from None
                time.sleep(0.3)
        print(f"  ok  gunicorn started on 127.0.0.1:{args.port}")
        run(args.port, family_id)
    except Failed as failure:
        print(f"  FAILED  {failure}")
        return 1
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print("production check: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
