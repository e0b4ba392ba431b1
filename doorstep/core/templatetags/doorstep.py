from django import forms, template
from django.forms import BaseForm
from django.utils import timezone
from django.utils.translation import gettext, ngettext

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
    if isinstance(widget, forms.FileInput):
        return "file"
    if widget.attrs.get("data-width") == "short":
        return "short"
    return "text"


# A count for each plural form the browser's Intl.PluralRules may pick (CLDR names), so GOV.UK Frontend's character
# count says "1 character" and, in Welsh, uses the form gettext has for that count.
PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 4}


def character_count_i18n() -> list[tuple[str, str]]:
    """The data-i18n attributes of a GOV.UK character count, in the reader's language (%{count} is GOV.UK's)."""
    attrs = []
    for form, n in PLURAL_SAMPLES.items():
        attrs.append((f"data-i18n.characters-under-limit.{form}", ngettext(
            "You have %(count)s character remaining", "You have %(count)s characters remaining", n)))
        attrs.append((f"data-i18n.characters-over-limit.{form}", ngettext(
            "You have %(count)s character too many", "You have %(count)s characters too many", n)))
    attrs = [(name, message % {"count": "%{count}"}) for name, message in attrs]
    attrs.append(("data-i18n.characters-at-limit", gettext("You have 0 characters remaining")))
    return attrs


@register.inclusion_tag("includes/field.html")
def govuk_field(field, nested: bool = False):
    """One field as the GOV.UK component for its widget (the one place a form field is drawn).

    Issue 18 (WCAG 2.2 AA 1.3.1, 3.3.1): the hint and the error message are in the aria-describedby of the control,
    or of the fieldset of a group; a long text field has a GOV.UK character count; a choice that opens more questions
    (the form's `reveals`) draws them inside it, and they are not drawn again where the page lists them.
    """
    form = field.form
    reveals = getattr(form, "reveals", {})
    if not nested and field.name in getattr(form, "revealed_fields", set)():
        return {"skip": True}
    kind = widget_kind(field)
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    max_length = getattr(field.field, "max_length", None) if kind == "textarea" else None
    info_id = f"{field.auto_id}-info" if max_length else ""
    described_by = " ".join(i for i in (info_id, hint_id, error_id) if i)
    opens = reveals.get(field.name, {})
    choices = ([(choice, [form[name] for name in opens.get(str(choice.data["value"]), ())]) for choice in field]
               if kind in ("radios", "checkboxes") else [])
    return {"field": field, "widget": kind, "hint_id": hint_id, "error_id": error_id, "described_by": described_by,
            "max_length": max_length, "info_id": info_id, "choices": choices, "has_reveals": bool(opens),
            "count_i18n": character_count_i18n() if max_length else ()}


@register.filter
def page_numbers(page) -> list[int | None]:
    """The page numbers GOV.UK's pagination shows: the first, the last, and one either side of the current page;
    None where pages are left out (an ellipsis)."""
    ellipsis = page.paginator.ELLIPSIS
    return [None if n == ellipsis else n
            for n in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)]


@register.simple_tag(takes_context=True)
def error_title_prefix(context) -> str:
    """GOV.UK: a page showing errors has a title starting "Error: " (Welsh "Gwall: "), whichever form has them."""
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return gettext("Error:") + " "
    return ""


@register.filter
def days_since(value) -> int | None:
    if value is None:
        return None
    today = timezone.localdate()
    day = timezone.localtime(value).date() if hasattr(value, "tzinfo") and hasattr(value, "hour") else value
    return (today - day).days
