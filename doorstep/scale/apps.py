from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    """The generated region and the benchmark (issue 9). It has no pages: `manage.py generate_region`,
    `manage.py bench` and `make bench`. Other capabilities append generation steps to
    `doorstep.scale.generate.FAMILY_STEPS` and measures to `doorstep.scale.measures`."""

    name = "doorstep.scale"
    verbose_name = _("Scale")
