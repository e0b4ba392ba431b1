"""The engagement record (ENG-1..6): every contact or attempt at contact with a family, and what happened."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
# Outcomes where nobody was seen: recording a child seen, or the home seen, contradicts them.
NOBODY_SEEN_OUTCOMES = frozenset({
    Outcome.NO_ANSWER, Outcome.REFUSED_ENTRY, Outcome.CANCELLED_BY_FAMILY, Outcome.DID_NOT_ATTEND,
    Outcome.RESCHEDULED_BY_PROFESSIONAL,
})


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


class NonCooperationReason(models.TextChoices):
    # FAM-5 (004 §1.4, 001 §5.1.2): reasons given by the family or assessed by the professional.
    PRIVACY = "privacy", _("Do not want their privacy invaded")
    SOMETHING_TO_HIDE = "hiding", _("Have something to hide")
    DENIES_PROBLEM = "denies_problem", _("Do not believe they have a problem")
    RESENTS_INTERFERENCE = "resents_interference", _("Resent outside interference")
    CULTURE_LANGUAGE = "culture_language", _("Cultural and language differences")
    UNCLEAR_EXPECTATIONS = "unclear_expectations", _("Do not understand what is expected of them")
    POOR_EXPERIENCE = "poor_experience", _("Poor previous experience of professionals")
    STAFF_CHANGES = "staff_changes", _("Resent staff changes")
    DISTRUSTS_AUTHORITY = "distrusts_authority", _("Dislike, fear or distrust authority")
    FEARS_REMOVAL = "fears_removal", _("Fear the children will be removed")
    FEARS_JUDGEMENT = "fears_judgement", _("Fear being judged, for example for substance or alcohol misuse")
    NOTHING_TO_LOSE = "nothing_to_lose", _("Feel they have nothing to lose")
    MENTAL_HEALTH = "mental_health", _("Mental health or personality difficulties affecting their capacity")


class ReasonBasis(models.TextChoices):
    GIVEN = "given", _("Given by the family")
    ASSESSED = "assessed", _("Assessed by the professional")
    BOTH = "both", _("Some given, some assessed")


class AssessmentArea(models.TextChoices):
    # ENG-4 (002 §3.3, 004 §2.1, §2.3): the ordinary tools of assessment that hostility can block.
    CHILD_ALONE = "child_alone", _("Seeing the child alone")
    CHILD_AT_HOME = "child_at_home", _("Observing the child in their own home")
    SLEEPING = "sleeping", _("Where the child sleeps")
    HOME_CONDITIONS = "home_conditions", _("Home conditions and food")
    CHILD_VIEWS = "child_views", _("The child's wishes and feelings")
    BOTH_PARENTS = "both_parents", _("Engaging both parents or the mother's partner")
    OTHER_ADULTS = "other_adults", _("Who else lives, stays or visits")
    PARENT_ACCOUNT = "parent_account", _("Checking the parents' account against other evidence")
    OTHER_SOURCES = "other_sources", _("Information from other professionals or family members")


def default_defaulted_outcomes() -> list[str]:
    return sorted(str(o) for o in DEFAULT_DEFAULTED_OUTCOMES)


class EngagementSettings(models.Model):
    """Configuration an administrator changes, audited (ENG-6, P-1). One row; changes apply to contacts recorded
    afterwards: a contact keeps whether it counted as defaulted when it was recorded."""

    defaulted_outcomes = models.JSONField(_("outcomes that count as defaulted"), default=default_defaulted_outcomes)
    late_entry_hours = models.PositiveSmallIntegerField(_("hours after which a record is a late entry"), default=24)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engagement settings")
        verbose_name_plural = _("engagement settings")

    def __str__(self) -> str:
        return str(_("Engagement settings"))

    @classmethod
    def current(cls) -> "EngagementSettings":
        """The settings in force: the saved row, or the defaults until an administrator first saves. A read never
        writes, so every page that reads the settings costs one query."""
        return cls.objects.filter(pk=1).first() or cls(pk=None)


class Contact(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="contacts")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(_("kind of contact"), max_length=32, choices=ContactKind.choices)
    planned = models.BooleanField(_("planned"), default=True)
    occurred_at = models.DateTimeField(_("when it happened"))
    # Set by the service to the moment of recording; only imports and the demo pass an earlier time.
    recorded_at = models.DateTimeField(_("when it was recorded"), default=timezone.now)
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
    # RIG-2 (issue 20): what the family said about it, in their own words, shown beside the worker's note.
    family_account = models.TextField(_("the family's account"), blank=True)
    # ENG-6: whether this outcome counted as defaulted when it was recorded (configuration may change later).
    defaulted = models.BooleanField(default=False)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True)
    # ENG-5: what the contact was for, told to the parent in the end-of-contact summary.
    purpose = models.CharField(_("purpose of the contact"), max_length=300, blank=True)
    # FAM-5: the reasons as a list of NonCooperationReason values, and whether given or assessed.
    non_cooperation_codes = models.JSONField(_("reasons for non-cooperation"), default=list, blank=True)
    non_cooperation_basis = models.CharField(_("given or assessed"), max_length=16, choices=ReasonBasis.choices,
                                             blank=True)
    # ENG-4: AssessmentArea values that could not be achieved (`areas_not_achieved` says why).
    assessment_areas_missed = models.JSONField(_("areas of assessment not achieved"), default=list, blank=True)
    # P-1 (000, 002 §1.2): "If you feel threatened, what is life like for the child?"
    child_impact = models.TextField(_("what life is like for the child"), blank=True)
    significant = models.BooleanField(_("significant event"), default=False)
    # Recorded more than the configured number of hours after it happened (shown as a late entry).
    recorded_late = models.BooleanField(_("late entry"), default=False)
    # Corrections keep every earlier version (ContactRevision); this is the current version's number.
    version = models.PositiveIntegerField(default=1)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                            blank=True, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-occurred_at"], name="contact_family_time"),
            models.Index(fields=["family", "agency", "-occurred_at"], name="contact_family_agency"),
        ]
        verbose_name = _("contact")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}: {self.get_outcome_display()}"

    @property
    def achieved(self) -> bool:
        return self.outcome in ACHIEVED_OUTCOMES

    @property
    def late_by_days(self) -> int:
        """Whole days between the contact and its recording, in local time (for a late entry)."""
        return (timezone.localtime(self.recorded_at).date() - timezone.localtime(self.occurred_at).date()).days

    @property
    def is_remote(self) -> bool:
        return self.kind in REMOTE_KINDS

    def behaviour_labels(self) -> list[str]:
        return [str(Behaviour(b).label) for b in self.behaviours if b in Behaviour.values]

    def threat_labels(self) -> list[str]:
        return [str(ThreatKind(t).label) for t in self.threats if t in ThreatKind.values]

    def non_cooperation_labels(self) -> list[str]:
        return [str(NonCooperationReason(r).label) for r in self.non_cooperation_codes
                if r in NonCooperationReason.values]

    def assessment_area_labels(self) -> list[str]:
        return [str(AssessmentArea(a).label) for a in self.assessment_areas_missed if a in AssessmentArea.values]


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


class ContactRevision(models.Model):
    """An earlier version of a contact, kept when it is corrected: a contact is never silently rewritten."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    # The contact as it was (fields, children and adults present), in the form `contact_snapshot` writes.
    data = models.JSONField()
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for the correction"))

    class Meta:
        ordering = ["contact", "-version"]
        constraints = [models.UniqueConstraint(fields=["contact", "version"], name="one_revision_per_version")]


class ContactFollowUp(models.Model):
    """What was done about a defaulted visit or appointment (ENG-6, 003 §7.9 "rigorously followed up")."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.TextField(_("follow-up"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("follow-up")


class ParentLetter(models.Model):
    """The end-of-contact summary given to a parent (ENG-5, 004 §4.2): in their language and format, kept as sent."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="letters")
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    addressee = models.ForeignKey("families.Person", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(_("language"), max_length=2, choices=[("en", "English"), ("cy", "Cymraeg")])
    plain_language = models.BooleanField(_("plain-language version"), default=False)
    purpose = models.TextField(_("why we met"))
    what_was_done = models.TextField(_("what was done"))
    # [{"who": str, "what": str, "by": "YYYY-MM-DD"}, ...]: what is required of whom by when.
    requirements = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("letter to the parent")
