from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    """The generated region and the benchmark (issue 9). It has no pages: `manage.py generate_region`,
    `manage.py bench` and `make bench`. Generation steps are declared in doorstep/core/extensions.py (FAMILY_STEPS)
    and measures in `doorstep.scale.measures`."""

    name = "doorstep.scale"
    verbose_name = _("Scale")
