"""Sign-in throttling (issue 13 finding 11, ASVS V2.2.1): django-axes with two limits instead of its one.

AXES_LOCKOUT_PARAMETERS counts failures per username-and-address and per address. Axes compares both counts with
the one AXES_FAILURE_LIMIT; here the per-address count is held to its own, higher limit
(DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT), since many honest people may share an office's address.
"""

from django.conf import settings
from django.db.models import Sum

from axes.handlers.database import AxesDatabaseHandler


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        person_here, address = self.get_user_attempts(request, credentials)  # AXES_LOCKOUT_PARAMETERS' order
        limit = settings.AXES_FAILURE_LIMIT
        # Scaled so that reaching the address limit reads as reaching AXES_FAILURE_LIMIT.
        return max(_failures(person_here), _failures(address) * limit // settings.DOORSTEP_LOGIN_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that person's own failures, never the address's failures on other
        usernames (or one known password would reset a guesser's count)."""
        person_here = self.filter_user_attempts(request, credentials)[0]
        deleted, _ = person_here.delete()
        return deleted
