from datetime import timedelta

from django.utils import timezone

from doorstep.testing.access import ADMINISTRATOR, AGENCY_STAFF, FAMILY, FAMILY_INVOLVED, MANAGERS, PEOPLE_ONLY, Route

# The owner (the health practitioner) and their line manager may act on the action; everyone who may see the family
# may read it.
OWNER_AND_MANAGER = frozenset({"involved_practitioner", "involved_manager"})


def _escalation(world) -> dict:
    from doorstep.testing.escalations import escalation_make

    escalation, _created = escalation_make(
        rule_id="ESC-1", clause="003 §7.9", key=f"ESC-1:family:{world.family.pk}", title="Convene a meeting",
        owner=world.users["involved_practitioner"], family=world.family,
        deadline=timezone.now() + timedelta(days=7), facts=[{"text": "Four defaulted visits", "link": ""}],
    )
    return {"escalation_id": escalation.pk}


def _pk(world) -> dict:
    return {"pk": _escalation(world)["escalation_id"]}


ROUTES = [
    Route("escalations:mine", AGENCY_STAFF),
    Route("escalations:team", MANAGERS),
    Route("escalations:detail", FAMILY, _escalation),
    Route("escalations:acknowledge", OWNER_AND_MANAGER, _escalation, method="post"),
    Route("escalations:complete", OWNER_AND_MANAGER, _escalation),
    # The forms' POST rows send nothing: the form comes back with errors to whoever may write (issue 13).
    Route("escalations:complete", OWNER_AND_MANAGER, _escalation, method="post"),
    Route("escalations:cancel", OWNER_AND_MANAGER, _escalation),
    Route("escalations:cancel", OWNER_AND_MANAGER, _escalation, method="post"),
    Route("escalations:non_compliance", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}),
    Route("escalations:non_compliance", FAMILY_INVOLVED, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("escalations:ending", FAMILY_INVOLVED, lambda w: {"involvement_id": w.involvement.pk}),
    Route("escalations:ending", FAMILY_INVOLVED, lambda w: {"involvement_id": w.involvement.pk}, method="post"),
    Route("escalations:rules", ADMINISTRATOR),
    Route("escalations:rule_edit", ADMINISTRATOR, lambda w: {"rule_id": "ESC-8"}),
    Route("escalations:rule_edit", ADMINISTRATOR, lambda w: {"rule_id": "ESC-8"}, method="post"),
    Route("escalation-list", AGENCY_STAFF, api=True),
    Route("escalation-detail", FAMILY, _pk, api=True),
    Route("escalation-acknowledge", OWNER_AND_MANAGER, _pk, method="post", api=True, tokens=PEOPLE_ONLY),
    Route("escalation-complete", OWNER_AND_MANAGER, _pk, method="post", api=True,
          data=lambda w: {"outcome": "Meeting held"}, tokens=PEOPLE_ONLY),
    Route("escalation-cancel", OWNER_AND_MANAGER, _pk, method="post", api=True,
          data=lambda w: {"reason": "Raised in error"}, tokens=PEOPLE_ONLY),
]
