"""Issue 14: chronology summaries stored as English (or Welsh) words become message ids and parameters, so they are
shown in the reader's language. A summary no message matches is kept as it was, marked as such ("verbatim").

The messages are the ones Doorstep wrote into the chronology before issue 14, frozen here."""

from django.db import migrations

BATCH = 500

MESSAGES = [
    "Written agreement version %(n)s (%(language)s) given to %(people)s to sign; review by %(date)s",
    "Written agreement version %(n)s signed by %(people)s",
    "%(people)s refused to sign written agreement version %(n)s: %(note)s",
    "Breach of the written agreement: %(term)s. %(what)s",
    "Written agreement reviewed; it continues, next review by %(date)s. %(note)s",
    "Written agreement reviewed and ended: %(note)s",
    "Entered in error (%(reason)s): %(summary)s",
    "End-of-contact summary of the %(kind)s on %(date)s given to %(name)s",
    "Evidence of non-compliance with concerns remaining: %(evidence)s",
    "Before %(ending)s ends its involvement, %(agency)s was consulted: %(note)s",
    "Before %(ending)s ends its involvement, a multi-agency meeting was held: %(note)s",
    "Family record opened by %(agency)s: %(reason)s",
    "Household moved to %(address)s",
    "%(name)s added to the household as %(role)s",
    "%(name)s: status changed to %(status)s",
    "%(agency)s became involved: %(reason)s",
    "%(agency)s ended its involvement: %(reason)s",
    "%(name)s is now the overall lead professional",
    "The police were informed of the incident of %(when)s",
    "%(name)s decided to share the worker's account of the incident of %(when)s with the involved agencies",
    "Warning marker (%(category)s) raised by %(agency)s on %(subject)s, %(state)s: %(nature)s Advice for visitors: "
    "%(advice)s",
    "Warning marker (%(category)s) on %(subject)s authorised by %(name)s",
    "Urgent warning marker (%(category)s) on %(subject)s not authorised by %(name)s: %(reason)s",
    "Warning marker (%(category)s) on %(subject)s reviewed by %(name)s; next review %(date)s: %(note)s",
    "Warning marker (%(category)s) on %(subject)s ended by %(name)s: %(reason)s",
    "%(meeting)s called by %(agency)s for %(when)s, to be held by %(by)s",
    "%(meeting)s moved to %(when)s: %(reason)s",
    "%(meeting)s cancelled: %(reason)s",
    "%(held)s; agencies present: %(agencies)s",
    "%(held)s decided: %(outcome)s; %(plan)s",
    "Plan action done by %(agency)s: %(action)s – %(note)s",
    "Supervision, how the work will continue safely: %(decision)s. Reason: %(reason)s",
    "Supervision decision: %(decision)s. Reason: %(reason)s",
    "Visit planned for %(when)s: %(arrangement)s",
    "Manager refused the visit plan for %(when)s",
    "Manager agreed the visit plan for %(when)s: %(arrangement)s",
    "Visit made by %(worker)s, %(start)s to %(end)s",
    "%(worker)s reported that something happened at a visit; the manager was told at once",
    "Lone-worker alarm: %(worker)s asked for help during a visit",
    "Lone-worker alarm: %(worker)s had not reported back from a visit by %(time)s",
    "Lone-worker alarm over: %(worker)s is safe",
]


def agency_names(apps) -> dict:
    from doorstep.core.texts import Names

    Agency = apps.get_model("agencies", "Agency")
    return {a.name: Names({"en": a.name, "cy": a.name_cy or a.name}) for a in Agency.objects.all()}


def with_agency_names(text, names: dict):
    """A parameter that is an agency's name becomes its names in every language."""
    from doorstep.core.texts import Text

    if not isinstance(text, Text):
        return text
    return Text(text.msgid, {k: names.get(v, v) if isinstance(v, str) else v for k, v in text.params.items()})


def forwards(apps, schema_editor):
    from doorstep.core.texts import text_parse, text_to_json

    ChronologyEntry = apps.get_model("chronology", "ChronologyEntry")
    names = agency_names(apps)
    batch = []
    for entry in ChronologyEntry.objects.filter(summary_text__isnull=True).only("id", "summary").iterator():
        entry.summary_text = text_to_json(with_agency_names(text_parse(entry.summary, MESSAGES), names))
        batch.append(entry)
        if len(batch) >= BATCH:
            ChronologyEntry.objects.bulk_update(batch, ["summary_text"])
            batch = []
    if batch:
        ChronologyEntry.objects.bulk_update(batch, ["summary_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("chronology", "0003_stored_sentences"),
        ("agencies", "0003_agency_name_cy"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
