"""The engagement record's panels on the case file. Each runs a fixed number of queries (see selectors)."""

from doorstep.core.extensions import casefile_panel
from doorstep.escalations.services import rule_settings

from .selectors import child_panel, defaulted_summary, engagement_grid


@casefile_panel(section="overview")
def children_seen_panel(*, family, professional) -> dict:
    """P-1: every child, when last seen and seen alone, by whom; those not seen for the configured period stand
    out (ESC-8: its thresholds, set on the Rule settings page of the family's partnership, issue 21)."""
    _enabled, esc_8 = rule_settings("ESC-8", family.partnership_id)
    return {"template": "engagement/_panel_children.html", "rows": child_panel(family=family, esc_8=esc_8),
            "esc_8": esc_8}


@casefile_panel(section="engagement")
def engagement_grid_panel(*, family, professional) -> dict:
    """CHR-2, FAM-3, ESC-10, ESC-11: engagement by agency and by adult over the last six months."""
    return {"template": "engagement/_panel_grid.html", "grid": engagement_grid(family=family, months=6)}


@casefile_panel(section="engagement")
def defaulted_panel(*, family, professional) -> dict:
    """ENG-6 (003 §7.9): defaulted visits and appointments, per family and per child, and their follow-up."""
    return {"template": "engagement/_side_defaulted.html", "summary": defaulted_summary(family=family)}
