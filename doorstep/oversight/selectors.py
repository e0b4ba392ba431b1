"""Reads of the oversight capability (OVR-1), with the access rule inside (P-4):

- drift signals: a manager sees those of the families their agency is actively involved with;
- visit discrepancies: a manager sees those of their own workers (ORG-3: line manager), a worker their own;
- the Board chair and administrators never see a family (core.access.require_family_worker).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from doorstep.core.access import NOT_FOUND, families_visible_to, is_family_worker, require_family_worker
from doorstep.families.models import Family, Involvement

from .models import DriftSignal, VisitDiscrepancy



def is_oversight_manager(user) -> bool:
    return is_family_worker(user) and user.is_manager


def require_manager(user) -> None:
    require_family_worker(user)
    if not user.is_manager:
        raise PermissionDenied(_("Only managers see drift signals."))


def families_with_signals_for(*, manager) -> QuerySet[Family]:
    """Families the manager's agency is actively involved with that show drift, each with its signals prefetched
    (one query for the families, one for the signals, whatever the page's size)."""
    require_manager(manager)
    involved = Involvement.objects.filter(agency_id=manager.agency_id, ended_on__isnull=True).values("family_id")
    return (Family.objects.filter(pk__in=involved, drift_signals__isnull=False).distinct()
            .prefetch_related("drift_signals").order_by("name", "id"))


def signals_for(*, manager) -> QuerySet[DriftSignal]:
    """The same signals one row each (for the API)."""
    require_manager(manager)
    involved = Involvement.objects.filter(agency_id=manager.agency_id, ended_on__isnull=True).values("family_id")
    return DriftSignal.objects.filter(family_id__in=involved).select_related("family").order_by("family__name", "kind")


def _discrepancy_condition(professional) -> Q:
    condition = Q(worker=professional)
    if professional.is_manager:
        condition |= Q(worker__line_manager=professional)
    return condition


def discrepancies_for(*, professional, managers_only: bool = False) -> QuerySet[VisitDiscrepancy]:
    """A worker's own visit discrepancies; a manager's also those of the workers they manage."""
    require_family_worker(professional)
    if managers_only and not professional.is_manager:
        raise PermissionDenied(_("Only managers list their workers' visit records."))
    return (VisitDiscrepancy.objects.filter(_discrepancy_condition(professional))
            .select_related("family", "worker", "contact", "visit").order_by("explanation", "-found_at", "-id"))


def discrepancy_get_for(*, professional, discrepancy_id: int) -> VisitDiscrepancy:
    """One discrepancy, for its worker or their manager; anyone else: the one 404 (nothing confirmed)."""
    require_family_worker(professional)
    found = discrepancies_for(professional=professional).filter(pk=discrepancy_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def family_oversight(*, family: Family, professional) -> dict:
    """A family's drift signals and visit discrepancies, for a case-file audit (issue 19): for someone who may read
    the family; discrepancies are a manager's (all of the family's) or a worker's own."""
    require_family_worker(professional)
    if not families_visible_to(professional=professional).filter(pk=family.pk).exists():
        raise Http404(NOT_FOUND)
    discrepancies = VisitDiscrepancy.objects.filter(family=family).select_related("worker", "contact")
    if not professional.is_manager:
        discrepancies = discrepancies.filter(worker=professional)
    return {"signals": list(DriftSignal.objects.filter(family=family).order_by("kind")),
            "discrepancies": list(discrepancies.order_by("-found_at", "-id"))}
