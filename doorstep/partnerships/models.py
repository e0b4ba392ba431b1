"""Partnerships (issue 21): one deployment serves several local safeguarding partnerships, each running its own
protocol. A partnership has a name (English and Welsh), a nation (its bank holidays, core/workingdays.py), the
protocol preset it started from (presets.py), its Board chair(s) and analysts (who read its Board's report), its
administrators and the agencies working in it.
Every family belongs to exactly one partnership (families.Family.partnership); the rules engine reads the rule
settings of the family's partnership (escalations.RuleSetting.partnership) and counts deadlines in its nation.

- `Partnership`: the record; created by a deployment administrator (an administrator who administers no
  partnership), or by the data migration from the deployment's settings (`is_default`).
- `PresetChange`: every change of a partnership's preset, with who, when and why (ESC-12, P-3).
- `FamilyTransfer`: a family's move from one partnership to another, with who, when, why and each open action's
  deadline before and after it was re-timed to the new partnership's calendar (issue 21).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import Names

from .presets import PRESETS, preset_choices


class Nation(models.TextChoices):
    # The nations whose bank holidays Doorstep knows (core/workingdays.py NATION_SUBDIVISION).
    ENGLAND_WALES = "england-wales", _("England and Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern-ireland", _("Northern Ireland")


# The deployment's first partnership, made from its settings by the data migration (0002) when nobody has named one.
DEFAULT_NAME = "Local safeguarding partnership"
DEFAULT_NAME_CY = "Partneriaeth ddiogelu leol"


class Partnership(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    nation = models.CharField(_("nation"), max_length=20, choices=Nation.choices)
    preset = models.CharField(_("protocol"), max_length=32, choices=preset_choices())
    board_chairs = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="chaired_partnerships",
                                          verbose_name=_("Board chairs"))
    # OVR-2 (issue 21): the partnership's analysts read its Board's report (aggregate figures), never another's.
    analysts = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="analysed_partnerships",
                                      verbose_name=_("analysts"))
    administrators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                            related_name="administered_partnerships",
                                            verbose_name=_("administrators"))
    # Police forces and health trusts cross partnerships' boundaries: an agency may work in several.
    agencies = models.ManyToManyField("agencies.Agency", blank=True, related_name="partnerships",
                                      verbose_name=_("agencies working in it"))
    is_default = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partnership")
        constraints = [models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                               name="one_default_partnership")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def name_text(self) -> Names:
        """The name in every language it has, as a stored sentence's parameter (issue 14)."""
        return Names({settings.LANGUAGE_CODE: self.name, **({"cy": self.name_cy} if self.name_cy else {})})

    @property
    def display_name(self) -> str:
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return self.name_cy if language == "cy" and self.name_cy else self.name

    @property
    def protocol(self):
        """The preset (presets.Preset) the partnership runs."""
        return PRESETS[self.preset]


class PresetChange(models.Model):
    """A change of a partnership's protocol preset, with who, when and why (ESC-12, P-3)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="preset_changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    before = models.CharField(max_length=32)
    after = models.CharField(max_length=32)
    reason = models.TextField()

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-changed_at"], name="preset_change_history")]

    @property
    def before_name(self) -> str:
        return str(PRESETS[self.before].name) if self.before in PRESETS else self.before

    @property
    def after_name(self) -> str:
        return str(PRESETS[self.after].name) if self.after in PRESETS else self.after


class FamilyTransfer(models.Model):
    """Issue 21: a family changes partnership only by a recorded transfer that keeps the history: its contacts and
    chronology stay as they are; its open actions move with it, re-timed to the new partnership's nation (`retimed`:
    one {"escalation": id, "before": iso, "after": iso} per open action with a deadline)."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="transfers")
    from_partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="transfers_out")
    to_partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="transfers_in")
    transferred_at = models.DateTimeField(_("transferred on"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why the family is transferring"))
    retimed = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-transferred_at", "-id"]
        indexes = [models.Index(fields=["family", "-transferred_at"], name="family_transfer_history"),
                   models.Index(fields=["to_partnership", "-transferred_at"], name="transfer_in_partnership"),
                   models.Index(fields=["from_partnership", "-transferred_at"], name="transfer_out_partnership")]
