"""The rule index (docs/rules.md) and the one engine (issue 14): the committed index is up to date, answers "where
is SAF-3?" in one line, and every requirement Doorstep implements is cited by a test that exercises it."""

from pathlib import Path

from django.conf import settings

from doorstep.escalations.index import OUTPUT, REQUIREMENTS, citing_tests, rules_index_text
from doorstep.escalations.rules import RULES


def test_the_committed_rule_index_is_up_to_date():
    assert OUTPUT.read_text() == rules_index_text(), "docs/rules.md is out of date: run python manage.py rules_index"


def test_the_index_says_where_each_rule_is_in_one_line():
    lines = OUTPUT.read_text().splitlines()
    [saf_3] = [line for line in lines if line.startswith("| SAF-3 |")]
    assert "`doorstep/visits/rules.py`" in saf_3
    for rule_id, definition in RULES.items():
        path = Path(settings.BASE_DIR) / definition.where.replace(".", "/")
        assert path.with_suffix(".py").exists(), rule_id
        assert any(line.startswith(f"| {rule_id} |") for line in lines), rule_id


def test_every_requirement_doorstep_implements_is_cited_by_a_test():
    uncited = [requirement for requirement, tests in citing_tests().items() if not tests]
    assert uncited == []
    assert set(RULES) <= set(REQUIREMENTS)


def test_escalations_are_raised_only_by_the_engine():
    """Done when (issue 14): the engine is the only place that raises an escalation; every other app applies its
    rules' outcomes through it."""
    name = "escalation" + "_raise"
    root = Path(settings.BASE_DIR) / "doorstep"
    users = sorted(str(p.relative_to(root.parent)) for p in root.rglob("*.py") if name in p.read_text())
    assert users == ["doorstep/escalations/engine.py"]
