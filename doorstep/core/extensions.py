"""Every extension point of Doorstep, in one place (issue 14): what each entry must look like (a typed Protocol),
and which entries there are, in the order they run or show.

One capability adds to another's page or loop through these points, never through a list filled from an
`AppConfig.ready()`: the order is written here, not left to INSTALLED_APPS, and a system check (core/checks.py,
`manage.py check`, run at every start) refuses a point that is empty, names an entry twice, names one that does
not exist, one that is not what the point's Protocol describes or cannot be called as it says (read from the
Protocol itself: its `__call__`, or the methods of an entry that is an object), or two entries with the same key
(two navigation entries for one page). Every app is always installed, so an entry imports its app's models
directly; a renamed field fails loudly, never as a silent "not available".

To add an entry: write the function (or object) in its app, then add its dotted path below at the place where it
should run or show. The protocol rules (doorstep/escalations/rules.py `RULES`, filled by `rule_register`) are their
own registry, ordered by rule ID; the check below also makes sure it is filled.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from django.utils.functional import cached_property
from django.utils.module_loading import import_string

T = TypeVar("T")


# --- What each kind of entry looks like --------------------------------------------------------------------------

@runtime_checkable
class CaseFileBanner(Protocol):
    """A banner above every page of a family: a dict with a "template" key and its own context, or None to show
    nothing. Short (issue 18): what a visitor must know in a line or two, the details expandable or a link away. A
    fixed number of queries, whatever the family's size."""

    def __call__(self, *, family, professional) -> dict | None: ...


# The case file's sub pages (issue 18), in the order of its sub navigation (families/casefile.py `SECTIONS` gives
# each its label and page; the Chronology, its last entry, is the chronology's own page).
CASEFILE_SECTIONS = ("overview", "children", "engagement", "meetings", "agreement", "safety")


@runtime_checkable
class CaseFilePanel(Protocol):
    """A part of the case file's main or side column: a dict with a "template" key and its own context, or None to
    show nothing. A fixed number of queries, whatever the family's size. `section` is the sub page it is on (one of
    CASEFILE_SECTIONS), set where the panel is written with `@casefile_panel(section=...)`."""

    section: str

    def __call__(self, *, family, professional) -> dict | None: ...


def casefile_panel(*, section: str):
    """Puts a case-file panel on one sub page of the case file (issue 18): each panel is on exactly one."""
    if section not in CASEFILE_SECTIONS:
        raise ValueError(f"{section!r} is not a sub page of the case file: one of {', '.join(CASEFILE_SECTIONS)}")

    def mark(panel):
        panel.section = section
        return panel

    return mark


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
class HomeCounter(Protocol):
    """A counter on a manager's or an administrator's home page (issue 18): {"label": str, "count": int, "href": str,
    optionally "note": str} (a link to the list it counts), or None where it is not for this person. A count, not a
    list: one query."""

    def __call__(self, request) -> dict | None: ...


@runtime_checkable
class BoardFigures(Protocol):
    """A section of the Board's report (OVR-2), aggregate only (P-4): the period's figures as a list of
    `doorstep.core.board.Table`, from a fixed number of queries counted in the database (never per family). Issue 21:
    of one partnership (a `doorstep.partnerships.models.Partnership`), its families' records only: a Board chair sees
    their partnership only."""

    def __call__(self, *, start: datetime, end: datetime, partnership) -> list: ...


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
class FamilyReadGrant(Protocol):
    """A further way a professional READS a family for a time, never writes (P-4), like emergency access: e.g. a
    case-file auditor's grant for the families of their open audit round (OVR-1). `condition(professional)`: a Q
    over Family, or None; `audit_reason(professional=..., family=...)`: the reason (a Text) each read under the
    grant is audited with, or None where the grant does not apply."""

    def condition(self, professional) -> Any: ...

    def audit_reason(self, *, professional, family) -> Any: ...


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


@runtime_checkable
class NavigationItem(Protocol):
    """An entry of the service navigation (core/navigation.py `NavItem`): shown to whom `allowed(user)` admits,
    marked current on the pages under `prefix`."""

    url_name: str
    label: Any
    prefix: str

    def allowed(self, user) -> bool: ...


@runtime_checkable
class ChronologyRecordLink(Protocol):
    """How a chronology entry links to the record behind it (CHR-1): the record's model label ("engagement.Contact")
    and its page (chronology/selectors.py `ChronologyLink`)."""

    model: str

    def url(self, source_id) -> str: ...


@runtime_checkable
class ChronologyTags(Protocol):
    """Tags a capability puts on its chronology entries, with their labels, and whether the chronology's behaviour
    filter offers them (CHR-1, CHR-2): an iterable of chronology/selectors.py `ChronologyTag`."""

    def __call__(self) -> Iterable: ...


@runtime_checkable
class ChronologyBeside(Protocol):
    """What stands beside chronology entries (RIG-2, issue 20): the family's own account beside the worker's, a
    person's statement on a record not corrected. {entry id: [{"heading": str, "text": str}]} for the page's entries,
    in a fixed number of queries, the same whatever the page holds (none for an empty page)."""

    def __call__(self, *, entries) -> dict: ...


# --- The points ------------------------------------------------------------------------------------------------

class ExtensionPoint(Generic[T]):
    """A typed, explicitly ordered registry: its entries are dotted paths, imported on first use. The check reads
    how an entry is called from the point's Protocol (its `__call__`, or its methods for an entry that is an
    object); `unique` names an attribute no two entries may share."""

    def __init__(self, name: str, protocol: type[T], entries: Sequence[str], *, unique: str = ""):
        self.name = name
        self.protocol = protocol
        self.paths = tuple(entries)
        self.unique = unique

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
        keys: dict[Any, str] = {}
        for path in self.paths:
            try:
                entry = import_string(path)
            except ImportError as exc:
                found.append(f"{self.name}: {path} cannot be imported ({exc})")
                continue
            if not isinstance(entry, self.protocol):
                found.append(f"{self.name}: {path} is not a {self.protocol.__name__}")
                continue
            for member, (positional, keywords) in _calls(self.protocol).items():
                if not _fits(entry if member == "__call__" else getattr(entry, member), positional, keywords):
                    called = "" if member == "__call__" else f"'s {member}"
                    found.append(f"{self.name}: {path}{called} cannot be called as "
                                 f"({', '.join([*positional, *(f'{k}=' for k in keywords)])})")
            if self.unique:
                key = getattr(entry, self.unique)
                if key in keys:
                    found.append(f"{self.name}: {path} has the {self.unique} {key!r} of {keys[key]}")
                keys.setdefault(key, path)
        return found


def _calls(protocol: type) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """How each callable member of a Protocol is called: (positional names, keyword names), `self` left out."""
    calls = {}
    for member, value in vars(protocol).items():
        if inspect.isfunction(value) and (member == "__call__" or not member.startswith("_")):
            parameters = list(inspect.signature(value).parameters.values())[1:]
            calls[member] = (
                tuple(p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)),
                tuple(p.name for p in parameters if p.kind == p.KEYWORD_ONLY))
    return calls


def _fits(entry, positional: tuple, keywords: tuple) -> bool:
    try:
        inspect.signature(entry).bind(*positional, **dict.fromkeys(keywords))
    except TypeError:
        return False
    return True


# Above every page of a family: what a visitor must know first (FLG-1), then open actions.
CASEFILE_BANNERS = ExtensionPoint("case-file banners", CaseFileBanner, [
    "doorstep.markers.casefile.risk_banner",
    "doorstep.escalations.home.open_escalations_banner",
])

# The case file's main column, on the sub page each panel names (`casefile_panel`): the children first (P-1), then
# each record.
CASEFILE_PANELS = ExtensionPoint("case-file panels", CaseFilePanel, [
    "doorstep.engagement.casefile.children_seen_panel",
    "doorstep.escalations.home.open_actions_panel",
    "doorstep.engagement.casefile.engagement_grid_panel",
    "doorstep.incidents.casefile.incidents_panel",
    "doorstep.visits.casefile.visits_panel",
    "doorstep.meetings.panels.plan_panel",
    "doorstep.agreements.casefile.agreement_panel",
])

# The case file's side column, on the sub page each panel names.
CASEFILE_SIDE = ExtensionPoint("case-file side panels", CaseFilePanel, [
    "doorstep.partnerships.casefile.partnership_panel",  # issue 21: its partnership and transfers
    "doorstep.escalations.home.protocol_steps_panel",
    "doorstep.engagement.casefile.defaulted_panel",
    "doorstep.markers.casefile.markers_side_panel",
    "doorstep.supervision.casefile.decisions_panel",
    "doorstep.subjectaccess.casefile.requests_side_panel",  # RIG-1: only that a request exists
])

# Every export of a family: the risk to professionals first (FLG-1), then violence in full (INC-2).
CASEFILE_EXPORT_SECTIONS = ExtensionPoint("case-file export sections", ExportSection, [
    "doorstep.markers.casefile.markers_export_section",
    "doorstep.incidents.casefile.incidents_export_section",
])

# The landing page says what to do next, per role (issue 18): a live visit alarm is the most urgent thing anyone
# sees (SAF-3); then a manager's or an administrator's counters (HOME_COUNTERS) and a manager's overdue actions by
# worker; then "My actions" and the person's own caseload, most urgent first.
HOME_SECTIONS = ExtensionPoint("home sections", HomeSection, [
    "doorstep.visits.home.visits_section",
    "doorstep.core.homepage.counters_section",
    "doorstep.escalations.home.overdue_by_worker_section",
    "doorstep.agencies.home.locked_accounts_section",
    "doorstep.escalations.home.my_actions_section",
    "doorstep.families.home.caseload_section",
    "doorstep.core.board.board_home_section",
    "doorstep.incidents.home.incidents_section",
    "doorstep.meetings.panels.board_section",
    "doorstep.meetings.panels.worker_section",
])

# The counters at the top of the home page (issue 18), in this order: a manager's, then an administrator's.
HOME_COUNTERS = ExtensionPoint("home counters", HomeCounter, [
    "doorstep.visits.home.plans_to_agree_counter",  # 003 §5.3
    "doorstep.markers.home.markers_to_authorise_counter",  # FLG-2
    "doorstep.escalations.home.team_overdue_counter",  # ORG-3
    "doorstep.visits.home.out_on_visits_counter",  # SAF-3
    "doorstep.supervision.home.supervisions_due_counter",  # SUP-4
    "doorstep.notifications.home.undeliverable_emails_counter",
    "doorstep.agencies.home.tokens_awaiting_counter",
    "doorstep.agencies.home.locked_accounts_counter",
])

# The sections of the Board's report (OVR-2), in this order in the report.
BOARD_FIGURES = ExtensionPoint("Board figures", BoardFigures, [
    "doorstep.meetings.board.meetings_figures",
    "doorstep.escalations.board.escalations_figures",
    "doorstep.engagement.board.engagement_figures",
    "doorstep.incidents.board.incidents_figures",
    "doorstep.markers.board.markers_figures",
    "doorstep.visits.board.visits_figures",
    "doorstep.supervision.board.supervision_figures",
    "doorstep.agreements.board.agreements_figures",
    "doorstep.subjectaccess.board.subject_access_figures",  # RIG-1
])

# The demo region: agencies and families first; the escalation engine last, once every history exists.
DEMO_LOADERS = ExtensionPoint("demo loaders", DemoLoader, [
    "doorstep.agencies.demo.load",
    "doorstep.partnerships.demo.load",  # issue 21: Afonwy (Cwm Taf) and Ouzel Valley (Milton Keynes)
    "doorstep.families.demo.load",
    "doorstep.escalations.demo.load",
    "doorstep.engagement.demo.load",
    "doorstep.markers.demo.load",  # the markers and the incidents of the demo region
    "doorstep.visits.demo.load",
    "doorstep.meetings.demo.load",
    "doorstep.agreements.demo.load",
    "doorstep.supervision.demo.load",
    "doorstep.core.board_demo.load",  # OVR-2: six months of history for the Board's report
    "doorstep.oversight.demo.load",  # OVR-1: the planted drift and visit recorded that did not take place
    "doorstep.retention.demo.load",  # issue 20: a family past retention, a records manager, the nightly review
    "doorstep.recording.demo.load",  # RIG-2: a judgemental note with the family's account; a request to correct
    "doorstep.subjectaccess.demo.load",  # RIG-1: the Evans mother's subject access request
    "doorstep.escalations.demo.load_after_histories",
    "doorstep.partnerships.demo.load_second_partnership",  # issue 21: its families, and a transfer to it
    "doorstep.oversight.demo.compute",  # OVR-1: the nightly job, once, so the signals show at once (reads escalations)
    "doorstep.oversight.demo.audit_round",  # OVR-1: health.manager's case-file audit round, after the signals
])

# The worker's periodic sweep (core/schedule.py), in this order.
SWEEP_CHECKS = ExtensionPoint("sweep checks", SweepCheck, [
    "doorstep.escalations.scheduled.family_checks_run",
    "doorstep.escalations.scheduled.escalations_overdue_run",
    "doorstep.markers.scheduled.marker_review_sweep",  # FLG-2
    "doorstep.visits.scheduled.visit_alarm_sweep",  # SAF-3
    "doorstep.agreements.scheduled.agreement_reviews_sweep",  # AGR-1
    "doorstep.supervision.scheduled.supervision_overdue_sweep",  # SUP-4
    "doorstep.chronology.services.chronology_exports_expire",  # issue 15: exports kept a short time
])

# Run for a family on every change (and when it is due): the rules engine.
FAMILY_EVALUATORS = ExtensionPoint("family evaluators", FamilyEvaluator, [
    "doorstep.escalations.engine.protocol_rules",
])

# Asked before an agency's involvement ends.
INVOLVEMENT_END_CHECKS = ExtensionPoint("involvement end checks", InvolvementEndCheck, [
    "doorstep.escalations.engine.involvement_end_check",  # ESC-6 (001 §5.1.19)
])

# Further ways to read and write a family, beyond the agency's involvement (the access guard, core/access.py).
FAMILY_ACCESS = ExtensionPoint("family access", FamilyAccess, [
    "doorstep.meetings.selectors.specialist_family_access",  # MTG-6
])

# Further ways to read a family, read-only and for a time (the access guard, core/access.py), audited as such.
FAMILY_READ_GRANTS = ExtensionPoint("family read grants", FamilyReadGrant, [
    "doorstep.oversight.selectors.AUDIT_GRANT",  # OVR-1: a case-file audit round's families, while it is open
])

# Family search results.
SEARCH_PREFETCHES = ExtensionPoint("family search prefetches", SearchPrefetches, [
    "doorstep.markers.selectors.search_prefetches",  # FLG-1
])

# The API's family detail.
FAMILY_DETAIL_EXTRAS = ExtensionPoint("API family detail", FamilyDetailExtra, [
    "doorstep.markers.api.family_detail_markers",  # FLG-1
])

# The service navigation (core/navigation.py), in the order the header shows it to those it is shown to.
NAVIGATION = ExtensionPoint("navigation", NavigationItem, [
    "doorstep.core.navigation.HOME",
    "doorstep.escalations.navigation.MY_ACTIONS",
    "doorstep.escalations.navigation.TEAM_ACTIONS",
    "doorstep.core.navigation.FIND_A_FAMILY",
    "doorstep.markers.navigation.ADDRESS_CHECK",  # FLG-1
    "doorstep.visits.navigation.MY_VISITS",
    "doorstep.meetings.navigation.MEETINGS",
    "doorstep.core.navigation.BOARD_REPORT",
    "doorstep.meetings.navigation.BOARD_MINUTES",
    "doorstep.notifications.navigation.NOTIFICATIONS",
    "doorstep.supervision.navigation.SUPERVISION",
    "doorstep.visits.navigation.OUT_ON_VISITS",  # SAF-3
    "doorstep.markers.navigation.MARKERS_TO_AUTHORISE",
    "doorstep.oversight.navigation.DRIFT",  # OVR-1
    "doorstep.oversight.navigation.VISIT_RECORDS",  # OVR-1 (004 §4.1)
    "doorstep.retention.navigation.RETENTION",  # issue 20
    "doorstep.oversight.navigation.CASE_FILE_AUDITS",  # OVR-1 (issue 19)
    "doorstep.subjectaccess.navigation.SUBJECT_ACCESS",  # RIG-1
    "doorstep.core.navigation.EMERGENCY_ACCESS",
    "doorstep.core.navigation.AUDIT",
    "doorstep.escalations.navigation.RULE_SETTINGS",  # ESC-12
    "doorstep.partnerships.navigation.PARTNERSHIPS",  # issue 21
    "doorstep.core.navigation.PARTNER_SYSTEMS",
    "doorstep.core.navigation.STAFF_ACCOUNTS",
    "doorstep.engagement.navigation.ENGAGEMENT_SETTINGS",
    "doorstep.retention.navigation.RETENTION_SCHEDULE",  # issue 20
    "doorstep.oversight.navigation.AUDIT_QUESTIONS",  # OVR-1: administrators
    "doorstep.recording.navigation.RECORDING_TERMS",  # RIG-2: the recording check's list
    "doorstep.core.navigation.ADMINISTRATION",
    "doorstep.core.navigation.API",
    "doorstep.core.navigation.DEMO_MAILBOX",
], unique="url_name")

# The chronology's links to the records behind its entries (CHR-1), one for each kind of record.
CHRONOLOGY_LINKS = ExtensionPoint("chronology links", ChronologyRecordLink, [
    "doorstep.engagement.chronology.CONTACT_LINK",
    "doorstep.engagement.chronology.PARENT_LETTER_LINK",
    "doorstep.incidents.chronology.INCIDENT_LINK",
    "doorstep.markers.chronology.MARKER_LINK",
    "doorstep.recording.chronology.CORRECTION_LINK",  # UK GDPR Article 16
], unique="model")

# The chronology's tag vocabulary (CHR-1, CHR-2): the behaviour filter offers, in this order, ENG-2 behaviours
# then ENG-3 threatening behaviour.
CHRONOLOGY_TAGS = ExtensionPoint("chronology tags", ChronologyTags, [
    "doorstep.engagement.chronology.behaviour_tags",  # ENG-2
    "doorstep.engagement.chronology.threat_tags",  # ENG-3
    "doorstep.engagement.chronology.contact_tags",
    "doorstep.recording.chronology.correction_tags",  # UK GDPR Article 16
])

# Beside each chronology entry (RIG-2): the family's own account, then requests to correct the record (Article 16).
CHRONOLOGY_BESIDE = ExtensionPoint("chronology beside", ChronologyBeside, [
    "doorstep.engagement.chronology.family_accounts",
    "doorstep.incidents.chronology.family_accounts",
    "doorstep.recording.chronology.corrections_beside",
])

# The generated region (issue 9): once, then for each family in turn; a step reads what earlier steps made.
REGION_STEPS = ExtensionPoint("region generator steps", GeneratorStep, [
    "doorstep.scale.steps.AGENCIES_AND_STAFF",
    "doorstep.partnerships.generation.PARTNERSHIPS_STEP",  # issue 21: each area a partnership, after its agencies
    "doorstep.scale.steps.SUPERVISION",
])
FAMILY_STEPS = ExtensionPoint("family generator steps", GeneratorStep, [
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
    CASEFILE_BANNERS, CASEFILE_PANELS, CASEFILE_SIDE, CASEFILE_EXPORT_SECTIONS, HOME_SECTIONS, HOME_COUNTERS,
    BOARD_FIGURES,
    DEMO_LOADERS, SWEEP_CHECKS, FAMILY_EVALUATORS, INVOLVEMENT_END_CHECKS, FAMILY_ACCESS, FAMILY_READ_GRANTS,
    SEARCH_PREFETCHES,
    FAMILY_DETAIL_EXTRAS, NAVIGATION, CHRONOLOGY_LINKS, CHRONOLOGY_TAGS, REGION_STEPS, FAMILY_STEPS,
    CHRONOLOGY_BESIDE,
)


def extension_problems() -> list[str]:
    """Everything wrong with every extension point, and with the rules' registry."""
    from doorstep.escalations.rules import RULES

    found = [problem for point in EXTENSION_POINTS for problem in point.problems()]
    if not RULES:
        found.append("protocol rules: no rule is registered (doorstep/escalations/rules.py)")
    return found
