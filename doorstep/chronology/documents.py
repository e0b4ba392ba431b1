"""Printable documents of the chronology: the chronology export (CHR-1) as a tagged PDF (issue 18), made the one
way Doorstep makes PDFs (`doorstep.core.pdf`, a Typst template beside this module: chronology.typ)."""

from pathlib import Path

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from doorstep.core.pdf import page_count, render_pdf

TEMPLATE = Path(__file__).with_name("chronology.typ")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j M Y H:i")


def entry_text(entry, tag_labels: dict) -> str:
    """An entry's full text for exports (an ExportRow): summary, labels, late entry, and the analysis comments."""
    parts = [entry.summary]
    # RIG-2 (issue 20): the family's own account, a person's statement, beside the worker's words.
    parts += [f"{heading}: {text}" for heading, text in entry.beside]
    labels = [str(tag_labels[t]) for t in entry.tags if t in tag_labels]
    if labels:
        parts.append(_("Recorded: %(labels)s") % {"labels": ", ".join(labels)})
    if entry.late:
        parts.append(_("Late entry: recorded %(when)s") % {"when": _when(entry.recorded_at)})
    for author, created_at, text in entry.comments:
        parts.append(_("Analysis by %(name)s, %(when)s: %(text)s") % {
            "name": author, "when": _when(created_at), "text": text})
    return "\n".join(parts)


def chronology_pdf(*, family, entries, header: list[tuple[str, str]], sections: list[dict], tag_labels: dict,
                   generated_by, progress=lambda done, pages: None) -> bytes:
    """The chronology as a document a conference would accept, tagged for screen readers (issue 18): title, family,
    period, agencies, who generated it and when, the warning sections every export carries (INC-2), then every
    entry (ExportRows), oldest first, as a table. `progress(done, pages)` hears of the entries, then of the pages."""
    significant_label = _("Significant")
    rows = []
    for n, entry in enumerate(entries, start=1):
        who = "\n".join(x for x in (entry.agency, entry.author) if x)
        kind = f"{entry.kind}\n{significant_label}" if entry.significant else entry.kind
        local = timezone.localtime(entry.occurred_at)
        rows.append((f"{formats.date_format(local, 'd/m/Y')}\n{local:%H:%M}", who, kind,
                     entry_text(entry, tag_labels), entry.significant))
        if n % 500 == 0:
            progress(n, 0)
    progress(len(rows), 0)
    footer = _("Doorstep · %(ref)s · Confidential multi-agency safeguarding record · generated %(when)s") % {
        "ref": family.reference, "when": _when(timezone.now())}
    data = {
        "heading": _("Multi-agency chronology"), "family": f"{family.name} ({family.reference})",
        "header": header, "sections": [{"title": s["title"], "lines": list(s.get("lines", []))} for s in sections],
        "entries_heading": _("Entries"), "no_entries": _("No entries match."),
        "head": [_("When"), _("Agency and author"), _("Kind"), _("What happened")], "rows": rows,
        "footer": footer, "page_label": _("Page %(n)s of %(total)s") % {"n": "{page}", "total": "{pages}"},
    }
    pdf = render_pdf(TEMPLATE, data, title=_("Multi-agency chronology: %(family)s") % {"family": family.name},
                     language=translation.get_language() or settings.LANGUAGE_CODE, author=str(generated_by))
    progress(len(rows), page_count(pdf))
    return pdf
