"""Building subject access requests in tests through the real services (RIG-1). The world's health practitioner is
made health's disclosure officer (their line manager, `involved_manager`, approves); the police postholder is made
the police's, so the police's records are consulted on."""

from datetime import timedelta

from django.utils import timezone

from doorstep.agencies.models import Professional
from doorstep.engagement.models import ContactKind, Outcome
from doorstep.engagement.services import contact_record
from doorstep.families import services as family_services
from doorstep.families.models import MemberRole
from doorstep.subjectaccess import services
from doorstep.subjectaccess.models import IdentityCheck, RequesterKind, SubjectAccessRequest

FATHER = "Dean Testing"
NOTE = "Kelly said that Dean Testing shouted at the door. Dean left before the visit ended."
THEIR_WORDS = "Kelly said she was too tired; Dean was asleep."


def officers(world) -> tuple[Professional, Professional]:
    """The health disclosure officer and the police's, with the flag set on the stored row and the world's object."""
    made = []
    for role in ("involved_practitioner", "involved_postholder"):
        user = world.users[role]
        Professional.objects.filter(pk=user.pk).update(is_disclosure_officer=True)
        user.is_disclosure_officer = True
        made.append(user)
    return made[0], made[1]


def record(world, **kwargs) -> SubjectAccessRequest:
    officer, _police = officers(world)
    today = timezone.localdate()
    fields = dict(family=world.family, by=officer, subject=world.parent, requester_kind=RequesterKind.SUBJECT,
                  requester_name="", identity_check=IdentityCheck.PHOTO_ID, identity_checked_on=today,
                  received_on=today, language="en")
    fields.update(kwargs)
    return services.request_record(**fields)


def with_records(world) -> None:
    """The father in the household; a health contact naming him, with the mother's own words naming him too; a police
    contact with the mother present."""
    officer, _police = officers(world)
    if not world.family.members.filter(given_name="Dean").exists():
        family_services.person_add(family=world.family, by=officer, role=MemberRole.PARENT, given_name="Dean",
                                   family_name="Testing")
    now = timezone.now()
    contact_record(family=world.family, by=officer, kind=ContactKind.HOME_VISIT, outcome=Outcome.SEEN,
                   occurred_at=now - timedelta(days=3), adults_present=[world.parent], note=NOTE,
                   non_cooperation_basis="given", non_cooperation_reasons=THEIR_WORDS)
    contact_record(family=world.family, by=world.users["other_involved"], kind=ContactKind.HOME_VISIT,
                   outcome=Outcome.SEEN, occurred_at=now - timedelta(days=2), adults_present=[world.parent],
                   note="Police welfare check with Kelly.")


def gathered(world) -> SubjectAccessRequest:
    """A request about the mother with the records gathered (once per world: the access matrix asks many times)."""
    found = SubjectAccessRequest.objects.filter(family=world.family).first()
    if found is not None:
        officers(world)
        return found
    with_records(world)
    found = record(world)
    return services.request_gather(request=found, by=world.users["involved_practitioner"])
