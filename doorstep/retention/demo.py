"""Demo (issue 20): a family past retention for the health board's records manager to find under "Retention".

- `health.records` (Bethan Rowlands): the health board's records manager (`is_records_manager`), whose line manager
  is health.manager (who may decide an erasure she proposes).
- Madoc household: two adults, no children; health visiting and the police were involved from twelve years ago
  until nine years ago. Records about adults only, and police information, are kept six years after the last
  involvement ended: three years past retention, not on hold, nothing proposed.

`load` runs the nightly review once at its end, so the list shows at once.
"""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from doorstep.agencies.models import Role
from doorstep.agencies.services import professional_create
from doorstep.chronology.models import ChronologyEntry
from doorstep.core.demo import DEMO_PASSWORD, DemoRegion
from doorstep.engagement.models import Contact, ContactKind, Outcome
from doorstep.engagement.services import contact_record
from doorstep.families.models import Involvement, MemberRole, Person
from doorstep.families.services import family_create, involvement_end, involvement_start, person_add

from .scheduled import retention_nightly

YEARS_AGO_STARTED, YEARS_AGO_ENDED = 12, 9


def _years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) if not (today.month == 2 and today.day == 29) else \
        date(today.year - years, 2, 28)


def load(region: DemoRegion) -> None:
    health = region.agencies["health"]
    manager = region.manager("health")
    records = professional_create(
        username="health.records", first_name="Bethan", last_name="Rowlands", email="health.records@example.org",
        agency=health, team=manager.team, role=Role.PRACTITIONER, job_title="Records manager (data protection)",
        password_hash=make_password(DEMO_PASSWORD), line_manager=manager, is_records_manager=True,
        phone="01632 960002")
    region.staff[records.username] = records

    worker = region.practitioner("health", 3)
    police = region.practitioner("police", 3)
    started, ended = _years_ago(YEARS_AGO_STARTED), _years_ago(YEARS_AGO_ENDED)
    family = family_create(by=worker, name="Madoc household", reason="Health visiting support for a new mother.",
                           line1="12 Ffordd yr Orsaf", town="Afonwy", postcode="AF4 2PP", involved_since=started,
                           moved_in=started,
                           summary="Synthetic demo family (issue 20): no agency involved for nine years.")
    person_add(family=family, by=worker, role=MemberRole.PARENT, given_name="Glenys", family_name="Madoc",
               date_of_birth=date(1979, 8, 3))
    person_add(family=family, by=worker, role=MemberRole.PARTNER, given_name="Emlyn", family_name="Madoc",
               date_of_birth=date(1975, 1, 19))
    involvement_start(family=family, by=worker, agency=police.agency, reason="Domestic disturbance reported.",
                      lead_professional=police, started_on=started)
    contact = contact_record(family=family, by=worker, kind=ContactKind.HOME_VISIT, outcome=Outcome.SEEN,
                             occurred_at=timezone.now() - timedelta(hours=2), purpose="Health visitor review.",
                             note="Glenys seen at home; the house was warm and tidy.")
    for involvement in Involvement.objects.filter(family=family).select_related("lead_professional"):
        involvement_end(involvement=involvement, by=involvement.lead_professional, reason="Support completed.")
    # The history is recorded today (the services only ever stamp "now"): move it back to when it happened.
    moment = timezone.make_aware(datetime.combine(ended - timedelta(days=30), time(10, 0)))
    Involvement.objects.filter(family=family).update(started_on=started, ended_on=ended)
    Contact.objects.filter(pk=contact.pk).update(occurred_at=moment, recorded_at=moment)
    ChronologyEntry.objects.filter(family=family).update(occurred_at=moment, recorded_at=moment)
    Person.objects.filter(family=family).update(created_at=moment)
    region.families["madoc"] = family
    retention_nightly(now=timezone.now())
