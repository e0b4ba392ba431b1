"""The escalations' entries in the service navigation (core/extensions.py `NAVIGATION` orders them)."""

from django.utils.translation import gettext_lazy as _

from doorstep.core.navigation import NavItem

MY_ACTIONS = NavItem("escalations:mine", _("My actions"), lambda u: u.works_with_families)
TEAM_ACTIONS = NavItem("escalations:team", _("Team actions"), lambda u: u.works_with_families and u.is_manager,
                       "/escalations/team/")
# ESC-12: the protocol's rules are configured here, each change audited.
RULE_SETTINGS = NavItem("escalations:rules", _("Rule settings"), lambda u: u.is_administrator, "/escalations/rules/")
