"""Issue 13, API conformance: Schemathesis generates requests from the OpenAPI schema Doorstep serves and sends them to
the application in-process (WSGI, through the whole middleware stack), signed in as the involved practitioner of the
test world. No response may be a server error, and each must be what the schema promises: a documented status code,
a documented content type and a body that matches its schema.

Each operation is tried with generated ids (mostly not found), with the ids of real records made just before by the
access matrix's builders (`<app>/tests/access.py`), and with the matrix's own request for it (a valid body), so that
the bodies checked are the ones real records give. Every request runs in a savepoint that is rolled back, so it
starts from the world and what the builders made. An operation that never succeeds for the practitioner (managers'
boards, the audit log, a manager's decision) is tried again as their manager.

Bounded: a few examples per operation, the same on every run (derandomized), about a minute on two cores."""

import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given
from rest_framework.exceptions import ValidationError
from schemathesis.core import NOT_SET
from schemathesis.core.failures import FailureGroup

from config.wsgi import application
from doorstep.core.api import DateTimeField
from doorstep.core.tests.test_access_matrix import all_routes

GENERATED_EXAMPLES = 4
REAL_EXAMPLES = 6
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
CSRF = "schemathesisschemathesisschemath"  # the 32-letter secret the CSRF cookie and header share


@dataclass
class SignedIn:
    cookies: dict
    headers: dict = field(default_factory=lambda: {"X-CSRFToken": CSRF})

    @classmethod
    def as_(cls, user) -> tuple["SignedIn", Client]:
        client = Client()
        client.force_login(user)
        return cls({settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
                    settings.CSRF_COOKIE_NAME: CSRF}), client


def _matrix_routes(schema) -> dict[str, list]:
    """The access matrix's API routes by schema path (their records are built when their operation runs)."""
    templates = {path: re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[0-9]+)", re.escape(path)) + "$")
                 for path in schema.raw_schema["paths"]}
    found = {}
    for route in all_routes():
        if not route.api:
            continue
        for kwargs in ({"pk": 1}, {"family_id": 1}, {}):
            try:
                url = reverse(route.name, kwargs=kwargs)
            except NoReverseMatch:
                continue
            found.setdefault(next((p for p, t in templates.items() if t.match(url)), None), []).append(route)
            break
    found.pop(None, None)
    return found


def _path_parameters(operation, route, world) -> dict:
    """The path parameters of the record the matrix's builder makes for `route`, fresh for this operation."""
    url = reverse(route.name, kwargs=route.kwargs(world))
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[0-9]+)", re.escape(operation.path))
    return {name: int(value) for name, value in re.match(pattern, url).groupdict().items()}


def _with_real_family(world):
    def real(case):
        # Records are made for a family: name the world's one where a body or query names a family.
        if isinstance(case.body, dict) and "family" in case.body:
            case.body["family"] = world.family.pk
        if case.query and "family" in case.query:
            case.query["family"] = world.family.pk
        return case
    return real


def _send(operation, case, signed_in: SignedIn, failures: dict, statuses: set):
    with connection_kept_open(), transaction.atomic():
        response = case.call(headers=signed_in.headers, cookies=signed_in.cookies)
        transaction.set_rollback(True)
    statuses.add(response.status_code)
    try:
        case.validate_response(response, checks=CHECKS, headers=signed_in.headers)
    except FailureGroup as group:  # collected, one of each kind per operation, and reported together
        for failure in group.exceptions:
            body = case.body if case.body is not NOT_SET else ""
            failures.setdefault(
                f"{operation.label}: {failure.title}",
                f"{case.method} {case.formatted_path} {case.query or ''} {body}"[:400]
                + f"\n{failure.message[:1000]}\n[{response.status_code}] {response.text[:400]}")


def _run(operation, strategy, examples: int, signed_in: SignedIn, failures: dict, statuses: set):
    @hypothesis.settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                         suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @given(case=strategy)
    def run(case):
        _send(operation, case, signed_in, failures, statuses)

    run()


@contextmanager
def connection_kept_open():
    """As Django's test client does: the WSGI handler closes the database connection after each request, which on
    PostgreSQL would drop the test's transaction (and the world with it). The test client connects them again after
    each of its own requests, so this wraps only the WSGI requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_keeps_to_its_schema(world, monkeypatch):
    # About 900 requests as one person on a frozen clock: the API's throttle (tested on its own) is lifted here.
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    practitioner, client = SignedIn.as_(world.users["involved_practitioner"])
    manager, _ = SignedIn.as_(world.users["involved_manager"])
    # The schema Doorstep serves to a signed-in person, tested against the application that serves it.
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/schema/?format=json").json())
    schema.app = application
    matrix = _matrix_routes(schema)
    operations = [result.ok() for result in schema.get_all_operations()]
    failures, answered, started = {}, {}, time.perf_counter()
    for operation in operations:
        statuses = answered[operation.label] = set()
        routes = matrix.get(operation.path, [])
        real = _path_parameters(operation, routes[0], world) if routes else None
        _run(operation, operation.as_strategy(), GENERATED_EXAMPLES, practitioner, failures, statuses)
        if real or any(p.name == "family" for p in operation.query):
            strategy = operation.as_strategy(path_parameters=real).map(_with_real_family(world))
            _run(operation, strategy, REAL_EXAMPLES, practitioner, failures, statuses)
        for route in routes:
            # The matrix's own request (a valid body), by whoever it allows: the practitioner, or else the manager.
            allowed = {"involved_practitioner", "involved_manager"} & route.allowed
            if route.method.upper() != operation.method.upper() or not allowed:
                continue
            body = route.data(world) if route.method != "get" else NOT_SET
            case = operation.Case(path_parameters=_path_parameters(operation, route, world),
                                  query=dict(parse_qsl(route.query)) or None, body=body,
                                  media_type=None if body is NOT_SET else "application/json")
            _send(operation, case, practitioner if "involved_practitioner" in allowed else manager, failures,
                  statuses)
        if not any(200 <= s < 300 for s in statuses):
            # Refused to the practitioner, or never valid: the manager tries too.
            _run(operation, operation.as_strategy(path_parameters=real), REAL_EXAMPLES, manager, failures, statuses)
    succeeded = [label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses)]
    print(f"\nSchemathesis: {len(operations)} operations ({len(matrix)} paths with real records, {len(succeeded)} "
          f"operations answered with success) in {time.perf_counter() - started:.0f}s")
    print("Never a success:", sorted(set(answered) - set(succeeded)))
    assert failures == {}, "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())
    # The run reached real records (a schema whose ids no longer match the routes would quietly test nothing).
    assert len(matrix) >= 40 and len(succeeded) >= 60


def test_a_moment_before_1900_is_refused_by_the_api():
    # It came back with London's local mean time offset (-00:01:15), which no client reads as a date-time.
    field = DateTimeField()
    with pytest.raises(ValidationError, match="after 1 January 1900"):
        field.run_validation("1815-06-18T11:00:00Z")
    assert field.to_representation(field.run_validation("1900-01-01T00:00:00Z")) == "1900-01-01T00:00:00Z"


def test_every_operation_documents_the_errors_it_can_give(db, admin_client):
    schema = admin_client.get("/api/v1/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"401", "403", "404"} <= set(operation["responses"]), f"{method} {path}"
            assert method == "get" or "400" in operation["responses"], f"{method} {path}"
