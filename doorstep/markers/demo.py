"""Demo: incidents and warning markers in the Afonwy region (issue 8), built through the real services.

- Evans: the father threatened to kill the health visitor; the police have not yet been told, so the health
  manager holds the ESC-4 police-report action; a marker on him, authorised; an older marker ended (history).
- Pritchard: a dog set on the health visitor at the door; an urgent marker on the address, shown at once as
  awaiting authorisation by the health manager.
- Hughes and Price: a marker on the Hughes household's address; the Hughes household moves out and the Price
  household moves in, and Price's case file shows the warning without naming the Hughes household.
- Thomas: a marker on a parent who followed workers to their cars, past its review date: the sweep raises the
  review action for the police manager.
- Owen: at a joint visit, recorded by the health visitor, the housing officer (another agency) was pushed; the
  housing manager holds the follow-up.
"""

from datetime import timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion
from doorstep.engagement.models import ThreatKind
from doorstep.families.models import FamilyAddress, MemberRole, Person
from doorstep.families.services import family_move
from doorstep.incidents.models import Support
from doorstep.incidents.services import incident_record

from .models import MarkerCategory, MarkerEvent, WarningMarker
from .scheduled import marker_review_sweep
from .services import marker_authorise, marker_end, marker_raise


def _parents(family) -> list[Person]:
    return list(Person.objects.filter(family=family, role__in=[MemberRole.PARENT, MemberRole.PARTNER]).order_by("id"))


def _backdate(marker: WarningMarker, *, days: int, review_date) -> None:
    """Give a demo marker a past (the services only ever stamp "now")."""
    at = timezone.now() - timedelta(days=days)
    WarningMarker.objects.filter(pk=marker.pk).update(raised_at=at, authorised_at=at, review_date=review_date)
    MarkerEvent.objects.filter(marker=marker).exclude(action__in=[MarkerEvent.Action.ENDED]).update(at=at)


def load(region: DemoRegion) -> None:
    now = timezone.now()
    today = timezone.localdate()

    # Evans: threats to kill, with the police action.
    evans = region.families["evans"]
    health, health_manager = region.practitioner("health"), region.manager("health")
    father = _parents(evans)[-1]
    incident = incident_record(
        family=evans, by=health, occurred_at=now - timedelta(days=2, hours=3), affected=[health], people=[father],
        threats=[ThreatKind.SHOUTING, ThreatKind.INTIMIDATING_LANGUAGE, ThreatKind.BODY_LANGUAGE],
        threat_to_kill=True, account=(
            f"I visited to weigh the baby. {father.given_name} {father.family_name} answered the door, stood over me "
            "in the doorway and shouted that if I came back he would kill me. I left at once and phoned my manager "
            "from the car."),
        life_for_child="If I was frightened in ten minutes on the doorstep, the children live with this every day.",
        manager_informed_at=now - timedelta(days=2, hours=2, minutes=40),
        support_offered=[Support.DEBRIEF, Support.COUNSELLING], support_taken_up=[Support.DEBRIEF],
        impact="I did not sleep that night and I am anxious about the next visit.",
    )
    marker = marker_raise(
        family=evans, by=health, person=father, incident=incident, category=MarkerCategory.THREATS,
        nature=f"Threatened to kill a health visitor at the door on {timezone.localtime(incident.occurred_at):%d/%m/%Y}.",
        advice="Do not visit alone: joint visit with the police, daylight only.",
        source="Incident recorded by the health visitor", review_date=today + timedelta(days=90),
    )
    marker_authorise(marker=marker, by=health_manager)
    school = region.practitioner("school")
    old = marker_raise(
        family=evans, by=school, person=_parents(evans)[0], category=MarkerCategory.ANIMALS,
        nature="A large dog was loose in the garden and jumped at the education welfare officer.",
        advice="Phone ahead and ask for the dog to be shut away.", source="Education welfare officer's visit",
        review_date=today + timedelta(days=30),
    )
    marker_authorise(marker=old, by=region.manager("school"))
    _backdate(old, days=400, review_date=today + timedelta(days=30))
    marker_end(marker=old, by=region.manager("school"), reason="The dog was rehomed; confirmed at the last visit.")

    # Pritchard: a dog used as a threat; an urgent marker on the address, awaiting authorisation.
    pritchard = region.families["pritchard"]
    health2 = region.practitioner("health", 2)
    dog = incident_record(
        family=pritchard, by=health2, occurred_at=now - timedelta(days=1, hours=5), affected=[health2],
        people=_parents(pritchard)[:1], threats=[ThreatKind.ANIMALS, ThreatKind.SHOUTING],
        account="When I knocked, the mother opened the door and let two dogs out, shouting 'get her'. The dogs "
                "circled me barking until she called them back. I left without seeing the children.",
        support_offered=[Support.DEBRIEF],
    )
    address = FamilyAddress.objects.get(family=pritchard, moved_out__isnull=True).address
    marker_raise(
        family=pritchard, by=health2, address=address, incident=dog, category=MarkerCategory.ANIMALS, urgent=True,
        nature="Dogs were set on a visiting health visitor.",
        advice="Two workers; phone ahead and do not enter unless the dogs are shut away.",
        source="Incident recorded by the health visitor", review_date=today + timedelta(days=180),
    )

    # Hughes and Price: a marker on an address whose household changed.
    hughes, price = region.families["hughes"], region.families["price"]
    old_home = FamilyAddress.objects.get(family=hughes, moved_out__isnull=True).address
    address_marker = marker_raise(
        family=hughes, by=health2, address=old_home, category=MarkerCategory.VIOLENCE,
        nature="An adult visitor at this address assaulted a health visitor on the doorstep.",
        advice="Two workers, daylight only; do not go inside.", source="Incident reported by the health visitor",
        review_date=today + timedelta(days=200),
    )
    marker_authorise(marker=address_marker, by=health_manager)
    family_move(family=hughes, by=health2, line1="4 Clos y Dderwen", town="Afonwy", postcode="AF1 9QT",
                moved_in=today - timedelta(days=60))
    family_move(family=price, by=region.practitioner("housing", 3), line1=old_home.line1, line2=old_home.line2,
                town=old_home.town, postcode=old_home.postcode, moved_in=today - timedelta(days=30))

    # Thomas: a marker past its review date.
    thomas = region.families["thomas"]
    stale = marker_raise(
        family=thomas, by=region.practitioner("police"), person=_parents(thomas)[-1],
        category=MarkerCategory.HARASSMENT,
        nature="Has followed workers to their cars and searched for their home addresses online.",
        advice="Park out of sight of the house; never give personal details.", source="Police information",
        review_date=today + timedelta(days=30),
    )
    marker_authorise(marker=stale, by=region.manager("police"))
    _backdate(stale, days=190, review_date=today - timedelta(days=6))

    # Owen: an incident against a worker from another agency (the housing officer at a joint visit).
    owen = region.families["owen"]
    housing = region.practitioner("housing")
    incident_record(
        family=owen, by=health2, occurred_at=now - timedelta(days=4, hours=1), affected=[housing],
        people=_parents(owen)[:1], threats=[ThreatKind.PHYSICAL_VIOLENCE, ThreatKind.THROWING, ThreatKind.SWEARING],
        injury=True, injury_details="Bruised arm; seen at the minor injuries unit.",
        witnesses="The health visitor (recorder).", police_informed=True,
        police_informed_at=now - timedelta(days=4), police_reference="AVP-2611-0452",
        account="At a joint visit about the repairs, the mother threw a mug at the housing officer and pushed him "
                "into the door frame. We both left. I called the police from the car.",
    )

    # The sweep would find the overdue review within seconds of the worker starting; run it now for the demo.
    marker_review_sweep(now=timezone.now())
