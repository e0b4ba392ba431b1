from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AgreementBreach, AgreementVersion, VersionState, WrittenAgreement


def agreements_figures():
    """OVR-2: the use of written agreements across the partnership (aggregates only, P-4)."""
    since = timezone.now() - timedelta(days=365)
    given = AgreementVersion.objects.filter(agreement=OuterRef("pk"))
    open_ = WrittenAgreement.objects.filter(ended_at__isnull=True).aggregate(
        in_force=Count("pk", filter=Q(Exists(given.filter(state__in=(VersionState.ISSUED, VersionState.SIGNED,
                                                                     VersionState.REFUSED))))),
        signed=Count("pk", filter=Q(Exists(given.filter(state=VersionState.SIGNED)))),
        refused=Count("pk", filter=Q(Exists(given.filter(state=VersionState.REFUSED)))),
    )
    breaches = AgreementBreach.objects.filter(occurred_at__gte=since).count()
    return [{"title": _("Written agreements with families"), "rows": [
        (_("In force"), open_["in_force"]),
        (_("Signed by the family"), open_["signed"]),
        (_("The family refused to sign"), open_["refused"]),
        (_("Breaches recorded in the last 12 months"), breaches),
    ]}]
