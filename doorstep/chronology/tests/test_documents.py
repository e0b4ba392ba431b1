"""Issue 18: the chronology's PDF is tagged so that a screen reader can read it: its language, its title and
household as headings, the warning sections, and the entries as a table with header cells."""

from collections import Counter

import pytest
from django.conf import settings
from django.urls import reverse

from doorstep.chronology.models import ChronologyExport
from doorstep.chronology.services import chronology_export_prepare
from doorstep.families import casefile
from doorstep.testing import pdf

from .helpers import long_history


@pytest.fixture
def worker_client(client, world):
    client.force_login(world.users["involved_practitioner"])
    return client


def _download(world, client, language="en") -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post(reverse("chronology:pdf", args=[world.family.pk]))
    export = ChronologyExport.objects.get()
    assert chronology_export_prepare(export_id=export.pk) == "ready"
    response = client.get(reverse("chronology:export-download", args=[world.family.pk, export.pk]))
    assert response["Content-Type"] == "application/pdf"
    return response.content


def test_the_chronology_pdf_is_tagged_with_headings_a_table_and_its_language(world, worker_client, monkeypatch):
    monkeypatch.setattr(casefile, "EXPORT_SECTIONS", [
        lambda *, family: {"title": "Incidents known to agencies", "lines": ["Officer pushed down the steps"]}])
    long_history(world, n=120)
    content = _download(world, worker_client)
    language, tags = pdf.structure(content)
    assert language == "en"
    assert tags[:3] == ["Document", "H1", "H2"]  # "Multi-agency chronology", then the family
    counts = Counter(tags)
    assert counts["Table"] == 1 and counts["THead"] == 1 and counts["TH"] == 4
    assert counts["TR"] >= 121 and counts["TD"] == 4 * (counts["TR"] - 1)  # a row per entry, four cells each
    assert counts["H2"] == 3 and counts["LI"] == 1  # the family, the warning section (a list), "Entries"
    text = pdf.text(content)
    for expected in ("Multi-agency chronology", "Testing household", "Household:", "Agency and author",
                     "What happened", "Incidents known to agencies", "Officer pushed down the steps", "Entry 00000 from agency 0", "Entry 00119 from agency 7", "Page 1 of"):
        assert expected in text
    assert text.index("Entry 00000") < text.index("Entry 00119")  # oldest first, in reading order


def test_the_welsh_chronology_pdf_says_it_is_welsh(world, worker_client):
    long_history(world, n=5)
    content = _download(world, worker_client, language="cy")
    language, tags = pdf.structure(content)
    assert language == "cy" and "Table" in tags
    assert "Cronoleg amlasiantaethol" in pdf.text(content)
