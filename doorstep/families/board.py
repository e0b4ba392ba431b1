from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import CHILD_ROLES, ChildStatus, Family, Involvement, Person


def families_figures():
    """OVR-2: how many families the partnership works with, which agencies, and the children's status."""
    open_families = Family.objects.filter(closed_at__isnull=True).count()
    children = Person.objects.filter(role__in=CHILD_ROLES).aggregate(
        total=Count("id"),
        **{status: Count("id", filter=Q(child_status=status)) for status in ChildStatus.values},
    )
    rows = [(_("Families open"), open_families), (_("Children and unborn children"), children["total"])]
    rows += [(label, children[value]) for value, label in ChildStatus.choices]
    by_agency = (
        Involvement.objects.filter(ended_on__isnull=True).values("agency__name").annotate(n=Count("id"))
        .order_by("agency__name")
    )
    agency_rows = [(row["agency__name"], row["n"]) for row in by_agency]
    return [
        {"title": _("Families and children"), "rows": rows},
        {"title": _("Families each agency is involved with"), "rows": agency_rows},
    ]
