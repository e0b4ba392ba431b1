"""Issue 14, "everything a person reads, in their language": the check that finds English interface text in a page
read in Welsh. The pages' visible text is compared with the English msgids of the catalogues (each one Welsh
translates differently); the family's own words and the names in the demo are English and are not msgids. The demo
region read in Welsh is checked in test_demo.py, which loads the demo once for all its tests."""

import re
from html.parser import HTMLParser

import pytest

from .test_catalogues import CATALOGUES, po_entries

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def _english_messages():
    """(exact msgids, patterns for msgids with parameters) whose Welsh differs from the English."""
    exact, patterns = set(), []
    for path in CATALOGUES:
        for entry in po_entries(path):
            msgid, welsh = entry["msgid"], entry["msgstr"].get(0, "")
            if not msgid or entry["obsolete"] or welsh == msgid or "msgid_plural" in entry:
                continue
            literal = PLACEHOLDER.sub("", msgid)
            if not PLACEHOLDER.search(msgid):
                # A single word may be a name or a shared term; three letters of a sentence are enough to tell.
                if len(msgid) > 3 and re.search(r"[a-z]{3}", msgid):
                    exact.add(_normal(msgid))
            elif len(re.findall(r"[A-Za-z]{4,}", literal)) >= 2 and msgid not in PENDING_ENGINE:
                parts, end = [], 0
                for match in PLACEHOLDER.finditer(msgid):
                    parts.append(re.escape(_normal(msgid[end:match.start()])))
                    parts.append(".+?")
                    end = match.end()
                parts.append(re.escape(_normal(msgid[end:])))
                patterns.append((msgid, re.compile("^" + "".join(parts) + "$", re.DOTALL)))
    return exact, patterns


def _normal(text: str) -> str:
    return " ".join(text.split())


class _VisibleText(HTMLParser):
    """Text a reader sees: text nodes outside script/style/template, and the labels of buttons and inputs."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.texts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def english_found(html: str, exact, patterns) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for raw in parser.texts:
        text = _normal(raw)
        if text in exact:
            found.append(text)
            continue
        for msgid, pattern in patterns:
            if pattern.match(text):
                found.append(f"{text}  <-  {msgid!r}")
                break
    return found


# The link to switch language names the other language in that language, on purpose.
ALLOWED = {"English"}

# Titles of tracked actions are message ids since issue 14's one engine: none is pending any more.
PENDING_ENGINE: set[str] = set()


@pytest.fixture(scope="module")
def messages():
    return _english_messages()


def test_the_check_finds_english_text(messages):
    exact, patterns = messages
    html = ("<main><h1>Cronoleg</h1><p>Afonwy Valleys Police became involved: worried</p>"
            "<script>var a = 'Chronology';</script><a>Chronology</a></main>")
    found = english_found(html, exact, patterns)
    assert "Chronology" in found
    assert any(f.startswith("Afonwy Valleys Police became involved") for f in found)
    assert len(found) == 2
