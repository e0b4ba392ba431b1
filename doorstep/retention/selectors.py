"""Reads of retention and erasure (issue 20), with the access rule inside (P-4):

- Records managers (`Professional.is_records_manager`: the person who acts for their agency as data controller) and
  their line managers see the retention of the families their agency has ever been involved with; no one else does
  (administrators change the schedule, and never see a family).
- "Does not exist" and "not yours" are the same 404 (issue 13).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstep.core.access import NOT_FOUND, is_family_worker, require_family_worker
from doorstep.families.models import Family, Involvement

from .models import ErasureRequest, ErasureState, LegalHold, RetentionPeriod
from .schedule import DEFAULTS, Period

NOT_A_RECORDS_MANAGER = gettext_lazy("Only records managers and their managers review retention and erasure.")


def is_retention_officer(user) -> bool:
    """A records manager of an agency, or the line manager of one (issue 20: "records managers and their managers");
    never a partner system."""
    if not is_family_worker(user) or user.role == "system":
        return False
    if user.is_records_manager:
        return True
    return user.is_manager and user.reports.filter(is_records_manager=True, is_active=True).exists()


def require_retention_officer(user) -> None:
    require_family_worker(user)
    if not is_retention_officer(user):
        raise PermissionDenied(NOT_A_RECORDS_MANAGER)


def require_records_manager(user) -> None:
    """Placing and lifting a hold, and proposing erasure, are the records manager's own (issue 20); their manager
    may decide a proposal."""
    require_retention_officer(user)
    if not user.is_records_manager:
        raise PermissionDenied(_("Only records managers place holds and propose erasure."))


def families_for(*, officer) -> QuerySet[Family]:
    """The families the officer's agency has ever been involved with."""
    require_retention_officer(officer)
    return Family.objects.filter(Exists(Involvement.objects.filter(family=OuterRef("pk"), agency_id=officer.agency_id)))


def _active_holds():
    return Prefetch("legal_holds", queryset=LegalHold.objects.filter(lifted_at__isnull=True), to_attr="active_holds")


def _open_requests():
    return Prefetch("erasure_requests", queryset=ErasureRequest.objects.filter(state=ErasureState.PROPOSED)
                    .select_related("proposed_by"), to_attr="open_requests")


def families_past_retention_for(*, officer, today) -> QuerySet[Family]:
    """Families past retention (the nightly review's answer), not yet erased, that the officer's agency was involved
    with: oldest retention first, each with its review, active holds and open erasure request (a fixed number of
    queries whatever the page's size)."""
    return (families_for(officer=officer)
            .filter(retention_review__retain_until__lt=today, retention_review__erased_at__isnull=True)
            .select_related("retention_review").prefetch_related(_active_holds(), _open_requests())
            .order_by("retention_review__retain_until", "id"))


def families_on_hold_for(*, officer) -> QuerySet[Family]:
    held = LegalHold.objects.filter(family=OuterRef("pk"), lifted_at__isnull=True)
    return families_for(officer=officer).filter(Exists(held)).prefetch_related(_active_holds()).order_by("name", "id")


def requests_awaiting_for(*, officer) -> QuerySet[ErasureRequest]:
    """Erasure proposals waiting for a second person, of the officer's agency's families."""
    return (ErasureRequest.objects.filter(state=ErasureState.PROPOSED, family__in=families_for(officer=officer))
            .select_related("family", "proposed_by").order_by("proposed_at", "id"))


def retained_family_get(*, officer, family_id: int) -> Family:
    family = (families_for(officer=officer).filter(pk=family_id).select_related("retention_review")
              .prefetch_related(_active_holds(), _open_requests()).first())
    if family is None:
        raise Http404(NOT_FOUND)
    return family


def hold_get_for(*, officer, hold_id: int) -> LegalHold:
    hold = (LegalHold.objects.filter(pk=hold_id, family__in=families_for(officer=officer))
            .select_related("family", "placed_by").first())
    if hold is None:
        raise Http404(NOT_FOUND)
    return hold


def request_get_for(*, officer, request_id: int) -> ErasureRequest:
    found = (ErasureRequest.objects.filter(pk=request_id, family__in=families_for(officer=officer))
             .select_related("family", "proposed_by", "decided_by").first())
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def family_history(*, family: Family) -> dict:
    return {"holds": list(LegalHold.objects.filter(family=family).select_related("placed_by", "lifted_by")),
            "requests": list(ErasureRequest.objects.filter(family=family).select_related("proposed_by",
                                                                                         "decided_by"))}


def schedule_current() -> dict[str, Period]:
    """The schedule in force: each kind's default (schedule.py), as an administrator changed it (one query)."""
    rows = {row.kind: row for row in RetentionPeriod.objects.all()}
    return {kind: (period.with_years(rows[kind].years, rows[kind].older_years) if kind in rows else period)
            for kind, period in DEFAULTS.items()}


def require_administrator(user) -> None:
    if not (getattr(user, "is_authenticated", False) and user.is_administrator):
        raise PermissionDenied(_("Only administrators change the retention schedule."))
