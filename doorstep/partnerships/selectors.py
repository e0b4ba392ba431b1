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
