"""Form data rescued when a session times out (see `middleware.DraftRescueMiddleware`).

A draft belongs to the person whose session ended (issue 13 finding 6): it is offered back only to them, and
thrown away when anyone else signs in on that browser.
"""

from django.http import QueryDict

DRAFT_PREFIX = "draft:"


def draft_keep(session, *, path: str, owner_id: int, data: dict) -> None:
    session[DRAFT_PREFIX + path] = {"owner": owner_id, "data": data}


def drafts_discard_others(session, *, user_id: int) -> None:
    """On signing in: drop every draft that someone else's ended session left."""
    for key in [k for k in session.keys() if k.startswith(DRAFT_PREFIX)]:
        draft = session[key]
        if not isinstance(draft, dict) or str(draft.get("owner")) != str(user_id):
            del session[key]


def draft_take(request) -> QueryDict | None:
    """The form data rescued for this page when the session timed out, once, and only for its owner."""
    draft = request.session.pop(DRAFT_PREFIX + request.path, None)
    if not isinstance(draft, dict) or str(draft.get("owner")) != str(request.user.pk):
        return None
    rescued = QueryDict(mutable=True)
    for key, values in draft["data"].items():
        rescued.setlist(key, values)
    return rescued


def form_data(request) -> QueryDict | None:
    """POST data, or a rescued draft on GET, or nothing: what a form view binds its form to."""
    if request.method == "POST":
        return request.POST
    return draft_take(request)
