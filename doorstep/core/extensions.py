"""Every extension point of Doorstep, in one place (issue 14): what each entry must look like (a typed Protocol),
and which entries there are, in the order they run or show.

One capability adds to another's page or loop through these points, never through a list filled from an
`AppConfig.ready()`: the order is written here, not left to INSTALLED_APPS, and a system check (core/checks.py,
`manage.py check`, run at every start) refuses a point that is empty, names an entry twice, names one that does
not exist, or names one whose signature does not fit the point's Protocol. Every app is always installed, so an
entry imports its app's models directly; a renamed field fails loudly, never as a silent "not available".

To add an entry: write the function (or object) in its app, then add its dotted path below at the place where it
should run or show. The protocol rules (doorstep/escalations/rules.py `RULES`, filled by `rule_register`) are their
own registry, ordered by rule ID; the check below also makes sure it is filled.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from django.utils.functional import cached_property
from django.utils.module_loading import import_string

T = TypeVar("T")


# --- What each kind of entry looks like --------------------------------------------------------------------------

@runtime_checkable
class CaseFilePanel(Protocol):
    """A part of the case file (banner, main column or side column): a dict with a "template" key and its own
    context, or None to show nothing. A fixed number of queries, whatever the family's size."""

    def __call__(self, *, family, professional) -> dict | None: ...


@runtime_checkable
class ExportSection(Protocol):
    """A section of every export, printout and referral summary of a family (INC-2: violence in full):
    {"title": str, "lines": [str, ...]} or None."""

    def __call__(self, *, family) -> dict | None: ...


@runtime_checkable
class HomeSection(Protocol):
    """A section of the landing page: {"template": ..., **context} or None."""

    def __call__(self, request) -> dict | None: ...


@runtime_checkable
class BoardFigures(Protocol):
    """The Board chair's figures (OVR-2), aggregate only (P-4): [{"title": str, "rows": [(label, value), ...]}]."""

    def __call__(self) -> list[dict]: ...


@runtime_checkable
class DemoLoader(Protocol):
    """Adds its capability's part of the demo region; loaders share one DemoRegion, in order."""

    def __call__(self, region) -> None: ...


@runtime_checkable
class SweepCheck(Protocol):
    """Does what is due in the worker's periodic sweep and says how many items it handled; safe with several
    workers at once (claims due rows with select_for_update(skip_locked=True), one per transaction)."""

    def __call__(self, *, now: datetime) -> int: ...


@runtime_checkable
class FamilyEvaluator(Protocol):
    """Applies the rules' outcomes for one family, on every change and at least nightly, in one transaction."""

    def __call__(self, *, family) -> None: ...


@runtime_checkable
class InvolvementEndCheck(Protocol):
    """Why an agency's involvement cannot end yet (ESC-6), each reason saying what is missing; empty: it may end."""

    def __call__(self, involvement) -> list[str]: ...


@runtime_checkable
class FamilyAccess(Protocol):
    """A further way a professional reads and writes a family (P-4), e.g. an invited specialist (MTG-6): a Q over
    Family, or None."""

    def __call__(self, professional) -> Any: ...


@runtime_checkable
class SearchPrefetches(Protocol):
    """Prefetch objects for family search results, so that what each result shows costs a fixed number of
    queries (FLG-1: warning markers)."""

    def __call__(self) -> list: ...


@runtime_checkable
class FamilyDetailExtra(Protocol):
    """More fields for the API's family detail (FLG-1: `warning_markers`)."""

    def __call__(self, *, family, professional) -> dict: ...


@runtime_checkable
class GeneratorStep(Protocol):
    """A step of the generated region (issue 9): `run(region)` once, or `run(region, family)` for each family."""

    name: str
    run: Any


# --- The points ------------------------------------------------------------------------------------------------

class ExtensionPoint(Generic[T]):
    """A typed, explicitly ordered registry: its entries are dotted paths, imported on first use."""

    def __init__(self, name: str, protocol: type, entries: Sequence[str], *, call: tuple = ()):
        self.name = name
        self.protocol = protocol
        self.paths = tuple(entries)
        # How the point calls an entry (positional names, keyword names), to check each entry's signature.
        self.call = call

    @cached_property
    def entries(self) -> tuple[T, ...]:
        return tuple(import_string(path) for path in self.paths)

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, entry) -> bool:
        return entry in self.entries

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {len(self)} entries>"

    def problems(self) -> list[str]:
        """What is wrong with the point: nothing for a point fit to run."""
        if not self.paths:
            return [f"{self.name}: no entries (every extension point is filled)"]
        found = [f"{self.name}: {path} is listed twice" for path in sorted({p for p in self.paths
                                                                              if self.paths.count(p) > 1})]
        for path in self.paths:
            try:
                entry = import_string(path)
            except ImportError as exc:
                found.append(f"{self.name}: {path} cannot be imported ({exc})")
                continue
            if not isinstance(entry, self.protocol):
                found.append(f"{self.name}: {path} is not a {self.protocol.__name__}")
            elif self.call and not _fits(entry, self.call):
                positional, keywords = self.call
                found.append(f"{self.name}: {path} cannot be called as "
                             f"({', '.join([*positional, *(f'{k}=' for k in keywords)])})")
        return found


def _fits(entry, call: tuple) -> bool:
    positional, keywords = call
    try:
        inspect.signature(entry).bind(*positional, **dict.fromkeys(keywords))
    except TypeError:
        return False
    return True


_PANEL = ((), ("family", "professional"))

# Above every page of a family: what a visitor must know first (FLG-1), then open actions.
CASEFILE_BANNERS: ExtensionPoint[CaseFilePanel] = ExtensionPoint("case-file banners", CaseFilePanel, [
    "doorstep.markers.casefile.risk_banner",
    "doorstep.escalations.home.open_escalations_banner",
], call=_PANEL)

# The case file's main column: the children first (P-1), then each record.
CASEFILE_PANELS: ExtensionPoint[CaseFilePanel] = ExtensionPoint("case-file panels", CaseFilePanel, [
    "doorstep.engagement.casefile.children_seen_panel",
    "doorstep.engagement.casefile.engagement_grid_panel",
    "doorstep.incidents.casefile.incidents_panel",
    "doorstep.visits.casefile.visits_panel",
    "doorstep.meetings.panels.plan_panel",
    "doorstep.agreements.casefile.agreement_panel",
], call=_PANEL)

# The case file's side column.
CASEFILE_SIDE: ExtensionPoint[CaseFilePanel] = ExtensionPoint("case-file side panels", CaseFilePanel, [
    "doorstep.escalations.home.protocol_steps_panel",
    "doorstep.engagement.casefile.defaulted_panel",
    "doorstep.markers.casefile.markers_side_panel",
    "doorstep.supervision.casefile.decisions_panel",
], call=_PANEL)

# Every export of a family: the risk to professionals first (FLG-1), then violence in full (INC-2).
CASEFILE_EXPORT_SECTIONS: ExtensionPoint[ExportSection] = ExtensionPoint("case-file export sections", ExportSection, [
    "doorstep.markers.casefile.markers_export_section",
    "doorstep.incidents.casefile.incidents_export_section",
], call=((), ("family",)))

# The landing page: a live visit alarm is the most urgent thing anyone sees (SAF-3), then "My actions".
HOME_SECTIONS: ExtensionPoint[HomeSection] = ExtensionPoint("home sections", HomeSection, [
    "doorstep.visits.home.visits_section",
    "doorstep.escalations.home.my_actions_section",
    "doorstep.families.home.families_section",
    "doorstep.core.board.board_home_section",
    "doorstep.markers.home.markers_section",
    "doorstep.incidents.home.incidents_section",
    "doorstep.meetings.panels.board_section",
    "doorstep.meetings.panels.worker_section",
], call=(("request",), ()))

# The Board chair's figures (OVR-2), in this order on the page.
BOARD_FIGURES: ExtensionPoint[BoardFigures] = ExtensionPoint("Board figures", BoardFigures, [
    "doorstep.families.board.families_figures",
    "doorstep.markers.board.markers_figures",
    "doorstep.incidents.board.incidents_figures",
    "doorstep.visits.board.visits_figures",
    "doorstep.meetings.panels.board_figures_sections",
    "doorstep.agreements.board.agreements_figures",
    "doorstep.supervision.board.supervision_figures",
], call=((), ()))

# The demo region: agencies and families first; the escalation engine last, once every history exists.
DEMO_LOADERS: ExtensionPoint[DemoLoader] = ExtensionPoint("demo loaders", DemoLoader, [
    "doorstep.agencies.demo.load",
    "doorstep.families.demo.load",
    "doorstep.escalations.demo.load",
    "doorstep.engagement.demo.load",
    "doorstep.markers.demo.load",  # the markers and the incidents of the demo region
    "doorstep.visits.demo.load",
    "doorstep.meetings.demo.load",
    "doorstep.agreements.demo.load",
    "doorstep.supervision.demo.load",
    "doorstep.escalations.demo.load_after_histories",
], call=(("region",), ()))

# The worker's periodic sweep (core/schedule.py), in this order.
SWEEP_CHECKS: ExtensionPoint[SweepCheck] = ExtensionPoint("sweep checks", SweepCheck, [
    "doorstep.escalations.scheduled.family_checks_run",
    "doorstep.escalations.scheduled.escalations_overdue_run",
    "doorstep.markers.scheduled.marker_review_sweep",  # FLG-2
    "doorstep.visits.scheduled.visit_alarm_sweep",  # SAF-3
    "doorstep.agreements.services.agreement_reviews_sweep",  # AGR-1
    "doorstep.supervision.services.supervision_overdue_sweep",  # SUP-4
    "doorstep.chronology.services.chronology_exports_expire",  # issue 15: exports kept a short time
], call=((), ("now",)))

# Run for a family on every change (and when it is due): the rules engine.
FAMILY_EVALUATORS: ExtensionPoint[FamilyEvaluator] = ExtensionPoint("family evaluators", FamilyEvaluator, [
    "doorstep.escalations.engine.protocol_rules",
], call=((), ("family",)))

# Asked before an agency's involvement ends.
INVOLVEMENT_END_CHECKS: ExtensionPoint[InvolvementEndCheck] = ExtensionPoint(
    "involvement end checks", InvolvementEndCheck, [
        "doorstep.escalations.engine.involvement_end_check",  # ESC-6 (001 §5.1.19)
    ], call=(("involvement",), ()))

# Further ways to read and write a family, beyond the agency's involvement (the access guard, core/access.py).
FAMILY_ACCESS: ExtensionPoint[FamilyAccess] = ExtensionPoint("family access", FamilyAccess, [
    "doorstep.meetings.selectors.specialist_family_access",  # MTG-6
], call=(("professional",), ()))

# Family search results.
SEARCH_PREFETCHES: ExtensionPoint[SearchPrefetches] = ExtensionPoint("family search prefetches", SearchPrefetches, [
    "doorstep.markers.selectors.search_prefetches",  # FLG-1
], call=((), ()))

# The API's family detail.
FAMILY_DETAIL_EXTRAS: ExtensionPoint[FamilyDetailExtra] = ExtensionPoint("API family detail", FamilyDetailExtra, [
    "doorstep.markers.api.family_detail_markers",  # FLG-1
], call=_PANEL)

# The generated region (issue 9): once, then for each family in turn; a step reads what earlier steps made.
REGION_STEPS: ExtensionPoint[GeneratorStep] = ExtensionPoint("region generator steps", GeneratorStep, [
    "doorstep.scale.steps.AGENCIES_AND_STAFF",
    "doorstep.scale.steps.SUPERVISION",
])
FAMILY_STEPS: ExtensionPoint[GeneratorStep] = ExtensionPoint("family generator steps", GeneratorStep, [
    "doorstep.scale.steps.FAMILY_RECORD",
    "doorstep.scale.steps.PEOPLE",
    "doorstep.scale.steps.INVOLVEMENTS",
    "doorstep.scale.steps.CONTACTS",
    "doorstep.scale.steps.AUDIT",
    "doorstep.scale.steps.ESCALATIONS",
    "doorstep.scale.steps.MARKERS_AND_INCIDENTS",
    "doorstep.escalations.generation.FAMILY_CHECK_STEP",  # after the steps that make each family's due row
])

EXTENSION_POINTS: tuple[ExtensionPoint, ...] = (
    CASEFILE_BANNERS, CASEFILE_PANELS, CASEFILE_SIDE, CASEFILE_EXPORT_SECTIONS, HOME_SECTIONS, BOARD_FIGURES,
    DEMO_LOADERS, SWEEP_CHECKS, FAMILY_EVALUATORS, INVOLVEMENT_END_CHECKS, FAMILY_ACCESS, SEARCH_PREFETCHES,
    FAMILY_DETAIL_EXTRAS, REGION_STEPS, FAMILY_STEPS,
)


def extension_problems() -> list[str]:
    """Everything wrong with every extension point, and with the rules' registry."""
    from doorstep.escalations.rules import RULES

    found = [problem for point in EXTENSION_POINTS for problem in point.problems()]
    if not RULES:
        found.append("protocol rules: no rule is registered (doorstep/escalations/rules.py)")
    return found
