"""RIG-1 gathering: every record about the subject of a request, across capabilities, one selector per kind, each a
fixed number of queries whatever the family's size. Each returns `ItemDraft`s: the record's title and lines as
stored values (`core.texts`: field labels and choices as message ids, the workers' and family's words as written),
its agency, and whether each line is the subject's own words (never proposed for redaction).

What is "about the person" (004 §4.2): the family record and the person's own record; contacts where they were
present, seen or named; chronology entries about them; incidents they were involved in or named in; warning markers
on them or the whole household; meeting minutes where they are named; the family's plan; written agreements made
with them and their breaches; letters sent to them; supervision DECISIONS about the family (never the worker's
reflections, which are the worker's own supervision); visit plans to the family.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional
from doorstep.agreements.models import GIVEN_STATES, SECTION_CHOICES, AgreementBreach, AgreementVersion
from doorstep.chronology.models import ChronologyEntry
from doorstep.core.texts import Text, choice_label, text_from_json, value_to_json
from doorstep.engagement.models import Contact, ParentLetter, ReasonBasis
from doorstep.families.models import FamilyAddress, Person
from doorstep.incidents.models import Incident
from doorstep.markers.models import WarningMarker
from doorstep.meetings.models import Minutes, PlanAction
from doorstep.supervision.models import SupervisionDecision
from doorstep.visits.models import Visit

from .models import ItemKind, SubjectAccessRequest


@dataclass
class ItemDraft:
    kind: str
    source_type: str
    source_id: str
    title: Text
    agency_id: int | None = None
    occurred_at: datetime | None = None
    lines: list[dict] = field(default_factory=list)
    # Whole values that name someone else (who else was present, witnesses): proposed for redaction as they are.
    third_party_values: list[str] = field(default_factory=list)

    def line(self, label, value, *, own: bool = False, third_party: bool = False) -> None:
        if value in (None, "", [], ()):
            return
        self.lines.append({"label": value_to_json(label), "value": value_to_json(value), "own": own})
        if third_party and isinstance(value, str):
            self.third_party_values.append(value)


def _who(professional) -> object:
    if professional is None:
        return ""
    if professional.agency_id:
        return Text(gettext_noop("%(name)s, %(agency)s"), {"name": str(professional),
                                                         "agency": professional.agency.name_text})
    return str(professional)


def _named(subject: Person, *fields: str) -> Q:
    """Records whose words name the subject (their full name, or their first name)."""
    condition = Q()
    for name in {f"{subject.given_name} {subject.family_name}", subject.given_name}:
        for f in fields:
            condition |= Q(**{f"{f}__icontains": name})
    return condition


def family_record(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    family = request.family
    current = FamilyAddress.objects.filter(family=family, moved_out__isnull=True).select_related("address").first()
    item = ItemDraft(ItemKind.FAMILY, "families.Family", str(family.pk),
                     Text(gettext_noop("The family record: %(family)s (%(reference)s)"),
                          {"family": family.name_text, "reference": family.reference}),
                     occurred_at=family.created_at)
    item.line(_("reference"), family.reference)
    item.line(_("household name"), family.name_text)
    item.line(_("address"), str(current.address) if current else "")
    item.line(_("summary of concerns"), family.summary)
    return [item]


def person_record(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    p = request.subject
    item = ItemDraft(ItemKind.PERSON, "families.Person", str(p.pk),
                     Text(gettext_noop("The person record: %(name)s"), {"name": str(p)}), occurred_at=p.created_at)
    item.line(Person._meta.get_field("given_name").verbose_name, p.given_name, own=True)
    item.line(Person._meta.get_field("family_name").verbose_name, p.family_name, own=True)
    item.line(Person._meta.get_field("other_names").verbose_name, p.other_names, own=True)
    item.line(Person._meta.get_field("role").verbose_name, choice_label(p, "role"))
    item.line(Person._meta.get_field("date_of_birth").verbose_name, p.date_of_birth)
    item.line(Person._meta.get_field("first_language").verbose_name, p.first_language)
    item.line(Person._meta.get_field("correspondence_language").verbose_name,
              choice_label(p, "correspondence_language"))
    item.line(Person._meta.get_field("literacy").verbose_name, choice_label(p, "literacy"))
    item.line(Person._meta.get_field("disability").verbose_name, p.disability)
    item.line(Person._meta.get_field("cultural_dates").verbose_name, p.cultural_dates)
    if p.is_child:
        item.line(Person._meta.get_field("child_status").verbose_name, choice_label(p, "child_status"))
    return [item]


def contacts_about(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    subject = request.subject
    contacts = (Contact.objects.filter(family=request.family, entered_in_error_at__isnull=True)
                .filter(Q(adults_present=subject) | Q(children__child=subject)
                        | _named(subject, "note", "purpose", "child_impact", "non_cooperation_reasons"))
                .select_related("agency", "recorded_by", "recorded_by__agency").prefetch_related("adults_present")
                .distinct().order_by("occurred_at", "id"))
    found = []
    for c in contacts:
        present = [a.pk for a in c.adults_present.all()]
        item = ItemDraft(ItemKind.CONTACT, "engagement.Contact", str(c.pk),
                         Text(gettext_noop("%(kind)s by %(agency)s: %(outcome)s"),
                              {"kind": choice_label(c, "kind"), "agency": c.agency.name_text,
                               "outcome": choice_label(c, "outcome")}),
                         agency_id=c.agency_id, occurred_at=c.occurred_at)
        item.line(Contact._meta.get_field("occurred_at").verbose_name, c.occurred_at)
        item.line(_("recorded by"), _who(c.recorded_by))
        item.line(Contact._meta.get_field("purpose").verbose_name, c.purpose)
        item.line(Contact._meta.get_field("others_present").verbose_name, c.others_present, third_party=True)
        # FAM-5: reasons the family gave are the subject's own words when they were there to give them.
        given = c.non_cooperation_basis == ReasonBasis.GIVEN and subject.pk in present
        item.line(Contact._meta.get_field("non_cooperation_reasons").verbose_name, c.non_cooperation_reasons,
                  own=given)
        item.line(Contact._meta.get_field("areas_not_achieved").verbose_name, c.areas_not_achieved)
        item.line(Contact._meta.get_field("child_impact").verbose_name, c.child_impact)
        item.line(Contact._meta.get_field("note").verbose_name, c.note)
        found.append(item)
    return found


def chronology_about(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    entries = (ChronologyEntry.objects.filter(family=request.family, people=request.subject)
               .select_related("agency").order_by("occurred_at", "id"))
    found = []
    for e in entries:
        item = ItemDraft(ItemKind.CHRONOLOGY, "chronology.ChronologyEntry", str(e.pk),
                         Text(gettext_noop("Chronology: %(kind)s"), {"kind": choice_label(e, "kind")}),
                         agency_id=e.agency_id, occurred_at=e.occurred_at)
        item.line(ChronologyEntry._meta.get_field("occurred_at").verbose_name, e.occurred_at)
        item.line(ChronologyEntry._meta.get_field("summary").verbose_name,
                  text_from_json(e.summary_text) if e.summary_text else e.summary)
        found.append(item)
    return found


def incidents_about(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    subject = request.subject
    incidents = (Incident.objects.filter(family=request.family)
                 .filter(Q(people=subject) | _named(subject, "account", "life_for_child", "witnesses"))
                 .select_related("agency", "recorded_by", "recorded_by__agency").distinct()
                 .order_by("occurred_at", "id"))
    found = []
    for i in incidents:
        item = ItemDraft(ItemKind.INCIDENT, "incidents.Incident", str(i.pk),
                         Text(gettext_noop("Incident recorded by %(agency)s"),
                              {"agency": i.agency.name_text if i.agency_id else ""}),
                         agency_id=i.agency_id, occurred_at=i.occurred_at)
        item.line(Incident._meta.get_field("occurred_at").verbose_name, i.occurred_at)
        item.line(_("recorded by"), _who(i.recorded_by))
        item.line(Incident._meta.get_field("location").verbose_name, i.location)
        item.line(Incident._meta.get_field("account").verbose_name, i.account)
        item.line(Incident._meta.get_field("witnesses").verbose_name, i.witnesses, third_party=True)
        item.line(Incident._meta.get_field("unknown_people").verbose_name, i.unknown_people, third_party=True)
        item.line(Incident._meta.get_field("life_for_child").verbose_name, i.life_for_child)
        found.append(item)
    return found


def markers_about(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    markers = (WarningMarker.objects.filter(family=request.family)
               .filter(Q(person=request.subject) | Q(person__isnull=True))
               .select_related("raised_agency").order_by("raised_at", "id"))
    found = []
    for m in markers:
        item = ItemDraft(ItemKind.MARKER, "markers.WarningMarker", str(m.pk),
                         Text(gettext_noop("Warning marker: %(category)s"), {"category": choice_label(m, "category")}),
                         agency_id=m.raised_agency_id, occurred_at=m.raised_at)
        item.line(WarningMarker._meta.get_field("status").verbose_name, choice_label(m, "status"))
        item.line(WarningMarker._meta.get_field("nature").verbose_name, m.nature)
        item.line(WarningMarker._meta.get_field("advice").verbose_name, m.advice)
        item.line(WarningMarker._meta.get_field("source").verbose_name, m.source)
        found.append(item)
    return found


def minutes_naming(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    minutes = (Minutes.objects.filter(meeting__family=request.family)
               .filter(_named(request.subject, "concerns", "sharing_with_family", "dissent", "outcome_detail",
                              "no_plan_reason"))
               .select_related("meeting", "meeting__calling_agency").order_by("meeting__starts_at", "id"))
    found = []
    for m in minutes:
        meeting = m.meeting
        item = ItemDraft(ItemKind.MINUTES, "meetings.Minutes", str(m.pk),
                         Text(gettext_noop("Minutes of the %(kind)s"), {"kind": choice_label(meeting, "kind")}),
                         agency_id=meeting.calling_agency_id, occurred_at=meeting.starts_at)
        item.line(Minutes._meta.get_field("concerns").verbose_name, m.concerns)
        item.line(Minutes._meta.get_field("no_plan_reason").verbose_name, m.no_plan_reason)
        item.line(Minutes._meta.get_field("sharing_with_family").verbose_name, m.sharing_with_family)
        item.line(Minutes._meta.get_field("dissent").verbose_name, m.dissent)
        item.line(Minutes._meta.get_field("outcome").verbose_name, choice_label(m, "outcome") if m.outcome else "")
        item.line(Minutes._meta.get_field("outcome_detail").verbose_name, m.outcome_detail)
        found.append(item)
    return found


def plan_of_family(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    actions = (PlanAction.objects.filter(family=request.family).select_related("agency")
               .order_by("due_date", "id"))
    found = []
    for a in actions:
        item = ItemDraft(ItemKind.PLAN, "meetings.PlanAction", str(a.pk),
                         Text(gettext_noop("The plan: an action of %(agency)s"),
                              {"agency": a.agency.name_text if a.agency_id else ""}),
                         agency_id=a.agency_id, occurred_at=a.created_at)
        item.line(PlanAction._meta.get_field("description").verbose_name, a.description)
        item.line(PlanAction._meta.get_field("due_date").verbose_name, a.due_date)
        found.append(item)
    return found


def agreements_with(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    versions = (AgreementVersion.objects.filter(agreement__family=request.family, people=request.subject,
                                                state__in=[*GIVEN_STATES, "superseded"])
                .select_related("agreement", "agreement__lead", "agreement__lead__agency")
                .prefetch_related("terms", "response_people").order_by("agreement_id", "number"))
    found = []
    for v in versions:
        lead = v.agreement.lead
        item = ItemDraft(ItemKind.AGREEMENT, "agreements.AgreementVersion", str(v.pk),
                         Text(gettext_noop("Written agreement, version %(number)s"), {"number": v.number}),
                         agency_id=lead.agency_id if lead else None, occurred_at=v.issued_at or v.drafted_at)
        item.line(AgreementVersion._meta.get_field("state").verbose_name, choice_label(v, "state"))
        item.line(AgreementVersion._meta.get_field("review_date").verbose_name, v.review_date)
        for term in v.terms.all():
            item.line(_("term"), term.text or _term_label(term))
        said = request.subject.pk in {p.pk for p in v.response_people.all()}
        item.line(AgreementVersion._meta.get_field("response_note").verbose_name, v.response_note, own=said)
        found.append(item)
    return found


def _term_label(term):
    choices = SECTION_CHOICES.get(term.section)
    if choices is not None and term.code in choices.values:
        return choices(term.code).label
    return term.code


def breaches_of_agreements(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    breaches = (AgreementBreach.objects.filter(agreement__family=request.family,
                                               version__people=request.subject)
                .select_related("recorded_by", "recorded_by__agency").distinct().order_by("occurred_at", "id"))
    found = []
    for b in breaches:
        item = ItemDraft(ItemKind.BREACH, "agreements.AgreementBreach", str(b.pk),
                         Text(gettext_noop("Breach of the written agreement")),
                         agency_id=b.recorded_by.agency_id, occurred_at=b.occurred_at)
        item.line(AgreementBreach._meta.get_field("occurred_at").verbose_name, b.occurred_at)
        item.line(AgreementBreach._meta.get_field("description").verbose_name, b.description)
        item.line(_("recorded by"), _who(b.recorded_by))
        found.append(item)
    return found


def letters_to(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    letters = (ParentLetter.objects.filter(family=request.family, addressee=request.subject)
               .select_related("contact", "contact__agency").order_by("created_at", "id"))
    found = []
    for letter in letters:
        item = ItemDraft(ItemKind.LETTER, "engagement.ParentLetter", str(letter.pk),
                         Text(gettext_noop("Letter sent to you by %(agency)s"),
                              {"agency": letter.contact.agency.name_text}),
                         agency_id=letter.contact.agency_id, occurred_at=letter.created_at)
        # Sent to the subject: they have it already, nothing in it is withheld from them.
        item.line(ParentLetter._meta.get_field("purpose").verbose_name, letter.purpose, own=True)
        item.line(ParentLetter._meta.get_field("what_was_done").verbose_name, letter.what_was_done, own=True)
        for r in letter.requirements or []:
            item.line(_("what is required"), f"{r.get('who', '')}: {r.get('what', '')} ({r.get('by', '')})", own=True)
        found.append(item)
    return found


def supervision_decisions(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    # Decisions only: the case discussion's reflections, hostility and impact on the worker are never gathered.
    decisions = (SupervisionDecision.objects.filter(family=request.family)
                 .select_related("decided_by", "decided_by__agency").order_by("decided_at", "id"))
    found = []
    for d in decisions:
        item = ItemDraft(ItemKind.DECISION, "supervision.SupervisionDecision", str(d.pk),
                         Text(gettext_noop("Supervision decision: %(kind)s"), {"kind": choice_label(d, "kind")}),
                         agency_id=d.decided_by.agency_id, occurred_at=d.decided_at)
        item.line(SupervisionDecision._meta.get_field("decision").verbose_name, d.decision)
        item.line(SupervisionDecision._meta.get_field("reason").verbose_name, d.reason)
        item.line(_("decided by"), _who(d.decided_by))
        found.append(item)
    return found


def visit_plans(*, request: SubjectAccessRequest) -> list[ItemDraft]:
    visits = Visit.objects.filter(family=request.family).select_related("agency").order_by("planned_start", "id")
    found = []
    for v in visits:
        item = ItemDraft(ItemKind.VISIT, "visits.Visit", str(v.pk),
                         Text(gettext_noop("Visit plan of %(agency)s"), {"agency": v.agency.name_text}),
                         agency_id=v.agency_id, occurred_at=v.planned_start)
        item.line(Visit._meta.get_field("planned_start").verbose_name, v.planned_start)
        item.line(Visit._meta.get_field("status").verbose_name, choice_label(v, "status"))
        item.line(Visit._meta.get_field("purpose").verbose_name, v.purpose)
        item.line(Visit._meta.get_field("contingency").verbose_name, v.contingency)
        item.line(Visit._meta.get_field("companions").verbose_name, v.companions, third_party=True)
        item.line(Visit._meta.get_field("contact_number").verbose_name, v.contact_number, third_party=True)
        item.line(Visit._meta.get_field("vehicle").verbose_name, v.vehicle, third_party=True)
        found.append(item)
    return found


# In the bundle's order: the records themselves, then what happened, then what was decided.
GATHERERS = (family_record, person_record, contacts_about, chronology_about, incidents_about, markers_about,
             minutes_naming, plan_of_family, agreements_with, breaches_of_agreements, letters_to,
             supervision_decisions, visit_plans)


def third_party_names(*, request: SubjectAccessRequest) -> list[str]:
    """The names and identifiers of people other than the subject that the family's record knows: the other members
    (full names, first names, other names, and surnames the subject does not share), and the involved agencies'
    staff's personal phone numbers (P-4: professionals' personal details). Two queries."""
    subject = request.subject
    own = {subject.given_name.casefold(), subject.family_name.casefold(),
           *(n.casefold() for n in subject.other_names.replace(",", " ").split())}
    names: list[str] = []
    for p in Person.objects.filter(family=request.family).exclude(pk=subject.pk):
        if p.role == "unborn":
            continue
        names.append(f"{p.given_name} {p.family_name}")
        for part in [p.given_name, p.family_name, *p.other_names.replace(",", " ").split()]:
            if len(part) >= 3 and part.casefold() not in own:
                names.append(part)
    phones = (Professional.objects.filter(agency__involvements__family=request.family).exclude(phone="")
              .values_list("phone", flat=True).distinct())
    names += list(phones)
    return list(dict.fromkeys(names))

