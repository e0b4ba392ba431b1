"""Demo: the Evans household (Welsh speakers) has a written agreement in Welsh. Version 1 was refused, version 2
was signed; two breaches are recorded since (the second from the father's threat to kill, when the incidents record
is installed), and its review date is close enough to be a tracked action."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from doorstep.core.workingdays import add_working_days
from doorstep.core.demo import DemoRegion
from doorstep.families.models import Involvement
from doorstep.incidents.models import Incident

from . import scheduled, services
from .models import AgreementTerm, TermSection


def load(region: DemoRegion) -> None:
    family = region.families.get("evans")
    if family is None:
        return
    today = timezone.localdate()
    worker = region.practitioner("health")
    parents = list(family.members.filter(role="parent").order_by("id"))
    leads = [i.lead_professional for i in Involvement.objects.filter(family=family, ended_on__isnull=True)
             .select_related("lead_professional__agency").order_by("agency__name") if i.lead_professional]
    agency_texts = {}
    for inv in Involvement.objects.filter(family=family, ended_on__isnull=True).select_related("agency"):
        agency_texts[inv.agency_id] = {
            "health": "Bydd yr ymwelydd iechyd yn dod i'ch gweld bob pythefnos i weld sut mae'r plant yn tyfu.",
            "education": "Bydd yr ysgol yn eich ffonio ar yr un diwrnod os nad yw'r plant wedi cyrraedd.",
            "csc": "Bydd y gweithiwr cymdeithasol yn dod i'ch gweld bob wythnos ac yn trefnu cyfarfodydd gyda chi.",
            "police": "Bydd yr heddlu yn ymateb bob tro y byddwch yn ffonio am help.",
        }.get(inv.agency.kind, "")
    content = dict(
        language="cy", review_date=today + timedelta(days=90), people=parents, professionals=leads or [worker],
        behaviours=["shouting", "swearing", "threats", "animals"],
        other_behaviours="Gadael i'r ci redeg yn rhydd pan fyddwn yn ymweld",
        expectations=["see_children", "home", "appointments", "school"], other_expectations="",
        commitments=["respect", "honest", "notice", "language", "explain", "complain"],
        agency_commitments=agency_texts, consequences=["meeting", "conference", "legal"], other_consequences="",
    )
    version = services.agreement_draft(family=family, by=worker, **content)
    services.agreement_version_issue(version=version, by=worker, issued_on=today - timedelta(days=56))
    services.agreement_version_respond(
        version=version, by=worker, signed=False, on=today - timedelta(days=56), people=parents,
        note="Both parents said the agreement treats them as criminals and would not sign. They agreed to look at a "
             "shorter version with the social worker present.",
    )
    agreement = version.agreement
    second = services.agreement_revise(agreement=agreement, by=worker)
    # Version 2 is the shorter version the parents asked for; its review date is near, so the sweep makes the
    # review a tracked action for the health visitor (AGR-1).
    content.update(other_behaviours="", review_date=add_working_days(today, 3))
    services.agreement_version_update(version=second, by=worker, **content)
    second = services.agreement_version_issue(version=second, by=worker, issued_on=today - timedelta(days=35))
    services.agreement_version_respond(version=second, by=worker, signed=True, on=today - timedelta(days=35),
                                       people=parents, note="Signed at the meeting at the family centre.")

    shouting = AgreementTerm.objects.get(version=second, section=TermSection.BEHAVIOUR, code="shouting")
    threats = AgreementTerm.objects.get(version=second, section=TermSection.BEHAVIOUR, code="threats")
    # AGR-2: breaches from the record where it has them (a contact, issue 3; an incident, issue 8), else by hand.
    from doorstep.engagement.models import Contact

    contact = (Contact.objects.filter(family=family, entered_in_error=False, occurred_at__gte=second.issued_at)
               .order_by("occurred_at").first())
    services.agreement_breach_record(
        agreement=agreement, by=worker, term=shouting, contact=contact,
        occurred_at=None if contact else timezone.make_aware(datetime.combine(today - timedelta(days=20),
                                                                              time(10, 30))),
        description="Dean shouted at the health visitor on the doorstep and told her to leave before she had seen "
                    "the children.",
    )
    incident = (Incident.objects.filter(family=family, occurred_at__gte=second.issued_at)
                .order_by("-occurred_at").first())
    services.agreement_breach_record(
        agreement=agreement, by=worker, term=threats, incident_id=incident.pk if incident else None,
        occurred_at=None if incident else timezone.make_aware(datetime.combine(today - timedelta(days=6),
                                                                               time(16, 0))),
        description="Dean stood over the health visitor in the doorway and said he would kill her if she came back.",
    )
    scheduled.agreement_reviews_sweep(now=timezone.now())
