"""The one access guard (P-4, issue 14): its refusals, and a check that no module keeps its own copy of it."""

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import translation

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.core import access
from doorstep.testing.world import ROLES

DOORSTEP = Path(access.__file__).resolve().parents[1]
FAMILY_WORKERS = {"involved_practitioner", "involved_manager", "involved_postholder", "other_involved", "uninvolved",
                  "uninvolved_manager", "ended", "break_glass"}


@pytest.mark.parametrize("role", ROLES)
def test_p4_only_people_who_work_with_families_pass_the_guard(world, role):
    user = world.users[role] or AnonymousUser()
    request = RequestFactory().get("/")
    request.user = user
    assert access.is_family_worker(user) == (role in FAMILY_WORKERS)
    assert access.FamilyWorker().has_permission(request, None) == (role in FAMILY_WORKERS)
    if role in FAMILY_WORKERS:
        access.require_family_worker(user)
        return
    with pytest.raises(PermissionDenied) as refused:
        access.require_family_worker(user)
    assert str(refused.value) == "Only practitioners, managers and partner systems of an agency work with family records."


def test_the_one_refusal_reads_in_welsh(world):
    with translation.override("cy"):
        with pytest.raises(PermissionDenied) as refused:
            access.require_family_worker(world.users["board_chair"])
        assert str(refused.value).startswith("Dim ond ymarferwyr, rheolwyr a systemau partner")


def test_p4_emergency_access_reads_but_never_writes_and_the_refusal_is_audited(world):
    holder = world.users["break_glass"]
    assert access.family_is_visible_to(professional=holder, family_id=world.family.pk)
    assert not access.family_may_write(professional=holder, family_id=world.family.pk)
    with pytest.raises(PermissionDenied) as refused:
        access.family_require_write(professional=holder, family=world.family, purpose="add a person")
    assert "Emergency access is read-only" in str(refused.value)
    denied = AuditEvent.objects.filter(actor=holder, action=AuditAction.DENIED).latest("id")
    assert (denied.family, denied.summary) == (world.family, "Refused (read-only access): add a person")
    access.family_require_write(professional=world.users["other_involved"], family=world.family)


def test_the_board_chair_is_refused_a_write_with_the_one_message_and_no_family_row(world):
    chair = world.users["board_chair"]
    with pytest.raises(PermissionDenied) as refused:
        access.family_require_write(professional=chair, family=world.family)
    assert str(refused.value) == str(access.NOT_A_FAMILY_WORKER)
    assert not AuditEvent.objects.filter(actor=chair, family=world.family).exists()


def test_the_api_answers_the_one_refusal(world, client):
    client.force_login(world.users["board_chair"])
    response = client.get("/api/v1/families/")
    assert response.status_code == 403
    assert response.json()["detail"] == str(access.NOT_A_FAMILY_WORKER)


# --- Nothing else re-implements the guard (issue 14) ----------------------------------------------------------------

GUARD_NAMES = {"_family_worker", "_require_family_worker", "require_family_worker", "is_family_worker",
               "family_require_write", "family_may_write", "families_visible_to", "family_is_visible_to",
               "family_get_for", "active_break_glass", "_write_condition", "_access_condition", "_read_condition"}
# The refusal messages each app used to carry before there was one.
OLD_MESSAGES = re.compile(r"Only practitioners,? (and managers|managers and partner systems) of an agency "
                          r"(work with|read|have|can|record|plan|make)")
# MTG-2 (000) is a protocol rule about who may call a meeting, not the access guard.
NOT_THE_GUARD = {"meetings/rules.py"}


def _modules():
    for path in sorted(DOORSTEP.rglob("*.py")):
        rel = path.relative_to(DOORSTEP).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel == "core/access.py" or rel in NOT_THE_GUARD:
            continue
        yield rel, path.read_text()


def _refuses_on_works_with_families(tree) -> list[int]:
    """`if not user.works_with_families: raise PermissionDenied(...)`: the guard written out again. (A test that
    combines it with another rule, e.g. "a manager of an agency", is that other rule.)"""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or not re.fullmatch(r"not [\w.]*works_with_families|not getattr\(\w+, "
                                                            r"'works_with_families', False\)", ast.unparse(node.test)):
            continue
        for statement in node.body:
            if isinstance(statement, ast.Raise) and "PermissionDenied" in ast.unparse(statement):
                found.append(node.lineno)
    return found


def test_no_module_defines_its_own_access_guard():
    copies = []
    for rel, text in _modules():
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in GUARD_NAMES:
                copies.append(f"{rel}:{node.lineno} defines {node.name}")
        copies += [f"{rel}:{line} refuses on works_with_families" for line in _refuses_on_works_with_families(tree)]
        if OLD_MESSAGES.search(text):
            copies.append(f"{rel} carries its own refusal message")
    assert not copies, "use doorstep.core.access instead: " + "; ".join(copies)


def test_the_copy_finder_finds_a_copy():
    tree = ast.parse("def _family_worker(request):\n"
                     "    if not request.user.works_with_families:\n"
                     "        raise PermissionDenied('Only practitioners and managers of an agency make visits.')\n")
    assert _refuses_on_works_with_families(tree) == [2]
    assert _refuses_on_works_with_families(ast.parse(
        "if not getattr(by, 'works_with_families', False):\n    raise PermissionDenied('No')\n")) == [1]
    assert OLD_MESSAGES.search(ast.unparse(tree))
