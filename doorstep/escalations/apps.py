from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationsConfig(AppConfig):
    name = "doorstep.escalations"
    verbose_name = _("Escalations")

    def ready(self):
        from doorstep.core.demo import DEMO_LOADERS
        from doorstep.core.homepage import HOME_SECTIONS
        from doorstep.core.navigation import NAV_ITEMS, NavItem
        from doorstep.families import casefile
        from doorstep.families.services import INVOLVEMENT_END_CHECKS

        from django.utils.module_loading import autodiscover_modules

        from . import demo, engine, home, scheduled

        # One registry of rules: every app's rules.py registers its RuleDefinitions when it is imported.
        autodiscover_modules("rules")
        from .evaluate import FAMILY_EVALUATORS, SWEEP_CHECKS

        # The engine runs on every change (FAMILY_EVALUATORS) and in the periodic sweep (SWEEP_CHECKS).
        FAMILY_EVALUATORS.append(engine.protocol_rules)
        SWEEP_CHECKS.append(scheduled.family_checks_run)
        SWEEP_CHECKS.append(scheduled.escalations_overdue_run)
        # ESC-6 (001 §5.1.19): no ending an involvement while access difficulties are unresolved.
        INVOLVEMENT_END_CHECKS.append(engine.involvement_end_check)

        # "My actions" is the first thing everyone sees after signing in.
        HOME_SECTIONS.insert(0, home.my_actions_section)
        casefile.BANNERS.append(home.open_escalations_banner)
        casefile.SIDE.append(home.protocol_steps_panel)

        NAV_ITEMS.append(NavItem("escalations:mine", _("My actions"), lambda u: u.works_with_families,
                                 order=5))
        NAV_ITEMS.append(NavItem("escalations:team", _("Team actions"),
                                 lambda u: u.works_with_families and u.is_manager, "/escalations/team/", order=6))
        NAV_ITEMS.append(NavItem("escalations:rules", _("Rule settings"), lambda u: u.is_administrator,
                                 "/escalations/rules/", order=80))

        DEMO_LOADERS.append(demo.load)

        from django.apps import apps

        if apps.is_installed("doorstep.scale"):
            # The generated region (issue 9): every family's due row, after the built-in steps that make it.
            from doorstep.scale import steps  # noqa: F401  (registers the built-in steps first)
            from doorstep.scale.generate import FAMILY_STEPS, Step

            from .generation import family_check_step

            FAMILY_STEPS.append(Step("escalation engine: when each family is next due", family_check_step))
