"""The escalation engine's part of the generated region (issue 9, `manage.py generate_region`).

Every generated family gets its due row, as if the engine had evaluated it on the anchor day: next due in the small
hours of the following day, so that a sweep of a freshly generated region finds nothing due.
"""

from datetime import timedelta

from django.utils import timezone

from doorstep.scale.generate import Step

from .engine import family_due_at
from .models import FamilyCheck


def family_check_step(region, family) -> None:
    if family.id is None:
        return
    evaluated = region.now
    region.add(FamilyCheck, family_id=family.id, due_at=family_due_at(family.id, timezone.localdate(evaluated)
                                                                      + timedelta(days=1)),
               evaluated_at=evaluated, failures=0, last_error="")


FAMILY_CHECK_STEP = Step("escalation engine: when each family is next due", family_check_step)
