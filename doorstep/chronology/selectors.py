"""Reading the chronology (CHR-1, CHR-2): filters, keyset pagination, exports.

Pages are keyset-paginated on (occurred_at, id), newest first, so a family with thousands of entries opens and
pages in the same few queries as a family with ten. Exports run oldest first, as a conference reads them.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from doorstep.core.access import family_get_for
from doorstep.core.extensions import CHRONOLOGY_BESIDE, CHRONOLOGY_LINKS, CHRONOLOGY_TAGS

from .models import SYSTEM_KINDS, ChronologyComment, ChronologyEntry, EntryKind

PAGE_SIZE = 50

@dataclass(frozen=True)
class ChronologyLink:
    """How an entry links to the record behind it (CHR-1): the record's model label and the name of its page.
    Each capability names its own in core/extensions.py `CHRONOLOGY_LINKS`."""

    model: str
    url_name: str

    def url(self, source_id) -> str:
        return reverse(self.url_name, args=[source_id])


@dataclass(frozen=True)
class ChronologyTag:
    """A tag an entry may carry, its readable label, and the label the "behaviour" filter offers it under (None:
    the filter does not offer it). Each capability names its own in core/extensions.py `CHRONOLOGY_TAGS`."""

    value: str
    label: Any
    filter_label: Any = None


@cache
def source_links() -> dict[str, ChronologyLink]:
    return {link.model: link for link in CHRONOLOGY_LINKS}


@cache
def tag_labels() -> dict[str, Any]:
    """Readable labels for entry tags (tag value -> label, translated when shown)."""
    return {tag.value: tag.label for tags in CHRONOLOGY_TAGS for tag in tags()}


@cache
def filter_tags() -> tuple[tuple[str, Any], ...]:
    """The tags the "behaviour" filter offers, in the order of CHRONOLOGY_TAGS: ENG-2 behaviours, then ENG-3
    threatening behaviour."""
    return tuple((tag.value, tag.filter_label) for tags in CHRONOLOGY_TAGS for tag in tags()
                 if tag.filter_label is not None)


@dataclass(frozen=True)
class ChronologyFilters:
    agency_id: int | None = None
    person_id: int | None = None
    kind: str = ""
    behaviour: str = ""  # a tag: an ENG-2 behaviour or ENG-3 threatening behaviour value
    date_from: date | None = None
    date_to: date | None = None
    significant_only: bool = False

    @property
    def active(self) -> bool:
        return any([self.agency_id, self.person_id, self.kind, self.behaviour, self.date_from, self.date_to,
                    self.significant_only])


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def chronology_filter(*, family, filters: ChronologyFilters) -> QuerySet[ChronologyEntry]:
    qs = ChronologyEntry.objects.filter(family=family)
    if filters.agency_id:
        qs = qs.filter(agency_id=filters.agency_id)
    if filters.person_id:
        qs = qs.filter(people__id=filters.person_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.behaviour:
        qs = qs.filter(tags__contains=f"|{filters.behaviour}|")
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=_local_midnight(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=_local_midnight(filters.date_to + timedelta(days=1)))
    if filters.significant_only:
        qs = qs.filter(significant=True)
    return qs


def _with_related(qs: QuerySet, *, people: bool = True) -> QuerySet:
    comments = Prefetch("comments", queryset=ChronologyComment.objects.select_related("author", "author__agency"))
    qs = qs.select_related("agency", "author")
    # The page does not show an entry's people (the person filter reads them in SQL): one query fewer (issue 18).
    return qs.prefetch_related("people", comments) if people else qs.prefetch_related(comments)


# Cursors ------------------------------------------------------------------------------------------------------


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def cursor_for(entry: ChronologyEntry) -> str:
    """The keyset position of an entry: its time in whole microseconds since the epoch, and its id."""
    return f"{(entry.occurred_at - EPOCH) // MICROSECOND}.{entry.pk}"


def cursor_parse(value: str | None) -> tuple[datetime, int] | None:
    """A cursor from the address bar, or None if absent or malformed (the newest page is shown)."""
    if not value:
        return None
    try:
        micros, pk = value.split(".", 1)
        return EPOCH + int(micros) * MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None


@dataclass
class ChronologyPage:
    entries: list
    older: str | None  # cursor for the next (older) page
    newer: str | None  # cursor for the previous (newer) page
    count: int  # the entries shown, over every page
    is_first: bool
    system_count: int = 0  # issue 18: system entries that match the filters (hidden unless asked for)
    system_shown: bool = False

    def __iter__(self):
        return iter(self.entries)


def chronology_page(*, family, filters: ChronologyFilters, before: str | None = None, after: str | None = None,
                    size: int = PAGE_SIZE, system: bool = False) -> ChronologyPage:
    """One page of the family's chronology, newest first: `before` gives the entries older than a cursor,
    `after` those newer than it; neither gives the newest. Five queries whatever the family's size.

    Issue 18: practice first. System entries (SYSTEM_KINDS) are left out unless `system` is asked for, or the
    filter asks for that kind; they are counted (in the same query as the rest) so the page can say how many."""
    qs = chronology_filter(family=family, filters=filters)
    counts = qs.order_by().aggregate(total=Count("id"), system=Count("id", filter=Q(kind__in=SYSTEM_KINDS)))
    system_shown = system or filters.kind in SYSTEM_KINDS
    count = counts["total"] if system_shown else counts["total"] - counts["system"]
    if not system_shown:
        qs = qs.exclude(kind__in=SYSTEM_KINDS)
    extra = {"system_count": counts["system"], "system_shown": system_shown}
    before_key, after_key = cursor_parse(before), cursor_parse(after)
    if after_key:
        moment, pk = after_key
        rows = list(_with_related(qs.filter(Q(occurred_at__gt=moment) | Q(occurred_at=moment, id__gt=pk))
                                  .order_by("occurred_at", "id"), people=False)[:size + 1])
        more_newer = len(rows) > size
        rows = list(reversed(rows[:size]))
        return ChronologyPage(entries=rows, count=count, is_first=not more_newer,
                              newer=cursor_for(rows[0]) if rows and more_newer else None,
                              older=cursor_for(rows[-1]) if rows else None, **extra)
    if before_key:
        moment, pk = before_key
        qs = qs.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=pk))
    rows = list(_with_related(qs.order_by("-occurred_at", "-id"), people=False)[:size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return ChronologyPage(entries=rows, count=count, is_first=before_key is None,
                          newer=cursor_for(rows[0]) if rows and before_key else None,
                          older=cursor_for(rows[-1]) if rows and more_older else None, **extra)


def chronology_rows(entries) -> list[dict]:
    """The page's rows (CHR-1, issue 18: MOJ timeline items), worked out once in Python: kind labels, agency and
    author names and tag labels resolved once per page, dates formatted, sentences translated. Issue 15: the page's
    time was in the template, not in SQL; plain dicts are what the template language reads fastest.

    Each row: id, kind_label, iso, when, byline, late (the "late entry" sentence, or ""), summary, labels,
    significant, system, entered_in_error, corrected, comments, url (the record behind it, or None),
    comment_url, comment_hidden (the visually hidden end of "Add analysis"), correct_url, beside (RIG-2: what stands beside the
    entry, e.g. the family's own account, from CHRONOLOGY_BESIDE)."""
    entries = list(entries)
    beside = entries_beside(entries)
    labels = tag_labels()
    kinds = {value: str(label) for value, label in EntryKind.choices}
    agencies: dict[int, str] = {}
    # "/chronology/entries/%d/analysis/": one reverse a page, not one a row.
    comment_url = reverse("chronology:comment", args=[0]).replace("/0/", "/%d/")
    # UK GDPR Article 16 (issue 20): "Ask to correct this record" from any entry, one reverse a page.
    correct_url = reverse("recording:correction_new", args=["entry", 0]).replace("/0/", "/%d/")
    by_name_agency, by_name = gettext("by %(name)s, %(agency)s"), gettext("by %(name)s")
    late_entry, to_the_entry = gettext("Late entry: recorded %(when)s"), gettext("to the entry of %(when)s")
    url_of = _source_urls()
    rows = []
    for e in entries:
        tags = e.tag_list
        if e.agency_id is not None and e.agency_id not in agencies:
            agencies[e.agency_id] = e.agency.display_name
        agency = agencies.get(e.agency_id, "")
        author = str(e.author) if e.author_id else ""
        moment = timezone.localtime(e.occurred_at)
        when = date_format(moment, "DATETIME_FORMAT")
        rows.append({
            "id": e.pk, "kind_label": kinds.get(e.kind, e.kind), "iso": moment.isoformat(), "when": when,
            "byline": (by_name_agency % {"name": author, "agency": agency} if author and agency else
                       by_name % {"name": author} if author else agency),
            "late": late_entry % {"when": date_format(timezone.localtime(e.recorded_at))} if "late" in tags else "",
            "summary": e.summary_shown, "labels": " · ".join(str(labels[t]) for t in tags if t in labels),
            "significant": e.significant, "system": e.kind in SYSTEM_KINDS,
            "entered_in_error": "entered_in_error" in tags, "corrected": "corrected" in tags,
            "comments": [{"heading": gettext("Analysis by %(name)s, %(when)s") % {
                "name": c.author, "when": date_format(timezone.localtime(c.created_at))}, "text": c.text}
                for c in e.comments.all()],
            "url": url_of(e), "comment_url": comment_url % e.pk, "correct_url": correct_url % e.pk,
            "comment_hidden": to_the_entry % {"when": when}, "beside": beside.get(e.pk, []),
        })
    return rows


def entries_beside(entries) -> dict[int, list[dict]]:
    """RIG-2 (issue 20): what stands beside each entry (the family's own account, a person's statement), from every
    CHRONOLOGY_BESIDE entry, in a fixed number of queries whatever the page's size."""
    beside: dict[int, list[dict]] = {}
    for add in CHRONOLOGY_BESIDE:
        for entry_id, items in add(entries=entries).items():
            beside.setdefault(entry_id, []).extend(items)
    return beside


def entry_get_for(*, professional, entry_id: int, purpose: str = "chronology entry",
                  write: bool = False) -> ChronologyEntry:
    family_id = ChronologyEntry.objects.filter(pk=entry_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No chronology entry found")
    family_get_for(professional=professional, family_id=family_id, purpose=purpose, write=write)
    return _with_related(ChronologyEntry.objects.filter(pk=entry_id)).select_related("family").get()


# A record id no address has in it otherwise: reversed once, then replaced by each entry's id (_source_urls).
_PROBE = "8123456789"


def _source_urls():
    """source_url for one page's rows (issue 15): one reverse per kind of record a page, not one a row (a reverse
    was a sixth of the rows' time). A numeric id is put where the probe id was reversed to; anything else, or an
    address the probe does not appear in exactly once, is reversed as before."""
    patterns: dict[str, str | None] = {}

    def url_of(entry: ChronologyEntry) -> str | None:
        link = source_links().get(entry.source_type)
        if not link or not entry.source_id:
            return None
        source_id = str(entry.source_id)
        if not (source_id.isascii() and source_id.isdigit()):
            return link.url(source_id)
        if link.url_name not in patterns:
            try:
                probe = link.url(_PROBE)
            except NoReverseMatch:
                probe = ""
            patterns[link.url_name] = probe if probe.count(_PROBE) == 1 else None
        pattern = patterns[link.url_name]
        return pattern.replace(_PROBE, source_id) if pattern else link.url(source_id)

    return url_of


def source_url(entry: ChronologyEntry) -> str | None:
    link = source_links().get(entry.source_type)
    if not link or not entry.source_id:
        return None
    return link.url(entry.source_id)


def chronology_exports_for(*, professional, family) -> list:
    """The professional's own exports of the family still kept (issue 15): nobody else's."""
    from .models import ChronologyExport

    return list(ChronologyExport.objects.filter(requested_by=professional, family=family,
                                                expires_at__gt=timezone.now())
                .defer("content").order_by("-created_at")[:10])


def chronology_export_get_for(*, professional, family, export_id: int):
    """An export of a family the caller may read (checked before, `family_get_for`), if they asked for it and it is
    still kept; otherwise a 404, so that nobody learns of another's export, even in the same agency."""
    from .models import ChronologyExport

    export = (ChronologyExport.objects.filter(pk=export_id, family=family, requested_by=professional,
                                              expires_at__gt=timezone.now()).first())
    if export is None:
        raise Http404("No export found")
    return export
