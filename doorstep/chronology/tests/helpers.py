from datetime import timedelta

from django.utils import timezone

from doorstep.agencies.models import AgencyKind
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.chronology.services import tags_encode
from doorstep.testing.factories import AgencyFactory

KINDS = [EntryKind.CONTACT, EntryKind.CONTACT, EntryKind.CONTACT, EntryKind.INCIDENT, EntryKind.MEETING]


def long_history(world, n: int = 5000) -> list[ChronologyEntry]:
    """`n` entries across eight agencies, one every seven hours up to an hour ago, "Entry 00000" the oldest.

    Written in bulk: this is the shape of a family known for years (the chronology is what is being tested; the
    services that write entries one by one are tested elsewhere)."""
    agencies = [u.agency for u in (world.users["involved_practitioner"], world.users["other_involved"],
                                   world.users["uninvolved"], world.users["ended"])]
    agencies += [AgencyFactory(name=f"Agency {k}", kind=AgencyKind.VOLUNTARY) for k in range(4)]
    authors = [world.users["involved_practitioner"], world.users["other_involved"], None]
    newest = timezone.now() - timedelta(hours=1)
    # The family's own first entries (record opened, people added) move to before the long history begins, so
    # that "Entry 04999" is the newest entry of all.
    ChronologyEntry.objects.filter(family=world.family).update(occurred_at=newest - timedelta(hours=7 * n))
    entries = ChronologyEntry.objects.bulk_create([
        ChronologyEntry(
            family=world.family, kind=KINDS[i % len(KINDS)], occurred_at=newest - timedelta(hours=7 * (n - 1 - i)),
            agency=agencies[i % 8], author=authors[i % 3], summary=f"Entry {i:05d} from agency {i % 8}",
            significant=i % 50 == 0, tags=tags_encode(["refused_entry", "shouting"] if i % 10 == 0 else ["seen"]),
        )
        for i in range(n)
    ], batch_size=500)
    if entries[0].pk is None:  # databases that do not return keys from bulk inserts
        entries = list(ChronologyEntry.objects.filter(family=world.family, summary__startswith="Entry ")
                       .order_by("occurred_at", "id"))
    through = ChronologyEntry.people.through
    through.objects.bulk_create([through(chronologyentry_id=e.pk, person_id=world.child.pk)
                                 for i, e in enumerate(entries) if i % 3 == 0], batch_size=1000)
    return entries
