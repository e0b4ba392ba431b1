"""Turning the rules' fact references into links; `Text` rendering itself is in `doorstep.core.texts` (issue 14)."""

from django.urls import NoReverseMatch, reverse

# Issue 14: Text and its rendering live in doorstep.core.texts; re-exported here for the escalation code.
from doorstep.core.texts import (  # noqa: F401
    Names,
    Text,
    Verbatim,
    other_languages,
    text_from_json,
    text_render,
    text_render_all,
    text_to_json,
)

from .rules import Fact


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
        # Issue 18: a child fact (ESC-8: not seen) points at when each child was last seen, on the Overview.
        return reverse("families:detail", kwargs={"family_id": family_id}) + "#children-seen"
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
    "subject_access": "subjectaccess:detail",  # RIG-1
    "subject_access_consultation": "subjectaccess:consultation",
}
FACT_PATHS = {
    "visit_alarm": "/visits/{}/alarm/",
    "supervision_staff": "/supervision/staff/{}/",
    "agreement": "/agreements/{}/",
    "meeting": "/meetings/{}/",
    "minutes": "/meetings/{}/minutes/",  # by meeting
    "meeting_action": "/meetings/actions/{}/",
    "correction": "/recording/corrections/{}/",  # a request to correct a record (RIG-2, UK GDPR Article 16)
}


def facts_render(facts: tuple[Fact, ...], *, family_id: int | None, language: str | None = None) -> list[dict]:
    return [{"text": text_render(f.text, language), "link": fact_link(f.ref, family_id=family_id)} for f in facts]
