from django import forms, template
from django.utils import timezone

from doorstep.core.forms import GovukDateWidget

register = template.Library()


@register.filter
def widget_kind(field) -> str:
    widget = field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.PasswordInput):
        return "password"
    if widget.attrs.get("data-width") == "short":
        return "short"
    return "text"


@register.inclusion_tag("includes/field.html")
def govuk_field(field):
    return {"field": field}


@register.filter
def days_since(value) -> int | None:
    if value is None:
        return None
    today = timezone.localdate()
    day = timezone.localtime(value).date() if hasattr(value, "tzinfo") and hasattr(value, "hour") else value
    return (today - day).days
