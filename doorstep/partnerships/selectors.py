"""Reads of partnerships, with the access rule inside (issue 21): a deployment administrator (an administrator who
administers no partnership) sees and manages every partnership; a partnership's administrator only their own.
Nobody else manages one. Families are never read here (their access rule is involvement, unchanged)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Partnership


def is_deployment_administrator(professional) -> bool:
    """An administrator of the whole deployment: creates partnerships and manages every one."""
    return (getattr(professional, "is_administrator", False)
            and not professional.administered_partnerships.exists())


def partnership_may_manage(*, professional, partnership: Partnership) -> bool:
    if not getattr(professional, "is_administrator", False):
        return False
    administered = set(professional.administered_partnerships.values_list("pk", flat=True))
    return not administered or partnership.pk in administered


def partnerships_for(*, professional) -> QuerySet:
    """The partnerships this administrator manages (PermissionDenied for anyone else)."""
    if not getattr(professional, "is_administrator", False):
        raise PermissionDenied(_("Only administrators manage partnerships."))
    if is_deployment_administrator(professional):
        return Partnership.objects.all()
    return professional.administered_partnerships.all()


def partnership_get_for(*, professional, partnership_id: int) -> Partnership:
    partnership = partnerships_for(professional=professional).filter(pk=partnership_id).first()
    if partnership is None:
        if Partnership.objects.filter(pk=partnership_id).exists():
            raise PermissionDenied(_("You are not an administrator of this partnership."))
        raise Http404("No such partnership")
    return partnership


def agencies_of_partnerships(partnerships: QuerySet) -> Q:
    """A Q over Agency ids (`agency_id`) for the agencies working in `partnerships`; an agency working in none opens
    its families in the deployment's default partnership (services.family_partnership_choose), so it is the default
    partnership's. Issue 21: a Board chair decides for their own partnerships' agencies only."""
    working = Partnership.agencies.through.objects
    found = Q(agency_id__in=working.filter(partnership__in=partnerships.values("pk")).values("agency"))
    if partnerships.filter(is_default=True).exists():
        found |= ~Q(agency_id__in=working.values("agency"))
    return found


def works_in_partnership(partnership: Partnership, *, agency_field: str) -> Q:
    """A Q for records whose agency (`agency_field`, e.g. "supervisee__agency") works in the partnership, or in none
    when it is the default partnership (where such an agency opens its families). For the Board's figures of staff
    work that has no family (a supervision, an action about no family): no query of its own (issue 21)."""
    working = Partnership.agencies.through.objects
    found = Q(**{f"{agency_field}__in": working.filter(partnership_id=partnership.pk).values("agency")})
    if partnership.is_default:
        found |= ~Q(**{f"{agency_field}__in": working.values("agency")})
    return found


def board_chairs_for_agency(agency_id: int | None) -> QuerySet:
    """The Board chairs of the partnerships an agency works in (the default partnership's if it works in none)."""
    from doorstep.agencies.models import Professional, Role

    partnerships = Partnership.objects.filter(agencies__id=agency_id)
    if agency_id is None or not partnerships.exists():
        partnerships = Partnership.objects.filter(is_default=True)
    return Professional.objects.filter(role=Role.BOARD_CHAIR, chaired_partnerships__in=partnerships).distinct()


def partnerships_of_agency(agency_id: int | None) -> list[Partnership]:
    """The partnerships an agency works in (a police force or a health trust may work in several)."""
    if agency_id is None:
        return []
    return list(Partnership.objects.filter(agencies__id=agency_id).distinct())


def family_nation(family) -> str:
    """The nation whose bank holidays count the family's deadlines: its partnership's (issue 21)."""
    cached = family._state.fields_cache.get("partnership")
    if cached is not None:
        return cached.nation
    nation = Partnership.objects.filter(pk=family.partnership_id).values_list("nation", flat=True).first()
    return nation or settings.DOORSTEP_NATION


# --- The Board's report (OVR-2, issue 21): a Board chair or analyst reads their own partnerships' only ----------------

def partnerships_reporting_to(professional) -> QuerySet:
    """The partnerships whose Board's report (and the minutes and figures sent to its Board) this person reads: a Board
    chair the partnerships they chair, an analyst those they analyse; nobody else any. Issue 21: "a Board chair sees
    their partnership only"."""
    if getattr(professional, "is_board_chair", False):
        return Partnership.objects.filter(board_chairs=professional)
    if getattr(professional, "is_partnership_analyst", False):
        return Partnership.objects.filter(analysts=professional)
    return Partnership.objects.none()


def no_partnership_message(professional) -> str:
    """Issue 21 (bad input): a Board chair or analyst of no partnership is refused with this, never shown figures."""
    if getattr(professional, "is_partnership_analyst", False):
        return _("You are not an analyst of any partnership: ask the deployment's administrator to add you to one")
    return _("You are not the Board chair of any partnership: ask the deployment's administrator to add you to one")


def partnership_report_for(*, professional, partnership_id=None) -> Partnership:
    """The partnership whose Board's report this person reads: the one asked for (`partnership_id`), or by default the
    first of theirs. PermissionDenied with the reason for a partnership they do not read, or when they read none; a
    partnership id that is not a number or names no partnership is refused the same way (it says nothing of which
    partnerships exist)."""
    readable = list(partnerships_reporting_to(professional))
    if not readable:
        raise PermissionDenied(no_partnership_message(professional))
    if partnership_id in (None, ""):
        return readable[0]
    for partnership in readable:
        if str(partnership.pk) == str(partnership_id).strip():
            return partnership
    raise PermissionDenied(_("You do not read the Board's report of this partnership: choose one of yours."))
# --- Transfers between partnerships (issue 21) ------------------------------------------------------------------
# Who may transfer a family: a manager of an agency involved with the family (an open involvement) whose agency
# works in the destination partnership (they answer for the move and keep working the family there), or an
# administrator of the family's partnership or of the destination (a deployment administrator administers every
# one). Practitioners ask their manager; nobody else may, and is refused with PermissionDenied.

def family_transfer_may_open(*, professional, family) -> bool:
    """Whether the professional may see the transfer form for this family (the destination is checked on submit)."""
    from doorstep.families.models import Involvement

    if getattr(professional, "is_manager", False) and professional.agency_id is not None:
        return Involvement.objects.filter(family_id=family.pk, agency_id=professional.agency_id,
                                          ended_on__isnull=True).exists()
    # An administrator (who reads no case file: the service, e.g. the demo's loader or a shell) is checked against
    # both partnerships in family_transfer_may.
    return getattr(professional, "is_administrator", False)


def family_transfer_may(*, professional, family, to_partnership: Partnership) -> bool:
    """The transfer rule above, for one destination."""
    if getattr(professional, "is_administrator", False):
        return (partnership_may_manage(professional=professional, partnership=family.partnership)
                or partnership_may_manage(professional=professional, partnership=to_partnership))
    return (family_transfer_may_open(professional=professional, family=family)
            and to_partnership.agencies.filter(pk=professional.agency_id).exists())


def transfer_destinations(*, family, professional) -> QuerySet:
    """The partnerships this professional may move the family to: every other one their agency works in (an
    administrator: every other one; family_transfer_may decides)."""
    others = Partnership.objects.exclude(pk=family.partnership_id)
    if getattr(professional, "is_administrator", False):
        return others
    return others.filter(agencies__id=professional.agency_id).distinct()


def family_transfers(*, family) -> list:
    """The family's transfers, newest first, with both partnerships and who transferred (one query)."""
    from .models import FamilyTransfer

    return list(FamilyTransfer.objects.filter(family=family)
                .select_related("from_partnership", "to_partnership", "by"))
def list_partnerships_for(*, professional) -> list[Partnership]:
    """Issue 21: the partnerships whose own lists (the case-file audit's questions, the recording check's terms) this
    professional may keep: an administrator's are those they manage; a worker's those their agency works in, or the
    deployment's default when it works in none."""
    from .services import partnership_default

    if getattr(professional, "is_administrator", False):
        return list(partnerships_for(professional=professional))
    worked = partnerships_of_agency(getattr(professional, "agency_id", None))
    return worked or [partnership_default()]


def list_partnership_for(*, professional, partnership_id: int | None = None) -> Partnership:
    """Issue 21: the partnership whose lists a page or service keeps for this professional: the one named, if theirs
    to keep (PermissionDenied otherwise; Http404 if there is none), else their own: a deployment administrator's is
    the deployment's default partnership; anyone else's the first (by name) of those they may keep, which is the
    only one for a partnership's administrator or an agency working in one partnership."""
    from .services import partnership_default

    keeps = list_partnerships_for(professional=professional)
    if partnership_id is not None:
        found = next((p for p in keeps if p.pk == partnership_id), None)
        if found is None:
            if Partnership.objects.filter(pk=partnership_id).exists():
                raise PermissionDenied(_("You keep the lists of your own partnership only."))
            raise Http404("No such partnership")
        return found
    if is_deployment_administrator(professional):
        return partnership_default()
    return keeps[0]
