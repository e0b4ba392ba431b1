"""Oversight's entries in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem, is_family_worker, is_manager

from .selectors import may_audit

DRIFT = NavItem("oversight:signals", _("Drift signals"), is_manager, "/oversight/drift/")
VISIT_RECORDS = NavItem("oversight:discrepancies", _("Visit records to check"), is_family_worker, "/oversight/visits/")
# OVR-1 (issue 19): case-file audit rounds, for managers and designated case-file auditors.
CASE_FILE_AUDITS = NavItem("oversight:audits", _("Case-file audits"), may_audit, "/oversight/audits/")
# Administrators keep the partnership's audit questions (managers reach them from "Case-file audits").
AUDIT_QUESTIONS = NavItem("oversight:audit_questions", _("Audit questions"),
                          lambda u: u.is_authenticated and u.is_administrator,
                          "/oversight/audits/questions/")
