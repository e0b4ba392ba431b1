"""The end-of-contact summary for a parent (ENG-5, 004 §4.2): the same words on the printable page and in the PDF,
in the letter's language (English or Welsh), standard or plain language for low literacy (FAM-4)."""

from datetime import date
from pathlib import Path

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from doorstep.core.pdf import render_pdf
from doorstep.families.models import FamilyAddress

from .models import ACHIEVED_OUTCOMES, REMOTE_KINDS, ParentLetter

TEMPLATE = Path(__file__).with_name("letter.typ")


def _day(value) -> str:
    if not isinstance(value, date):
        value = date.fromisoformat(value)
    return formats.date_format(value, "l j F Y")


def letter_content(letter: ParentLetter) -> dict:
    """Every sentence of the letter, in the letter's language."""
    contact, worker = letter.contact, letter.created_by
    with translation.override(letter.language):
        when = _day(timezone.localtime(contact.occurred_at).date())
        kind = contact.get_kind_display().lower()
        achieved = contact.outcome in ACHIEVED_OUTCOMES
        agency = contact.agency.name
        address = FamilyAddress.objects.filter(family_id=letter.family_id, moved_out__isnull=True).select_related(
            "address").first()
        requirements = [{"who": r["who"], "what": r["what"], "by": _day(r["by"])} for r in letter.requirements]
        phone = worker.phone
        if letter.plain_language:
            intro = [_("I am %(name)s. I work for %(agency)s.") % {"name": worker.get_full_name(), "agency": agency}]
            intro.append(_("We met on %(date)s.") % {"date": when} if achieved else
                         _("I tried to see you on %(date)s. We did not meet.") % {"date": when})
            content = {
                "title": _("What happened when we met") if achieved else _("I tried to see you"),
                "greeting": _("Hello %(name)s.") % {"name": letter.addressee.given_name},
                "intro": intro,
                "sections": [(_("Why I came"), letter.purpose), (_("What we did"), letter.what_was_done)],
                "next_heading": _("What happens next"),
                "requirements": [_("%(who)s: %(what)s. By %(date)s.") % {
                    "who": r["who"], "what": r["what"].rstrip("."), "date": r["by"]} for r in requirements],
                "nothing_next": _("You do not need to do anything else now."),
                "closing": [_("Any questions? Call me on %(phone)s.") % {"phone": phone} if phone else
                            _("Any questions? Ask me next time we meet.")],
                "sign_off": _("From %(name)s") % {"name": worker.get_full_name()},
            }
        else:
            if achieved and contact.kind in REMOTE_KINDS:
                opening = _("Thank you for speaking with me on %(date)s.") % {"date": when}
            elif achieved:
                opening = _("Thank you for meeting me on %(date)s.") % {"date": when}
            else:
                opening = _("I tried to see you on %(date)s (%(kind)s), but we were not able to meet: %(outcome)s.") % {
                    "date": when, "kind": kind, "outcome": contact.get_outcome_display().lower()}
            content = {
                "title": _("Summary of our %(kind)s on %(date)s") % {"kind": kind, "date": when},
                "greeting": _("Dear %(name)s,") % {"name": letter.addressee},
                "intro": [opening, _("This letter sets out why we met, what was done, and what needs to happen "
                                     "next.")],
                "sections": [(_("Why we met"), letter.purpose), (_("What was done"), letter.what_was_done)],
                "next_heading": _("What needs to happen next"),
                "requirements": [_("%(who)s: %(what)s, by %(date)s.") % {
                    "who": r["who"], "what": r["what"].rstrip("."), "date": r["by"]} for r in requirements],
                "nothing_next": _("Nothing more is needed from you at the moment."),
                "closing": [_("If you have any questions, or if anything in this letter is not right, please "
                              "contact me on %(phone)s.") % {"phone": phone} if phone else
                            _("If you have any questions, or if anything in this letter is not right, please "
                              "contact me.")],
                "sign_off": _("Yours sincerely,"),
            }
        content.update(
            lang=letter.language,
            plain=letter.plain_language,
            date_line=_day(timezone.localtime(letter.created_at).date()),
            recipient=[str(letter.addressee), *(str(address.address).split(", ") if address else [])],
            signature=[worker.get_full_name(), worker.job_title, agency],
        )
    return content


def letter_pdf(letter: ParentLetter) -> bytes:
    """The letter as a tagged PDF (issue 18), made the one way Doorstep makes PDFs (doorstep.core.pdf)."""
    content = letter_content(letter)
    with translation.override(letter.language):
        data = {**content, "footer": f"{letter.family.reference} · {letter.contact.agency.name}",
                "page_label": _("Page %(n)s of %(total)s") % {"n": "{page}", "total": "{pages}"},
                "signature": [line for line in content["signature"] if line]}
        return render_pdf(TEMPLATE, data, title=content["title"], language=letter.language,
                          author=letter.created_by.get_full_name())
