"""Writes to written agreements (AGR-1, AGR-2). Each is one transaction with its audit row and chronology entry."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.utils.translation import override

from doorstep.agencies.models import Professional
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.chronology.models import EntryKind
from doorstep.chronology.services import chronology_record
from doorstep.core.texts import Text, choice_label
from doorstep.core.access import family_require_write, require_family_worker
from doorstep.core.workingdays import end_of_day
from doorstep.escalations.evaluate import family_evaluate
from doorstep.escalations.services import escalations_close_by_key, rule_settings
from doorstep.families.models import CHILD_ROLES, CorrespondenceLanguage, Family, Involvement, Person
from doorstep.notifications.models import NotificationKind
from doorstep.notifications.services import notify

from . import rules
from .models import (
    BREACHABLE_SECTIONS,
    GIVEN_STATES,
    AgencyCommitment,
    AgreementBreach,
    AgreementReview,
    AgreementReviewOutcome,
    AgreementTerm,
    AgreementVersion,
    Consequence,
    FamilyExpectation,
    SignedCopy,
    TermSection,
    UnacceptableBehaviour,
    VersionState,
    WrittenAgreement,
)

# A review date further away than this is not a review (AGR-1: the agreement is reviewed with the family).
MAX_REVIEW_DAYS = 366
MAX_WRITTEN_TERMS = 10
MAX_TERM_LENGTH = 500
MAX_SIGNED_COPY_BYTES = 10 * 1024 * 1024
SIGNED_COPY_TYPES = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}


def review_key(agreement_id: int) -> str:
    """The escalation key of an agreement's review (idempotent: one open review action per agreement)."""
    return rules.review_key(agreement_id)


def review_notice_working_days(partnership=None) -> int:
    # ESC-12: AGR-1's setting on the Rule settings page of the family's partnership (issue 21). The review action is
    # raised this many working days before the review date.
    return rule_settings("AGR-1", partnership)[1]["review_notice_working_days"]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def family_default_language(*, family: Family) -> str:
    """FAM-4: the agreement is written in the parents' preferred language: Welsh if a parent or carer asks for
    Welsh, otherwise English."""
    prefs = set(
        Person.objects.filter(family=family, role__in=("parent", "carer")).values_list("correspondence_language",
                                                                                        flat=True)
    )
    return CorrespondenceLanguage.WELSH if CorrespondenceLanguage.WELSH in prefs else CorrespondenceLanguage.ENGLISH


def _clean_content(
    *,
    family: Family,
    language: str,
    review_date: date,
    people: Iterable[Person],
    professionals: Iterable[Professional],
    behaviours: Iterable[str],
    other_behaviours: str,
    expectations: Iterable[str],
    other_expectations: str,
    commitments: Iterable[str],
    agency_commitments: dict | None,
    consequences: Iterable[str],
    other_consequences: str,
) -> dict:
    """Check everything an agreement says before anything is written; every error names its field."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if language not in CorrespondenceLanguage.values:
        errors["language"] = _("Select the language of the agreement")
    if review_date is None:
        errors["review_date"] = _("Enter the review date")
    elif review_date <= today:
        errors["review_date"] = _("The review date must be in the future")
    elif review_date > today + timedelta(days=MAX_REVIEW_DAYS):
        errors["review_date"] = _("The review date must be within a year")
    people = list(people)
    if not people:
        errors["people"] = _("Select the family members who are party to the agreement")
    elif any(p.family_id != family.pk or p.role in CHILD_ROLES for p in people):
        errors["people"] = _("Select adults of this household")
    professionals = list(professionals)
    involved = set(
        Involvement.objects.filter(family=family, ended_on__isnull=True).values_list("agency_id", flat=True)
    )
    if not professionals:
        errors["professionals"] = _("Select the professionals who are party to the agreement")
    elif any(p.agency_id not in involved for p in professionals):
        errors["professionals"] = _("Each professional must work for an agency involved with the family")

    def chosen(values, choices, field):
        values = list(dict.fromkeys(values))
        if any(v not in choices.values for v in values):
            errors[field] = _("Select from the list")
        return values

    def written(text, field):
        lines = _lines(text)
        if len(lines) > MAX_WRITTEN_TERMS:
            errors[field] = _("Write at most %(n)s, one on each line") % {"n": MAX_WRITTEN_TERMS}
        elif any(len(line) > MAX_TERM_LENGTH for line in lines):
            errors[field] = _("Each line must be %(n)s characters or fewer") % {"n": MAX_TERM_LENGTH}
        return lines

    behaviours = chosen(behaviours, UnacceptableBehaviour, "behaviours")
    other_behaviours = written(other_behaviours, "other_behaviours")
    if not behaviours and not other_behaviours and "behaviours" not in errors:
        errors["behaviours"] = _("Select or write at least one behaviour that is not acceptable")
    expectations = chosen(expectations, FamilyExpectation, "expectations")
    other_expectations = written(other_expectations, "other_expectations")
    if not expectations and not other_expectations and "expectations" not in errors:
        errors["expectations"] = _("Select or write at least one thing you expect from the family")
    commitments = chosen(commitments, AgencyCommitment, "commitments")
    agency_texts = {}
    for agency_id, text in (agency_commitments or {}).items():
        text = (text or "").strip()
        if not text:
            continue
        if int(agency_id) not in involved:
            errors["commitments"] = _("Only agencies involved with the family can make commitments")
        elif len(text) > 2000:
            errors[f"agency_{agency_id}"] = _("Write 2000 characters or fewer")
        agency_texts[int(agency_id)] = text
    if not commitments and not agency_texts and "commitments" not in errors:
        errors["commitments"] = _("Select at least one thing the family can expect from the professionals")
    consequences = chosen(consequences, Consequence, "consequences")
    other_consequences = written(other_consequences, "other_consequences")
    if not consequences and not other_consequences and "consequences" not in errors:
        errors["consequences"] = _("Select or write what will happen if things do not change")
    if errors:
        raise ValidationError(errors)
    return {
        "language": language, "review_date": review_date, "people": people, "professionals": professionals,
        "terms": [
            *[(TermSection.BEHAVIOUR, code, "", None) for code in behaviours],
            *[(TermSection.BEHAVIOUR, "", text, None) for text in other_behaviours],
            *[(TermSection.FAMILY, code, "", None) for code in expectations],
            *[(TermSection.FAMILY, "", text, None) for text in other_expectations],
            *[(TermSection.ALL_AGENCIES, code, "", None) for code in commitments],
            *[(TermSection.AGENCY, "", text, agency_id) for agency_id, text in sorted(agency_texts.items())],
            *[(TermSection.CONSEQUENCE, code, "", None) for code in consequences],
            *[(TermSection.CONSEQUENCE, "", text, None) for text in other_consequences],
        ],
    }


def agreement_content_errors(*, family: Family, **content) -> dict[str, list[str]]:
    """Every problem with what an agreement would say, without writing anything: lets a form show all its errors
    at once (GOV.UK error summary) even when one of its own fields is also wrong."""
    try:
        _clean_content(family=family, **content)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _write_content(version: AgreementVersion, content: dict) -> None:
    version.terms.all().delete()
    AgreementTerm.objects.bulk_create([
        AgreementTerm(version=version, section=section, code=code, text=text, agency_id=agency_id, position=i)
        for i, (section, code, text, agency_id) in enumerate(content["terms"])
    ])
    version.people.set(content["people"])
    version.professionals.set(content["professionals"])


@transaction.atomic
def agreement_draft(*, family: Family, by: Professional, **content) -> AgreementVersion:
    """Open a written agreement with the family from the case file: its first version, as a draft (AGR-1)."""
    family_require_write(professional=by, family=family, purpose="draft a written agreement")
    Family.objects.select_for_update().filter(pk=family.pk).first()
    if WrittenAgreement.objects.filter(family=family, ended_at__isnull=True).exists():
        raise ValidationError({"__all__": _("This family already has a written agreement: revise it instead")})
    cleaned = _clean_content(family=family, **content)
    agreement = WrittenAgreement.objects.create(family=family, lead=by, created_by=by)
    version = AgreementVersion.objects.create(
        agreement=agreement, number=1, language=cleaned["language"], review_date=cleaned["review_date"], drafted_by=by
    )
    _write_content(version, cleaned)
    audit_record(actor=by, action=AuditAction.CREATE, obj=version, family=family,
                 summary=Text(gettext_noop("Drafted a written agreement (version 1)")))
    return version


@transaction.atomic
def agreement_version_update(*, version: AgreementVersion, by: Professional, **content) -> AgreementVersion:
    """Change a draft. A version the family has been given is never changed: revise it instead."""
    family_require_write(professional=by, family=version.agreement.family, purpose="change a written agreement")
    version = AgreementVersion.objects.select_for_update().select_related("agreement__family").get(pk=version.pk)
    if not version.is_draft:
        raise ValidationError({"__all__": _("Only a draft can be changed. Revise the agreement to change it.")})
    cleaned = _clean_content(family=version.agreement.family, **content)
    version.language = cleaned["language"]
    version.review_date = cleaned["review_date"]
    version.save(update_fields=["language", "review_date", "updated_at"])
    _write_content(version, cleaned)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=version, family=version.agreement.family,
                 summary=Text(gettext_noop("Changed the draft written agreement (version %(n)s)")) % {"n": version.number})
    return version


def agreement_in_force(agreement: WrittenAgreement) -> AgreementVersion | None:
    """The latest version the family has been given (issued, signed or refused)."""
    return agreement.versions.filter(state__in=GIVEN_STATES).order_by("-number").first()


@transaction.atomic
def agreement_revise(*, agreement: WrittenAgreement, by: Professional) -> AgreementVersion:
    """Start a new version as a draft, copying the version in force; the earlier versions are kept."""
    family_require_write(professional=by, family=agreement.family, purpose="revise a written agreement")
    agreement = WrittenAgreement.objects.select_for_update().get(pk=agreement.pk)
    if not agreement.is_open:
        raise ValidationError({"__all__": _("This agreement has ended")})
    if agreement.versions.filter(state=VersionState.DRAFT).exists():
        raise ValidationError({"__all__": _("There is already a draft of the next version")})
    source = agreement_in_force(agreement)
    if source is None:
        raise ValidationError({"__all__": _("Give the first version to the family before revising it")})
    number = agreement.versions.order_by("-number").values_list("number", flat=True).first() + 1
    review_date = source.review_date
    if review_date <= timezone.localdate():
        review_date = timezone.localdate() + timedelta(days=90)
    version = AgreementVersion.objects.create(agreement=agreement, number=number, language=source.language,
                                              review_date=review_date, drafted_by=by)
    AgreementTerm.objects.bulk_create([
        AgreementTerm(version=version, section=t.section, code=t.code, text=t.text, agency_id=t.agency_id,
                      position=t.position)
        for t in source.terms.all()
    ])
    version.people.set(source.people.all())
    version.professionals.set(source.professionals.all())
    audit_record(actor=by, action=AuditAction.CREATE, obj=version, family=agreement.family,
                 summary=Text(gettext_noop("Started version %(n)s of the written agreement")) % {"n": number})
    return version


@transaction.atomic
def agreement_version_issue(*, version: AgreementVersion, by: Professional,
                            issued_on: date | None = None) -> AgreementVersion:
    """Give the version to the family to sign: the earlier version is replaced, the review date is set.

    `issued_on` records a version handed over on an earlier day (a late entry); by default, now.
    """
    require_family_worker(by)
    version = AgreementVersion.objects.select_for_update().select_related("agreement__family").get(pk=version.pk)
    family_require_write(professional=by, family=version.agreement.family, purpose="issue a written agreement")
    agreement = WrittenAgreement.objects.select_for_update().get(pk=version.agreement_id)
    family = agreement.family
    if not agreement.is_open:
        raise ValidationError({"__all__": _("This agreement has ended")})
    if not version.is_draft:
        raise ValidationError({"__all__": _("This version has already been given to the family")})
    if version.review_date <= timezone.localdate():
        raise ValidationError({"review_date": _("The review date must be in the future: change the draft first")})
    today = timezone.localdate()
    if issued_on is not None and (issued_on > today or issued_on < today - timedelta(days=MAX_REVIEW_DAYS)):
        raise ValidationError({"issued_on": _("The date it was given to the family must be today or in the past "
                                              "year")})
    latest = agreement.versions.filter(state__in=GIVEN_STATES).order_by("-issued_at").first()
    now = timezone.now()
    if issued_on is not None and issued_on < today:
        now = timezone.make_aware(datetime.combine(issued_on, time.min))
    if latest is not None and latest.issued_at >= now:
        raise ValidationError({"issued_on": _("This version must be given after the version it replaces")})
    agreement.versions.filter(state__in=GIVEN_STATES).update(state=VersionState.SUPERSEDED, superseded_at=now)
    version.state = VersionState.ISSUED
    version.issued_by = by
    version.issued_at = now
    version.save(update_fields=["state", "issued_by", "issued_at", "updated_at"])
    agreement.review_date = version.review_date
    agreement.review_escalated_for = None
    agreement.save(update_fields=["review_date", "review_escalated_for"])
    # A new version given to the family is a review of the agreement (AGR-1).
    escalations_close_by_key(key=review_key(agreement.pk), by=by,
                             outcome=Text(gettext_noop("Version %(n)s of the written agreement given to the family")) % {
                                 "n": version.number})
    audit_record(actor=by, action=AuditAction.UPDATE, obj=version, family=family,
                 summary=Text(gettext_noop("Gave version %(n)s of the written agreement to the family")) % {"n": version.number})
    people = list(version.people.all())
    chronology_record(
        family=family, kind=EntryKind.AGREEMENT, occurred_at=now, by=by, source=agreement, people=people,
        significant=True, tags=["agreement", "issued"],
        summary=Text(gettext_noop("Written agreement version %(n)s (%(language)s) given to %(people)s to sign; review by %(date)s")) % {
            "n": version.number, "language": choice_label(version, "language"),
            "people": ", ".join(str(p) for p in people), "date": version.review_date},
    )
    notify(
        recipients=[p for p in version.professionals.all() if p.pk != by.pk], kind=NotificationKind.PLAN,
        message=Text(gettext_noop("You are party to the written agreement with %(family)s")) % {"family": family.name_text},
        link=f"/agreements/{agreement.pk}/", family=family, dedupe_key=f"agreement-version:{version.pk}:issued",
    )
    return version


def _signed_copy_check(upload) -> tuple[bytes, str]:
    if upload.size > MAX_SIGNED_COPY_BYTES:
        raise ValidationError({"signed_copy": _("The signed copy must be smaller than 10 MB")})
    data = upload.read()
    for magic, content_type in SIGNED_COPY_TYPES.items():
        if data.startswith(magic):
            return data, content_type
    raise ValidationError({"signed_copy": _("The signed copy must be a PDF, JPEG or PNG file")})


@transaction.atomic
def agreement_version_respond(
    *, version: AgreementVersion, by: Professional, signed: bool, on: date, people: Iterable[Person], note: str = "",
    signed_copy=None,
) -> AgreementVersion:
    """Record the family's answer: the signed copy, or their refusal to sign in their own words (AGR-1)."""
    require_family_worker(by)
    version = AgreementVersion.objects.select_for_update().select_related("agreement__family").get(pk=version.pk)
    family_require_write(professional=by, family=version.agreement.family, purpose="record the family's answer")
    family = version.agreement.family
    if version.state != VersionState.ISSUED:
        raise ValidationError({"__all__": _("Only a version given to the family and not yet answered can be signed "
                                            "or refused")})
    errors = {}
    if on is None:
        errors["on"] = _("Enter the date")
    elif on > timezone.localdate() or on < timezone.localtime(version.issued_at).date():
        errors["on"] = _("The date must be between the day the agreement was given to the family and today")
    people = list(people)
    party = set(version.people.values_list("pk", flat=True))
    if not people:
        errors["people"] = _("Select who signed or refused")
    elif any(p.pk not in party for p in people):
        errors["people"] = _("Select family members who are party to the agreement")
    note = (note or "").strip()
    if not signed and not note:
        errors["note"] = _("Enter what the family said, or why they would not sign")
    if signed_copy is not None and not signed:
        errors["signed_copy"] = _("Only a signed agreement has a signed copy")
    if errors:
        raise ValidationError(errors)
    copy = _signed_copy_check(signed_copy) if signed_copy is not None else None
    version.state = VersionState.SIGNED if signed else VersionState.REFUSED
    version.response = "signed" if signed else "refused"
    version.response_on = on
    version.response_note = note
    version.response_recorded_by = by
    version.response_recorded_at = timezone.now()
    version.save(update_fields=["state", "response", "response_on", "response_note", "response_recorded_by",
                                "response_recorded_at", "updated_at"])
    version.response_people.set(people)
    if copy is not None:
        SignedCopy.objects.create(version=version, filename=(signed_copy.name or "signed-copy")[-200:],
                                  content_type=copy[1], size=len(copy[0]), data=copy[0], uploaded_by=by)
    names = ", ".join(str(p) for p in people)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=version, family=family,
                 summary=(Text(gettext_noop("Recorded that version %(n)s was signed")) if signed
                          else Text(gettext_noop("Recorded that version %(n)s was refused"))) % {"n": version.number},
                 reason=note)
    if signed:
        summary = Text(gettext_noop("Written agreement version %(n)s signed by %(people)s")) % {"n": version.number, "people": names}
    else:
        summary = Text(gettext_noop("%(people)s refused to sign written agreement version %(n)s: %(note)s")) % {
            "n": version.number, "people": names, "note": note}
    chronology_record(
        family=family, kind=EntryKind.AGREEMENT, occurred_at=end_of_day(on) if on < timezone.localdate() else
        timezone.now(), by=by, source=version.agreement, people=people, significant=not signed,
        tags=["agreement", "signed" if signed else "refused"], summary=summary,
    )
    family_evaluate(family=family)
    return version


def _incident_for(family: Family, incident_id: int):
    """The incident (issue 8), if it belongs to the family."""
    from doorstep.incidents.models import Incident

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is None or incident.family_id != family.pk:
        raise ValidationError({"incident": _("That incident is not on this family's record")})
    return incident


@transaction.atomic
def agreement_breach_record(
    *, agreement: WrittenAgreement, by: Professional, term: AgreementTerm, description: str,
    occurred_at: datetime | None = None, contact=None, incident_id: int | None = None,
) -> AgreementBreach:
    """AGR-2: record that a term was breached, from a contact, an incident or by hand; it is shown on the agreement
    and on the chronology."""
    require_family_worker(by)
    agreement = WrittenAgreement.objects.select_for_update().select_related("family").get(pk=agreement.pk)
    family_require_write(professional=by, family=agreement.family, purpose="record a breach")
    family = agreement.family
    if not agreement.is_open:
        raise ValidationError({"__all__": _("This agreement has ended")})
    version = agreement_in_force(agreement)
    if version is None:
        raise ValidationError({"__all__": _("The agreement has not been given to the family yet")})
    errors = {}
    if term is None or term.version_id != version.pk or term.section not in BREACHABLE_SECTIONS:
        errors["term"] = _("Select a term of the agreement in force")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Enter what happened")
    if contact is not None:
        if contact.family_id != family.pk or contact.entered_in_error:
            errors["contact"] = _("That contact is not on this family's record")
        else:
            occurred_at = occurred_at or contact.occurred_at
    if incident_id is not None:
        try:
            incident = _incident_for(family, incident_id)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            occurred_at = occurred_at or getattr(incident, "occurred_at", None)
    if occurred_at is None:
        errors.setdefault("occurred_at", _("Enter when it happened"))
    elif occurred_at > timezone.now():
        errors["occurred_at"] = _("The breach must be in the past")
    elif occurred_at < version.issued_at:
        errors["occurred_at"] = _("The breach must be after the agreement was given to the family")
    if errors:
        raise ValidationError(errors)
    breach = AgreementBreach.objects.create(
        agreement=agreement, version=version, term=term, occurred_at=occurred_at, description=description,
        contact=contact, incident_id=incident_id, recorded_by=by,
    )
    audit_record(actor=by, action=AuditAction.CREATE, obj=breach, family=family,
                 summary=Text(gettext_noop("Recorded a breach of the written agreement")))
    with override(version.language):
        term_words = term.label
    chronology_record(
        family=family, kind=EntryKind.AGREEMENT, occurred_at=occurred_at, by=by, source=agreement, significant=True,
        tags=["agreement", "breach", term.code or "written"],
        summary=Text(gettext_noop("Breach of the written agreement: %(term)s. %(what)s")) % {"term": term_words, "what": description},
    )
    if agreement.lead_id != by.pk:
        notify(recipients=[agreement.lead], kind=NotificationKind.PLAN, family=family,
               message=Text(gettext_noop("A breach of the written agreement with %(family)s was recorded")) % {"family": family.name_text},
               link=f"/agreements/{agreement.pk}/", dedupe_key=f"agreement-breach:{breach.pk}")
    family_evaluate(family=family)
    return breach


@transaction.atomic
def agreement_review_record(
    *, agreement: WrittenAgreement, by: Professional, outcome: str, note: str, reviewed_on: date,
    next_review_date: date | None = None,
) -> AgreementReview:
    """Record the review of the agreement with the family: it continues to a new review date, or it ends."""
    require_family_worker(by)
    agreement = WrittenAgreement.objects.select_for_update().select_related("family").get(pk=agreement.pk)
    family_require_write(professional=by, family=agreement.family, purpose="review a written agreement")
    family = agreement.family
    if not agreement.is_open:
        raise ValidationError({"__all__": _("This agreement has ended")})
    version = agreement_in_force(agreement)
    if version is None:
        raise ValidationError({"__all__": _("The agreement has not been given to the family yet")})
    errors = {}
    today = timezone.localdate()
    note = (note or "").strip()
    if outcome not in AgreementReviewOutcome.values:
        errors["outcome"] = _("Select the outcome of the review")
    if not note:
        errors["note"] = _("Enter what was reviewed and decided")
    if reviewed_on is None or reviewed_on > today:
        errors["reviewed_on"] = _("The date of the review must be today or in the past")
    if outcome == AgreementReviewOutcome.CONTINUE:
        if next_review_date is None:
            errors["next_review_date"] = _("Enter the next review date")
        elif next_review_date <= today or next_review_date > today + timedelta(days=MAX_REVIEW_DAYS):
            errors["next_review_date"] = _("The next review date must be in the future and within a year")
    else:
        next_review_date = None
    if errors:
        raise ValidationError(errors)
    review = AgreementReview.objects.create(agreement=agreement, version=version, reviewed_on=reviewed_on,
                                            outcome=outcome, note=note, next_review_date=next_review_date, by=by)
    if outcome == AgreementReviewOutcome.CONTINUE:
        agreement.review_date = next_review_date
        agreement.review_escalated_for = None
        agreement.save(update_fields=["review_date", "review_escalated_for"])
        summary = Text(gettext_noop("Written agreement reviewed; it continues, next review by %(date)s. %(note)s")) % {
            "date": next_review_date, "note": note}
    else:
        agreement.ended_at = timezone.now()
        agreement.ended_by = by
        agreement.end_reason = note
        agreement.save(update_fields=["ended_at", "ended_by", "end_reason"])
        summary = Text(gettext_noop("Written agreement reviewed and ended: %(note)s")) % {"note": note}
    escalations_close_by_key(key=review_key(agreement.pk), by=by, outcome=Text(gettext_noop("Reviewed: %(note)s")) % {"note": note[:480]})
    audit_record(actor=by, action=AuditAction.UPDATE, obj=agreement, family=family,
                 summary=(Text(gettext_noop("Reviewed the written agreement (continue)"))
                          if outcome == AgreementReviewOutcome.CONTINUE
                          else Text(gettext_noop("Reviewed the written agreement (end)"))), reason=note)
    chronology_record(family=family, kind=EntryKind.AGREEMENT, occurred_at=timezone.now(), by=by, source=agreement,
                      significant=outcome == AgreementReviewOutcome.END, tags=["agreement", "review"], summary=summary)
    return review
