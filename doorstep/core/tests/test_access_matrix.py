"""P-4, issue 13: every route and every method, for every position of the access rule (see
doorstep/testing/access.py), through the real middleware stack with production-like settings: two-step verification
required of managers, administrators and the Board chair, who are signed in with it verified; and for each
partner-system token position (valid, read only, revoked, expired, of an agency not involved), a request that
carries the token and no session."""

import importlib
import json
from collections import defaultdict
from http.cookies import SimpleCookie
from importlib import import_module
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from doorstep.testing.access import METHODS, NOBODY, Route, admin_routes, tokens_allowed
from doorstep.testing.world import ROLES, TOKENS, partner_tokens

REFUSED = {401, 403, 404, 405}
TWO_STEP_ROLES = ["manager", "administrator", "board_chair"]
# A page reads no token (`tokens_allowed`): every token position is the same anonymous request there, so pages are
# asked with the valid read-and-write token only, which keeps the matrix's run time down.
PAGE_TOKENS = ("token",)


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(namespace + p.name)
    return names


def all_routes() -> list[Route]:
    routes = admin_routes(url_names())
    for config in apps.get_app_configs():
        if not config.name.startswith("doorstep."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access")
        except ModuleNotFoundError:
            continue
        routes.extend(module.ROUTES)
    return routes


ROUTES = all_routes()
ROWS: dict[str, dict[str, Route]] = defaultdict(dict)
for _route in ROUTES:
    ROWS[_route.name][_route.method] = _route


def test_every_url_pattern_is_in_the_matrix():
    missing = url_names() - set(ROWS)
    assert not missing, f"URL patterns without an access-matrix entry: {sorted(missing)}"
    assert sum(len(methods) for methods in ROWS.values()) == len(ROUTES), "a route and method is listed twice"
    assert not set(ROWS) - url_names(), "rows for routes that do not exist"


def _request(client, route: Route, world, method: str, headers: dict):
    url = reverse(route.name, kwargs=route.kwargs(world))
    if route.query:
        url += "?" + route.query
    data = route.data(world)
    if method == "get":
        return client.get(url, headers=headers)
    if route.api:
        return client.generic(method.upper(), url, json.dumps(data), content_type="application/json", headers=headers)
    if method == "post":
        return client.post(url, data, headers=headers)
    return client.generic(method.upper(), url, urlencode(data, doseq=True),
                          content_type="application/x-www-form-urlencoded", headers=headers)


@pytest.fixture
def production_like(settings, world):
    """Two-step verification as in production; those who need it have an authenticator and have used it."""
    settings.DOORSTEP_TWO_STEP_ROLES = TWO_STEP_ROLES
    devices = {}
    for role, user in world.users.items():
        if user is not None and user.role in TWO_STEP_ROLES:
            devices[role] = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return devices


class SignIns:
    """Each request starts signed out, then signed in afresh as its position's person: a new session holding exactly
    what signing in stores. Signing in for real (force_login, and the two-step device) is done once per position and
    test; each request then gets a new session row with a copy of that session's contents, which is what signing in
    again would store on this frozen clock, without repeating the sign-in's own writes (about half the matrix's time).
    If the person's password has changed in the test since (the session hash signing in would store differs), they
    are signed in for real again."""

    def __init__(self, client, world, devices, keys):
        self.client, self.world, self.devices, self.keys = client, world, devices, keys
        self.store = import_module(settings.SESSION_ENGINE).SessionStore
        self.contents: dict[str, dict] = {}

    def headers(self, role) -> dict:
        """Signs the client in as the position's person, or out for a token position; returns the request's headers."""
        self.client.cookies = SimpleCookie()  # signed out, as client.logout() leaves the client
        if role in self.keys:
            return {"Authorization": f"Token {self.keys[role]}"}
        user = self.world.users[role]
        if user is None:
            return {}
        contents = self.contents.get(role)
        if contents is None or contents.get(HASH_SESSION_KEY) != user.get_session_auth_hash():
            contents = self.contents[role] = self._sign_in(role, user)
        session = self.store()
        session.update(contents)
        session.create()
        self.client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        return {}

    def _sign_in(self, role, user) -> dict:
        self.client.logout()
        self.client.force_login(user)
        session = self.client.session
        if role in self.devices:
            session[DEVICE_ID_SESSION_KEY] = self.devices[role].persistent_id
            session.save()
        contents = dict(session.items())
        self.client.logout()
        return contents


@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(name, world, client, production_like):
    """Each method with a row: exactly its allowed positions get through. Each method without one: nobody does."""
    sign_ins = SignIns(client, world, production_like, partner_tokens(world))
    rows = ROWS[name]
    template = rows.get("get") or next(iter(rows.values()))
    outcomes, expected = {}, {}
    for method in METHODS:
        route = rows.get(method, Route(name, NOBODY, template.kwargs, method, template.data, template.api,
                                       template.query))
        allowed = route.allowed | tokens_allowed(route)
        for role in ROLES + (TOKENS if route.api else PAGE_TOKENS):
            headers = sign_ins.headers(role)
            response = _request(client, route, world, method, headers)
            login_redirect = response.status_code == 302 and "/login/" in response.get("Location", "")
            signed_out = name.endswith("logout") and method == "post"  # logging out ends at the sign-in page
            refused = response.status_code in REFUSED or (login_redirect and not signed_out)
            outcomes[f"{method} {role}"] = f"refused ({response.status_code})" if refused else "allowed"
            expected[f"{method} {role}"] = "allowed" if role in allowed else "refused"
    wrong = {k: v for k, v in outcomes.items() if (v == "allowed") != (expected[k] == "allowed")}
    assert not wrong, f"{name}: expected {({k: expected[k] for k in wrong})}, got {wrong}"
