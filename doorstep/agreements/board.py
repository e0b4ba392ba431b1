"""The Board's report (OVR-2, AGR-1, AGR-2): written agreements with families in a period, and breaches. Three
queries, whatever the number of families; agreements with the partnership's families only (issue 21)."""

from datetime import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from doorstep.core.board import Figure, Table
from doorstep.partnerships.models import Partnership

from .models import AgreementBreach, AgreementVersion, WrittenAgreement


def agreements_figures(*, start: datetime, end: datetime, partnership: Partnership) -> list[Table]:
    made = WrittenAgreement.objects.filter(family__partnership=partnership, created_at__gte=start,
                                           created_at__lt=end).count()
    answers = AgreementVersion.objects.filter(agreement__family__partnership=partnership,
                                              response_on__gte=start.date(), response_on__lt=end.date()).aggregate(
        signed=Count("id", filter=Q(response="signed")), refused=Count("id", filter=Q(response="refused")))
    breaches = AgreementBreach.objects.filter(agreement__family__partnership=partnership, occurred_at__gte=start,
                                              occurred_at__lt=end).count()
    return [
        Table("agreements", _("Written agreements with families"), [
            Figure("agreements_made", _("Written agreements made"), made),
            Figure("agreements_signed", _("Signed by the family"), answers["signed"]),
            Figure("agreements_refused", _("The family refused to sign"), answers["refused"]),
            Figure("agreements_breaches", _("Breaches recorded"), breaches),
        ]),
    ]
