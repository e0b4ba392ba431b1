"""Supervision configuration (ESC-12: areas differ): Django settings, read from the environment in
config/settings.py only."""

from django.conf import settings


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def interval_days() -> int:
    """SUP-4 (004 §6.2): how often each worker is supervised; a supervision later than this is overdue."""
    return _setting("DOORSTEP_SUPERVISION_INTERVAL_DAYS", 28)


def overdue_grace_working_days() -> int:
    """The manager's deadline for an overdue supervision: this many working days after it fell due."""
    return _setting("DOORSTEP_SUPERVISION_OVERDUE_WORKING_DAYS", 5)


def marked_families_threshold() -> int:
    """OVR-3 (004 §6.2, 003 §5.4): a worker leading this many families with warning markers stands out."""
    return _setting("DOORSTEP_SUPERVISION_MARKED_FAMILIES_THRESHOLD", 3)
