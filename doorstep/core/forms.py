"""Form pieces shared by every app: the GOV.UK date input, with specific errors for each way a date is wrong."""

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


class GovukForm(forms.Form):
    """Every field's error names the field; required-field messages say what to enter."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if field.required and "required" not in getattr(field, "_custom_required", ()):
                field.error_messages["required"] = _("Enter %(label)s") % {"label": str(field.label).lower()}
                if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)):
                    field.error_messages["required"] = _("Select %(label)s") % {"label": str(field.label).lower()}
