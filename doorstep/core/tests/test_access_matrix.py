"""P-4: every view and API endpoint, for every position of the access rule (see doorstep/testing/access.py)."""

import importlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from doorstep.testing.access import Route
from doorstep.testing.world import ROLES

REFUSED = {401, 403, 404}


def all_routes() -> list[Route]:
    routes = []
    for config in apps.get_app_configs():
        if not config.name.startswith("doorstep."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access")
        except ModuleNotFoundError:
            continue
        routes.extend(module.ROUTES)
    return routes


def url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if ns == "admin:":
                names.add("admin:index")  # the admin site is one entry: administrators only
                continue
            names |= url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(namespace + p.name)
    return names


ROUTES = all_routes()


def test_every_url_pattern_is_in_the_matrix():
    listed = {r.name for r in ROUTES}
    missing = url_names() - listed
    assert not missing, f"URL patterns without an access-matrix entry: {sorted(missing)}"
    assert len(listed) == len(ROUTES), "a route is listed twice"


def _request(client, route: Route, world):
    url = reverse(route.name, kwargs=route.kwargs(world))
    if route.query:
        url += "?" + route.query
    if route.method == "get":
        return client.get(url)
    if route.api:
        return client.post(url, route.data(world), content_type="application/json")
    return client.post(url, route.data(world))


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_access(route: Route, world, client):
    outcomes = {}
    for role in ROLES:
        user = world.users[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        response = _request(client, route, world)
        login_redirect = response.status_code == 302 and "/login/" in response.get("Location", "")
        refused = response.status_code in REFUSED or (login_redirect and route.name != "logout")
        outcomes[role] = "refused" if refused else "allowed"
    expected = {role: "allowed" if role in route.allowed else "refused" for role in ROLES}
    assert outcomes == expected
