"""Partnership pages in the access matrix (issue 21): the world's administrator is a deployment administrator (they
administer no partnership), so they may create partnerships and manage the deployment's default one; nobody else
sees these pages. A partnership's own administrator is refused another's (tests/test_views.py).

A family's transfer to another partnership: a manager of an agency involved with the family (the world's health
manager); emergency access, practitioners and other agencies are refused (tests/test_transfers.py for the
destination's rule). An empty POST is the form back with its errors, or the API's 400 with its reasons."""

from doorstep.testing.access import ADMINISTRATOR, INVOLVED_MANAGER, PEOPLE_ONLY, Route


def _partnership(world) -> dict:
    from doorstep.partnerships.services import partnership_default

    return {"partnership_id": partnership_default().pk}


def _rule(world) -> dict:
    return {**_partnership(world), "rule_id": "ESC-1"}


ROUTES = [
    Route("partnerships:list", ADMINISTRATOR),
    Route("partnerships:create", ADMINISTRATOR),
    # An empty POST is the form back with its errors (nothing created).
    Route("partnerships:create", ADMINISTRATOR, method="post"),
    Route("partnerships:detail", ADMINISTRATOR, _partnership),
    Route("partnerships:preset", ADMINISTRATOR, _partnership),
    Route("partnerships:preset", ADMINISTRATOR, _partnership, method="post"),
    Route("partnerships:rule_edit", ADMINISTRATOR, _rule),
    Route("partnerships:rule_edit", ADMINISTRATOR, _rule, method="post"),
    Route("partnerships:transfer", INVOLVED_MANAGER, lambda w: {"family_id": w.family.pk}),
    Route("partnerships:transfer", INVOLVED_MANAGER, lambda w: {"family_id": w.family.pk}, method="post"),
    Route("family-transfer-list", INVOLVED_MANAGER, lambda w: {"family_id": w.family.pk}, method="post", api=True,
          tokens=PEOPLE_ONLY),
]
