"""Code the multi-process tests run in separate Python processes (real workers against a real database).

Run as `python -m doorstep.escalations.tests.procs <command> [args]` with DATABASE_URL set.
"""

import json
import os
import sys
import time
from datetime import timedelta


def seed(n_families: int, overdue: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from doorstep.agencies.models import Agency, AgencyKind, Role
    from doorstep.agencies.services import professional_create
    from doorstep.engagement.models import Contact, ContactKind, Outcome
    from doorstep.testing.escalations import escalation_make
    from doorstep.families.models import MemberRole
    from doorstep.families.services import family_create, person_add

    with transaction.atomic():
        health = Agency.objects.create(name="Health", kind=AgencyKind.HEALTH)
        manager = professional_create(username="h.manager", first_name="Mari", last_name="Rheolwr",
                                      email="manager@example.org", agency=health, role=Role.MANAGER,
                                      password="correct-horse-battery-1")
        worker = professional_create(username="h.worker", first_name="Wil", last_name="Gweithiwr",
                                     email="worker@example.org", agency=health, role=Role.PRACTITIONER,
                                     line_manager=manager, password="correct-horse-battery-1")
        now = timezone.now()
        for i in range(n_families):
            family = family_create(by=worker, name=f"Household {i}", reason="Concerns", line1=f"{i} Stryd Fawr",
                                   town="Afonwy", postcode="AF1 1AA")
            person_add(family=family, by=worker, role=MemberRole.CHILD, given_name="Alfie", family_name=f"H{i}")
            for days in (30, 20, 10, 1):
                Contact.objects.create(family=family, agency=health, recorded_by=worker, kind=ContactKind.HOME_VISIT,
                                       occurred_at=now - timedelta(days=days), outcome=Outcome.NO_ANSWER,
                                       defaulted=True)
            if i < overdue:
                escalation_make(rule_id="ESC-9", clause="004 §2.3", key=f"TEST-overdue:{family.pk}",
                                 title="Overdue test action", owner=worker, family=family,
                                 deadline=now - timedelta(days=1), facts=[{"text": "test", "link": ""}])


def _barrier(directory: str, parties: int = 2) -> None:
    """Start together: each process says it is ready (connected to the database), then waits for the others."""
    from pathlib import Path

    from django.db import connection

    connection.ensure_connection()
    Path(directory, f"ready-{os.getpid()}").touch()
    deadline = time.time() + 120
    while len(list(Path(directory).glob("ready-*"))) < parties and time.time() < deadline:
        time.sleep(0.002)


def sweep(barrier: str) -> None:
    """Start with the other worker, then sweep until there is nothing left."""
    from django.utils import timezone

    from doorstep.escalations.evaluate import sweep_run

    _barrier(barrier)
    idle = 0
    work = 0
    while idle < 2:
        done = sum(sweep_run(now=timezone.now()).values())
        work += done
        idle = idle + 1 if done == 0 else 0
    print(json.dumps({"work": work}))


def evaluate_all(barrier: str) -> None:
    """Evaluate every family directly, without the sweep's claims: only the locks and constraints stand between
    two workers doing the same family at the same moment."""
    from doorstep.escalations.evaluate import family_evaluate
    from doorstep.families.models import Family

    ids = list(Family.objects.order_by("pk").values_list("pk", flat=True))
    _barrier(barrier)
    for pk in ids:
        family_evaluate(family=Family.objects.get(pk=pk))
    print(json.dumps({"work": len(ids)}))


def report() -> None:
    from django.db.models import Count

    from doorstep.escalations.models import ACTIVE_STATES, Escalation, EscalationEvent
    from doorstep.notifications.models import EmailState, Notification

    print(json.dumps({
        "escalations": Escalation.objects.count(),
        "by_rule": dict(Escalation.objects.values_list("rule_id").annotate(n=Count("id")).values_list("rule_id", "n")),
        "duplicate_active_keys": Escalation.objects.filter(state__in=ACTIVE_STATES).values("key")
        .annotate(n=Count("id")).filter(n__gt=1).count(),
        "duplicate_keys": Escalation.objects.values("key").annotate(n=Count("id")).filter(n__gt=1).count(),
        "raised_events_per_escalation": sorted(set(
            EscalationEvent.objects.filter(action="raised").values("escalation").annotate(n=Count("id"))
            .values_list("n", flat=True))),
        "overdue_events_per_escalation": sorted(set(
            EscalationEvent.objects.filter(action="overdue").values("escalation").annotate(n=Count("id"))
            .values_list("n", flat=True))),
        "overdue_escalated": Escalation.objects.filter(overdue_escalated_at__isnull=False).count(),
        "notifications": Notification.objects.count(),
        "duplicate_notifications": Notification.objects.values("recipient", "dedupe_key").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
        "emails": dict(Notification.objects.values_list("email_state").annotate(n=Count("id"))
                       .values_list("email_state", "n")),
        "expected_message_ids": sorted(
            f"doorstep-notification-{pk}" for pk in Notification.objects.exclude(email_state=EmailState.NONE)
            .values_list("pk", flat=True)),
    }))


if __name__ == "__main__":
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "seed":
        seed(int(args[0]), int(args[1]))
    elif command == "sweep":
        sweep(args[0])
    elif command == "evaluate_all":
        evaluate_all(args[0])
    elif command == "report":
        report()
    else:
        raise SystemExit(f"unknown command {command}")
