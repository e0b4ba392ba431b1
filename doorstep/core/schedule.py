"""Every periodic job, declared in one place (STYLE.md: Notify's single beat schedule).

Each entry: a name, how often in seconds, and the dotted path of a django-tasks task that takes no arguments.
The worker (`manage.py run_worker`) enqueues each job when due; `ScheduledJob` rows, claimed with
`select_for_update(skip_locked=True)`, make sure that with several workers a job is enqueued once per period.
Intervals are settings (config/settings.py), which the tests that kill and restart a worker shorten.
"""

from django.conf import settings

SWEEP_SECONDS = settings.DOORSTEP_SWEEP_SECONDS
EMAIL_CATCH_UP_SECONDS = settings.DOORSTEP_EMAIL_CATCH_UP_SECONDS

SCHEDULE: list[tuple[str, int, str]] = [
    # Re-sends e-mails stuck in "sending" (a worker died) and delivers every retry that is due.
    ("email-catch-up", EMAIL_CATCH_UP_SECONDS, "doorstep.notifications.tasks.email_catch_up"),
    # The escalation engine's time-based rules, overdue actions, and other capabilities' SWEEP_CHECKS.
    ("escalation-sweep", SWEEP_SECONDS, "doorstep.escalations.tasks.sweep"),
    # SAF-3: lone-worker alarms fire within 60 s of their time, on their own job so the general sweep cannot delay them.
    ("visit-alarms", settings.DOORSTEP_VISIT_SWEEP_SECONDS, "doorstep.visits.tasks.alarm_sweep"),
    # Issue 16: overdue actions on the alarms queue too; each alarm and deadline is also queued for its due moment
    # (core/tasks_support.enqueue_at), so these sweeps are the safety net.
    ("overdue-actions", settings.DOORSTEP_VISIT_SWEEP_SECONDS, "doorstep.escalations.tasks.overdue_sweep"),
    # OVR-1 (issue 19): each family's drift signals and visit discrepancies, once a day (the first run after midnight
    # finds every family not yet computed today; one family per transaction, core.sweep.sweep_each).
    ("oversight-nightly", settings.DOORSTEP_OVERSIGHT_SECONDS, "doorstep.oversight.tasks.nightly"),
    # Issue 20: each family's retention, once a day (as oversight-nightly: the first run after midnight finds every
    # family not yet reviewed today; one family per transaction), for the records managers' list.
    ("retention-nightly", settings.DOORSTEP_OVERSIGHT_SECONDS, "doorstep.retention.tasks.nightly"),
]
