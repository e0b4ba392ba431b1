"""Issue 18: every PDF is made one way (doorstep.core.pdf); the words go in as data, so text that looks like Typst
markup is printed as written (ASVS V5.3.10)."""

from pathlib import Path

from doorstep.core.pdf import page_count, render_pdf
from doorstep.testing import pdf

TEMPLATE = Path(__file__).resolve().parents[2] / "chronology" / "chronology.typ"


def test_text_that_looks_like_markup_is_printed_as_written():
    hostile = '#panic("x") *bold* $x^2$ <label> @ref = Heading \\ #import "/etc/passwd" ]) & </table>'
    content = render_pdf(TEMPLATE, {
        "heading": "Multi-agency chronology", "family": hostile, "header": [["Household", hostile]],
        "sections": [{"title": hostile, "lines": [hostile]}], "entries_heading": "Entries", "no_entries": "None",
        "head": ["When", "Agency and author", "Kind", "What happened"],
        "rows": [["01/02/2026\n10:00", hostile, "Visit", hostile, True]], "footer": hostile,
        "page_label": "Page {page} of {pages}"}, title=hostile, language="en")
    text = " ".join(pdf.text(content).split())
    assert text.count('#panic("x") *bold* $x^2$ <label> @ref = Heading') >= 4
    assert page_count(content) == 1
