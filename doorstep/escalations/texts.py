"""Rendering the rules' `Text`s for a reader, in English or Welsh, and turning fact references into links."""

from contextlib import nullcontext
from datetime import date, datetime, time

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext

from .rules import Fact, Text


def _render(value) -> str:
    if isinstance(value, Text):
        message = gettext(value.msgid)
        if not value.params:
            return message
        return message % {name: _render(v) for name, v in value.params.items()}
    if isinstance(value, datetime):  # a moment: its date and time in Europe/London
        return date_format(timezone.localtime(value, timezone.get_default_timezone()), "j M Y, H:i")
    if isinstance(value, date):
        return date_format(value, "j F Y")
    if isinstance(value, time):  # a time of day, already local
        return time_format(value, "H:i")
    if isinstance(value, (list, tuple)):
        return "; ".join(_render(v) for v in value)
    return str(value)


def text_render(text: Text, language: str | None = None) -> str:
    with translation.override(language) if language else nullcontext():
        return _render(text)


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


# The engagement record's contact page, whichever name the engagement app gives it (issue 3).
CONTACT_URL_NAMES = ("engagement:contact_detail", "engagement:contact", "engagement:detail")


def _contact_link(contact_id: int, family_id: int) -> str:
    for name in CONTACT_URL_NAMES:
        try:
            return reverse(name, kwargs={"contact_id": contact_id})
        except NoReverseMatch:
            continue
    return reverse("families:detail", kwargs={"family_id": family_id})


def fact_link(ref: tuple[str, int] | None, *, family_id: int | None) -> str:
    if ref is None:
        return ""
    kind, pk = ref
    if kind == "contact" and family_id:
        return _contact_link(pk, family_id)
    if kind == "child" and family_id:
        return reverse("families:detail", kwargs={"family_id": family_id}) + "#children"
    if kind == "finding" and family_id:
        return reverse("escalations:non_compliance", kwargs={"family_id": family_id}) + f"#finding-{pk}"
    if kind == "family":
        return reverse("families:detail", kwargs={"family_id": pk})
    if kind in FACT_PAGES:
        return reverse(FACT_PAGES[kind], args=[pk])
    if kind in FACT_PATHS:
        return FACT_PATHS[kind].format(pk)
    return ""


# The records other apps' rules point at: reference kind -> the page (URL name, or path) that shows it.
FACT_PAGES = {
    "incident": "incidents:detail",
    "incident_worker": "incidents:worker",  # an AffectedWorker
    "incident_police": "incidents:police",
    "marker_authorise": "markers:authorise",
    "marker_review": "markers:review",
    "involvement_end": "families:involvement_end",
}
FACT_PATHS = {
    "visit_alarm": "/visits/{}/alarm/",
    "supervision_staff": "/supervision/staff/{}/",
    "agreement": "/agreements/{}/",
    "meeting": "/meetings/{}/",
    "minutes": "/meetings/{}/minutes/",  # by meeting
    "meeting_action": "/meetings/actions/{}/",
}


def facts_render(facts: tuple[Fact, ...], *, family_id: int | None, language: str | None = None) -> list[dict]:
    return [{"text": text_render(f.text, language), "link": fact_link(f.ref, family_id=family_id)} for f in facts]
