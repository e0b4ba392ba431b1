from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "doorstep.escalations"
    verbose_name = _("Escalations")

    def ready(self):
        from doorstep.core.navigation import NAV_ITEMS, NavItem
        from django.utils.module_loading import autodiscover_modules

        # One registry of rules: every app's rules.py registers its RuleDefinitions when it is imported.
        autodiscover_modules("rules")

        NAV_ITEMS.append(NavItem("escalations:mine", _("My actions"), lambda u: u.works_with_families,
                                 order=5))
        NAV_ITEMS.append(NavItem("escalations:team", _("Team actions"),
                                 lambda u: u.works_with_families and u.is_manager, "/escalations/team/", order=6))
        NAV_ITEMS.append(NavItem("escalations:rules", _("Rule settings"), lambda u: u.is_administrator,
                                 "/escalations/rules/", order=80))
