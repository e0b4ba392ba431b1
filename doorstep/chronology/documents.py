"""Printable documents built with ReportLab: the chronology export (CHR-1) and, through the same building blocks,
other capabilities' documents (the ENG-5 summary for a parent).

Fonts: Welsh needs ŵ and ŷ, which the PDF standard fonts lack, so a TrueType font that has them is embedded
(Liberation Sans, Arial's metric twin, or DejaVu Sans; both come with Debian's Chromium). Without either the
standard Helvetica is used and those two letters may not print.
"""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

# Page streams compressed but not ASCII85-encoded: a quarter smaller, and encoding them was a fifth of the time a
# long chronology took (issue 15).
rl_config.useA85 = 0
FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names with Welsh letters where the machine has such a font."""
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).exists() and Path(bold).exists():
            pdfmetrics.registerFont(TTFont("DoorstepSans", regular))
            pdfmetrics.registerFont(TTFont("DoorstepSans-Bold", bold))
            pdfmetrics.registerFontFamily("DoorstepSans", normal="DoorstepSans", bold="DoorstepSans-Bold",
                                          italic="DoorstepSans", boldItalic="DoorstepSans-Bold")
            return "DoorstepSans", "DoorstepSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def styles(scale: float = 1.0) -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    base = getSampleStyleSheet()
    size = 9.5 * scale
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=bold, fontSize=18 * scale,
                                leading=22 * scale, alignment=TA_LEFT, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12 * scale, leading=15 * scale,
                             spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=regular, fontSize=size,
                               leading=size * 1.3, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", parent=base["BodyText"], fontName=bold, fontSize=8.5, leading=10.5),
    }


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped, line breaks kept)."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def numbered_canvas(footer: str, on_page=None):
    """A canvas class that prints `footer` and "Page n of N" at the foot of every page; `on_page(n)` is told of
    each page as it is laid out."""
    regular, _bold = fonts()

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            if on_page is not None and len(self._pages) % 20 == 0:
                on_page(len(self._pages))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(regular, 7.5)
                self.setFillColor(colors.HexColor("#505a5f"))
                self.drawString(1.5 * cm, 1 * cm, footer)
                self.drawRightString(A4[0] - 1.5 * cm, 1 * cm,
                                     _("Page %(n)s of %(total)s") % {"n": self._pageNumber, "total": total})
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: list, *, title: str, footer: str, author: str = "", on_page=None) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm,
                            bottomMargin=1.8 * cm, title=title, author=author, creator="Doorstep")
    doc.build(story, canvasmaker=numbered_canvas(footer, on_page))
    return buffer.getvalue()


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")


def entry_text(entry, tag_labels: dict) -> str:
    """An entry's full text for exports (an ExportRow): summary, labels, late entry, and the analysis comments."""
    parts = [entry.summary]
    labels = [str(tag_labels[t]) for t in entry.tags if t in tag_labels]
    if labels:
        parts.append(_("Recorded: %(labels)s") % {"labels": ", ".join(labels)})
    if entry.late:
        parts.append(_("Late entry: recorded %(when)s") % {"when": _when(entry.recorded_at)})
    for author, created_at, text in entry.comments:
        parts.append(_("Analysis by %(name)s, %(when)s: %(text)s") % {
            "name": author, "when": _when(created_at), "text": text})
    return "\n".join(parts)


class Wrapper:
    """Greedy word wrapping with each word's width measured once per document: ReportLab's paragraphs measure every
    word of every cell again each time a table is split or redrawn, which made a 7,000-entry PDF take 12 s."""

    def __init__(self, font: str, size: float):
        self.face = pdfmetrics.getFont(font)
        self.size = size
        self.widths: dict[str, float] = {}
        self.space = self.width(" ")

    def width(self, text: str) -> float:
        w = self.widths.get(text)
        if w is None:
            w = self.widths[text] = self.face.stringWidth(text, self.size)
        return w

    def lines(self, text: str, limit: float) -> list[str]:
        out = []
        for paragraph in str(text).split("\n"):
            line: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                w = self.width(word)
                if w > limit:  # a word wider than the column (an address, a long number): cut it
                    if line:
                        out.append(" ".join(line))
                    piece = ""
                    for char in word:
                        if piece and self.width(piece + char) > limit:
                            out.append(piece)
                            piece = ""
                        piece += char
                    line, used = [piece], self.width(piece)
                elif line and used + self.space + w > limit:
                    out.append(" ".join(line))
                    line, used = [word], w
                else:
                    used += (self.space if line else 0) + w
                    line.append(word)
            out.append(" ".join(line))
        return out


COLUMNS = (2.4 * cm, 3.8 * cm, 2.4 * cm, 9.4 * cm)
PAD_X, PAD_Y, SIZE, LEADING = 4, 3, 8.5, 10.5
GREY_LINE, HEAD_FILL, SIGNIFICANT_FILL = (colors.HexColor("#b1b4b6"), colors.HexColor("#f3f2f1"),
                                          colors.HexColor("#f6d7d2"))


class EntryRows(Flowable):
    """The entries as a table drawn straight onto the page, its head repeated on every page: each row's lines are
    wrapped once, so laying out and splitting across pages costs nothing more (issue 15: 7,000 entries in seconds).
    Rows [start, end) of a shared list of (lines per column, significant); a row taller than a page is cut."""

    def __init__(self, rows: list, head: list[str], *, start: int = 0, end: int | None = None):
        super().__init__()
        self.rows, self.head, self.start = rows, head, start
        self.end = len(rows) if end is None else end
        self.head_height = LEADING + 2 * PAD_Y

    @staticmethod
    def height_of(row) -> float:
        return max(len(lines) for lines in row[0]) * LEADING + 2 * PAD_Y

    def _fit(self, available: float) -> int:
        """How many rows from `start` fit in `available` points (with the head)."""
        used, n = self.head_height, self.start
        while n < self.end:
            h = self.height_of(self.rows[n])
            if used + h > available:
                break
            used += h
            n += 1
        return n

    def wrap(self, available_width, available_height):
        # The height of every row while they fit, and no further: more than the space left is all the frame needs
        # to know to split (measuring the thousands of rows beyond the page at every page would be wasted).
        height, n = self.head_height, self.start
        while n < self.end and height <= available_height:
            height += self.height_of(self.rows[n])
            n += 1
        self.width, self.height = sum(COLUMNS), height
        return self.width, self.height

    def split(self, available_width, available_height):
        fit = self._fit(available_height)
        if fit >= self.end:
            return [self]
        if fit == self.start:  # not even the first row fits
            lines_room = int((available_height - self.head_height - 2 * PAD_Y) // LEADING)
            if available_height < self.head_height + 4 * LEADING or self.height_of(self.rows[fit]) < 500:
                return []  # on to the next page
            # A row taller than a whole page: its first lines here, the rest on the next page.
            columns, significant = self.rows[fit]
            head_part = ([c[:lines_room] for c in columns], significant)
            tail_part = ([c[lines_room:] or [""] for c in columns], significant)
            self.rows[fit:fit + 1] = [head_part, tail_part]
            self.end += 1
            fit += 1
        return [EntryRows(self.rows, self.head, start=self.start, end=fit),
                EntryRows(self.rows, self.head, start=fit, end=self.end)]

    def draw(self):
        regular, bold = fonts()
        c = self.canv
        width = sum(COLUMNS)
        y = self.height
        c.setFillColor(HEAD_FILL)
        c.rect(0, y - self.head_height, width, self.head_height, stroke=0, fill=1)
        c.setFillColor(colors.black)
        c.setFont(bold, SIZE)
        x = 0
        for label, col in zip(self.head, COLUMNS):
            c.drawString(x + PAD_X, y - PAD_Y - SIZE, label)
            x += col
        y -= self.head_height
        c.setStrokeColor(GREY_LINE)
        c.setLineWidth(0.25)
        c.line(0, y, width, y)
        c.setFont(regular, SIZE)
        for columns, significant in self.rows[self.start:self.end]:
            h = self.height_of((columns, significant))
            if significant:
                c.setFillColor(SIGNIFICANT_FILL)
                c.rect(COLUMNS[0] + COLUMNS[1], y - h, COLUMNS[2], h, stroke=0, fill=1)
                c.setFillColor(colors.black)
            x = 0
            for lines, col in zip(columns, COLUMNS):
                text = c.beginText(x + PAD_X, y - PAD_Y - SIZE)
                text.setFont(regular, SIZE, LEADING)
                text.textLines(lines, trim=0)
                c.drawText(text)
                x += col
            y -= h
            c.line(0, y, width, y)


def chronology_pdf(*, family, entries, header: list[tuple[str, str]], sections: list[dict], tag_labels: dict,
                   generated_by, progress=lambda done, pages: None) -> bytes:
    """The chronology as a document a conference would accept: title, family, period, agencies, who generated
    it and when, the warning sections every export carries (INC-2), then every entry (ExportRows), oldest first."""
    s = styles()
    regular, _bold = fonts()
    story = [para(_("Multi-agency chronology"), s["title"]), para(f"{family.name} ({family.reference})", s["h2"])]
    for label, value in header:
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", s["body"]))
    for section in sections:
        story.append(para(section["title"], s["h2"]))
        for line in section.get("lines", []):
            story.append(para(f"• {line}", s["body"]))
    story.append(para(_("Entries"), s["h2"]))
    wrapper = Wrapper(regular, SIZE)
    limits = [col - 2 * PAD_X for col in COLUMNS]
    significant_label = _("Significant")
    rows = []
    for n, entry in enumerate(entries, start=1):
        who = "\n".join(x for x in (entry.agency, entry.author) if x)
        kind = f"{entry.kind}\n{significant_label}" if entry.significant else entry.kind
        local = timezone.localtime(entry.occurred_at)
        cells = (f"{formats.date_format(local, 'd/m/Y')}\n{local:%H:%M}", who, kind, entry_text(entry, tag_labels))
        rows.append(([wrapper.lines(cell, limit) for cell, limit in zip(cells, limits)], entry.significant))
        if n % 500 == 0:
            progress(n, 0)
    progress(len(rows), 0)
    if rows:
        story += [Spacer(1, 4), EntryRows(rows, [_("When"), _("Agency and author"), _("Kind"), _("What happened")])]
    else:
        story.append(para(_("No entries match."), s["body"]))
    footer = _("Doorstep · %(ref)s · Confidential multi-agency safeguarding record · generated %(when)s") % {
        "ref": family.reference, "when": _when(timezone.now())}
    return build_pdf(story, title=_("Multi-agency chronology: %(family)s") % {"family": family.name},
                     footer=footer, author=str(generated_by), on_page=lambda page: progress(len(rows), page))
