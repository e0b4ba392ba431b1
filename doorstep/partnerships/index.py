"""docs/protocols.md (issue 21): for every requirement ID of PROTOCOL.md, which protocol presets include it and
where, written from presets.py by `manage.py protocols_index`; tests/test_index.py fails when the committed file is
out of date, and the Done-when test (tests/test_presets.py) reads which rules each preset has on from its table."""

from pathlib import Path

from django.conf import settings
from django.utils import translation

from doorstep.escalations.rules import RULES, rule_sort_key

from .presets import PRESETS, REQUIREMENT_IDS

OUTPUT = Path(settings.BASE_DIR) / "docs" / "protocols.md"


def _cell(value) -> str:
    return " ".join(str(value).split()).replace("|", "\\|")


def requirement_cell(preset, requirement: str) -> str:
    """One cell of the table: a rule's state ("on, Bridgend protocol 7.9", "off: not in this protocol"), or where
    the protocol says a requirement that is not a rule ("7.9"), or "—" where it is silent."""
    if requirement in RULES:
        state = preset.rule_state(requirement)
        if not state.enabled:
            return f"off: {state.reason}"
        cited = state.clause or RULES[requirement].clause
        return f"on, {cited}" + (f" ({state.reason})" if state.reason else "")
    clause = preset.includes.get(requirement)
    return clause.ref if clause is not None else "—"


def protocols_index_text() -> str:
    with translation.override("en"):
        presets = list(PRESETS.values())
        lines = [
            "# Protocol presets",
            "",
            "Written by `python manage.py protocols_index` from `doorstep/partnerships/presets.py`; a test fails when "
            "this file is out of date.",
            "A partnership starts from one of these presets and may then change its settings (ESC-12, audited). "
            "Where a protocol is silent, its preset says so:",
            "a rule is off (\"not in this protocol\"), except the rules that keep people safe now, which are always "
            "on. \"All five protocols\" is the merged set of PROTOCOL.md.",
            "",
            "## Which presets include each requirement, and where",
            "",
            "| Requirement | " + " | ".join(_cell(p.name) for p in presets) + " |",
            "| --- | " + " | ".join("---" for _p in presets) + " |",
        ]
        for requirement in REQUIREMENT_IDS:
            lines.append(f"| {requirement} | " + " | ".join(_cell(requirement_cell(p, requirement))
                                                            for p in presets) + " |")
        for preset in presets:
            lines += ["", f"## {_cell(preset.name)}", "", f"- Document: {_cell(preset.title)}"]
            if preset.seed:
                lines.append(f"- Seed: `../shared/seeds/{preset.seed}_*.txt`; clauses cited as "
                             f"\"{preset.citation} <clause>\"")
            on = [r for r in sorted(RULES, key=rule_sort_key) if preset.rule_state(r).enabled]
            lines.append("- Rules on: " + ", ".join(on))
            for rule_id in on:
                own = preset.parameters.get(rule_id)
                if own:
                    lines.append(f"  - {rule_id} thresholds and timescales: "
                                 + ", ".join(f"`{k}` {v}" for k, v in own.items()))
            if preset.meeting_kinds:
                lines.append("- Meetings it names: " + "; ".join(
                    f"`{kind}` \"{_cell(name)}\"" for kind, name in preset.meeting_kinds.items()))
            if preset.seed:
                lines.append("- Where it says each requirement:")
                lines += [f"  - {requirement} ({_cell(clause.ref)})" + (f": \"{_cell(clause.quote)}\""
                                                                         if clause.quote else "")
                          for requirement, clause in preset.includes.items()]
    return "\n".join(lines) + "\n"


def protocols_index_write(path: Path = OUTPUT) -> bool:
    text = protocols_index_text()
    if path.exists() and path.read_text() == text:
        return False
    path.write_text(text)
    return True


def preset_rules_on(path: Path = OUTPUT) -> dict[str, set[str]]:
    """From docs/protocols.md's table: preset name -> the rules it has on (what the Done-when test expects)."""
    rows = [line for line in path.read_text().splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in rows[0].strip("|").split(" | ")]
    on: dict[str, set[str]] = {name: set() for name in header[1:]}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        for name, cell in zip(header[1:], cells[1:], strict=True):
            if cell.startswith("on, "):
                on[name].add(cells[0])
    return on
