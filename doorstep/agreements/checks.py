from django.core import checks

from .pdf import font_covers_welsh, font_paths


@checks.register(checks.Tags.compatibility)
def pdf_font_check(app_configs=None, **kwargs):
    """Welsh agreements need a font with ŵ and ŷ in the PDF (AGR-1, FAM-4)."""
    paths = font_paths()
    if paths is None or not font_covers_welsh(paths[0]):
        return [checks.Warning(
            "No TrueType font with the Welsh letters ŵ and ŷ was found for written agreement PDFs.",
            hint="Install Debian's fonts-dejavu-core, or set DOORSTEP_PDF_FONT to a TrueType font that has them.",
            id="agreements.W001",
        )]
    return []
