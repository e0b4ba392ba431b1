"""The shared family record (FAM-1, FAM-2, FAM-4), who is involved with it, and emergency access (P-4)."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from doorstep.core.texts import Text, choice_label, text_render


class Address(models.Model):
    """An address in its own right, so that a warning marker can stay with it when a new household moves in."""

    line1 = models.CharField(_("address line 1"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100)
    postcode = models.CharField(_("postcode"), max_length=10)
    # Upper case without spaces: how postcodes are matched.
    postcode_key = models.CharField(max_length=10, db_index=True, editable=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        indexes = [models.Index(fields=["postcode_key", "line1"], name="address_lookup")]

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line1, self.line2, self.town, self.postcode] if p)

    @staticmethod
    def key_for(postcode: str) -> str:
        return "".join(postcode.split()).upper()

    def save(self, *args, **kwargs):
        self.postcode_key = self.key_for(self.postcode)
        super().save(*args, **kwargs)


class Family(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("household name"), max_length=200, help_text=_("For example, the Evans household"))
    summary = models.TextField(_("summary of concerns"), blank=True)
    known_to_csc = models.BooleanField(_("known to children's social care"), default=False)
    overall_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="families_led",
        verbose_name=_("overall lead professional"),
    )
    # Issue 21: every family belongs to exactly one partnership, whose protocol, rules and bank holidays it follows
    # (indexed: a deployment may later be partitioned by partnership).
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.PROTECT, related_name="families",
                                    verbose_name=_("partnership"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        # Issue 15: Find a family matches a typed reference whatever its case (`reference__iexact`).
        indexes = [models.Index(Upper("reference"), name="family_reference_upper")]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.reference})"

    @property
    def name_text(self):
        """Issue 14: the household's name as a sentence: "Evans household" reads "Aelwyd Evans" in Welsh. Built from
        the surname when the name is "[the] <surname> household"; any other name is the family's own words."""
        match = HOUSEHOLD_NAME.match(self.name.strip())
        if match is None:
            return self.name
        return Text(gettext_noop("%(surname)s household"), {"surname": match["surname"]})

    @property
    def display_name(self) -> str:
        """The household's name in the active language."""
        return text_render(self.name_text)


# "Evans household", "The Evans household", "the Ap Dafydd household".
HOUSEHOLD_NAME = re.compile(r"^(?:the\s+)?(?P<surname>.+?)\s+household$", re.IGNORECASE)


class FamilyAddress(models.Model):
    """Where the household lives and has lived (address history)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="addresses")
    address = models.ForeignKey(Address, on_delete=models.PROTECT, related_name="households")
    moved_in = models.DateField(_("moved in"))
    moved_out = models.DateField(_("moved out"), null=True, blank=True)

    class Meta:
        ordering = ["-moved_in", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(moved_out__isnull=True), name="one_current_address_per_family"
            )
        ]


class MemberRole(models.TextChoices):
    # FAM-1 (004 §2.3): everyone living, staying or frequently visiting.
    CHILD = "child", _("Child")
    UNBORN = "unborn", _("Unborn child")
    PARENT = "parent", _("Parent")
    CARER = "carer", _("Carer")
    PARTNER = "partner", _("Partner of a parent")
    ADULT_LIVING = "adult_living", _("Other adult living in the household")
    ADULT_STAYING = "adult_staying", _("Other adult staying")
    ADULT_VISITING = "adult_visiting", _("Other adult frequently visiting")


CHILD_ROLES = (MemberRole.CHILD, MemberRole.UNBORN)


class ChildStatus(models.TextChoices):
    # FAM-2
    NONE = "none", _("No statutory status")
    CHILD_IN_NEED = "cin", _("Child in need")
    CHILD_PROTECTION = "cp", _("Child protection plan")
    LOOKED_AFTER = "lac", _("Looked after")


class Literacy(models.TextChoices):
    # FAM-4 (001 §5.1.9.19): verbal rather than written where literacy is a barrier.
    READS_WELL = "reads", _("Reads written information")
    PREFERS_VERBAL = "verbal", _("Prefers information explained verbally")
    NEEDS_EASY_READ = "easy_read", _("Needs easy-read or plain-language versions")


class CorrespondenceLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")


class Person(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role in the household"), max_length=32, choices=MemberRole.choices)
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100)
    other_names = models.CharField(_("other names known by"), max_length=200, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    expected_date = models.DateField(_("expected date of delivery"), null=True, blank=True)
    lives_elsewhere = models.BooleanField(_("lives outside the household"), default=False)
    # FAM-2: per child.
    child_status = models.CharField(
        _("child's status"), max_length=8, choices=ChildStatus.choices, default=ChildStatus.NONE
    )
    child_status_since = models.DateField(_("status since"), null=True, blank=True)
    known_to_csc = models.BooleanField(_("known to children's social care"), default=False)
    # FAM-4: communication needs.
    first_language = models.CharField(_("first language"), max_length=100, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    literacy = models.CharField(_("literacy"), max_length=16, choices=Literacy.choices, default=Literacy.READS_WELL)
    correspondence_language = models.CharField(
        _("preferred language for letters"),
        max_length=2,
        choices=CorrespondenceLanguage.choices,
        default=CorrespondenceLanguage.ENGLISH,
    )
    cultural_dates = models.TextField(_("religious and cultural dates to be aware of"), blank=True)
    disability = models.TextField(_("disability or other needs"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["family_id", "role", "date_of_birth", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["family_name", "given_name"], name="person_name"),
            models.Index(fields=["date_of_birth"], name="person_dob"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_child(self) -> bool:
        return self.role in CHILD_ROLES


class Involvement(models.Model):
    """An agency working with a family: the one fact that opens the family to that agency's staff (P-4)."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="involvements")
    started_on = models.DateField(_("involved since"))
    reason = models.TextField(_("reason for involvement"))
    lead_professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="involvements_led",
        verbose_name=_("lead professional for the agency"),
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["ended_on", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "agency"], condition=Q(ended_on__isnull=True), name="one_active_involvement_per_agency"
            )
        ]
        indexes = [models.Index(fields=["agency", "family"], name="involvement_agency_family")]
        verbose_name = _("involvement")

    def __str__(self) -> str:
        return f"{self.agency} – {self.family}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None


class BreakGlassGround(models.TextChoices):
    """Why emergency access was needed (P-4; issue 13, finding 11): a ground from a short list, then the
    circumstances in words, so that a manager's review starts from a stated ground rather than free text."""

    POLICE_AT_ADDRESS = "police_at_address", _("Police called to the address")
    CHILD_AT_IMMEDIATE_RISK = "child_at_immediate_risk", _("A child is at immediate risk")
    PROFESSIONAL_AT_RISK = "professional_at_risk", _("A professional is at risk")
    OUT_OF_HOURS = "out_of_hours", _("Out-of-hours emergency")
    OTHER = "other", _("Other emergency")


class BreakGlassAccess(models.Model):
    """Emergency access to a family the professional's agency is not involved with (P-4): reasoned, time-limited,
    and listed for the agency's managers to review."""

    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="break_glass")
    ground = models.CharField(_("ground"), max_length=32, choices=BreakGlassGround.choices,
                              default=BreakGlassGround.OTHER)
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["professional", "family", "expires_at"], name="break_glass_lookup")]

    @property
    def audit_reason(self) -> Text:
        """The ground and the circumstances, as the audit log records them: the ground in the reader's language, the
        circumstances in the words they were given in (issue 14)."""
        return Text(gettext_noop("%(ground)s: %(reason)s"), {"ground": choice_label(self, "ground"),
                                                            "reason": self.reason})
