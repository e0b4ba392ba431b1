"""UK GDPR Article 16 on a record's own page: the requests to correct it, and the person's statement attached where
it was not corrected, shown wherever the record is shown (the chronology shows them through CHRONOLOGY_BESIDE)."""

from django import template

from doorstep.recording import selectors

register = template.Library()


@register.inclusion_tag("recording/_record_corrections.html", takes_context=True)
def record_corrections(context, record):
    """One query for the record's requests, whatever their number."""
    request = context["request"]
    return {"corrections": selectors.corrections_for_record(record=record), "request": request}
