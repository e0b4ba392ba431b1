from doorstep.testing.access import ADMINISTRATOR, FAMILY, FAMILY_INVOLVED, PEOPLE_ONLY, Route

from .helpers import world_contact, world_letter

# The contact is recorded by the health practitioner: they and their agency's manager may correct it.
AMEND = frozenset({"involved_practitioner", "involved_manager"})


def _contact(w):
    return {"contact_id": world_contact(w).pk}


def _contact_pk(w):
    return {"pk": world_contact(w).pk}


ROUTES = [
    Route("engagement:record", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    # The forms' POST rows send nothing: the form comes back with errors to whoever may write (issue 13).
    Route("engagement:record", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("engagement:defaulted", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("engagement:picture", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("engagement:detail", FAMILY, _contact),
    Route("engagement:correct", AMEND, _contact),
    Route("engagement:correct", AMEND, _contact, method="post"),
    Route("engagement:entered_in_error", AMEND, _contact),
    Route("engagement:entered_in_error", AMEND, _contact, method="post"),
    # Staff of the recording agency (health) follow up its defaulted contacts.
    Route("engagement:follow_up", AMEND, _contact),
    Route("engagement:follow_up", AMEND, _contact, method="post"),
    Route("engagement:letter_create", FAMILY_INVOLVED, _contact),
    Route("engagement:letter_create", FAMILY_INVOLVED, _contact, method="post"),
    Route("engagement:letter_detail", FAMILY, lambda w: {"letter_id": world_letter(w).pk}),
    Route("engagement:letter_pdf", FAMILY, lambda w: {"letter_id": world_letter(w).pk}),
    Route("engagement:settings", ADMINISTRATOR),
    Route("engagement:settings", ADMINISTRATOR, method="post"),
    Route("family-contacts-list", FAMILY, lambda w: {"family_id": w.family.pk}, api=True),
    Route("family-contacts-list", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post", api=True),  # empty: bad input (400) to whoever gets past the access gate
    Route("contact-detail", FAMILY, _contact_pk, api=True),
    Route("contact-correct", AMEND, _contact_pk, method="post", api=True,
          data=lambda w: {"reason": "Wrong time recorded", "note": "Corrected note"}, tokens=PEOPLE_ONLY),
    Route("contact-entered-in-error", AMEND, _contact_pk, method="post", api=True,
          data=lambda w: {"reason": "Recorded against the wrong family"}, tokens=PEOPLE_ONLY),
    Route("contact-follow-ups", AMEND, _contact_pk, method="post", api=True,
          data=lambda w: {"text": "Letter sent offering a new appointment"}),
]
