"""Supervision's settings (ESC-12: areas differ), read from the rules' settings an administrator sets on the Rule
settings page (supervision/rules.py holds them with the protocol's defaults). No environment variable."""

from doorstep.escalations.services import rule_settings


def interval_days() -> int:
    """SUP-4 (004 §6.2): how often each worker is supervised; a supervision later than this is overdue."""
    return rule_settings("SUP-4")[1]["interval_days"]


def overdue_grace_working_days() -> int:
    """The manager's deadline for an overdue supervision: this many working days after it fell due."""
    return rule_settings("SUP-4")[1]["overdue_working_days"]


def marked_families_threshold() -> int:
    """OVR-3 (004 §6.2, 003 §5.4): a worker leading this many families with warning markers stands out."""
    return rule_settings("OVR-3")[1]["marked_families_threshold"]
