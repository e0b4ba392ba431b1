"""Supervision's settings (ESC-12: areas differ), read from the rules' settings an administrator sets on the Rule
settings page (supervision/rules.py holds them with the protocol's defaults). No environment variable.

Issue 21: supervision is about staff, not a family, so it has no family's partnership to follow. A worker follows the
partnership their agency works in if it works in exactly one; an agency working in several (a police force, a health
trust crossing boundaries) or in none follows the deployment's default partnership, so that one worker never has two
supervision intervals at once."""

from collections.abc import Iterable

from doorstep.escalations.services import rule_settings_by_partnership
from doorstep.partnerships.models import Partnership

STAFF_RULES = ("SUP-4", "OVR-3")


def staff_partnerships(agency_ids: Iterable[int | None]) -> dict[int | None, int | None]:
    """Each agency's partnership for its staff's settings (see above): two queries whatever the number of agencies."""
    ids = {a for a in agency_ids if a is not None}
    default = Partnership.objects.filter(is_default=True).values_list("pk", flat=True).first()
    worked: dict[int, set[int]] = {}
    for agency_id, partnership_id in Partnership.agencies.through.objects.filter(agency_id__in=ids).values_list(
            "agency_id", "partnership_id"):
        worked.setdefault(agency_id, set()).add(partnership_id)
    found: dict[int | None, int | None] = {None: default}
    for agency_id in ids:
        partnerships = worked.get(agency_id, set())
        found[agency_id] = next(iter(partnerships)) if len(partnerships) == 1 else default
    return found


def staff_settings(agency_ids: Iterable[int | None] = (), *, partnership_of: dict | None = None
                   ) -> dict[int | None, dict[str, tuple[bool, dict]]]:
    """SUP-4's and OVR-3's settings for the staff of each agency (None: no agency), in three queries (one when
    `partnership_of`, from staff_partnerships, is given)."""
    if partnership_of is None:
        partnership_of = staff_partnerships(agency_ids)
    settings = rule_settings_by_partnership({p for p in partnership_of.values() if p is not None},
                                            rule_ids=STAFF_RULES)
    return {agency_id: settings[partnership_id] for agency_id, partnership_id in partnership_of.items()}


def _rules(agency_id: int | None) -> dict[str, tuple[bool, dict]]:
    return staff_settings([agency_id])[agency_id]


def interval_days(agency_id: int | None = None) -> int:
    """SUP-4 (004 §6.2): how often each worker is supervised; a supervision later than this is overdue."""
    return _rules(agency_id)["SUP-4"][1]["interval_days"]


def overdue_grace_working_days(agency_id: int | None = None) -> int:
    """The manager's deadline for an overdue supervision: this many working days after it fell due."""
    return _rules(agency_id)["SUP-4"][1]["overdue_working_days"]


def marked_families_threshold(agency_id: int | None = None) -> int:
    """OVR-3 (004 §6.2, 003 §5.4): a worker leading this many families with warning markers stands out."""
    return _rules(agency_id)["OVR-3"][1]["marked_families_threshold"]
