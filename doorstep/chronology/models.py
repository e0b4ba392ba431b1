"""One merged chronology per family across agencies and record kinds (CHR-1).

Every capability that changes a family writes its entry through `chronology_record` in the same
transaction as the change, so the chronology can never disagree with the records behind it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import text_shown


class EntryKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    INCIDENT = "incident", _("Incident")
    MARKER = "marker", _("Warning marker")
    MEETING = "meeting", _("Meeting")
    DECISION = "decision", _("Decision")
    AGREEMENT = "agreement", _("Written agreement")
    SUPERVISION = "supervision", _("Supervision decision")
    STATUS = "status", _("Status change")
    INVOLVEMENT = "involvement", _("Involvement")
    ESCALATION = "escalation", _("Escalation")
    VISIT = "visit", _("Visit")
    FAMILY = "family", _("Family record")


# Issue 18: Doorstep's own housekeeping, not practice. An entry of these kinds records what Doorstep did with its
# tracked actions (raised, overdue, closed: ESC-1..12); the practice they ask for (a meeting, a contact, a decision)
# has its own entry. The chronology page shows them only behind "Show system entries"; exports keep every entry.
SYSTEM_KINDS = (EntryKind.ESCALATION,)


class ChronologyEntry(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="chronology")
    occurred_at = models.DateTimeField(_("when it happened"))
    # The moment of recording; a record imported from elsewhere (or the demo) keeps its original time.
    recorded_at = models.DateTimeField(_("when it was recorded"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=32, choices=EntryKind.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # Issue 14: what Doorstep writes by itself is a sentence (`Text`: message id and parameters, its JSON form) shown
    # in the reader's language. `summary` keeps it in the site's language, for search and for entries stored before
    # issue 14 (or written in a person's own words), which have no `summary_text`.
    summary = models.CharField(_("summary"), max_length=500)
    summary_text = models.JSONField(null=True, blank=True, editable=False)
    significant = models.BooleanField(_("significant event"), default=False)
    # The record behind the entry, by model label and key, for the link from the chronology.
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    # Searchable labels (behaviours observed, outcomes), stored as "|a|b|" so both databases filter them.
    tags = models.CharField(max_length=1000, blank=True, default="")
    people = models.ManyToManyField("families.Person", blank=True, related_name="chronology_entries")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["family", "-occurred_at", "-id"], name="chronology_family_time"),
            models.Index(fields=["family", "kind", "-occurred_at"], name="chronology_family_kind"),
            models.Index(fields=["family", "agency", "-occurred_at"], name="chronology_family_agency"),
            models.Index(fields=["source_type", "source_id"], name="chronology_source"),
        ]
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology entries")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d} {self.get_kind_display()}: {self.summary_shown}"

    @property
    def summary_shown(self) -> str:
        """The summary in the active language (the reader's)."""
        return text_shown(self.summary_text, self.summary)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("|") if t]


class ChronologyComment(models.Model):
    """A worker's analysis of an entry (CHR-2: "aid the analysis of information", 003 §7.8)."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("analysis"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("analysis comment")


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting for its turn")
    PREPARING = "preparing", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be prepared")


class ChronologyExport(models.Model):
    """The chronology as a PDF (CHR-1), made by the worker rather than in the web request (issue 15), for the one
    professional who asked. It is kept for a short time (`expires_at`), then the sweep deletes it; each download
    is audited, and access to the family is checked again at download."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The filters, as the chronology page's query string, and the language the document is written in.
    query = models.CharField(max_length=2000, blank=True)
    language = models.CharField(max_length=10)
    state = models.CharField(max_length=16, choices=ExportState.choices, default=ExportState.QUEUED)
    total = models.PositiveIntegerField(default=0)  # entries in the document
    done = models.PositiveIntegerField(default=0)  # entries laid out so far
    pages = models.PositiveIntegerField(default=0)  # pages written so far
    content = models.BinaryField(null=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True)
    ready_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="chronology_export_expiry")]
        verbose_name = _("chronology export")

    def __str__(self) -> str:
        return f"{self.family_id}: {self.get_state_display()}"
