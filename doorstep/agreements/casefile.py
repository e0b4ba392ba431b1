"""The written agreement panel on the case file (AGR-1, AGR-2): three queries, whatever the family's size."""

from doorstep.core.extensions import casefile_panel

from .models import GIVEN_STATES, AgreementBreach, AgreementVersion, VersionState, WrittenAgreement


@casefile_panel(section="agreement")
def agreement_panel(*, family, professional) -> dict | None:
    if not professional.works_with_families:
        return None
    agreements = list(WrittenAgreement.objects.filter(family=family).order_by("ended_at", "-id"))
    current = next((a for a in agreements if a.is_open), None)
    in_force = draft = None
    breaches = 0
    if current is not None:
        versions = list(AgreementVersion.objects.filter(agreement=current).order_by("-number"))
        in_force = next((v for v in versions if v.state in GIVEN_STATES), None)
        draft = next((v for v in versions if v.state == VersionState.DRAFT), None)
        breaches = AgreementBreach.objects.filter(agreement=current).count()
    return {
        "template": "agreements/_casefile_panel.html", "family": family, "agreement": current, "in_force": in_force,
        "draft": draft, "breach_count": breaches, "ended": [a for a in agreements if not a.is_open],
    }
