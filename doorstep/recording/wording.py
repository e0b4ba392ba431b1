"""RIG-2 on a form page: "Check wording", a secondary submit button, shows the form again exactly as typed with what
the recording check found in the fields where the worker describes the family (the form's `CHECKED`); the same
findings show when the form comes back with errors. Nothing is saved by a check and nothing of it is stored or
audited: it is informational, never blocking, and never a judgement about the worker.

A view uses it in two lines:

    checking = wording_check_asked(request)
    if request.method == "POST" and not checking and form.is_valid(): ...save...
    return render(..., {"wording": wording_findings(form, checking=checking, family=family)})

and its template includes "recording/_wording.html" (the findings) and "recording/_check_button.html".
"""

from django.forms.utils import ErrorDict

from .check import findings_marked, recording_check
from .selectors import terms_in_force

CHECK_BUTTON = "check_wording"


def wording_check_asked(request) -> bool:
    return request.method == "POST" and CHECK_BUTTON in request.POST


def wording_findings(form, *, checking: bool, family=None) -> dict | None:
    """What the check found in the form's text as posted: {"checked": bool, "fields": [{"id", "label", "marked",
    "findings"}]}, or None when nothing was posted. With `checking`, the form shows what was typed without errors:
    only a check, nothing was sent to be saved. The terms are the family's partnership's list (issue 21)."""
    if not form.is_bound:
        return None
    if checking:
        form._errors = ErrorDict()  # Django's own "already cleaned" state: the page shows no errors for a check
        form.cleaned_data = {}
    terms = None
    fields = []
    for name in getattr(form, "CHECKED", ()):
        if name not in form.fields:
            continue
        text = form[name].value() or ""
        if not text.strip():
            continue
        terms = terms if terms is not None else terms_in_force(getattr(family, "partnership_id", None))
        found = recording_check(text, terms)
        if found:
            bound = form[name]
            fields.append({"id": bound.id_for_label, "label": bound.label, "marked": findings_marked(text, found),
                           "findings": found})
    if not checking and not fields:
        return None
    return {"checked": checking, "fields": fields}
