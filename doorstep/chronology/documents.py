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
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from doorstep.core.csv import csv_writer

TABLE_CHUNK = 20
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


def numbered_canvas(footer: str):
    """A canvas class that prints `footer` and "Page n of N" at the foot of every page."""
    regular, _bold = fonts()

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
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


def build_pdf(story: list, *, title: str, footer: str, author: str = "") -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm,
                            bottomMargin=1.8 * cm, title=title, author=author, creator="Doorstep")
    doc.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")


def entry_text(entry, tag_labels: dict) -> str:
    """An entry's full text for exports: summary, labels, late entry, and the analysis comments."""
    parts = [entry.summary_shown]
    labels = [str(tag_labels[t]) for t in entry.tag_list if t in tag_labels]
    if labels:
        parts.append(_("Recorded: %(labels)s") % {"labels": ", ".join(labels)})
    if "late" in entry.tag_list:
        parts.append(_("Late entry: recorded %(when)s") % {"when": _when(entry.recorded_at)})
    for comment in entry.comments.all():
        parts.append(_("Analysis by %(name)s, %(when)s: %(text)s") % {
            "name": comment.author, "when": _when(comment.created_at), "text": comment.text})
    return "\n".join(parts)


def chronology_pdf(*, family, entries, header: list[tuple[str, str]], sections: list[dict], tag_labels: dict,
                   generated_by) -> bytes:
    """The chronology as a document a conference would accept: title, family, period, agencies, who generated
    it and when, the warning sections every export carries (INC-2), then every entry, oldest first."""
    s = styles()
    regular, bold = fonts()
    story = [para(_("Multi-agency chronology"), s["title"]), para(f"{family.name} ({family.reference})", s["h2"])]
    for label, value in header:
        story.append(Paragraph(f"<b>{escape(label)}:</b> {escape(value)}", s["body"]))
    for section in sections:
        story.append(para(section["title"], s["h2"]))
        for line in section.get("lines", []):
            story.append(para(f"• {line}", s["body"]))
    story.append(para(_("Entries"), s["h2"]))
    if not entries:
        story.append(para(_("No entries match."), s["body"]))
    head = [para(_("When"), s["head"]), para(_("Agency and author"), s["head"]), para(_("Kind"), s["head"]),
            para(_("What happened"), s["head"])]
    rows, significant = [], []
    for entry in entries:
        who = entry.agency.name if entry.agency else ""
        if entry.author:
            who = f"{who}\n{entry.author}" if who else str(entry.author)
        kind = entry.get_kind_display()
        if entry.significant:
            kind = f"{kind}\n{_('Significant')}"
        significant.append(entry.significant)
        # Short cells as plain text (no wrapping needed), which ReportLab lays out far faster than paragraphs.
        local = timezone.localtime(entry.occurred_at)
        rows.append([f"{formats.date_format(local, 'd/m/Y')}\n{local:%H:%M}", para(who, s["cell"]), kind,
                     para(entry_text(entry, tag_labels), s["cell"])])
    # Tables of a few rows each, headed again: ReportLab measures a long table's cells again at every page
    # split, so one table of thousands of rows costs several times as much to lay out.
    for start in range(0, len(rows), TABLE_CHUNK):
        chunk = rows[start:start + TABLE_CHUNK]
        table = LongTable([head, *chunk], colWidths=[2.4 * cm, 3.8 * cm, 2.4 * cm, 9.4 * cm], repeatRows=1)
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 1), (-1, -1), regular, 8.5, 10.5),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
            ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        style += [("BACKGROUND", (2, i), (2, i), colors.HexColor("#f6d7d2"))
                  for i, flag in enumerate(significant[start:start + TABLE_CHUNK], start=1) if flag]
        table.setStyle(TableStyle(style))
        story += [Spacer(1, 4), table]
    footer = _("Doorstep · %(ref)s · Confidential multi-agency safeguarding record · generated %(when)s") % {
        "ref": family.reference, "when": _when(timezone.now())}
    return build_pdf(story, title=_("Multi-agency chronology: %(family)s") % {"family": family.name},
                     footer=footer, author=str(generated_by))


def chronology_csv(*, family, entries, header: list[tuple[str, str]], sections: list[dict],
                   tag_labels: dict) -> str:
    """CHR-1 as CSV. Every cell goes through the one writer that neutralises formulas (issue 13, finding 5)."""
    out = io.StringIO()
    w = csv_writer(out)
    w.writerow([_("Multi-agency chronology"), f"{family.name} ({family.reference})"])
    for label, value in header:
        w.writerow([label, value])
    for section in sections:
        w.writerow([])
        w.writerow([section["title"]])
        for line in section.get("lines", []):
            w.writerow(["", line])
    w.writerow([])
    w.writerow([_("Date"), _("Time"), _("Recorded"), _("Late entry"), _("Kind"), _("Agency"), _("Recorded by"),
                _("Summary"), _("People"), _("Behaviours and outcomes"), _("Significant"), _("Analysis")])
    yes, no = _("Yes"), _("No")
    for e in entries:
        local = timezone.localtime(e.occurred_at)
        w.writerow([
            local.strftime("%Y-%m-%d"), local.strftime("%H:%M"),
            timezone.localtime(e.recorded_at).strftime("%Y-%m-%d %H:%M"), yes if "late" in e.tag_list else no,
            e.get_kind_display(), e.agency.display_name if e.agency else "", e.author or "", e.summary_shown,
            "; ".join(str(p) for p in e.people.all()),
            "; ".join(str(tag_labels.get(t, t)) for t in e.tag_list), yes if e.significant else no,
            " | ".join(f"{c.author} ({_when(c.created_at)}): {c.text}" for c in e.comments.all()),
        ])
    return out.getvalue()
