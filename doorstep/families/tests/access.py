"""Family pages and endpoints in the access matrix (P-4). Issue 13: emergency access (break_glass) reads the family
but is refused every write; another agency is involved only by the family's lead professionals or a manager of an
involved agency; an involvement is ended by its own agency's lead or manager, and proposed by the others."""

from doorstep.testing.access import AGENCY_STAFF, FAMILY, FAMILY_INVOLVED, PEOPLE_ONLY, Route

# Leads (health: the overall lead; police: its lead) and the manager of an involved agency (health).
INVOLVE = frozenset({"involved_practitioner", "involved_manager", "other_involved"})
# The world's involvement is health's: its lead (involved_practitioner) and a health manager end it.
END_OWN = frozenset({"involved_practitioner", "involved_manager"})

ROUTES = [
    Route("families:search", AGENCY_STAFF, query="name=Testing"),
    Route("families:create", AGENCY_STAFF),
    # Empty POSTs below: the form comes back with its errors (200) to whoever may write, refused to the others.
    Route("families:create", AGENCY_STAFF, method="post"),
    Route("families:detail", FAMILY, lambda w: {"family_id": w.family.pk}),
    # Issue 18: the case file's other sub pages read the family as the Overview does (POST refused: no row).
    Route("families:children", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("families:engagement", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("families:meetings", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("families:agreement", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("families:safety", FAMILY, lambda w: {"family_id": w.family.pk}),
    Route("families:person_add", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    Route("families:person_add", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("families:person_edit", FAMILY_INVOLVED, lambda w: {"person_id": w.child.pk}),
    Route("families:person_edit", FAMILY_INVOLVED, lambda w: {"person_id": w.child.pk}, method="post"),
    Route("families:move", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    Route("families:move", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("families:involvement_add", INVOLVE, lambda w: {"family_id": w.family.pk}),
    Route("families:involvement_add", INVOLVE, lambda w: {"family_id": w.family.pk}, method="post"),
    # Its own agency ends it; the other involved agencies see the page to propose the ending.
    Route("families:involvement_end", FAMILY_INVOLVED, lambda w: {"involvement_id": w.involvement.pk}),
    Route("families:involvement_end", FAMILY_INVOLVED, lambda w: {"involvement_id": w.involvement.pk},
          method="post"),
    Route("families:overall_lead", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    Route("families:overall_lead", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    # The family's lead professionals (health, police) and managers of involved agencies.
    Route("families:seen_by", frozenset({"involved_practitioner", "involved_manager", "other_involved"}),
          lambda w: {"family_id": w.family.pk}),
    Route("families:break_glass", AGENCY_STAFF),
    Route("families:break_glass", AGENCY_STAFF, method="post"),
    Route("families:break_glass_review", frozenset({"involved_manager", "uninvolved_manager"})),
    # Only the housing manager reviews the housing worker's emergency access.
    Route("families:break_glass_review_one", frozenset({"uninvolved_manager"}),
          lambda w: {"grant_id": w.users["break_glass"].break_glass.get().pk}),
    Route("families:break_glass_review_one", frozenset({"uninvolved_manager"}),
          lambda w: {"grant_id": w.users["break_glass"].break_glass.get().pk}, method="post"),
    Route("family-list", AGENCY_STAFF, api=True),
    # Empty: bad input (400) to whoever gets past the access gate. A partner system opens no family (it would lead it).
    Route("family-list", AGENCY_STAFF, method="post", api=True, tokens=PEOPLE_ONLY),
    Route("family-detail", FAMILY, lambda w: {"pk": w.family.pk}, api=True),
    Route("family-add-person", FAMILY_INVOLVED, lambda w: {"pk": w.family.pk}, method="post", api=True),
    Route("family-add-involvement", INVOLVE, lambda w: {"pk": w.family.pk}, method="post", api=True,
          tokens=PEOPLE_ONLY),
    Route("person-detail", FAMILY, lambda w: {"pk": w.child.pk}, api=True),
    Route("person-detail", FAMILY_INVOLVED, lambda w: {"pk": w.child.pk}, method="patch", api=True),
    Route("involvement-detail", FAMILY, lambda w: {"pk": w.involvement.pk}, api=True),
    Route("involvement-end", END_OWN, lambda w: {"pk": w.involvement.pk}, method="post", api=True, tokens=PEOPLE_ONLY),
    Route("involvement-propose-end", FAMILY_INVOLVED, lambda w: {"pk": w.involvement.pk}, method="post", api=True),
]
