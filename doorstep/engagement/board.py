"""The Board's report (OVR-2): defaulted visits (ENG-6) and children not seen alone (P-1) in a period. Two queries,
whatever the number of families; the partnership's families only (issue 21)."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from doorstep.core.board import Figure, Table
from doorstep.partnerships.models import Partnership

from .models import Contact, ContactChild


def engagement_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    contacts = Contact.objects.filter(family__partnership=partnership, occurred_at__gte=start, occurred_at__lt=end,
                                      entered_in_error=False).aggregate(
        n=Count("id"), defaulted=Count("id", filter=Q(defaulted=True)))
    children = ContactChild.objects.filter(
        contact__family__partnership=partnership,
        contact__occurred_at__gte=start, contact__occurred_at__lt=end, contact__entered_in_error=False,
    ).aggregate(seen_n=Count("child", distinct=True, filter=Q(seen=True)),
                alone_n=Count("child", distinct=True, filter=Q(seen=True, seen_alone=True)))
    return [
        Table("contacts", _("Visits and appointments"), [
            Figure("contacts", _("Contacts recorded"), contacts["n"]),
            Figure("contacts_defaulted", _("Defaulted visits and appointments (ENG-6)"), contacts["defaulted"]),
        ]),
        Table("children_seen", _("Children seen, and seen alone"), [
            Figure("children_seen_alone", _("Seen alone at least once"), children["alone_n"]),
            Figure("children_not_seen_alone", _("Not seen alone"), children["seen_n"] - children["alone_n"]),
        ], Figure("children_seen", _("Children seen"), children["seen_n"]),
            note=_("Each child counted once in the period.")),
    ]
