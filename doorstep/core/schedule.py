"""Every periodic job, declared in one place (STYLE.md: Notify's single beat schedule).

Each entry: a name, how often in seconds, and the dotted path of a django-tasks task that takes no arguments.
The worker (`manage.py run_worker`) enqueues each job when due; `ScheduledJob` rows, claimed with
`select_for_update(skip_locked=True)`, make sure that with several workers a job is enqueued once per period.
"""

import os

SWEEP_SECONDS = int(os.environ.get("DOORSTEP_SWEEP_SECONDS", "30"))

SCHEDULE: list[tuple[str, int, str]] = [
    ("email-catch-up", 60, "doorstep.notifications.tasks.email_catch_up"),
    ("escalation-sweep", SWEEP_SECONDS, "doorstep.escalations.tasks.sweep"),
    ("meeting-invitation-catch-up", 60, "doorstep.meetings.tasks.invitation_emails_catch_up"),
    # SAF-3: lone-worker alarms fire within 60 s of their time, on their own job so the general sweep cannot delay them.
    ("visit-alarms", int(os.environ.get("DOORSTEP_VISIT_SWEEP_SECONDS", "10")), "doorstep.visits.tasks.alarm_sweep"),
]
