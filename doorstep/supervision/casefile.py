"""The case file's side panel of supervision decisions (CHR-1): one query, whatever the family's size."""

from doorstep.core.extensions import casefile_panel

from .models import SupervisionDecision


@casefile_panel(section="meetings")
def decisions_panel(*, family, professional) -> dict | None:
    if not professional.works_with_families:
        return None
    decisions = list(SupervisionDecision.objects.filter(family=family)
                     .select_related("decided_by", "decided_by__agency").order_by("-decided_at", "-id")[:3])
    return {"template": "supervision/_casefile_side.html", "family": family, "decisions": decisions}
