"""Reads of partnerships, with the access rule inside (issue 21): a deployment administrator (an administrator who
administers no partnership) sees and manages every partnership; a partnership's administrator only their own.
Nobody else manages one. Families are never read here (their access rule is involvement, unchanged)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
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
