"""The incidents' link from the chronology to the record behind an entry (CHR-1; core/extensions.py
`CHRONOLOGY_LINKS`), and the family's own account beside it (RIG-2, `CHRONOLOGY_BESIDE`)."""

from django.utils.translation import gettext

from doorstep.chronology.selectors import ChronologyLink

from .models import Incident

INCIDENT_LINK = ChronologyLink("incidents.Incident", "incidents:detail")


def family_accounts(*, entries) -> dict[int, list[dict]]:
    """RIG-2 (issue 20): the family's own account of an incident beside its entry, in one query. (The family's
    account goes with the facts, seen by every agency; never the worker's account.)"""
    ids = {int(e.source_id) for e in entries if e.source_type == INCIDENT_LINK.model and e.source_id.isdigit()}
    if not entries:
        return {}
    # One query for any page, with or without these records ("or [0]": an empty list would skip it), so a page runs
    # the same number of queries whatever it holds (core/tests/test_bounded_queries.py).
    accounts = dict(Incident.objects.filter(pk__in=ids or [0]).exclude(family_account="")
                    .values_list("pk", "family_account"))
    heading = gettext("The family's account")
    return {e.pk: [{"heading": heading, "text": accounts[int(e.source_id)]}] for e in entries
            if e.source_type == INCIDENT_LINK.model and e.source_id.isdigit() and int(e.source_id) in accounts}
