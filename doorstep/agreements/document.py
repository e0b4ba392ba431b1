"""The written agreement as the family reads it (AGR-1): one structure, built in the agreement's language, that
both the page and the PDF render, so the two can never say different things.

Plain language (FAM-4, 004 §4.2): short sentences, "we" and "you", no jargon; the chosen terms come from the
translation catalogue, so a Welsh agreement is Welsh throughout.
"""

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext

from doorstep.core.texts import vowel_first
from doorstep.families.models import MemberRole

from .models import AgreementVersion, TermSection, VersionState


@dataclass
class Group:
    heading: str
    text: str


@dataclass
class Section:
    heading: str
    intro: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass
class Signatory:
    name: str
    detail: str = ""


@dataclass
class AgreementDocument:
    language: str
    title: str
    subtitle: str
    meta: str
    draft_notice: str
    sections: list[Section]
    family_heading: str
    family_signatories: list[Signatory]
    professionals_heading: str
    professional_signatories: list[Signatory]
    signature_label: str
    date_label: str
    footer: str
    page_label: str  # "Page %(page)s of %(pages)s" with the numbers left to the renderer

    def text(self) -> str:
        """Everything the family reads, as plain text (for tests and the API)."""
        parts = [self.title, self.subtitle, self.meta, self.draft_notice]
        for s in self.sections:
            parts += [s.heading, *s.intro, *s.bullets, *[f"{g.heading}: {g.text}" for g in s.groups], *s.after]
        parts += [self.family_heading, *[p.name for p in self.family_signatories], self.professionals_heading,
                  *[f"{p.name}, {p.detail}" for p in self.professional_signatories]]
        return "\n".join(p for p in parts if p)


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    values = {"first": ", ".join(names[:-1]), "last": names[-1]}
    if vowel_first(names[-1]):
        # Welsh writes "ac" before a vowel: "Seren ac Osian".
        return pgettext("before a vowel", "%(first)s and %(last)s") % values
    return _("%(first)s and %(last)s") % values


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


def agreement_document(version: AgreementVersion, *, lead=None) -> AgreementDocument:
    """Build the document in the version's language. Five queries, whatever the agreement's size."""
    agreement = version.agreement
    family = agreement.family
    terms = list(version.terms.select_related("agency").order_by("section", "position", "id"))
    people = list(version.people.order_by("given_name"))
    professionals = list(version.professionals.select_related("agency").order_by("last_name", "first_name"))
    children = list(family.members.filter(role__in=(MemberRole.CHILD, MemberRole.UNBORN)).order_by("date_of_birth"))
    lead = lead or agreement.lead
    by_section: dict[str, list] = {}
    for term in terms:
        by_section.setdefault(term.section, []).append(term)

    with override(version.language):
        when = version.issued_at or version.drafted_at
        meta = _("Reference %(reference)s · version %(number)s · %(date)s") % {
            "reference": family.reference, "number": version.number, "date": _day(timezone.localtime(when).date())}
        sections = []
        born = [c.given_name for c in children if c.role == MemberRole.CHILD]
        why = Section(_("Why we have this agreement"), intro=[
            _("We are worried about your children. This agreement says what we expect from you, and what you can "
              "expect from us. It works both ways.")])
        if born:
            about = _join(born)
            # Issue 18: "Mae'n ymwneud ag Alfie", not "â Alfie".
            why.intro.append((pgettext("before a vowel", "It is about %(children)s.") if vowel_first(about)
                              else _("It is about %(children)s.")) % {"children": about})
        sections.append(why)

        behaviour = Section(_("Behaviour that is not acceptable"),
                            intro=[_("When we work with your family, these things are not acceptable:")],
                            bullets=[t.label for t in by_section.get(TermSection.BEHAVIOUR, [])])
        # AGR-1 (004 §2.4): these behaviours are taken into account in the risk assessment of the unborn child or
        # child, e.g. the birth plan.
        behaviour.after.append(_("If any of these things happen, we will write it down. We will take it into "
                                 "account when we decide how safe your children are."))
        if any(c.role == MemberRole.UNBORN for c in children):
            behaviour.after.append(_("This includes our plans for when your baby is born."))
        sections.append(behaviour)

        sections.append(Section(_("What we expect from you"), intro=[_("We expect you to:")],
                                bullets=[t.label for t in by_section.get(TermSection.FAMILY, [])]))

        ours = Section(_("What you can expect from us"))
        general = [t.label for t in by_section.get(TermSection.ALL_AGENCIES, [])]
        if general:
            ours.intro.append(_("All of us will:"))
            ours.bullets = general
        ours.groups = [Group(t.agency.name if t.agency else "", t.text) for t in by_section.get(TermSection.AGENCY, [])]
        sections.append(ours)

        sections.append(Section(
            _("What will happen if things do not change"),
            intro=[_("If you do not work with us, or if these things keep happening, we may:")],
            bullets=[t.label for t in by_section.get(TermSection.CONSEQUENCE, [])],
            after=[_("We will always tell you what we are going to do, and why, unless that would put a child "
                     "at risk.")],
        ))
        sections.append(Section(_("When we will look at this agreement again"), intro=[
            _("We will meet you to look at this agreement again by %(date)s. We may do it sooner if things "
              "change.") % {"date": _day(version.review_date)}]))
        if lead is not None:
            name = lead.get_full_name() or lead.username
            contact = (pgettext("before a vowel", "If you want someone to read this agreement with you, or you need "
                                "it in a different format, contact %(name)s at %(agency)s.") if vowel_first(name) else
                       _("If you want someone to read this agreement with you, or you need it in a different format, "
                         "contact %(name)s at %(agency)s.")) % {"name": name,
                                                                "agency": lead.agency.name if lead.agency else ""}
            if lead.phone:
                contact += " " + _("Phone %(phone)s.") % {"phone": lead.phone}
            sections.append(Section(_("If you need help with this agreement"), intro=[contact]))

        names = [str(p) for p in people]
        return AgreementDocument(
            language=version.language,
            title=_("Written agreement"),
            subtitle=_("Between %(people)s and the professionals working with your family") % {
                "people": ", ".join(names)},
            meta=meta,
            draft_notice=_("Draft: not yet given to the family") if version.state == VersionState.DRAFT else "",
            sections=sections,
            family_heading=_("Signed by the family"),
            family_signatories=[Signatory(n) for n in names],
            professionals_heading=_("Signed by the professionals"),
            professional_signatories=[
                Signatory(p.get_full_name() or p.username,
                          ", ".join(x for x in [p.job_title, p.agency.name if p.agency else ""] if x))
                for p in professionals
            ],
            signature_label=_("Signature"),
            date_label=_("Date"),
            footer=_("Written agreement %(reference)s, version %(number)s") % {
                "reference": family.reference, "number": version.number},
            page_label=_("Page %(page)s of %(pages)s"),
        )
