"""Running a service from a form: the service's ValidationError lands on the form's fields, so the page shows
the GOV.UK error summary linked to the field, and nothing is saved (the service is one transaction)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError


def run_service(form, call: Callable):
    """Call `call()` and return its result; on ValidationError put the messages on the form and return None."""
    try:
        return call()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None
