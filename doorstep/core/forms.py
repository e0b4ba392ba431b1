"""Form pieces shared by every app: the GOV.UK date input, with specific errors for each way a date is wrong, and
the base form that refuses what it did not offer."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class GovukDateWidget(forms.MultiWidget):
    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_


class GovukDateField(forms.MultiValueField):
    """Day, month and year as three boxes (the GOV.UK date input pattern)."""

    widget = GovukDateWidget

    def __init__(self, *, past_only: bool = False, **kwargs):
        self.past_only = past_only
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(v or "").strip() for v in data_list)
        label = self.label or _("Date")
        if not (day and month and year):
            missing = [name for name, v in ((_("day"), day), (_("month"), month), (_("year"), year)) if not v]
            raise ValidationError(_("%(label)s must include a %(part)s") % {"label": label, "part": missing[0]})
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(_("%(label)s must be a real date, for example 27 3 2019") % {"label": label})
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(_("%(label)s must be a real date") % {"label": label}) from None
        if self.past_only:
            from django.utils import timezone

            if value > timezone.localdate():
                raise ValidationError(_("%(label)s must be today or in the past") % {"label": label})
        return value


# The first line of a select list of these records (issue 18).
CHOOSE = {"agencies.Agency": _("Choose an agency"), "agencies.Professional": _("Choose a professional")}


class GovukForm(forms.Form):
    """Every field's error names the field; required-field messages say what to enter.

    Nothing posted that names someone the form did not offer is dropped silently (issue 13, finding 10): a choice
    outside the list (a person of another family, a professional of another agency) is refused on its field with
    "Select only from the options shown", and a field made per person or agency (`child_<id>`, `agency_<id>`)
    posted for one the form did not make is refused with the message in `offered_only`, on the first such field.
    """

    # Prefix of the fields made per person or agency -> the error for a posted one the form did not make.
    offered_only: dict[str, str] = {}
    # Field -> the first line of its select list, where the default for its model (CHOOSE) does not fit (a filter).
    choose: dict[str, str] = {}
    # Field -> choice -> the fields that choice opens (issue 18: GOV.UK conditional reveal). The opened fields are
    # rendered inside the choice, shown without JavaScript and hidden with it until the choice is made.
    reveals: dict[str, dict[str, tuple[str, ...]]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if (isinstance(field, forms.ModelChoiceField) and type(field.widget) is forms.Select
                    and field.empty_label is not None):
                # Issue 18: a select list starts "Choose an agency", not Django's "---------".
                model = field.queryset.model._meta.label
                field.empty_label = self.choose.get(name) or CHOOSE.get(model, _("Choose one"))
            if field.required and "required" not in getattr(field, "_custom_required", ()):
                field.error_messages["required"] = _("Enter %(label)s") % {"label": str(field.label).lower()}
                if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
                    field.error_messages["required"] = _("Select %(label)s") % {"label": str(field.label).lower()}

    def revealed_fields(self) -> set[str]:
        return {name for by_choice in self.reveals.values() for names in by_choice.values() for name in names}

    def full_clean(self):
        # Here rather than in __init__, so that fields a form adds after it (one per child, per agency) have it too.
        for field in self.fields.values():
            if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
                defaults = {}
                for cls in reversed(type(field).__mro__):
                    defaults.update(getattr(cls, "default_error_messages", {}))
                for key in ("invalid_choice", "invalid_pk_value", "invalid_list"):
                    # Django's own message repeats the posted value; this one says what to do (many labels are
                    # questions, so it does not quote the label). A form's own message wins.
                    if key in field.error_messages and field.error_messages[key] == defaults.get(key):
                        field.error_messages[key] = _("Select only from the options shown")
        super().full_clean()

    def clean(self):
        data = super().clean()
        self.refuse_unoffered()
        return data

    def refuse_unoffered(self) -> None:
        """Refuse a posted `<prefix><id>` field that this form did not make (see `offered_only`)."""
        for prefix, message in self.offered_only.items():
            pattern = re.compile(rf"{re.escape(prefix)}\d+")
            if any(pattern.fullmatch(key) and key not in self.fields for key in self.data):
                made = [name for name in self.fields if pattern.fullmatch(name)]
                self.add_error(made[0] if made else None, message)
