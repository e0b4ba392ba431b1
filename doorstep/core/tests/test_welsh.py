"""Issue 14, "everything a person reads, in their language": the demo region read in Welsh shows no English
interface text. The pages' visible text is compared with the English msgids of the catalogues (each one Welsh
translates differently); the family's own words and the names in the demo are English and are not msgids."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from doorstep.agencies.models import Professional
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.escalations.models import Escalation
from doorstep.families.models import Family, Involvement
from doorstep.visits.models import Visit

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


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def _welsh(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client


FOUND: list[str] = []


def _assert_welsh(client, url, messages):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers.get("Content-Language", "cy").startswith("cy")
    FOUND.extend(f"{url}: {t}" for t in english_found(response.content.decode(), *messages) if t not in ALLOWED)


def _richest_family():
    """The demo family whose chronology holds the most kinds of entry Doorstep writes by itself."""
    counts = {}
    for family_id, kind in ChronologyEntry.objects.values_list("family_id", "kind").distinct():
        counts[family_id] = counts.get(family_id, 0) + 1
    return Family.objects.get(pk=max(counts, key=counts.get))


def _worker_for(family):
    involvement = Involvement.objects.filter(family=family, ended_on__isnull=True).order_by("id").first()
    return (Professional.objects.filter(agency=involvement.agency, role="practitioner", is_active=True).first()
            or Professional.objects.filter(agency=involvement.agency, is_active=True).first())


@pytest.mark.clock("2027-01-12 10:00")
def test_the_demo_region_in_welsh_shows_no_english_interface_text(demo, client, messages):
    family = _richest_family()
    worker = _worker_for(family)
    _welsh(client, worker)
    # Every kind of entry Doorstep writes into the chronology, across the demo.
    kinds = set(ChronologyEntry.objects.values_list("kind", flat=True))
    assert {EntryKind.CONTACT, EntryKind.INVOLVEMENT, EntryKind.MARKER, EntryKind.MEETING} <= kinds
    families = {family.pk}
    for kind in kinds:
        entry = ChronologyEntry.objects.filter(kind=kind, family__involvements__agency=worker.agency,
                                               family__involvements__ended_on__isnull=True).first()
        if entry is not None:
            families.add(entry.family_id)
    for family_id in sorted(families):
        _assert_welsh(client, reverse("chronology:family", args=[family_id]), messages)
    # Issue 18: every sub page of the case file.
    for name in ("families:detail", "families:children", "families:engagement", "families:meetings",
                 "families:agreement", "families:safety"):
        _assert_welsh(client, reverse(name, args=[family.pk]), messages)
    _assert_welsh(client, reverse("engagement:record", args=[family.pk]), messages)
    _assert_welsh(client, reverse("escalations:mine"), messages)
    escalation = Escalation.objects.filter(owner=worker).first() or Escalation.objects.filter(
        family=family).first()
    if escalation is not None:
        _welsh(client, escalation.owner)
        _assert_welsh(client, reverse("escalations:detail", args=[escalation.pk]), messages)
    visit = Visit.objects.select_related("worker").first()
    if visit is not None:
        _welsh(client, visit.worker)
        _assert_welsh(client, reverse("visits:detail", args=[visit.pk]), messages)
    _welsh(client, Professional.objects.get(username="board.chair"))
    _assert_welsh(client, reverse("meetings:board"), messages)
    assert not FOUND, "English in Welsh pages:\n" + "\n".join(FOUND)


def test_the_check_finds_english_text(messages):
    exact, patterns = messages
    html = ("<main><h1>Cronoleg</h1><p>Afonwy Valleys Police became involved: worried</p>"
            "<script>var a = 'Chronology';</script><a>Chronology</a></main>")
    found = english_found(html, exact, patterns)
    assert "Chronology" in found
    assert any(f.startswith("Afonwy Valleys Police became involved") for f in found)
    assert len(found) == 2
