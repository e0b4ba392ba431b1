"""What the engagement record adds to the chronology (CHR-1, CHR-2): links to its contacts and letters, and the tags
its entries carry (core/extensions.py `CHRONOLOGY_LINKS`, `CHRONOLOGY_TAGS`)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doorstep.chronology.selectors import ChronologyLink, ChronologyTag

from .models import Behaviour, Contact, Outcome, ThreatKind

CONTACT_LINK = ChronologyLink("engagement.Contact", "engagement:detail")
PARENT_LETTER_LINK = ChronologyLink("engagement.ParentLetter", "engagement:letter_detail")


def behaviour_tags() -> list[ChronologyTag]:
    """ENG-2 behaviours, each offered by the chronology's behaviour filter."""
    return [ChronologyTag(b.value, b.label, b.label) for b in Behaviour]


def threat_tags() -> list[ChronologyTag]:
    """ENG-3 threatening behaviour, offered by the filter as "Threatening: ..."."""
    return [ChronologyTag(t.value, t.label, format_lazy(_("Threatening: {kind}"), kind=t.label)) for t in ThreatKind]


def contact_tags() -> list[ChronologyTag]:
    """What else a contact's entry says of it: its outcome, and whether it was defaulted, late or corrected."""
    return [*(ChronologyTag(o.value, o.label) for o in Outcome),
            ChronologyTag("defaulted", _("Defaulted")), ChronologyTag("late", _("Late entry")),
            ChronologyTag("corrected", _("Corrected")), ChronologyTag("entered_in_error", _("Entered in error")),
            ChronologyTag("summary_letter", _("Summary for the parent"))]


def family_accounts(*, entries) -> dict[int, list[dict]]:
    """RIG-2 (issue 20): the family's own account beside the worker's, for the contacts behind a page of entries: one
    query."""
    ids = {int(e.source_id) for e in entries if e.source_type == CONTACT_LINK.model and e.source_id.isdigit()}
    if not entries:
        return {}
    # One query for any page, with or without these records ("or [0]": an empty list would skip it), so a page runs
    # the same number of queries whatever it holds (core/tests/test_bounded_queries.py).
    accounts = dict(Contact.objects.filter(pk__in=ids or [0]).exclude(family_account="")
                    .values_list("pk", "family_account"))
    heading = gettext("The family's account")
    return {e.pk: [{"heading": heading, "text": accounts[int(e.source_id)]}] for e in entries
            if e.source_type == CONTACT_LINK.model and e.source_id.isdigit() and int(e.source_id) in accounts}
