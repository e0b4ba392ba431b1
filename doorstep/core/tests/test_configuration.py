"""Configuration in one place (issue 14): only config/settings.py reads the environment, and the README documents
every variable it reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
READS = re.compile(r"os\.environ\b(?!\.setdefault\(\"DJANGO_SETTINGS_MODULE\")|getenv\(")
# Handing the whole environment on to a child process (the benchmark's server and worker) is not reading it.
HANDED_ON = re.compile(r"\*\*os\.environ\b")
# Test infrastructure: the test clock (DOORSTEP_TEST_CLOCK) and the tests themselves, which start processes with an
# environment of their own.
TEST_SUPPORT = ("conftest.py", "doorstep/testing/clock.py")
NAMES = re.compile(r"os\.environ(?:\.get\(\s*|\[)\"([A-Z0-9_]+)\"")


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.split("/")[0] in {".venv", "node_modules", "config"} or "/tests/" in rel or rel in TEST_SUPPORT:
            continue
        yield rel, path.read_text()


def test_no_module_outside_config_reads_the_environment():
    readers = []
    for rel, text in _modules():
        for number, line in enumerate(text.splitlines(), 1):
            if READS.search(HANDED_ON.sub("", line)):
                readers.append(f"{rel}:{number}: {line.strip()}")
    assert not readers, "read it in config/settings.py and use the setting: " + "; ".join(readers)


def test_the_finder_finds_a_reader():
    assert READS.search('STUCK = int(os.environ.get("DOORSTEP_EMAIL_STUCK_SECONDS", "300"))')
    assert READS.search('os.getenv("X")')
    assert not READS.search(HANDED_ON.sub("", "env = {**os.environ, 'A': '1'}"))


def test_every_variable_settings_reads_is_in_the_readme_table():
    names = set(NAMES.findall((ROOT / "config" / "settings.py").read_text()))
    assert {"DOORSTEP_ENV", "DOORSTEP_EMAIL_STUCK_SECONDS", "DOORSTEP_TWO_STEP_ROLES"} <= names
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names if f"| `{n}` |" not in readme)
    assert not missing, f"document these in the README's table of environment variables: {missing}"
