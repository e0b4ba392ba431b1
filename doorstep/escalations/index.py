"""The rule index (docs/rules.md), written from the one registry of rules (`rules.RULES`) and the tests that cite
each requirement ID. `manage.py rules_index` writes it; `tests/test_index.py` fails when the committed file is out
of date, or when a requirement Doorstep implements is cited by no test.

A test cites a requirement when its function, its test class's docstring or its section comment names the ID (e.g.
"ESC-4", or a range "ESC-1..3"), or its name does (`test_esc_4_...`); a test module cites it, for all its tests, when
its docstring does.
"""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from .rules import RULES, rule_sort_key

OUTPUT = Path(settings.BASE_DIR) / "docs" / "rules.md"
SOURCE = Path(settings.BASE_DIR) / "doorstep"

# The requirements of PROTOCOL.md (../shared/PROTOCOL.md) that Doorstep implements, in its order.
# Every requirement is built. OVR-1: drift signals, visit discrepancies and case-file audit rounds
# (doorstep/oversight); OVR-1A is its second rule (an audit's findings as tracked actions), listed here as every
# rule's ID is. RIG-1 (issue 20): subject access requests (doorstep/subjectaccess). RIG-2 (issue 20): the recording
# check, the family's account, correction (rule RIG-2, doorstep/recording).
REQUIREMENTS = {
    "P-1": "The child in view on every screen of a family",
    "P-2": "Non-engagement is a trigger for multi-agency action, never a reason to close or drift",
    "P-3": "A formal, defensible record: who decided what, when, why",
    "P-4": "Need-to-know sharing between agencies",
    "P-5": "Agencies work as one: no single agency carries the concern alone",
    "ORG-1": "Agencies are configurable data",
    "ORG-2": "Roles",
    "ORG-3": "Every practitioner has a line manager; \"the manager\" resolves to them",
    "FAM-1": "A family with its members, including unborn children",
    "FAM-2": "Per child: status, known to children's social care, lead professional",
    "FAM-3": "Per adult: which agencies they engage with and which not",
    "FAM-4": "Communication needs",
    "FAM-5": "Reasons for non-cooperation, as assessed",
    "ENG-1": "Every contact or attempt is recorded",
    "ENG-2": "Behaviours observed",
    "ENG-3": "Threatening behaviour",
    "ENG-4": "Areas of assessment that could not be achieved, and why",
    "ENG-5": "End-of-contact summary for the parent",
    "ENG-6": "Defaulted visits and appointments are counted and followed up",
    "CHR-1": "A single merged chronology per family",
    "CHR-2": "The chronology makes patterns visible",
    **{f"ESC-{n}": f"Escalation rule ESC-{n}" for n in range(1, 13)},
    "SAF-1": "Pre-visit risk assessment",
    "SAF-2": "Visit arrangements",
    "SAF-3": "Lone working: whereabouts, reporting back, a defined procedure",
    "SAF-4": "If an incident occurs",
    "FLG-1": "Warning markers visible on every case file",
    "FLG-2": "Markers name the risk, its source, who raised and authorised it, a review date",
    "INC-1": "Incident record",
    "INC-2": "Referrals carry all known information about violence",
    **{f"MTG-{n}": f"Multi-agency meetings MTG-{n}" for n in range(1, 10)},
    "AGR-1": "Two-way written agreement",
    "AGR-2": "Breaches recorded against the agreement",
    "SUP-1": "Supervision records per worker and case",
    "SUP-2": "Reflective questions",
    "SUP-3": "The agreed action plan for managing risk",
    "SUP-4": "Managers track supervision frequency",
    "SUP-5": "How the work will progress safely, and why",
    "OVR-1": "Case file audits to spot drift, and visits recorded that did not take place",
    "OVR-1A": "Case-file audit findings become the lead professional's tracked actions (OVR-1)",
    "OVR-2": "Board oversight",
    "OVR-3": "Allocation mindful of exposure to threatening families",
    "RIG-1": "Parents know what is recorded and can access records about them",
    "RIG-2": "Respect: factual records, the family's own account, and correction",
}


def _module_path(module: str) -> str:
    return module.replace(".", "/") + ".py"


def _expand(text: str) -> str:
    """"ENG-1..6" cites ENG-1 to ENG-6."""
    return re.sub(r"\b([A-Z]+)-(\d+)\.\.(?:\1-)?(\d+)",
                  lambda m: " ".join(f"{m.group(1)}-{n}" for n in range(int(m.group(2)), int(m.group(3)) + 1)), text)


def _cites(text: str, name: str, requirement: str) -> bool:
    if re.search(rf"(?<![A-Z\-]){re.escape(requirement)}(?!\d)", text):
        return True
    prefix, number = requirement.lower().split("-")
    return bool(re.search(rf"(^|_)({prefix}_?{number})(_|$)", name))


def citing_tests(root: Path = SOURCE) -> dict[str, list[str]]:
    """Requirement ID -> what cites it, in path order: a test ("path::name") whose function, test class docstring or
    section comment ("# --- ESC-6 ---") names it, or a whole test module ("path") whose docstring does."""
    found: dict[str, list[str]] = {r: [] for r in REQUIREMENTS}
    base = root.parent
    for path in sorted(root.rglob("tests/test_*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        relative = path.relative_to(base).as_posix()
        module_doc = _expand(ast.get_docstring(tree) or "")
        sections = [(number, line) for number, line in enumerate(source.splitlines(), 1) if line.startswith("# ---")]

        lines = source.splitlines()

        def section(lineno: int) -> str:
            return next((line for number, line in reversed(sections) if number < lineno), "")

        def segment(node) -> str:  # the function with its decorators (parametrized cases cite too)
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(lines[first - 1:node.end_lineno])

        units = []
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test"):
                units.append((node.name, section(node.lineno) + "\n" + segment(node)))
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                doc = section(node.lineno) + "\n" + (ast.get_docstring(node) or "")
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name.startswith("test"):
                        units.append((f"{node.name}::{item.name}", doc + "\n" + segment(item)))
        for requirement in REQUIREMENTS:
            if units and _cites(module_doc, "", requirement):
                found[requirement].append(relative)
                continue
            for name, text in units:
                if _cites(_expand(text), name.rsplit("::", 1)[-1], requirement):
                    found[requirement].append(f"{relative}::{name}")
    return found


def _cell(value) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def rules_index_text() -> str:
    """docs/rules.md, in English."""
    tests = citing_tests()
    with translation.override("en"):
        lines = [
            "# The rule index",
            "",
            "Written by `python manage.py rules_index` from the registry of rules (`doorstep.escalations.rules.RULES`);",
            "a test fails when this file is out of date. Every tracked action of the protocol is a `RuleDefinition` in",
            "its own app's `rules.py`, applied by the one engine (`doorstep/escalations/engine.py`). Settings are",
            "changed on the Rule settings page (ESC-12); the defaults below are the protocol's.",
            "",
            "## Where each rule is",
            "",
            "| Rule | Clause | Where | What it is about |",
            "| --- | --- | --- | --- |",
        ]
        ordered = sorted(RULES, key=rule_sort_key)
        for rule_id in ordered:
            d = RULES[rule_id]
            lines.append(f"| {rule_id} | {_cell(d.clause)} | `{_module_path(d.where)}` | {_cell(d.title)} |")
        for rule_id in ordered:
            d = RULES[rule_id]
            lines += ["", f"## {rule_id}: {_cell(d.title)}", "",
                      f"- Clause: {_cell(d.clause)}",
                      f"- Where: `{_module_path(d.where)}`"
                      + (f" (`{d.evaluate.__name__}`, over {d.subject} facts)" if d.evaluate else
                         f" (checked when {d.subject}s end)" if d.subject == "involvement" else ""),
                      f"- Trigger: {_cell(d.trigger)}",
                      f"- Owner and action: {_cell(d.action)}"]
            if d.deadline:
                lines.append(f"- Deadline: {_cell(d.deadline)}")
            if d.parameters:
                lines.append("- Settings (default): " + "; ".join(
                    f"{_cell(p.label)} `{p.name}` ({p.default}, {p.minimum} to {p.maximum})" for p in d.parameters))
            cited = tests.get(rule_id, [])
            lines.append(f"- Tests that cite it ({len(cited)}):")
            lines += [f"  - `{t}`" for t in cited] or ["  - none"]
        lines += ["", "## Requirements and the tests that cite them", "",
                  "Every requirement of PROTOCOL.md, with the tests that exercise it.", ""]
        for requirement, title in REQUIREMENTS.items():
            cited = tests[requirement]
            lines.append(f"- **{requirement}** {title} ({len(cited)}): "
                         + (", ".join(f"`{t}`" for t in cited) if cited else "none"))
    return "\n".join(lines) + "\n"


def rules_index_write(path: Path = OUTPUT) -> bool:
    """Write docs/rules.md; True if it changed."""
    text = rules_index_text()
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True
