"""What the recording capability adds to the chronology (CHR-1; core/extensions.py): a link to each request to
correct a record, its entries' tags, and, beside each entry, the requests about its record, with the person's
statement where the record was not corrected (UK GDPR Article 16: shown wherever the record is shown)."""

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstep.chronology.selectors import ChronologyLink, ChronologyTag

from .models import CorrectionState
from .selectors import corrections_for_entries

CORRECTION_LINK = ChronologyLink("recording.CorrectionRequest", "recording:correction")


def correction_tags() -> list[ChronologyTag]:
    return [ChronologyTag("correction_requested", _("Request to correct a record")),
            ChronologyTag("correction_decided", _("Request to correct a record decided"))]


def corrections_beside(*, entries) -> dict[int, list[dict]]:
    """{entry id: [{"heading", "text"}]}: what stands beside each entry whose record a person asked to correct."""
    found = corrections_for_entries(entries=entries)
    if not found:
        return {}
    by_record: dict[tuple[str, str], list] = {}
    for c in found:
        if c.contact_id:
            by_record.setdefault(("engagement.Contact", str(c.contact_id)), []).append(c)
        elif c.incident_id:
            by_record.setdefault(("incidents.Incident", str(c.incident_id)), []).append(c)
        else:
            by_record.setdefault(("entry", str(c.entry_id)), []).append(c)
    beside: dict[int, list[dict]] = {}
    for e in entries:
        for c in by_record.get((e.source_type, e.source_id), []) + by_record.get(("entry", str(e.pk)), []):
            if c.state == CorrectionState.NOT_CORRECTED:
                item = {"heading": gettext("Statement by %(name)s (not corrected)") % {"name": c.person},
                        "text": c.statement}
            elif c.state == CorrectionState.CORRECTED:
                item = {"heading": gettext("Corrected at %(name)s's request") % {"name": c.person},
                        "text": gettext("The earlier version is kept.")}
            else:
                item = {"heading": gettext("%(name)s has asked for this record to be corrected") % {"name": c.person},
                        "text": gettext("Awaiting a decision by %(date)s.") % {"date": date_format(c.due_on)}}
            beside.setdefault(e.pk, []).append(item)
    return beside
