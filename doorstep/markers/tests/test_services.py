"""Raising, authorising, reviewing and ending warning markers (FLG-2), through the real services."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.markers import services
from doorstep.markers.models import MarkerCategory, MarkerEvent, MarkerStatus, WarningMarker
from doorstep.markers.selectors import markers_shown_for_family
from doorstep.notifications.models import Notification, NotificationKind


def raise_marker(world, *, by="involved_practitioner", **overrides):
    values = dict(
        family=world.family, by=world.users[by], person=world.parent, category=MarkerCategory.VIOLENCE,
        nature="Pushed a health visitor on the doorstep.", advice="Two workers, daylight only.",
        source="Incident of 3 May", review_date=timezone.localdate() + timedelta(days=180),
    )
    values.update(overrides)
    return services.marker_raise(**values)


def test_a_practitioners_marker_waits_for_a_manager_and_stays_with_the_raising_agency(world):
    marker = raise_marker(world)
    assert marker.status == MarkerStatus.AWAITING and not marker.is_shown
    assert markers_shown_for_family(family=world.family) == []
    authorise = Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:authorise")
    assert authorise.owner == world.users["involved_manager"] and authorise.family is None
    assert not ChronologyEntry.objects.filter(kind=EntryKind.MARKER).exists()
    assert not Notification.objects.filter(kind=NotificationKind.MARKER, dedupe_key__startswith="marker:").exists()


def test_an_urgent_marker_shows_at_once_as_awaiting_authorisation_and_other_agencies_are_told(world):
    marker = raise_marker(world, urgent=True)
    shown = markers_shown_for_family(family=world.family)
    assert [m.pk for m in shown] == [marker.pk] and shown[0].status == MarkerStatus.AWAITING
    told = Notification.objects.filter(dedupe_key=f"marker:{marker.pk}:shown").values_list("recipient", flat=True)
    assert set(told) == {world.users["other_involved"].pk}  # the police lead; not the raiser


def test_authorised_by_a_manager_of_the_raising_agency_only(world):
    marker = raise_marker(world)
    for role in ("involved_practitioner", "uninvolved_manager"):
        with pytest.raises(PermissionDenied):
            services.marker_authorise(marker=marker, by=world.users[role])
    marker = services.marker_authorise(marker=marker, by=world.users["involved_manager"])
    assert marker.status == MarkerStatus.ACTIVE and marker.authorised_by == world.users["involved_manager"]
    assert Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:authorise").state == EscalationState.DONE
    entry = ChronologyEntry.objects.get(kind=EntryKind.MARKER)
    assert "authorised by" in entry.summary and "Two workers" in entry.summary
    assert [e.action for e in marker.events.all()] == [MarkerEvent.Action.RAISED, MarkerEvent.Action.AUTHORISED]


def test_what_doorstep_writes_of_a_marker_reads_in_welsh(world):
    """FLG-2, issue 14: the action's outcome ("Authorised") and the history's notes ("Urgent", "Raised by a manager of
    the agency") are message ids, read in the reader's language; a manager's own words stay as written."""
    from django.utils import translation

    marker = raise_marker(world, urgent=True)
    services.marker_authorise(marker=marker, by=world.users["involved_manager"])
    action = Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:authorise")
    assert action.outcome == "Authorised" and action.outcome_text == {"msgid": "Authorised", "params": {}}
    by_manager = raise_marker(world, by="involved_manager")
    with translation.override("cy"):
        assert action.outcome_shown == "Awdurdodwyd"
        assert [e.note_shown for e in marker.events.all() if e.note] == ["Brys"]
        assert [e.note_shown for e in by_manager.events.all() if e.note] == ["Codwyd gan un o reolwyr yr asiantaeth"]


def test_a_managers_marker_is_authorised_by_them_when_raised(world):
    marker = raise_marker(world, by="involved_manager")
    assert marker.status == MarkerStatus.ACTIVE and marker.authorised_by == world.users["involved_manager"]
    assert not Escalation.objects.filter(key__startswith=f"FLG-2:marker:{marker.pk}").exists()


def test_declining_needs_a_reason_and_keeps_the_marker_in_the_history(world):
    marker = raise_marker(world)
    with pytest.raises(ValidationError):
        services.marker_decline(marker=marker, by=world.users["involved_manager"], reason="")
    services.marker_decline(marker=marker, by=world.users["involved_manager"], reason="Not borne out")
    marker.refresh_from_db()
    assert marker.status == MarkerStatus.DECLINED and marker.close_reason == "Not borne out"


def test_ending_needs_a_reason_and_the_marker_stays_in_the_history(world):
    marker = services.marker_authorise(marker=raise_marker(world), by=world.users["involved_manager"])
    with pytest.raises(PermissionDenied):
        services.marker_end(marker=marker, by=world.users["involved_practitioner"], reason="Gone")
    with pytest.raises(ValidationError):
        services.marker_end(marker=marker, by=world.users["involved_manager"], reason=" ")
    services.marker_end(marker=marker, by=world.users["involved_manager"], reason="Moved out of the area")
    ended = WarningMarker.objects.get(pk=marker.pk)
    assert ended.status == MarkerStatus.ENDED and ended.closed_by == world.users["involved_manager"]
    assert markers_shown_for_family(family=world.family) == []
    assert ChronologyEntry.objects.filter(kind=EntryKind.MARKER, summary__contains="Moved out of the area",
                                          significant=True).exists()


@pytest.mark.parametrize("overrides, field", [
    ({"person": None}, "subject"),
    ({"address": "also"}, "subject"),
    ({"nature": " "}, "nature"),
    ({"advice": ""}, "advice"),
    ({"review_date": "past"}, "review_date"),
    ({"review_date": "too late"}, "review_date"),
    ({"category": "weather"}, "category"),
])
def test_bad_input_is_refused_and_nothing_is_saved(world, overrides, field):
    if overrides.get("address") == "also":
        overrides["address"] = world.family.addresses.get().address
    if overrides.get("review_date") == "past":
        overrides["review_date"] = timezone.localdate()
    if overrides.get("review_date") == "too late":
        overrides["review_date"] = timezone.localdate() + timedelta(days=400)
    with pytest.raises(ValidationError) as exc:
        raise_marker(world, **overrides)
    assert field in exc.value.message_dict
    assert not WarningMarker.objects.exists()


def test_an_address_marker_must_be_on_an_address_of_the_family(world):
    other_address = world.other_family.addresses.get().address
    with pytest.raises(ValidationError):
        raise_marker(world, person=None, address=other_address)


def test_review_sets_a_new_date_with_a_reason(world):
    marker = services.marker_authorise(marker=raise_marker(world), by=world.users["involved_manager"])
    new = timezone.localdate() + timedelta(days=90)
    with pytest.raises(PermissionDenied):
        services.marker_review(marker=marker, by=world.users["other_involved"], review_date=new, note="x")
    with pytest.raises(ValidationError):
        services.marker_review(marker=marker, by=world.users["involved_practitioner"], review_date=new, note="")
    services.marker_review(marker=marker, by=world.users["involved_practitioner"], review_date=new,
                           note="Threats repeated last week")
    marker.refresh_from_db()
    assert marker.review_date == new
    assert marker.events.last().note == "Threats repeated last week"
