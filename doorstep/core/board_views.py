"""The Board's report (OVR-2, issue 19) as a page, a CSV file, a PDF file and an API endpoint. Thin: the period is
read and checked, the report built by `board.board_report`, the reading audited, the result rendered.

Issue 21: the report is of one partnership, the one asked for (`partnership`, a query parameter) or the reader's
first; partnerships/selectors.partnership_report_for says which a Board chair or analyst reads, and refuses (403 with
the reason) one they do not, or everything to a Board chair or analyst of no partnership."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_safe
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.partnerships.models import Partnership
from doorstep.partnerships.selectors import partnership_report_for, partnerships_reporting_to

from .board import NOTE, Period, Report, board_report, can_read_board_report, period_from, quarter_of, \
    report_csv_rows, report_json, threshold
from .csv import csv_text
from .pdf import render_pdf
from .texts import Text

PDF_TEMPLATE = Path(__file__).parent / "pdf_templates" / "board_report.typ"


def _require_reader(request) -> Partnership:
    """The partnership whose report this reader asked for (issue 21); PermissionDenied, with the reason, otherwise."""
    if not can_read_board_report(request.user):
        raise PermissionDenied(_("Only the Board chair and the partnership's analysts see the Board's report."))
    return partnership_report_for(professional=request.user, partnership_id=request.GET.get("partnership"))


def _audit(user, report: Report, action: str) -> None:
    # Aggregate figures only, but who read the Board's report, of which partnership, for which period, is on the
    # record (P-3, issue 21).
    partnership = report.partnership
    audit_record(actor=user, action=action, object_type="board.report",
                 object_id=f"{partnership.pk}:{report.period.start.isoformat()}/{report.period.end.isoformat()}",
                 summary=Text(gettext_noop("The Board's report of %(partnership)s for %(start)s to %(end)s"),
                              {"partnership": partnership.name_text, "start": report.period.start,
                               "end": report.period.end}))


class PeriodForm(forms.Form):
    """The period of the report: `from` and `to` as ISO dates (the same names as the API's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        example = gettext_lazy("For example, 2026-10-01")
        self.fields["from"] = forms.CharField(label=gettext_lazy("From"), required=False, help_text=example)
        self.fields["to"] = forms.CharField(label=gettext_lazy("To"), required=False, help_text=example)
        self.period: Period | None = None

    def clean(self):
        try:
            self.period = period_from(self.cleaned_data)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return self.cleaned_data


def report_context(request, period: Period, partnership: Partnership) -> dict:
    report = board_report(period, partnership)
    _audit(request.user, report, AuditAction.VIEW)
    before = quarter_of(report.period.start - timedelta(days=1))
    return {
        "report": report, "partnership": partnership,
        "note": NOTE % {"n": threshold(), "name": partnership.display_name},
        "query": urlencode({"partnership": partnership.pk, "from": report.period.start.isoformat(),
                            "to": report.period.end.isoformat()}),
        "previous_quarter": urlencode({"partnership": partnership.pk, "from": before.start.isoformat(),
                                       "to": before.end.isoformat()}),
    }


def _period_or_form(request):
    form = PeriodForm(request.GET or None)
    if not request.GET:
        return form, period_from({})
    return form, (form.period if form.is_valid() else None)


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def report_page(request):
    partnership = _require_reader(request)
    form, period = _period_or_form(request)
    # A reader of several partnerships chooses one (issue 21); the select lists only theirs.
    context = {"form": form, "partnership": partnership,
               "partnerships": list(partnerships_reporting_to(request.user))}
    if period is not None:
        context.update(report_context(request, period, partnership))
    return render(request, "core/board_report.html", context, status=200 if period else 400)


def _download(request, *, extension: str, content_type: str, body) -> HttpResponse:
    """The report for the asked period as a file (`body(report)` makes it), audited as an export; or the 400 that
    says what is wrong with the period."""
    partnership = _require_reader(request)
    form, period = _period_or_form(request)
    if period is None:
        return HttpResponseBadRequest(" ".join(str(m) for messages in form.errors.values() for m in messages),
                                      content_type="text/plain; charset=utf-8")
    report = board_report(period, partnership)
    _audit(request.user, report, AuditAction.EXPORT)
    response = HttpResponse(body(report), content_type=content_type)
    name = (f"board-report-{partnership.pk}-{report.period.start.isoformat()}-to-{report.period.end.isoformat()}"
            f".{extension}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
def report_csv(request):
    return _download(request, extension="csv", content_type="text/csv; charset=utf-8",
                     body=lambda report: csv_text(report_csv_rows(report)))


@require_safe
@login_required
def report_pdf(request):
    return _download(request, extension="pdf", content_type="application/pdf", body=board_report_pdf)


def board_report_pdf(report: Report) -> bytes:
    """The report as a tagged PDF through the product's one PDF route (core/pdf.py): a table per section, the two
    periods side by side."""
    name = report.partnership.display_name
    title = _("The Board's report: %(name)s") % {"name": name}
    data = {
        "heading": title,
        "intro": [report.period.label(), _("Beside the period before: %(period)s") % {"period": report.previous.label()},
                  NOTE % {"n": report.threshold, "name": name}],
        "head": [_("Figure"), report.period.label(), report.previous.label()],
        "sections": [{"heading": str(table.title), "note": str(table.note or ""),
                      "rows": [{"label": str(r.label), "total": bool(r.is_total), "current": str(r.current.display()),
                                "previous": str(r.previous.display())} for r in table.rows]}
                     for table in report.tables],
        "footer": title,
        "page_label": _("Page %(n)s") % {"n": "{page}"},
    }
    return render_pdf(PDF_TEMPLATE, data, title=f"{title}: {report.period.label()}", author="Doorstep",
                      language=translation.get_language() or settings.LANGUAGE_CODE)


# --- API -----------------------------------------------------------------------------------------------------------

class BoardReportViewSet(viewsets.ViewSet):
    """OVR-2: the Board's report for a period (`from`, `to`; the current quarter so far by default), beside the period
    before it. Aggregate only; small counts are hidden. For the Board chair and partnership analysts, of one of their
    partnerships (`partnership`, its id; their first by default): another partnership's is refused (403, issue 21)."""

    @extend_schema(parameters=[OpenApiParameter("from", str, description="First day, YYYY-MM-DD"),
                               OpenApiParameter("to", str, description="Last day, YYYY-MM-DD"),
                               OpenApiParameter("partnership", int, description="The partnership's id; by default "
                                                "the first the reader chairs or analyses")],
                   responses={200: dict})
    def list(self, request):
        if not can_read_board_report(request.user):
            raise ApiPermissionDenied(_("Only the Board chair and the partnership's analysts see the Board's report."))
        try:
            partnership = partnership_report_for(professional=request.user,
                                                 partnership_id=request.query_params.get("partnership"))
        except PermissionDenied as refused:
            raise ApiPermissionDenied(str(refused)) from None
        try:
            period = period_from(request.query_params)
        except ValidationError as error:
            raise ApiValidationError(error.message_dict) from None
        report = board_report(period, partnership)
        _audit(request.user, report, AuditAction.VIEW)
        return Response(report_json(report))
