"""Issue 14: the data migrations that turn the last sentences Doorstep stored as words (in English, or in Welsh for
a writer who read Welsh) into message ids and parameters, and keep what they cannot parse as it was, marked."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone, translation

from doorstep.escalations.models import Escalation, EscalationEvent
from doorstep.markers.models import MarkerCategory, MarkerEvent
from doorstep.markers.services import marker_authorise, marker_raise
from doorstep.notifications.models import Notification, NotificationKind
from doorstep.visits.models import VisitEvent
from doorstep.visits.tests.helpers import started


def _migrate(app: str, name: str) -> None:
    importlib.import_module(f"doorstep.{app}.migrations.{name}").forwards(apps, None)


def _marker(world, **overrides):
    return marker_raise(family=world.family, by=world.users["involved_practitioner"], person=world.parent,
                        category=MarkerCategory.VIOLENCE, nature="Pushed a health visitor.", advice="Two workers.",
                        source="Incident of 3 May", review_date=timezone.localdate() + timedelta(days=180),
                        **overrides)


def test_old_notices_of_the_alarm_and_of_an_involvement_become_message_ids(world):
    manager = world.users["involved_manager"]
    help_note = Notification.objects.create(
        recipient=manager, kind=NotificationKind.VISIT_OVERDUE, message="HELP: Ann Jones needs help now at a visit "
        "to Testing household. Open the emergency card.")
    other = Notification.objects.create(recipient=manager, kind=NotificationKind.GENERAL, message="Something else")
    _migrate("notifications", "0005_last_messages_as_message_ids")
    help_note.refresh_from_db()
    other.refresh_from_db()
    assert help_note.message_text["msgid"].startswith("HELP: %(worker)s needs help now")
    assert help_note.message_text["params"]["worker"] == "Ann Jones"
    assert other.message_text == {"verbatim": "Something else", "language": "en"}
    with translation.override("cy"):
        assert help_note.message_shown.startswith("HELP: mae angen help ar Ann Jones")


def test_outcomes_doorstep_wrote_when_it_closed_an_action_become_message_ids_and_a_persons_stay(world):
    marker = _marker(world)
    marker_authorise(marker=marker, by=world.users["involved_manager"])
    action = Escalation.objects.get(key=f"FLG-2:marker:{marker.pk}:authorise")
    Escalation.objects.filter(pk=action.pk).update(outcome="Supervision held on 05/01/2027", outcome_text=None)
    closing = EscalationEvent.objects.get(escalation=action, action="done")
    EscalationEvent.objects.filter(pk=closing.pk).update(note="Authorised", note_text=None)
    second = _marker(world)
    marker_authorise(marker=second, by=world.users["involved_manager"])
    by_person = Escalation.objects.get(key=f"FLG-2:marker:{second.pk}:authorise")
    Escalation.objects.filter(pk=by_person.pk).update(outcome="Spoke to the worker", outcome_text=None)
    _migrate("escalations", "0006_outcomes_as_message_ids")
    action.refresh_from_db()
    closing.refresh_from_db()
    by_person.refresh_from_db()
    assert action.outcome_text == {"msgid": "Supervision held on %(date)s", "params": {"date": {"date": "2027-01-05"}}}
    assert closing.note_text == {"msgid": "Authorised", "params": {}}
    assert by_person.outcome_text is None and by_person.outcome_shown == "Spoke to the worker"
    with translation.override("cy"):
        assert action.outcome_shown == "Cynhaliwyd goruchwyliaeth ar 5 Ion 2027"
        assert closing.note_shown == "Awdurdodwyd"


def test_notes_doorstep_wrote_in_a_visit_record_and_a_markers_history_become_message_ids(world):
    visit = started(world, minutes=30)
    arrived = visit.events.get(kind=VisitEvent.Kind.STARTED)
    VisitEvent.objects.filter(pk=arrived.pk).update(note="Expected back by 14:30", note_text=None)
    alert = VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.ALERT, at=timezone.now(),
                                      note="Line manager: Ann Jones")
    refused = VisitEvent.objects.create(visit=visit, kind=VisitEvent.Kind.REFUSED, at=timezone.now(),
                                        note="Line manager: not today")
    marker = _marker(world, urgent=True)
    raised = marker.events.get(action=MarkerEvent.Action.RAISED)
    MarkerEvent.objects.filter(pk=raised.pk).update(note="Brys", note_text=None)  # written by a Welsh reader
    _migrate("visits", "0002_event_notes_as_message_ids")
    _migrate("markers", "0002_event_notes_as_message_ids")
    for event in (arrived, alert, refused, raised):
        event.refresh_from_db()
    assert arrived.note_text == {"msgid": "Expected back by %(time)s", "params": {"time": "14:30"}}
    assert refused.note_text is None  # a person's own words
    assert raised.note_text == {"msgid": "Urgent", "params": {}}
    with translation.override("cy"):
        assert arrived.note_shown == "Disgwylir yn ôl erbyn 14:30"
        assert alert.note_shown == "Rheolwr llinell: Ann Jones"
        assert refused.note_shown == "Line manager: not today"
    with translation.override("en"):
        assert raised.note_shown == "Urgent"
