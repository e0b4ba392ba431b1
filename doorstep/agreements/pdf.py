"""The written agreement as a PDF fit to hand over and sign (AGR-1), drawn with reportlab from the same
`AgreementDocument` as the page.

Welsh needs ŵ and ŷ, which reportlab's built-in fonts (Helvetica, Vera) do not have, so the PDF embeds a TrueType
font that does: DOORSTEP_PDF_FONT / DOORSTEP_PDF_FONT_BOLD if set, otherwise DejaVu Sans or Liberation Sans from
Debian's font packages (fonts-dejavu-core, fonts-liberation). `manage.py check` warns when none is found.
"""

import io
import logging
import os
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import KeepTogether, ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer, Table

from .document import AgreementDocument

log = logging.getLogger(__name__)

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
]
# Letters of Welsh that Latin-1 fonts lack.
WELSH_LETTERS = "ŵŷŴŶ"


def font_paths() -> tuple[str, str] | None:
    if settings.DOORSTEP_PDF_FONT:
        return settings.DOORSTEP_PDF_FONT, settings.DOORSTEP_PDF_FONT_BOLD or settings.DOORSTEP_PDF_FONT
    for regular, bold in FONT_CANDIDATES:
        if os.path.exists(regular):
            return regular, bold if os.path.exists(bold) else regular
    return None


def font_covers_welsh(path: str) -> bool:
    try:
        face = TTFont("DoorstepCheck", path).face
    except Exception:  # noqa: BLE001  (any unreadable font is simply unsuitable)
        return False
    return all(ord(ch) in face.charToGlyph for ch in WELSH_LETTERS)


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """Register the document fonts once; returns (regular, bold) font names."""
    paths = font_paths()
    if paths is None:
        log.warning("No TrueType font with Welsh letters found for PDFs; falling back to Helvetica")
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont("DoorstepSans", paths[0]))
    pdfmetrics.registerFont(TTFont("DoorstepSans-Bold", paths[1]))
    return "DoorstepSans", "DoorstepSans-Bold"


def _styles():
    regular, bold = fonts()
    base = ParagraphStyle("body", fontName=regular, fontSize=12, leading=17, spaceAfter=6, alignment=TA_LEFT)
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=22, leading=27, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=18),
        "meta": ParagraphStyle("meta", parent=base, fontSize=10, leading=14, textColor=colors.HexColor("#505a5f")),
        "draft": ParagraphStyle("draft", parent=base, fontName=bold, textColor=colors.HexColor("#d4351c")),
        "heading": ParagraphStyle("heading", parent=base, fontName=bold, fontSize=15, leading=20, spaceBefore=10,
                                  spaceAfter=4),
        "group": ParagraphStyle("group", parent=base, fontName=bold),
        "small": ParagraphStyle("small", parent=base, fontSize=10, leading=13),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws "page x of y" on every page once the number of pages is known."""

    footer = ""
    page_label = "%(page)s / %(pages)s"
    font = "Helvetica"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved_page_states = []

    def showPage(self):
        self._saved_page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_page_states)
        for state in self._saved_page_states:
            self.__dict__.update(state)
            self.setFont(self.font, 9)
            self.setFillColor(colors.HexColor("#505a5f"))
            self.drawString(20 * mm, 12 * mm, self.footer)
            self.drawRightString(A4[0] - 20 * mm, 12 * mm,
                                 self.page_label % {"page": self._pageNumber, "pages": total})
            super().showPage()
        super().save()


def agreement_pdf(document: AgreementDocument) -> bytes:
    styles = _styles()
    story = [_p(document.title, styles["title"]), _p(document.subtitle, styles["subtitle"]),
             _p(document.meta, styles["meta"])]
    if document.draft_notice:
        story.append(_p(document.draft_notice, styles["draft"]))
    for section in document.sections:
        block = [_p(section.heading, styles["heading"])]
        block += [_p(text, styles["body"]) for text in section.intro]
        if section.bullets:
            block.append(ListFlowable(
                [ListItem(_p(text, styles["body"]), leftIndent=14, value="•") for text in section.bullets],
                bulletType="bullet", start="•", leftIndent=14, bulletFontName=styles["body"].fontName,
            ))
        for group in section.groups:
            block += [_p(group.heading, styles["group"]), _p(group.text, styles["body"])]
        block += [_p(text, styles["body"]) for text in section.after]
        # Keep a heading with its first lines; long sections still flow over pages.
        story.append(KeepTogether(block[:3]))
        story += block[3:]

    def signature_table(heading: str, signatories) -> list:
        rows = []
        for person in signatories:
            label = person.name + (f"\n{person.detail}" if person.detail else "")
            rows.append([_p(label, styles["body"]), _p(document.signature_label, styles["small"]), "",
                         _p(document.date_label, styles["small"]), ""])
        table = Table(rows, colWidths=[52 * mm, 24 * mm, 46 * mm, 16 * mm, 32 * mm])
        table.setStyle([
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (2, 0), (2, -1), 0.6, colors.black),
            ("LINEBELOW", (4, 0), (4, -1), 0.6, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 14),
        ])
        return [KeepTogether([_p(heading, styles["heading"]), table])]

    story.append(Spacer(1, 6 * mm))
    story += signature_table(document.family_heading, document.family_signatories)
    story += signature_table(document.professionals_heading, document.professional_signatories)

    buffer = io.BytesIO()
    canvas_class = type("AgreementCanvas", (_NumberedCanvas,), {
        "footer": document.footer, "page_label": document.page_label, "font": fonts()[0]})
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=22 * mm, title=document.title, lang=document.language,
                            author="Doorstep", subject=document.footer)
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()
