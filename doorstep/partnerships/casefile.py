"""The case file's side panel of the family's partnership (issue 21): which partnership and protocol it belongs to,
its transfers (newest first), and the transfer link for those who may. Two queries, whatever the history."""

from doorstep.core.extensions import casefile_panel

from .selectors import family_transfer_may_open

TRANSFERS_SHOWN = 5


@casefile_panel(section="overview")
def partnership_panel(*, family, professional) -> dict | None:
    from .models import FamilyTransfer

    transfers = list(FamilyTransfer.objects.filter(family=family)
                     .select_related("from_partnership", "to_partnership", "by")[:TRANSFERS_SHOWN])
    may_transfer = family_transfer_may_open(professional=professional, family=family)
    return {"template": "partnerships/_casefile_partnership.html", "family": family,
            "partnership": family.partnership, "transfers": transfers, "may_transfer": may_transfer}
