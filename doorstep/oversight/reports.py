"""The report of a case-file audit round (OVR-1; issue 19): per question, per agency, the grades' distribution, as
a heatmap with its data table (core/charts.py), a CSV file and a tagged PDF (core/pdf.py, audit_report.typ). Built
from `selectors.audit_round_report`'s plain rows: no query here."""

from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from doorstep.core import charts
from doorstep.core.pdf import render_pdf

from .models import AuditRound, Grade

PDF_TEMPLATE = Path(__file__).parent / "pdf_templates" / "audit_report.typ"


def _grades() -> list[str]:
    return [str(label) for label in Grade.labels]


def report_chart(rows) -> charts.Chart:
    return charts.heatmap(
        title=_("Grades by question and agency"), label_heading=_("Agency"), columns=_grades(),
        rows=[charts.Row(label=row.agency, values=row.counts, group=row.question.text) for row in rows],
        description=_("For each question, how many of the round's families each agency leads were given each "
                      "grade."), total_heading=_("Families"))


def report_csv_rows(rows) -> list[list]:
    return [[_("Question"), _("Agency"), *_grades()],
            *([row.question.text, row.agency, *row.counts] for row in rows)]


def _intro(audit_round: AuditRound) -> list[str]:
    return [
        _("Period: %(start)s to %(end)s") % {"start": audit_round.period_start.strftime("%d/%m/%Y"),
                                              "end": audit_round.period_end.strftime("%d/%m/%Y")},
        _("%(scope)s; families chosen: %(method)s; random seed %(seed)s") % {
            "scope": audit_round.get_scope_display(), "method": audit_round.get_method_display(),
            "seed": audit_round.seed},
        _("State: %(state)s") % {"state": audit_round.get_state_display()},
    ]


def report_pdf(audit_round: AuditRound, rows) -> bytes:
    title = _("Case-file audit: %(title)s") % {"title": audit_round.title}
    data = {
        "heading": title,
        "intro": _intro(audit_round),
        "head": [_("Agency"), *_grades()],
        "sections": [{"heading": question,
                      "rows": [[row.agency, *(str(c) for c in row.counts)] for row in rows
                               if row.question.text == question]}
                     for question in dict.fromkeys(row.question.text for row in rows)],
        "empty": _("No answers yet.") if not rows else "",
        "footer": title,
        "page_label": _("Page %(n)s") % {"n": "{page}"},
    }
    return render_pdf(PDF_TEMPLATE, data, title=title, author="Doorstep",
                      language=translation.get_language() or settings.LANGUAGE_CODE)
