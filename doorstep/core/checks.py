from django.core import checks

from .extensions import extension_problems


@checks.register()
def extension_points_check(app_configs=None, **kwargs):
    """Issue 14: every extension point is filled, names each entry once, and each entry exists and fits the point's
    Protocol (doorstep/core/extensions.py), so that a renamed function or field fails at start-up, not silently."""
    return [checks.Error(problem, hint="See doorstep/core/extensions.py.", id="core.E014")
            for problem in extension_problems()]
