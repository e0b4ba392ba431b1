"""Keyset pagination and filters of the chronology (CHR-1)."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.chronology.selectors import ChronologyFilters, chronology_page, cursor_for, cursor_parse
from doorstep.chronology.services import chronology_record, tags_encode


def _walk(family, filters=ChronologyFilters(), size=7):
    seen, page = [], chronology_page(family=family, filters=filters, size=size)
    pages = [page]
    while page.older:
        page = chronology_page(family=family, filters=filters, before=page.older, size=size)
        pages.append(page)
    for p in pages:
        seen += [e.pk for e in p]
    return seen, pages


def test_entries_at_the_same_moment_page_by_id_without_gaps_or_repeats(world):
    moment = timezone.now() - timedelta(days=1)
    for i in range(30):
        chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=moment, summary=f"Tie {i}")
    expected = list(ChronologyEntry.objects.filter(family=world.family).order_by("-occurred_at", "-id")
                    .values_list("pk", flat=True))
    seen, pages = _walk(world.family)
    assert seen == expected
    assert pages[0].is_first and pages[0].newer is None and pages[-1].older is None
    # And back again: "newer" from the last page returns the page before it.
    back = chronology_page(family=world.family, filters=ChronologyFilters(), after=pages[-1].newer, size=7)
    assert [e.pk for e in back] == [e.pk for e in pages[-2]]


def test_a_malformed_cursor_shows_the_newest_page(world):
    chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=timezone.now(), summary="Newest")
    for bad in ("", "abc", "12.x", "9" * 40 + ".1", "1.2.3"):
        page = chronology_page(family=world.family, filters=ChronologyFilters(), before=bad)
        assert page.is_first and page.entries[0].summary == "Newest"
    assert cursor_parse("nonsense") is None


def test_cursor_round_trips_to_the_microsecond(world):
    moment = timezone.make_aware(datetime(2026, 3, 29, 3, 30, 0, 999999))
    entry = chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=moment, summary="x")
    parsed, pk = cursor_parse(cursor_for(entry))
    assert (parsed - moment, pk) == (timedelta(0), entry.pk)


def test_period_filter_uses_local_days(world):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    late = chronology_record(family=world.family, kind=EntryKind.CONTACT, summary="July",
                             occurred_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    page = chronology_page(family=world.family, filters=ChronologyFilters(date_from=date(2026, 7, 1),
                                                                           date_to=date(2026, 7, 1)))
    assert [e.pk for e in page] == [late.pk]
    page = chronology_page(family=world.family, filters=ChronologyFilters(date_to=date(2026, 6, 30)))
    assert late.pk not in [e.pk for e in page]


def test_behaviour_filter_matches_whole_tags(world):
    now = timezone.now()
    violence = chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=now, summary="a",
                                 tags=["violence"])
    chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=now, summary="b",
                      tags=["physical_violence"])
    page = chronology_page(family=world.family, filters=ChronologyFilters(behaviour="violence"))
    assert [e.pk for e in page] == [violence.pk]


def test_tags_are_encoded_once_each():
    assert tags_encode(["a", "b", "a", ""]) == "|a|b|"
    assert tags_encode([]) == ""


def test_recorded_at_is_kept_for_imported_records(world):
    then = timezone.now() - timedelta(days=3)
    entry = chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=then - timedelta(hours=1),
                              summary="Imported", recorded_at=then)
    entry.refresh_from_db()
    assert entry.recorded_at == then


def test_entries_link_to_the_record_behind_them(world):
    from django.urls import reverse

    from doorstep.chronology.selectors import source_url
    from doorstep.core.extensions import CHRONOLOGY_LINKS

    contact = chronology_record(family=world.family, kind=EntryKind.CONTACT, occurred_at=timezone.now(), summary="x")
    contact.source_type, contact.source_id = "engagement.Contact", "7"
    assert source_url(contact) == reverse("engagement:detail", args=[7])
    contact.source_type = "elsewhere.Unknown"
    assert source_url(contact) is None
    # Every kind of record the chronology links to has its page (a renamed page fails here, not silently).
    for link in CHRONOLOGY_LINKS:
        contact.source_type = link.model
        assert source_url(contact) == reverse(link.url_name, args=["7"])
