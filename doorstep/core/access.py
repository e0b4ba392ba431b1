"""The one access guard (P-4, issues 13 and 14): who may read and who may change a family's record.

Every service, selector, page and API endpoint asks here, and nothing else re-implements the rule
(doorstep/core/tests/test_access.py fails on a copy):

- Only people who work with families (practitioners, managers and partner systems of an agency) work with family
  records at all; the Board chair and administrators never do. `require_family_worker` refuses everyone else with
  one message, and `FamilyWorker` is the same rule as a DRF permission class.
- Read: the professional's agency is actively involved with the family, or another capability grants access
  (`EXTRA_ACCESS`, e.g. a specialist invited to a meeting, MTG-6), or the professional holds unexpired emergency
  (break-glass) access, or a read-only grant of another capability applies (`READ_GRANTS`, e.g. a case-file
  auditor's for the families of their open audit round, OVR-1), each read under it audited with its reason.
- Write: involved (or granted by another capability), never on emergency access alone, which is read-only.
- "Does not exist" and "not yours" are the same 404 (issue 13, finding 11), so a refusal confirms nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework.permissions import BasePermission
from rest_framework.settings import api_settings

from doorstep.audit.models import AuditAction
from doorstep.audit.purposes import purpose_text
from doorstep.audit.services import audit_record
from doorstep.core.extensions import FAMILY_ACCESS, FAMILY_READ_GRANTS
from doorstep.core.texts import Text
from doorstep.families.models import BreakGlassAccess, Family, Involvement

# One message for "no such record" and "not yours" (issue 13, finding 11): a refusal must not confirm that a
# family, person or involvement exists.
NOT_FOUND = "Not found"
# The one refusal for anyone who does not work with families (the Board chair, administrators, ...).
NOT_A_FAMILY_WORKER = _("Only practitioners, managers and partner systems of an agency work with family records.")
# Issue 13: a partner system's account reads and writes for its agency through the API, but it is no one.
NOT_A_PERSON = _("A partner system cannot do this: a practitioner or manager must.")
# Issue 13, finding 3: emergency access changes nothing and, above all, involves no agency.
READ_ONLY = _("Emergency access is read-only: you can read this family's record but not change it. "
              "Ask an agency involved with the family to record what you need.")


class FamilyAccessRefused(PermissionDenied):
    """The refusal of the access guard: a 403 on a page and in the API."""


def is_family_worker(user) -> bool:
    """Practitioners, managers and partner systems of an agency; never the Board chair or an administrator."""
    return bool(getattr(user, "is_authenticated", False) and user.works_with_families)


def require_family_worker(user) -> None:
    """Refuse, with the one message, anyone who does not work with family records."""
    if not is_family_worker(user):
        raise FamilyAccessRefused(NOT_A_FAMILY_WORKER)


def require_a_person(user) -> None:
    """Refuse a partner system what only a person may do (issue 13): open a family record (its opener leads it), call
    a meeting (its caller chairs it), plan a visit (its planner is the lone worker), hold emergency access. The
    protocol's actions go to the lead, the chair, the worker and their line managers (P-2); a system has none."""
    if getattr(user, "role", None) == "system":  # agencies.models.Role.SYSTEM
        raise FamilyAccessRefused(NOT_A_PERSON)


class FamilyWorker(BasePermission):
    """`require_family_worker` for a DRF view: add to the default permissions with `FAMILY_WORKER_PERMISSIONS`."""

    message = NOT_A_FAMILY_WORKER

    def has_permission(self, request, view) -> bool:
        return is_family_worker(request.user)


# The API's default permissions (signed in, two-step verified) and the access guard, in that order, so that the
# signed-out still get 401 and the unverified the two-step refusal.
FAMILY_WORKER_PERMISSIONS = [*api_settings.DEFAULT_PERMISSION_CLASSES, FamilyWorker]


# Further ways a professional may see (and write to) a family, declared in core/extensions.py (e.g. a specialist
# invited to a meeting who has accepted its confidentiality terms, MTG-6): fn(professional) -> Q over Family, or None.
EXTRA_ACCESS = FAMILY_ACCESS


def _write_condition(professional) -> Q:
    """Who may change a family's record (P-4, issue 13 finding 3): staff of an agency actively involved, and the
    further ways other capabilities add (EXTRA_ACCESS). Never emergency access, which is read-only."""
    condition = Q(Exists(_involved(professional)))
    for extra in EXTRA_ACCESS:
        more = extra(professional)
        if more is not None:
            condition |= more
    return condition


# Read-only ways to a family for a time, declared in core/extensions.py (OVR-1: a case-file audit round's families
# for its auditor while the round is open): never a write.
READ_GRANTS = FAMILY_READ_GRANTS


def _read_condition(professional) -> Q:
    glass = BreakGlassAccess.objects.filter(family=OuterRef("pk"), professional=professional,
                                            expires_at__gt=timezone.now())
    condition = _write_condition(professional) | Q(Exists(glass))
    for grant in READ_GRANTS:
        more = grant.condition(professional)
        if more is not None:
            condition |= more
    return condition


def _read_grant_reason(*, professional, family):
    """Why a professional who is not involved and holds no emergency access reads the family: the first read grant
    that applies, as the reason its audit row records; None (another way in, e.g. MTG-6's)."""
    for grant in READ_GRANTS:
        reason = grant.audit_reason(professional=professional, family=family)
        if reason is not None:
            return reason
    return None


def families_visible_to(*, professional) -> QuerySet[Family]:
    """The families the professional may read."""
    if not is_family_worker(professional):
        return Family.objects.none()
    return Family.objects.filter(_read_condition(professional))


def family_is_visible_to(*, professional, family_id: int) -> bool:
    return families_visible_to(professional=professional).filter(pk=family_id).exists()


def family_may_write(*, professional, family_id: int) -> bool:
    """Whether the professional may change anything on the family's record: not on emergency access alone."""
    if not is_family_worker(professional):
        return False
    return Family.objects.filter(pk=family_id).filter(_write_condition(professional)).exists()


def family_require_write(*, professional, family: Family, purpose: str = "change the record") -> None:
    """The guard every write on a family's record passes: someone who does not work with families is refused with
    the one message; emergency access is read-only (issue 13, finding 3), refused and audited."""
    require_family_worker(professional)
    if family_may_write(professional=professional, family_id=family.pk):
        return
    audit_record(actor=professional, action=AuditAction.DENIED, obj=family, family=family,
                 summary=Text(gettext_noop("Refused (read-only access): %(purpose)s"),
                              {"purpose": purpose_text(purpose)}))
    raise FamilyAccessRefused(READ_ONLY)


def _involved(professional) -> QuerySet[Involvement]:
    return Involvement.objects.filter(family=OuterRef("pk"), agency_id=professional.agency_id, ended_on__isnull=True)


def _break_glass_grant(*, professional, family) -> BreakGlassAccess | None:
    return (
        BreakGlassAccess.objects.filter(professional=professional, family=family, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


def active_break_glass(*, professional, family) -> BreakGlassAccess | None:
    """The emergency access the professional reads the family by, if their agency is not involved."""
    if Involvement.objects.filter(family=family, agency_id=professional.agency_id, ended_on__isnull=True).exists():
        return None
    return _break_glass_grant(professional=professional, family=family)


def family_get_for(*, professional, family_id: int, purpose: str = "case file", write: bool = False) -> Family:
    """The family if the professional may read it, audited as a read; otherwise a 404 (audited as refused), so
    that the refusal does not confirm the family exists. With `write`, a page or endpoint that changes the record:
    emergency access alone is refused (403)."""
    # Issue 15: whether the professional's agency is involved comes with the family (one query, not two more).
    family = (
        families_visible_to(professional=professional)
        .select_related("overall_lead", "overall_lead__agency", "partnership")  # issue 21: its protocol
        .annotate(agency_involved=Exists(_involved(professional)))
        .filter(pk=family_id)
        .first()
    )
    if family is None:
        if getattr(professional, "is_authenticated", False):
            audit_record(
                actor=professional,
                action=AuditAction.DENIED,
                object_type="families.Family",
                object_id=str(family_id),
                summary=Text(gettext_noop("Refused: %(purpose)s"), {"purpose": purpose_text(purpose)}),
            )
        raise Http404(NOT_FOUND)
    if write:
        family_require_write(professional=professional, family=family, purpose=purpose)
    glass = None if family.agency_involved else _break_glass_grant(professional=professional, family=family)
    # The grant this read relies on, if any (the case file says so and offers no changes).
    family.read_by_break_glass = glass
    # OVR-1: a read under a read-only grant (a case-file audit round's) records the grant beside its purpose.
    granted = None if family.agency_involved or glass else _read_grant_reason(professional=professional, family=family)
    family.read_by_grant = granted
    audit_record(
        actor=professional,
        action=AuditAction.VIEW,
        obj=family,
        family=family,
        summary=purpose_text(purpose),
        reason=glass.audit_reason if glass else (granted or ""),
    )
    return family
