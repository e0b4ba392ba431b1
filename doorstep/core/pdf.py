"""Every PDF Doorstep makes, made one way (issue 18): a Typst template beside its app's code, fed the document's
words as JSON, compiled to a tagged PDF/UA-1 (headings, lists, tables with header cells, the document's language
and title), so that a screen reader can read the chronology and the written agreement.

The data goes in as JSON (`sys.inputs.data`), never spliced into markup: a name or a summary that looks like Typst
is printed as written. Typst lays out a 7,000-entry chronology in 1.5-2.3 times the time of the untagged ReportLab
table it replaced (docs/performance.md); WeasyPrint's `pdf/ua-1` did not finish the same table in 300 s.

Fonts: Welsh needs ŵ and ŷ. Typst is given DOORSTEP_PDF_FONT / DOORSTEP_PDF_FONT_BOLD if set, otherwise Liberation
Sans or DejaVu Sans from Debian's font packages; a letter that font lacks falls back to the fonts built into Typst,
so the letters always print. System fonts are not scanned, so a document looks the same on every machine.
"""

import json
import re
from functools import cache
from pathlib import Path

import typst
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent  # the `doorstep` package: templates import "/core/pdf_templates/..."
FONT_DIRECTORIES = ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu")
FAMILIES = ("Liberation Sans", "DejaVu Sans")
PAGE_COUNT = re.compile(rb"/Type\s*/Pages\s*/Count\s+(\d+)")


@cache
def font_setup() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(directories Typst reads fonts from, font families in order of preference)."""
    if settings.DOORSTEP_PDF_FONT:
        path = Path(settings.DOORSTEP_PDF_FONT)
        directories = tuple(sorted({str(path.parent), str(Path(settings.DOORSTEP_PDF_FONT_BOLD or path).parent)}))
        found = [f.family for f in typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                                               font_paths=list(directories)).fonts() if f.path == str(path)]
        return directories, tuple(found[:1]) + FAMILIES
    return tuple(d for d in FONT_DIRECTORIES if Path(d).is_dir()), FAMILIES


def font_family() -> str | None:
    """The family the documents are set in, or None when none of the preferred fonts is on this machine."""
    directories, families = font_setup()
    known = set(typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                            font_paths=list(directories)).families())
    return next((f for f in families if f in known), None)


def render_pdf(template: Path, data: dict, *, title: str, language: str, author: str = "") -> bytes:
    """The PDF of `template` (a .typ file under doorstep/) given `data`; `title` and `language` are the document's
    (PDF/UA requires both). Raises typst.TypstError when the template is wrong."""
    directories, families = font_setup()
    compiler = typst.Compiler(root=str(ROOT), font_paths=list(directories), ignore_system_fonts=True)
    payload = {**data, "title": title, "lang": language, "author": author, "fonts": list(families)}
    return compiler.compile(input=str(template), sys_inputs={"data": json.dumps(payload, default=str)},
                            pdf_standards="ua-1")


def page_count(pdf: bytes) -> int:
    """The number of pages, from the page tree Typst writes uncompressed at the root."""
    found = PAGE_COUNT.search(pdf)
    return int(found.group(1)) if found else 0

