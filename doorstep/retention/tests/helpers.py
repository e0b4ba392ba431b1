"""Building retention records in tests through the real services (issue 20)."""

from datetime import date, timedelta

from django.utils import timezone

from doorstep.agencies.models import Professional
from doorstep.engagement.models import ContactKind, Outcome
from doorstep.engagement.services import contact_record
from doorstep.families.models import Family, Involvement, MemberRole
from doorstep.families.services import family_create, involvement_end, person_add
from doorstep.retention.models import ErasureRequest, ErasureState, LegalHold
from doorstep.retention.services import erasure_propose, legal_hold_place
from doorstep.testing.factories import ProfessionalFactory

CLOSED = "Pendragon household"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 3, 1)


def closed_family(world, *, ended_years_ago: int = 9, name: str = CLOSED, given: str = "Gwenllian",
                  surname: str = "Pendragon", outcome: str = Outcome.SEEN) -> Family:
    """A family of two adults the world's health agency worked with, its involvement ended `ended_years_ago` years
    ago (moved back after the services stamped today). Made once per name."""
    found = Family.objects.filter(name=name).first()
    if found is not None:
        return found
    worker = world.users["involved_practitioner"]
    today = timezone.localdate()
    family = family_create(by=worker, name=name, reason="Support for a parent after a bereavement.",
                           line1="3 Heol y Bryn", town="Afonwy", postcode="AF7 7ZZ",
                           involved_since=years_before(today, ended_years_ago + 2),
                           summary=f"{given} {surname} asked for help.")
    person_add(family=family, by=worker, role=MemberRole.PARENT, given_name=given, family_name=surname,
               date_of_birth=date(1980, 6, 1))
    contact_record(family=family, by=worker, kind=ContactKind.HOME_VISIT, outcome=outcome,
                   occurred_at=timezone.now() - timedelta(hours=2), purpose=f"Visit to {given}.",
                   note=f"{given} {surname} seen at home, Heol y Bryn.")
    involvement = Involvement.objects.get(family=family)
    involvement_end(involvement=involvement, by=worker, reason=f"{given} moved away.")
    Involvement.objects.filter(pk=involvement.pk).update(ended_on=years_before(today, ended_years_ago))
    return family


def second_records_manager(world) -> Professional:
    """Another records manager of the health agency (the world's involved_manager is one)."""
    manager = world.users["involved_manager"]
    found = Professional.objects.filter(username="health.records").first()
    return found or ProfessionalFactory(username="health.records", agency=manager.agency, team=manager.team,
                                        line_manager=manager, is_records_manager=True)


def proposal(world) -> ErasureRequest:
    """Erasure of the closed family proposed by the second records manager, for involved_manager to decide."""
    family = closed_family(world)
    found = ErasureRequest.objects.filter(family=family, state=ErasureState.PROPOSED).first()
    return found or erasure_propose(family=family, by=second_records_manager(world), note="Past retention.")


def hold(world) -> LegalHold:
    """A legal hold on the world's family, placed by involved_manager (a records manager)."""
    found = LegalHold.objects.filter(family=world.family, lifted_at__isnull=True).first()
    return found or legal_hold_place(family=world.family, by=world.users["involved_manager"], ground="litigation",
                                     note="Claim 2026-17.")
