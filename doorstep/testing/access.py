"""The access matrix (P-4): every URL pattern and API route, each position of the access rule, allowed or refused.

Each app lists its routes in `<app>/tests/access.py` as `ROUTES = [Route(...), ...]`; the matrix test fails for
any URL pattern that no app lists, so a new page or endpoint cannot be added without deciding who may use it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .world import ROLES

AGENCY_STAFF = frozenset({"involved_practitioner", "involved_manager", "involved_postholder", "other_involved",
                          "uninvolved", "uninvolved_manager", "ended", "break_glass"})
# Those who may read the world's family: involved agencies' staff, and emergency access.
FAMILY = frozenset({"involved_practitioner", "involved_manager", "involved_postholder", "other_involved", "break_glass"})
# Involved agencies' staff without the break-glass holder.
FAMILY_INVOLVED = FAMILY - {"break_glass"}
MANAGERS = frozenset({"involved_manager", "uninvolved_manager"})
INVOLVED_MANAGER = frozenset({"involved_manager"})
ADMINISTRATOR = frozenset({"administrator"})
BOARD_CHAIR = frozenset({"board_chair"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
NOBODY = frozenset()


@dataclass(frozen=True)
class Route:
    name: str  # URL name, with namespace ("families:detail", "api:family-detail" is written "family-detail")
    allowed: frozenset
    kwargs: Callable = lambda w: {}
    method: str = "get"
    data: Callable = lambda w: {}
    api: bool = False
    query: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
