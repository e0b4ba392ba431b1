"""Issue 14: every Welsh catalogue is complete: no entry untranslated, none fuzzy (a fuzzy entry is a guess gettext
does not use, so the reader sees English)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # doorstep/
CATALOGUES = sorted(ROOT.glob("*/locale/cy/LC_MESSAGES/django.po"))


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgid, msgid_plural and the msgstr(s), read without a library."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
            continue
        keyword, _space, rest = line.partition(" ")
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            field = ("msgstr", index)
            entry["msgstr"][index] = value
        else:
            field = keyword
            entry[keyword] = value
    return entries


def test_there_are_welsh_catalogues():
    assert len(CATALOGUES) >= 10


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_no_welsh_entry_is_untranslated_or_fuzzy(path):
    problems = []
    for entry in po_entries(path):
        if entry["obsolete"] or entry["msgid"] == "":  # the header
            continue
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        elif not entry["msgstr"] or not all(entry["msgstr"].values()):
            problems.append(f"untranslated: {entry['msgid']!r}")
    assert not problems, f"{path.relative_to(ROOT.parent)}:\n" + "\n".join(problems)


def test_the_reader_finds_an_untranslated_and_a_fuzzy_entry(tmp_path):
    """The check itself can fail."""
    po = tmp_path / "django.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: cy\\n"\n\n#, fuzzy\nmsgid "Home"\nmsgstr "Cartref"\n\n'
                  'msgid "Back"\nmsgstr ""\n\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s diwrnod"\n'
                  'msgstr[1] ""\n', encoding="utf-8")
    entries = {e["msgid"]: e for e in po_entries(po)}
    assert "fuzzy" in entries["Home"]["flags"]
    assert entries["Back"]["msgstr"] == {0: ""}
    assert entries["%(n)s day"]["msgstr"] == {0: "%(n)s diwrnod", 1: ""}
