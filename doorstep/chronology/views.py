"""The family's chronology (CHR-1, CHR-2): one page, filtered and keyset-paginated, with analysis comments and
CSV and PDF exports. Every read goes through `family_get_for` (P-4, audited); exports are audited as exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from doorstep.agencies.models import Agency
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.access import family_get_for
from doorstep.core.drafts import form_data
from doorstep.core.forms_support import run_service
from doorstep.core.texts import Text
from doorstep.families.casefile import export_sections
from doorstep.families.models import Involvement
from doorstep.families.selectors import family_page_members

from . import exports, selectors, services
from .forms import ChronologyFilterForm, CommentForm
from .models import ChronologyEntry, ExportState

FILTER_FIELDS = ("agency", "person", "kind", "behaviour", "date_from_0", "date_from_1", "date_from_2", "date_to_0",
                 "date_to_1", "date_to_2", "significant_only")


def _filter_form(request, family) -> ChronologyFilterForm:
    # Issue 15: two `id IN (subquery)` tests, not a join over every involvement followed by DISTINCT.
    agencies = Agency.objects.filter(
        Q(pk__in=Involvement.objects.filter(family=family).values("agency_id"))
        | Q(pk__in=ChronologyEntry.objects.filter(family=family).values("agency_id"))
    ).order_by("name")
    people = family_page_members(family=family)  # the banners' markers read them too (issue 15)
    bound = any(k in request.GET for k in FILTER_FIELDS)
    return ChronologyFilterForm(request.GET if bound else None, agencies=agencies, people=people)


def _filter_query(request) -> str:
    return urlencode([(k, v) for k in FILTER_FIELDS for v in request.GET.getlist(k) if v])


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def family_chronology(request, family_id: int):
    family = family_get_for(professional=request.user, family_id=family_id, purpose="chronology")
    form = _filter_form(request, family)
    filters = form.filters()
    # Issue 18: practice first; Doorstep's own entries only behind "Show system entries" (a link: no JavaScript).
    system = request.GET.get("system") == "1"
    page = selectors.chronology_page(family=family, filters=filters, before=request.GET.get("before"),
                                     after=request.GET.get("after"), system=system)
    query = _filter_query(request)
    paging = "&".join(q for q in (query, "system=1" if system else "") if q)
    return render(request, "chronology/family.html", {
        "family": family, "form": form, "page": page, "rows": selectors.chronology_rows(page), "query": query,
        "paging": paging, "filtered": filters.active, "filtered_by": form.description(filters),
        "open_filters": filters.active or bool(form.errors), "system": system,
        "system_switch": "?" + "&".join(q for q in (query, "" if system else "system=1") if q),
    })


def _in_language(chunks, language: str):
    """A streamed body is produced after the view returns: in the language the request was answered in."""
    with translation.override(language):
        yield from chunks


@require_safe  # a page that only reads refuses POST (issue 13)
@login_required
def export_csv(request, family_id: int):
    """CHR-1 as CSV, streamed as the entries are read (issue 15), audited as an export."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="export the chronology (csv)")
    form = _filter_form(request, family)
    filters = form.filters()
    facts = exports.export_facts(family=family, filters=filters)
    header = exports.export_header(family=family, filters=filters, facts=facts, form=form, author=request.user)
    sections = export_sections(family=family)
    _audit_export(request.user, family, "csv", facts.count)
    chunks = exports.csv_chunks(family=family, entries=exports.export_rows(family=family, filters=filters),
                                header=header, sections=sections, tag_labels=selectors.tag_labels())
    response = StreamingHttpResponse(_in_language(chunks, translation.get_language()),
                                     content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="chronology-{family.reference}-{stamp}.csv"'
    return response


def _audit_export(user, family, fmt: str, count: int) -> None:
    audit_record(actor=user, action=AuditAction.EXPORT, obj=family, family=family,
                 summary=Text(ngettext_lazy("Exported the chronology as %(format)s (%(count)s entry)",
                                           "Exported the chronology as %(format)s (%(count)s entries)", "count")) % {
                     "format": fmt.upper(), "count": count})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def export_pdf(request, family_id: int):
    """Ask for the chronology as a PDF (issue 15): the worker prepares it; this page only asks."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="export the chronology (pdf)")
    query = _filter_query(request)
    if request.method == "POST":
        export = services.chronology_export_request(family=family, by=request.user, query=query,
                                                    language=translation.get_language())
        return redirect("chronology:export", family.pk, export.pk)
    return render(request, "chronology/export_ask.html", {
        "family": family, "query": query, "filtered": bool(query),
        "exports": selectors.chronology_exports_for(professional=request.user, family=family),
        "kept_hours": int(services.EXPORT_KEPT.total_seconds() // 3600)})


@require_safe
@login_required
def export_status(request, family_id: int, export_id: int):
    """How the PDF is coming on: the page refreshes itself (no JavaScript needed) until it is ready."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="export the chronology (pdf)")
    export = selectors.chronology_export_get_for(professional=request.user, family=family, export_id=export_id)
    working = export.state in (ExportState.QUEUED, ExportState.PREPARING)
    return render(request, "chronology/export_status.html", {
        "family": family, "export": export, "working": working, "refresh_seconds": 2,
        "ready": export.state == ExportState.READY, "failed": export.state == ExportState.FAILED})


@require_safe
@login_required
def export_download(request, family_id: int, export_id: int):
    """The prepared PDF, to its requester only, while their agency is still involved; every download audited."""
    family = family_get_for(professional=request.user, family_id=family_id, purpose="export the chronology (pdf)")
    export = selectors.chronology_export_get_for(professional=request.user, family=family, export_id=export_id)
    if export.state != ExportState.READY:
        return redirect("chronology:export", family.pk, export.pk)
    _audit_export(request.user, family, "pdf", export.total)
    response = HttpResponse(bytes(export.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@login_required
def comment(request, entry_id: int):
    entry = selectors.entry_get_for(professional=request.user, entry_id=entry_id, purpose="chronology analysis",
                                    write=True)
    form = CommentForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        if run_service(form, lambda: services.chronology_comment_add(entry=entry, by=request.user,
                                                                     text=form.cleaned_data["text"])):
            messages.success(request, _("Analysis added to the chronology"))
            return redirect(reverse("chronology:family", args=[entry.family_id]) + f"#entry-{entry.pk}")
    labels = selectors.tag_labels()
    return render(request, "chronology/comment.html", {
        "form": form, "entry": entry, "family": entry.family, "url": selectors.source_url(entry),
        "labels": [labels[t] for t in entry.tag_list if t in labels]})
