"""The disclosure bundle (RIG-1): the covering letter and every gathered record, in the requester's language, with
each redaction a solid box showing its ground's code. One structure, built once, that the preview page and the
tagged PDF (bundle.typ, through `doorstep.core.pdf`) both render.

The withheld words never reach Typst: each value is cut into kept text and boxes (`redaction.segments`) before
the document is built, so the PDF has no text under its boxes to copy or extract. The redaction log (who withheld
what, on which ground) stays in Doorstep and is never in the bundle.
"""

from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from doorstep.core.pdf import render_pdf
from doorstep.core.texts import text_render, value_from_json

from . import redaction as rd
from .models import DisclosureItem, RedactionGround, RequesterKind, SubjectAccessRequest

TEMPLATE = Path(__file__).with_name("bundle.typ")


@dataclass
class BundleLine:
    label: str
    parts: list[dict]  # [{"text": ...} | {"box": code}]


@dataclass
class BundleItem:
    title: str
    meta: str
    lines: list[BundleLine] = field(default_factory=list)


@dataclass
class Bundle:
    language: str
    title: str
    letter_heading: str
    letter: list[str]
    key_heading: str
    key_columns: list[str]
    grounds: list[dict]
    records_heading: str
    items: list[BundleItem]
    footer: str
    page_label: str

    def text(self) -> str:
        """Everything the requester reads, as plain text, each box as [code] (tests and the API)."""
        out = [self.title, self.letter_heading, *self.letter, self.key_heading,
               *[f"{g['code']}: {g['label']}" for g in self.grounds], self.records_heading]
        for item in self.items:
            out += [item.title, item.meta, *[f"{line.label}: {rd.plain(line.parts)}" for line in item.lines]]
        return "\n".join(out)


def _first_upper(label: str) -> str:
    return label[:1].upper() + label[1:]


def _withheld(item: DisclosureItem) -> list[rd.Withhold]:
    return [rd.Withhold(r.text, r.ground, r.automatic) for r in item.redactions.all() if r.applies]


def item_lines(item: DisclosureItem, language: str | None = None) -> list[BundleLine]:
    """The item's lines as the requester will read them, redactions applied (the review page's preview too)."""
    withheld = _withheld(item)
    return [BundleLine(_first_upper(text_render(value_from_json(line["label"]), language)),
                       rd.segments(text_render(value_from_json(line["value"]), language), withheld,
                                   own=bool(line.get("own"))))
            for line in item.lines]


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


def bundle_document(request: SubjectAccessRequest, items: list[DisclosureItem]) -> Bundle:
    """The bundle in the requester's language; `items` with their redactions prefetched (selectors.request_items)."""
    language = request.language
    with override(language):
        subject = str(request.subject)
        addressee = subject if request.requester_kind == RequesterKind.SUBJECT else request.requester_name
        agency = request.agency.display_name
        letter = [
            _("Dear %(name)s,") % {"name": addressee},
            _("On %(date)s you asked %(agency)s for a copy of the records we hold about %(subject)s (our reference "
              "%(reference)s). The records are enclosed, from every agency that works with the family.") % {
                "date": _day(request.received_on), "agency": agency, "subject": subject,
                "reference": request.reference},
            _("Some words are covered by a black box with a code. We have withheld them because the law allows or "
              "requires it, mostly to protect other people's information as we protect yours. The codes are "
              "explained below. Anything you told us yourself has not been withheld from you."),
            _("You have the right to ask us to correct information you think is wrong, and to add your own "
              "statement to a record you disagree with. You can also ask how long we keep your records."),
            _("If you are unhappy with this answer, please tell us first by writing to the disclosure officer at "
              "%(agency)s. You have the right to complain to the Information Commissioner's Office (ICO): "
              "ico.org.uk/make-a-complaint, telephone 0303 123 1113, or Wycliffe House, Water Lane, Wilmslow, "
              "Cheshire SK9 5AF.") % {"agency": agency},
            _("Yours sincerely,"),
            f"{request.officer}\n{_('Disclosure officer')}, {agency}",
        ]
        built = []
        for item in items:
            when = _day(timezone.localtime(item.occurred_at).date()) if item.occurred_at else ""
            meta = ", ".join(p for p in [item.agency.display_name if item.agency_id else _("Shared family record"),
                                         when] if p)
            built.append(BundleItem(item.title_shown, meta, item_lines(item)))
        return Bundle(
            language=language,
            title=_("Your records: subject access request %(reference)s") % {"reference": request.reference},
            letter_heading=_("About this bundle"),
            letter=letter,
            key_heading=_("What the codes mean"),
            key_columns=[_("Code"), _("Why the words were withheld")],
            grounds=[{"code": g.value, "label": str(g.label)} for g in RedactionGround],
            records_heading=_("Your records"),
            items=built,
            footer=_("%(reference)s · confidential: for %(name)s") % {"reference": request.reference,
                                                                       "name": addressee},
            page_label=_("Page %(page)s of %(pages)s") % {"page": "{page}", "pages": "{pages}"},
        )


def bundle_pdf(document: Bundle) -> bytes:
    return render_pdf(TEMPLATE, {"document": asdict(document), "footer": document.footer,
                                 "page_label": document.page_label},
                      title=document.title, language=document.language, author="Doorstep")
