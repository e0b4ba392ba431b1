"""The append-only audit log (P-3): who did what to which record, when, from where and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import Verbatim, text_from_json, text_render, text_shown


class AuditAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    SEARCH = "search", _("Searched")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    EXPORT = "export", _("Exported")
    DENIED = "denied", _("Refused access")
    BREAK_GLASS = "break_glass", _("Emergency access")
    ADDRESS_CHECK = "address_check", _("Checked an address")
    TOKEN = "token", _("Partner system token")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit rows are append-only")

    def delete(self):
        raise PermissionError("Audit rows are append-only")


class AuditEvent(models.Model):
    # Set when the row is made, not at INSERT, so that its hash (audit/chain.py) covers the moment stored.
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    # What was touched: a model label and primary key, and the family it belongs to when there is one.
    object_type = models.CharField(_("record"), max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, null=True, related_name="+")
    # Issue 14: what was done is a sentence (`Text`: message id and parameters, its JSON form), shown in the reader's
    # language. `summary` keeps it in the site's language, for search; rows written before issue 14 have only
    # `summary`, shown as it was written (they are never rewritten: the table is append-only and hash-chained).
    summary = models.CharField(_("what"), max_length=300, blank=True)
    summary_text = models.JSONField(null=True, blank=True, editable=False)
    reason = models.TextField(_("why"), blank=True)
    # Issue 14: a reason Doorstep wrote itself (not a person's own words) as a sentence (`Text` JSON), shown in the
    # reader's language; `reason` keeps it in the site's language. Null on every other row, so the hashes of rows
    # written before it existed are unchanged (audit/chain.py leaves empty values out).
    reason_text = models.JSONField(null=True, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # Issue 13 finding 12: a hash chain in id order, set by audit_record and checked by `manage.py audit_verify`.
    previous_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["family", "-at"], name="audit_family_at"),
            models.Index(fields=["actor_agency", "-at"], name="audit_agency_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]
        verbose_name = _("audit event")

    @property
    def summary_sentence(self):
        """The summary as a sentence: its `Text`, or for a row from before issue 14 its stored words (`Verbatim`)."""
        if self.summary_text:
            return text_from_json(self.summary_text)
        return Verbatim(self.summary, settings.LANGUAGE_CODE) if self.summary else None

    @property
    def summary_shown(self) -> str:
        """The summary in the active language (the reader's)."""
        return text_render(self.summary_sentence) if self.summary_sentence is not None else ""

    @property
    def reason_shown(self) -> str:
        """Why, in the active language when Doorstep wrote it; a person's own words as they wrote them."""
        return text_shown(self.reason_text, self.reason)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit rows are append-only")
