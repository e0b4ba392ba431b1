"""Partnership pages in the access matrix (issue 21): the world's administrator is a deployment administrator (they
administer no partnership), so they may create partnerships and manage the deployment's default one; nobody else
sees these pages. A partnership's own administrator is refused another's (tests/test_views.py)."""

from doorstep.testing.access import ADMINISTRATOR, Route


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
]
