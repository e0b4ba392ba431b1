from django.http import QueryDict

DRAFT_PREFIX = "draft:"


def draft_take(request) -> QueryDict | None:
    """The form data rescued for this page when the session timed out, once."""
    data = request.session.pop(DRAFT_PREFIX + request.path, None)
    if data is None:
        return None
    rescued = QueryDict(mutable=True)
    for key, values in data.items():
        rescued.setlist(key, values)
    return rescued


def form_data(request) -> QueryDict | None:
    """POST data, or a rescued draft on GET, or nothing: what a form view binds its form to."""
    if request.method == "POST":
        return request.POST
    return draft_take(request)
