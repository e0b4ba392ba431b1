"""Issue 18: one date format everywhere ("5 Dec 2026", "5 Dec 2026, 14:30"), with Welsh month abbreviations."""

from datetime import date, datetime
from pathlib import Path

from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

ROOT = Path(__file__).resolve().parents[2]  # doorstep/


def render(language: str, source: str, **context) -> str:
    with translation.override(language):
        return Template(source).render(Context(context))


def test_a_date_reads_5_dec_2026_and_a_moment_adds_the_time():
    day, moment = date(2026, 12, 5), datetime(2026, 12, 5, 14, 30)
    assert render("en", '{{ d|date }} · {{ d }} · {{ m|date:"DATETIME_FORMAT" }}', d=day, m=moment) == (
        "5 Dec 2026 · 5 Dec 2026 · 5 Dec 2026, 14:30")
    assert date_format(day) == "5 Dec 2026"


def test_in_welsh_the_months_are_abbreviated_in_welsh():
    assert render("cy", '{{ d|date }} · {{ m|date:"DATETIME_FORMAT" }}', d=date(2027, 1, 12),
                  m=datetime(2026, 12, 5, 9, 5)) == "12 Ion 2027 · 5 Rhag 2026, 09:05"


def test_no_page_spells_a_day_month_year_format_of_its_own():
    # The visit pages are being redrawn in parallel (issue 18, phone visit page) and keep theirs until then.
    own = ('date:"d/m/Y', 'date:"j F Y', 'date:"j M Y"', 'date:"j M Y H:i"')
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.glob("*/templates/**/*.html")
                 if "visits" not in p.parts and "search.html" != p.name and any(f in p.read_text() for f in own)]
    assert offenders == []
