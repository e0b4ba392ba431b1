from django.core import checks

from doorstep.core.pdf import font_family


@checks.register(checks.Tags.compatibility)
def pdf_font_check(app_configs=None, **kwargs):
    """PDFs are set in a TrueType font with the Welsh letters ŵ and ŷ (AGR-1, FAM-4): DOORSTEP_PDF_FONT, Liberation
    Sans or DejaVu Sans. Without one, Typst's own fonts stand in (they have the letters, but look unlike the rest)."""
    if font_family() is None:
        return [checks.Warning(
            "None of the fonts for PDFs (DOORSTEP_PDF_FONT, Liberation Sans, DejaVu Sans) was found.",
            hint="Install Debian's fonts-liberation or fonts-dejavu-core, or set DOORSTEP_PDF_FONT to a TrueType font "
                 "with ŵ and ŷ.",
            id="agreements.W001",
        )]
    return []
