"""The written agreement as a PDF fit to hand over and sign (AGR-1), from the same `AgreementDocument` as the page,
tagged for screen readers in the agreement's language (issue 18), made the one way Doorstep makes PDFs
(`doorstep.core.pdf`, the Typst template agreement.typ beside this module).
"""

from dataclasses import asdict
from pathlib import Path

from doorstep.core.pdf import render_pdf

from .document import AgreementDocument

TEMPLATE = Path(__file__).with_name("agreement.typ")


def agreement_pdf(document: AgreementDocument) -> bytes:
    page_label = document.page_label % {"page": "{page}", "pages": "{pages}"}
    return render_pdf(TEMPLATE, {"document": asdict(document), "footer": document.footer, "page_label": page_label},
                      title=document.title, language=document.language, author="Doorstep")
