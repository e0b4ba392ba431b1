"""Warning markers (FLG-1, FLG-2): a risk to professionals, on a person or on an address, visible to every
colleague who may visit.

A marker on an address stays with the address (`families.Address` is shared across households), so a visitor is
warned even after a new household moves in; those who may not see the household that was there when it was raised
are shown only its category and the advice for visitors, never its wording.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import text_shown


class MarkerCategory(models.TextChoices):
    # FLG-2 (004 App. 1): the nature of the risk.
    VIOLENCE = "violence", _("Violence")
    THREATS = "threats", _("Threats")
    WEAPONS = "weapons", _("Weapons")
    ANIMALS = "animals", _("Dogs or other animals")
    SEXUAL_RISK = "sexual_risk", _("Sexual risk")
    HARASSMENT = "harassment", _("Harassment of staff")
    INFECTION = "infection", _("Infection")
    OTHER = "other", _("Other")


class MarkerStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting authorisation")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Not authorised")
    ENDED = "ended", _("Ended")


# Shown on case files, in search results and to address checks: active markers, and urgent ones at once.
SHOWN = Q(status=MarkerStatus.ACTIVE) | Q(status=MarkerStatus.AWAITING, urgent=True)


class WarningMarkerQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(SHOWN)


class WarningMarker(models.Model):
    # The household whose record it was raised from: its readers may read the marker in full.
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="warning_markers")
    person = models.ForeignKey("families.Person", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="warning_markers")
    address = models.ForeignKey("families.Address", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="warning_markers")
    category = models.CharField(_("category"), max_length=32, choices=MarkerCategory.choices)
    nature = models.CharField(_("nature of the risk"), max_length=300)
    advice = models.CharField(_("advice for visitors"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    incident = models.ForeignKey("incidents.Incident", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="markers")
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=MarkerStatus.choices, default=MarkerStatus.AWAITING)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="markers_raised")
    raised_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("raised by agency"))
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    authorised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    authorised_at = models.DateTimeField(_("authorised"), null=True, blank=True)
    review_date = models.DateField(_("review date"))
    # The review date for which the sweep has raised the review action (FLG-2): due work is data.
    review_action_for = models.DateField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(_("reason"), blank=True)

    objects = WarningMarkerQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, address__isnull=True) | Q(person__isnull=True, address__isnull=False),
                name="marker_on_a_person_or_an_address",
            )
        ]
        indexes = [
            models.Index(fields=["address", "status"], name="marker_address_status"),
            models.Index(fields=["family", "status"], name="marker_family_status"),
            models.Index(fields=["status", "review_date"], name="marker_review_due"),
        ]
        verbose_name = _("warning marker")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.nature}"

    @property
    def is_shown(self) -> bool:
        return self.status == MarkerStatus.ACTIVE or (self.status == MarkerStatus.AWAITING and self.urgent)

    @property
    def review_overdue(self) -> bool:
        return self.is_shown and self.review_date < timezone.localdate()


class MarkerEvent(models.Model):
    """The marker's history: raised, authorised, declined, reviewed, ended. Nothing is deleted (FLG-2)."""

    class Action(models.TextChoices):
        RAISED = "raised", _("Raised")
        AUTHORISED = "authorised", _("Authorised")
        DECLINED = "declined", _("Not authorised")
        REVIEWED = "reviewed", _("Reviewed")
        ENDED = "ended", _("Ended")

    marker = models.ForeignKey(WarningMarker, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    note = models.TextField(blank=True)
    # Issue 14: a note Doorstep wrote ("Urgent") as a sentence (`Text` JSON), shown in the reader's language; `note`
    # keeps it in the site's language, and holds a person's own words (a review's note, a refusal's reason).
    note_text = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]

    @property
    def note_shown(self) -> str:
        return text_shown(self.note_text, self.note)
