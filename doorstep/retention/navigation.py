"""Retention's entries in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

from doorstep.core.access import is_family_worker


def _records_manager(user) -> bool:
    # No query on every page: a records manager's line manager, who may decide a proposal, is notified of it with a
    # link (services.erasure_propose) rather than shown the entry.
    return is_family_worker(user) and user.is_records_manager


def _administrator(user) -> bool:
    return user.is_administrator


RETENTION = NavItem("retention:review", _("Retention"), _records_manager, "/retention/")
RETENTION_SCHEDULE = NavItem("retention:schedule", _("Retention schedule"), _administrator, "/retention/schedule/")
