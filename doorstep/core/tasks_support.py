"""Enqueuing tasks for a due moment (issue 16): acted on when due, with the periodic sweep as the safety net."""

import logging
from datetime import datetime

from django.db import transaction

log = logging.getLogger("doorstep.worker")


def enqueue_at(task, when: datetime, *args) -> None:
    """After commit, queue `task(*args)` to run at `when`. A backend that cannot defer (the tests' immediate one)
    or a failure to enqueue leaves the work to the periodic sweep, which finds it because it is data."""

    def enqueue():
        try:
            if not task.get_backend().supports_defer:
                return
            task.using(run_after=when).enqueue(*args)
        except Exception:  # noqa: BLE001
            log.warning("Could not queue %s for %s; the sweep will act on it", task.name, when, exc_info=True)

    transaction.on_commit(enqueue)
