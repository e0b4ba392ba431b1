"""Incidents: threats, violence or intimidation towards a professional (INC-1, 004 §5-6, 001 §5.1.13-16).

What an incident record holds, and who may read each part:

- The fact of the risk (when, where, who from the family, the kinds of threatening behaviour, threats to kill,
  injury, police informed, motivation): every agency that can see the family (ESC-5, FLG-1).
- The worker's own account (narrative, witnesses, injury details): the recording agency and the professionals
  affected, until a manager of the recording agency decides to share it beyond the agency.
- Per affected professional, the support offered and taken up and the impact on them (004 §5.3): only that
  professional and their manager (`AffectedWorker`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from doorstep.engagement.models import ThreatKind


class Motivation(models.TextChoices):
    # INC-1 (004 §6.2): "whether racially or culturally motivated"; the issue adds sexually or otherwise.
    RACIAL = "racial", _("Racially motivated")
    CULTURAL = "cultural", _("Culturally motivated")
    RELIGIOUS = "religious", _("Religiously motivated")
    SEXUAL = "sexual", _("Sexually motivated")
    ORIENTATION_GENDER = "orientation_gender", _("Because of sexual orientation or gender identity")
    DISABILITY = "disability", _("Because of disability")
    OTHER = "other", _("Otherwise motivated")


class Support(models.TextChoices):
    # SAF-4 (004 §6.1, App. 1): post-incident support offered to the worker.
    DEBRIEF = "debrief", _("Debrief with the manager")
    COUNSELLING = "counselling", _("Counselling")
    OCCUPATIONAL_HEALTH = "occupational_health", _("Occupational health")
    MEDICAL = "medical", _("Medical attention")
    TIME_OFF = "time_off", _("Time off")
    REALLOCATION = "reallocation", _("Change of allocation")
    OTHER = "other", _("Other support")


# ESC-4 (001 §5.1.13, 004 App. 1): the police are informed where required, always for threats to kill; Doorstep
# also requires it for physical violence.
POLICE_REQUIRED_KINDS = frozenset({ThreatKind.THREAT_TO_KILL, ThreatKind.PHYSICAL_VIOLENCE})


class Incident(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="incidents")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("recording agency"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="incidents_recorded")
    recorded_at = models.DateTimeField(_("when it was recorded"), auto_now_add=True)
    # Started from a contact in one step (ENG-1 -> INC-1).
    contact = models.ForeignKey("engagement.Contact", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="incidents")
    occurred_at = models.DateTimeField(_("when it happened"))
    at_home = models.BooleanField(_("at the family's home"), default=True)
    address = models.ForeignKey("families.Address", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="incidents")
    location = models.CharField(_("where it happened"), max_length=300, blank=True)
    people = models.ManyToManyField("families.Person", blank=True, related_name="incidents",
                                    verbose_name=_("people of the family involved"))
    unknown_people = models.CharField(_("others involved who are not recorded"), max_length=300, blank=True)
    # ENG-3 kinds, as a list of ThreatKind values; contains THREAT_TO_KILL exactly when threat_to_kill is set.
    threats = models.JSONField(_("threatening behaviour"), default=list)
    threat_to_kill = models.BooleanField(_("threats to kill"), default=False)
    injury = models.BooleanField(_("injury"), default=False)
    motivations = models.JSONField(_("motivation"), default=list, blank=True)
    motivation_detail = models.CharField(_("about the motivation"), max_length=300, blank=True)
    police_informed = models.BooleanField(_("police informed"), default=False)
    police_informed_at = models.DateTimeField(_("when the police were informed"), null=True, blank=True)
    police_reference = models.CharField(_("police reference"), max_length=50, blank=True)
    manager_informed_at = models.DateTimeField(_("when the manager was told"), null=True, blank=True)
    # P-1 (000, 002 §1.2): "If you feel threatened, what is life like for the child?"
    life_for_child = models.TextField(_("what this means for the children"), blank=True)

    # The worker's own account: the recording agency and the affected professionals only, unless shared.
    account = models.TextField(_("the worker's account"))
    witnesses = models.TextField(_("witnesses"), blank=True)
    injury_details = models.TextField(_("about the injury"), blank=True)
    account_shared_at = models.DateTimeField(null=True, blank=True)
    account_shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                          blank=True, related_name="+")
    account_share_reason = models.TextField(_("why the account is shared"), blank=True)
    # RIG-2 (issue 20): what the family said about it, in their own words; shown with the facts, beside the worker's.
    family_account = models.TextField(_("the family's account"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["family", "-occurred_at"], name="incident_family_time")]
        verbose_name = _("incident")

    def __str__(self) -> str:
        return f"Incident {self.pk} ({self.occurred_at:%Y-%m-%d})"

    @property
    def police_required(self) -> bool:
        return self.threat_to_kill or bool(POLICE_REQUIRED_KINDS & set(self.threats))

    def get_threat_labels(self) -> list[str]:
        labels = dict(ThreatKind.choices)
        return [str(labels.get(t, t)) for t in self.threats]

    def get_behaviour_labels(self) -> list[str]:
        """The kinds other than the threat to kill, which pages show as a tag of its own."""
        labels = dict(ThreatKind.choices)
        return [str(labels.get(t, t)) for t in self.threats if t != ThreatKind.THREAT_TO_KILL]

    def get_motivation_labels(self) -> list[str]:
        labels = dict(Motivation.choices)
        return [str(labels.get(m, m)) for m in self.motivations]


class AffectedWorker(models.Model):
    """A professional the incident was directed at. Support and impact are theirs: only they and their manager
    may read them (004 §5.3)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="incidents_affected")
    support_offered = models.JSONField(_("support offered"), default=list, blank=True)
    support_taken_up = models.JSONField(_("support taken up"), default=list, blank=True)
    support_note = models.TextField(_("about the support"), blank=True)
    impact = models.TextField(_("impact on the worker"), blank=True)
    impact_recorded_at = models.DateTimeField(null=True, blank=True)
    # The manager's violence-at-work follow-up (ESC-4).
    follow_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    follow_up_at = models.DateTimeField(null=True, blank=True)
    follow_up_note = models.TextField(_("follow-up"), blank=True)

    class Meta:
        ordering = ["incident", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "professional"], name="affected_once_per_incident")]
        verbose_name = _("affected professional")

    def __str__(self) -> str:
        return f"{self.professional} ({self.incident})"

    def get_support_offered_labels(self) -> list[str]:
        labels = dict(Support.choices)
        return [str(labels.get(s, s)) for s in self.support_offered]

    def get_support_taken_up_labels(self) -> list[str]:
        labels = dict(Support.choices)
        return [str(labels.get(s, s)) for s in self.support_taken_up]
