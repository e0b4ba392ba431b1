"""The access matrix (P-4, issue 13): every URL pattern and every method, each position of the access rule,
allowed or refused.

Each app lists its routes in `<app>/tests/access.py` as `ROUTES = [Route(...), ...]`, one row per route and method
it accepts (`method="get"` by default; a form page has a "get" row and a "post" row). The matrix test fails for any
URL pattern that no app lists, and for any method that a route accepts without a row: a method without a row must be
refused to everyone (pages refuse PUT, PATCH and DELETE with 405, `doorstep/core/methods.py`).

Beside the people of ROLES, each row is checked for the partner-system tokens of TOKENS (issue 13): the request
carries `Authorization: Token <key>` and no session. Who gets through follows from the row's people unless the row
says otherwise (`tokens=`), see `tokens_allowed`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .world import ROLES, TOKENS

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
# OVR-2 (issue 19): the Board's report, for the Board chair and the partnership's analysts.
BOARD_READERS = frozenset({"board_chair", "analyst"})
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
EVERYONE = frozenset(ROLES)
NOBODY = frozenset()
# Token positions, for rows whose tokens differ from what their people imply (`Route.tokens`).
# The row's rule names a person (who recorded it, owns the action or the visit, leads, chairs, is supervised, is the
# invited specialist): a partner system is none of them.
PEOPLE_ONLY = frozenset()
SYSTEM = frozenset({"token", "token_read"})  # health's partner system (and not housing's)


METHODS = ("get", "post", "put", "patch", "delete")
ADMIN_DELETABLE = {"visits_loneworkingprocedure"}


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
    # The token positions (TOKENS) allowed, where they differ from what `allowed` implies (`tokens_allowed`).
    tokens: frozenset | None = None


def tokens_allowed(route: Route) -> frozenset:
    """The token positions a row lets through (issue 13 finding 2, P-4).

    A page never reads a token: the request is anonymous there, so a token opens only what is open to everyone.
    On the API a token that works acts as its agency's partner-system account, a member of that agency who is
    neither a lead professional nor a manager: health's ("token") gets through where the involved practitioner
    does, housing's ("token_other_agency") where the uninvolved practitioner does, and a read-only token only
    reads. A revoked or expired token is refused everything (401). A row whose rule turns on who someone is (the
    lead, the owner of a visit, a manager) says which tokens it lets through with `tokens=`.
    """
    if route.tokens is not None:
        allowed = route.tokens
    elif not route.api:
        return frozenset(TOKENS) if "anonymous" in route.allowed else NOBODY
    else:
        allowed = set()
        if "involved_practitioner" in route.allowed:
            allowed |= {"token", "token_read"}
        if "uninvolved" in route.allowed:
            allowed.add("token_other_agency")
    if route.method != "get":
        allowed = set(allowed) - {"token_read"}
    return frozenset(allowed) - {"token_revoked", "token_expired"}


def admin_routes(url_names: set[str]) -> list[Route]:
    """The admin site, one row per URL and method (administrators only), built from the URL patterns it has."""
    from django.apps import apps

    def first(label: str):
        def kwargs(w):
            model = apps.get_model(*label.split("_", 1)) if "_" in label else None
            obj = model.objects.order_by("pk").first() if model else None
            return {"object_id": obj.pk if obj else 0}
        return kwargs

    rows = []
    for name in sorted(n for n in url_names if n.startswith("admin:")):
        short = name.removeprefix("admin:")
        if short == "login":
            rows += [Route(name, EVERYONE), Route(name, EVERYONE, method="post")]
        elif short == "logout":
            rows += [Route(name, EVERYONE, method="post", note="signs anyone out"),
                     Route(name, EVERYONE - ADMINISTRATOR, note="GET signs nobody out: the administrator gets 405, "
                                                                 "anyone else is sent to the admin site's front door")]
        elif short in {"index", "password_change"}:
            rows += [Route(name, ADMINISTRATOR), Route(name, ADMINISTRATOR, method="post")]
        elif short == "app_list":
            kwargs = lambda w: {"app_label": "agencies"}  # noqa: E731
            rows += [Route(name, ADMINISTRATOR, kwargs), Route(name, ADMINISTRATOR, kwargs, method="post")]
        elif short == "view_on_site":
            rows.append(Route(name, NOBODY, lambda w: {"content_type_id": 0, "object_id": 0}))
        elif short == "auth_user_password_change":
            kwargs = lambda w: {"id": w.users["involved_practitioner"].pk}  # noqa: E731
            rows += [Route(name, ADMINISTRATOR, kwargs), Route(name, ADMINISTRATOR, kwargs, method="post")]
        elif short.endswith("_delete"):
            # Staff, agencies and teams are never deleted (they are ended); lone-working procedures may be.
            label = short.rsplit("_", 1)[0]
            allowed = ADMINISTRATOR if label in ADMIN_DELETABLE else NOBODY
            rows += [Route(name, allowed, first(label)), Route(name, allowed, first(label), method="post")]
        elif short.endswith(("_change", "_history")):
            label = short.rsplit("_", 1)[0]
            # Django's admin answers POST to a read-only page (history) with the page itself: nothing changes.
            rows += [Route(name, ADMINISTRATOR, first(label)), Route(name, ADMINISTRATOR, first(label), method="post")]
        elif short.endswith(("_changelist", "_add")):
            rows += [Route(name, ADMINISTRATOR), Route(name, ADMINISTRATOR, method="post")]
        elif short == "autocomplete":
            rows.append(Route(name, NOBODY, note="no admin uses autocomplete fields: refused (403) even to "
                                                  "administrators"))
        else:  # index pages and helpers read by the administrator only
            rows.append(Route(name, ADMINISTRATOR))
    return rows
