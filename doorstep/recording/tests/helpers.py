"""Test data for the recording capability, built through the real services."""

from django.utils import timezone

from doorstep.engagement.tests.helpers import world_contact
from doorstep.recording import services


def world_correction(world):
    """The parent's request to correct the world's contact (the health practitioner's), logged once per world by the
    police practitioner (any involved worker logs; the health agency decides)."""
    if not hasattr(world, "_correction"):
        world._correction = services.correction_request_log(
            record=world_contact(world), by=world.users["other_involved"], person=world.parent,
            received_on=timezone.localdate(), request_text="I was at home: nobody knocked.")
    return world._correction


def world_term(world):
    if not hasattr(world, "_term"):
        world._term = services.recording_term_add(by=world.users["administrator"], term="unkempt",
                                                  suggestion="Describe what you saw.", language="en")
    return world._term
