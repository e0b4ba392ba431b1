"""Demo (RIG-1): health's disclosure officer (`health.disclosure`, line-managed by `health.manager`) has recorded a
subject access request from the Evans mother ten days ago and gathered every record about her: the names of the
children's father and the children are proposed for redaction, and the other agencies whose records are included are
consulted (the school has answered; children's services and the police have not). From there the demo walks through
consultation, redaction review, approval by `health.manager` and release."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from doorstep.agencies.models import Role
from doorstep.agencies.services import professional_create
from doorstep.core.demo import DEMO_PASSWORD, DemoRegion
from doorstep.families.models import MemberRole, Person

from . import services
from .models import Consultation, IdentityCheck, RequesterKind


def load(region: DemoRegion) -> None:
    health = region.agencies["health"]
    manager = region.manager("health")
    officer = professional_create(
        username="health.disclosure", first_name="Rhiannon", last_name="Bowen", email="health.disclosure@example.org",
        agency=health, team=manager.team, role=Role.PRACTITIONER, job_title="Disclosure officer",
        password_hash=make_password(DEMO_PASSWORD), line_manager=manager, is_disclosure_officer=True,
    )
    region.staff[officer.username] = officer
    evans = region.families.get("evans")
    if evans is None:
        return
    mother = Person.objects.filter(family=evans, role=MemberRole.PARENT).order_by("id").first()
    received = timezone.localdate() - timedelta(days=10)
    request = services.request_record(
        family=evans, by=officer, subject=mother, requester_kind=RequesterKind.SUBJECT, requester_name="",
        identity_check=IdentityCheck.KNOWN, identity_checked_on=received, received_on=received,
        language=mother.correspondence_language,
    )
    services.request_gather(request=request, by=officer)
    school = Consultation.objects.filter(request=request, agency=region.agencies["school"]).first()
    if school is not None:
        services.consultation_answer(consultation=school, by=school.owner, objection=False)
