"""Test data for the engagement record, built through the real services."""

from datetime import timedelta

from django.utils import timezone

from doorstep.engagement import services
from doorstep.engagement.models import ContactKind, Outcome


def record(world, *, by=None, family=None, kind=ContactKind.HOME_VISIT, outcome=Outcome.SEEN, ago=timedelta(days=2),
           **kwargs):
    """A contact recorded now about `ago` before now, by the world's health practitioner unless `by` is given."""
    return services.contact_record(
        family=family or world.family, by=by or world.users["involved_practitioner"], kind=kind, outcome=outcome,
        occurred_at=timezone.now() - ago, **kwargs)


def world_contact(world):
    """One defaulted home visit by the health practitioner, made once per world (the access matrix asks per role)."""
    if not hasattr(world, "_contact"):
        world._contact = record(world, outcome=Outcome.NO_ANSWER, follow_up="Card left; will call tomorrow.")
    return world._contact


def world_letter(world):
    if not hasattr(world, "_letter"):
        world._letter = services.parent_letter_create(
            contact=world_contact(world), by=world.users["involved_practitioner"], addressee=world.parent,
            language="en", plain_language=False, purpose="To see Alfie at home.", what_was_done="I called; no answer.")
    return world._letter
