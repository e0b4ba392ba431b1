"""Reads of written agreements. An agreement is family data: whoever may see the family (P-4) may see its
agreement, and nobody else; every read goes through `family_get_for`, which audits it."""

from django.http import Http404


from doorstep.core.access import family_get_for

from .models import GIVEN_STATES, AgreementBreach, AgreementVersion, TermSection, VersionState, WrittenAgreement


def agreement_get_for(*, professional, agreement_id: int, purpose: str = "written agreement",
                      write: bool = False) -> WrittenAgreement:
    family_id = WrittenAgreement.objects.filter(pk=agreement_id).values_list("family_id", flat=True).first()
    if family_id is None:
        raise Http404("No agreement found")
    family = family_get_for(professional=professional, family_id=family_id, purpose=purpose, write=write)
    agreement = WrittenAgreement.objects.select_related("lead", "lead__agency", "ended_by").get(pk=agreement_id)
    agreement.family = family
    return agreement


def version_get_for(*, professional, version_id: int, purpose: str = "written agreement",
                    write: bool = False) -> AgreementVersion:
    agreement_id = AgreementVersion.objects.filter(pk=version_id).values_list("agreement_id", flat=True).first()
    if agreement_id is None:
        raise Http404("No agreement found")
    agreement = agreement_get_for(professional=professional, agreement_id=agreement_id, purpose=purpose, write=write)
    version = AgreementVersion.objects.select_related("drafted_by", "issued_by", "response_recorded_by").get(
        pk=version_id)
    version.agreement = agreement
    return version


def agreements_for_family(*, family) -> list[WrittenAgreement]:
    """The family's agreements, the open one first (the family has already been read through family_get_for)."""
    return list(WrittenAgreement.objects.filter(family=family).select_related("lead").order_by("ended_at", "-id"))


def agreement_open_for_family(*, family) -> WrittenAgreement | None:
    return WrittenAgreement.objects.filter(family=family, ended_at__isnull=True).select_related("lead").first()


def agreement_detail(*, agreement: WrittenAgreement) -> dict:
    """Everything the agreement page shows, in a fixed number of queries."""
    versions = list(agreement.versions.select_related("drafted_by", "issued_by", "response_recorded_by")
                    .prefetch_related("response_people").order_by("-number"))
    in_force = next((v for v in versions if v.state in GIVEN_STATES), None)
    draft = next((v for v in versions if v.state == VersionState.DRAFT), None)
    breaches = list(
        AgreementBreach.objects.filter(agreement=agreement)
        .select_related("term", "version", "recorded_by", "recorded_by__agency", "contact")
        .order_by("-occurred_at", "-id")
    )
    reviews = list(agreement.reviews.select_related("by").order_by("-reviewed_on", "-id"))
    return {"versions": versions, "in_force": in_force, "draft": draft, "breaches": breaches, "reviews": reviews}


def breachable_terms(*, version: AgreementVersion) -> list:
    return list(version.terms.filter(section__in=(TermSection.BEHAVIOUR, TermSection.FAMILY))
                .order_by("section", "position", "id"))


def breach_source_for(*, professional, contact_id: int | None = None, incident_id: int | None = None):
    """AGR-2: the contact or incident a breach is recorded from, with its family read through the access rule.

    Returns (family, contact or None, incident or None); a source that does not exist, or that belongs to a family
    the professional may not see, is a 404 (and the refusal is audited by family_get_for).
    """
    if contact_id is not None:
        from doorstep.engagement.models import Contact

        contact = Contact.objects.filter(pk=contact_id, entered_in_error=False).first()
        if contact is None:
            raise Http404("No contact found")
        family = family_get_for(professional=professional, family_id=contact.family_id, purpose="breach from contact",
                                write=True)
        return family, contact, None
    if incident_id is not None:
        from doorstep.incidents.models import Incident

        incident = Incident.objects.filter(pk=incident_id).first()
        if incident is None or not incident.family_id:
            raise Http404("No incident found")
        family = family_get_for(professional=professional, family_id=incident.family_id,
                                purpose="breach from incident", write=True)
        return family, None, incident
    raise Http404("No source for the breach")
