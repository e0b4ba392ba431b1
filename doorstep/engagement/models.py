"""The engagement record (ENG-1..6): every contact or attempt at contact with a family, and what happened."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    # ENG-1 (001 §5.1.9.2)
    HOME_VISIT = "home_visit", _("Home visit")
    OFFICE = "office", _("Office appointment")
    SCHOOL = "school", _("School or nursery")
    HEALTH_APPOINTMENT = "health_appointment", _("Health appointment")
    NEUTRAL_VENUE = "neutral_venue", _("Neutral venue")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


# ESC-9 (004 §2.3): remote contact replacing visits is a collusion indicator.
REMOTE_KINDS = frozenset({ContactKind.PHONE, ContactKind.TEXT, ContactKind.EMAIL, ContactKind.LETTER})


class Outcome(models.TextChoices):
    # ENG-1
    SEEN = "seen", _("Seen")
    NO_ANSWER = "no_answer", _("No answer")
    REFUSED_ENTRY = "refused_entry", _("Refused entry")
    CANCELLED_BY_FAMILY = "cancelled_by_family", _("Cancelled by the family")
    DID_NOT_ATTEND = "did_not_attend", _("Did not attend")
    CUT_SHORT = "cut_short", _("Cut short")
    CHILD_NOT_AVAILABLE = "child_not_available", _("Child not made available")
    RESCHEDULED_BY_PROFESSIONAL = "rescheduled", _("Rescheduled by the professional")


# ENG-6 (003 §7.9): the outcomes that count as defaulted by default; configurable (issue 3).
DEFAULT_DEFAULTED_OUTCOMES = frozenset({
    Outcome.DID_NOT_ATTEND, Outcome.NO_ANSWER, Outcome.CANCELLED_BY_FAMILY, Outcome.REFUSED_ENTRY,
    Outcome.CHILD_NOT_AVAILABLE,
})
# Contact achieved (the family was engaged, at least in part).
ACHIEVED_OUTCOMES = frozenset({Outcome.SEEN, Outcome.CUT_SHORT})


class Behaviour(models.TextChoices):
    # ENG-2 (001 §5.1.4-5.1.8, 004 §1.3, 003 §4.2, 002 §1.1)
    AMBIVALENCE = "ambivalence", _("Ambivalence")
    AVOIDANCE = "avoidance", _("Avoidance")
    CONFRONTATION = "confrontation", _("Confrontation")
    REFUSAL = "refusal", _("Refusal")
    VIOLENCE = "violence", _("Violence")
    DISGUISED_COMPLIANCE = "disguised_compliance", _("Disguised compliance or apparent co-operation")


class ThreatKind(models.TextChoices):
    # ENG-3 (004 §5.1, 001 §5.1.9.25, 003 §4.1)
    SILENCE = "silence", _("Deliberate use of silence")
    WRITTEN_THREATS = "written_threats", _("Written threats")
    BOMBARDING = "bombarding", _("Bombarding with e-mails, texts or calls")
    INTIMIDATING_LANGUAGE = "intimidating_language", _("Intimidating or derogatory language")
    RACIST = "racist", _("Racist remarks")
    SEXUAL = "sexual", _("Sexual comments or intimidation")
    HOMOPHOBIC = "homophobic", _("Homophobic remarks")
    BODY_LANGUAGE = "body_language", _("Domineering body language")
    ANIMALS = "animals", _("Dogs or other animals used as a threat")
    SWEARING = "swearing", _("Swearing")
    SHOUTING = "shouting", _("Shouting")
    THROWING = "throwing", _("Throwing things")
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    FOLLOWING = "following", _("Following or harassing workers")
    ONLINE_SEARCHING = "online_searching", _("Seeking workers' personal information online")
    COMPLAINTS = "complaints", _("Complaints used as intimidation")
    COVERT_THREATS = "covert_threats", _("Covert or implied threats")
    THREAT_TO_KILL = "threat_to_kill", _("Threat to kill")


class Contact(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="contacts")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind of contact"), max_length=32, choices=ContactKind.choices)
    planned = models.BooleanField(_("planned"), default=True)
    occurred_at = models.DateTimeField(_("when it happened"))
    recorded_at = models.DateTimeField(_("when it was recorded"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    # Behaviours and threatening behaviours observed (ENG-2, ENG-3), stored as lists of choice values.
    behaviours = models.JSONField(_("behaviours observed"), default=list, blank=True)
    threats = models.JSONField(_("threatening behaviour"), default=list, blank=True)
    adults_present = models.ManyToManyField("families.Person", blank=True, related_name="+")
    unknown_adults_present = models.PositiveSmallIntegerField(_("unknown adults present"), default=0)
    others_present = models.CharField(_("who else was present"), max_length=300, blank=True)
    non_cooperation_reasons = models.TextField(_("reasons for non-cooperation"), blank=True)  # FAM-5
    areas_not_achieved = models.TextField(_("areas of assessment not achieved, and why"), blank=True)  # ENG-4
    note = models.TextField(_("note"), blank=True)
    # ENG-6: whether this outcome counted as defaulted when it was recorded (configuration may change later).
    defaulted = models.BooleanField(default=False)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-occurred_at"], name="contact_family_time"),
            models.Index(fields=["family", "agency", "-occurred_at"], name="contact_family_agency"),
        ]
        verbose_name = _("contact")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}: {self.get_outcome_display()}"


class ContactChild(models.Model):
    """What was seen of each child at a contact (ENG-1, 004 §2.3 items 5 and 7)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey("families.Person", on_delete=models.CASCADE, related_name="contact_records")
    seen = models.BooleanField(_("seen"), default=False)
    seen_alone = models.BooleanField(_("seen alone"), default=False)
    sleeping_place_seen = models.BooleanField(_("where they sleep seen"), default=False)
    home_conditions_seen = models.BooleanField(_("home conditions seen"), default=False)
    food_seen = models.BooleanField(_("food seen"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact", "child"], name="one_record_per_child_per_contact")]
        indexes = [models.Index(fields=["child", "seen", "seen_alone"], name="contact_child_seen")]
