"""The case file is a frame that each capability fills with panels.

A panel is a function (family, professional) -> dict with a "template" key (and its own context), or None.
`BANNERS` render above everything (warning markers, open escalations), short (issue 18); `PANELS` in the main
column; `SIDE` in the side column. Each panel must run a fixed number of queries, whatever the family's size.

Issue 18: the case file is split into sub pages (`SECTIONS`, MOJ Frontend's sub navigation), each a page of its own
under the family; a panel is on the one its `@casefile_panel(section=...)` names. The Overview shows the family, its
people, who is involved and the open actions; the Chronology is the chronology's own page.

Every page about a family shows the banners: `{% load casefile %}{% family_banners family %}`.

`EXPORT_SECTIONS` feed every export, printout and referral summary of a family (INC-2: violence in full):
fn(*, family) -> {"title": str, "lines": [str, ...]} or None.

Which panels there are, and their order, is declared in doorstep/core/extensions.py.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy, gettext_noop

from doorstep.core.extensions import CASEFILE_BANNERS as BANNERS  # noqa: F401
from doorstep.core.extensions import CASEFILE_EXPORT_SECTIONS as EXPORT_SECTIONS
from doorstep.core.extensions import CASEFILE_PANELS as PANELS  # noqa: F401
from doorstep.core.extensions import CASEFILE_SECTIONS
from doorstep.core.extensions import CASEFILE_SIDE as SIDE  # noqa: F401


@dataclass(frozen=True)
class Section:
    """A sub page of the case file: its slug (`casefile_panel(section=...)`), label, URL name and the purpose its
    read is audited with (P-3)."""

    slug: str
    label: str
    url_name: str
    purpose: str


SECTIONS: tuple[Section, ...] = (
    Section("overview", gettext_lazy("Overview"), "families:detail", gettext_noop("case file")),
    Section("children", gettext_lazy("Children"), "families:children", gettext_noop("case file: children")),
    Section("engagement", gettext_lazy("Engagement"), "families:engagement",
            gettext_noop("case file: engagement")),
    Section("meetings", gettext_lazy("Meetings and plan"), "families:meetings",
            gettext_noop("case file: meetings and plan")),
    Section("agreement", gettext_lazy("Agreement"), "families:agreement", gettext_noop("case file: agreement")),
    Section("safety", gettext_lazy("Safety"), "families:safety", gettext_noop("case file: safety")),
)
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}
assert tuple(SECTION_BY_SLUG) == CASEFILE_SECTIONS, "every sub page named in core/extensions.py has its page here"


def sub_navigation(*, family, current: Section) -> list[dict]:
    """MOJ Frontend's sub navigation of the case file: its sub pages, then the family's chronology (CHR-1)."""
    items = [{"label": s.label, "url": reverse(s.url_name, args=[family.pk]), "current": s == current}
             for s in SECTIONS]
    items.append({"label": gettext_lazy("Chronology"), "url": reverse("chronology:family", args=[family.pk]),
                  "current": False})
    return items


def section_panels(section: Section, *, family, professional) -> tuple[list[dict], list[dict]]:
    """The panels of one sub page, main column and side column, in the order core/extensions.py declares."""
    return (
        render_panels([p for p in PANELS if p.section == section.slug], family=family, professional=professional),
        render_panels([p for p in SIDE if p.section == section.slug], family=family, professional=professional),
    )


def export_sections(*, family) -> list[dict]:
    return [s for s in (section(family=family) for section in EXPORT_SECTIONS) if s]


def render_panels(registry, *, family, professional) -> list[dict]:
    return [p for p in (panel(family=family, professional=professional) for panel in registry) if p]
