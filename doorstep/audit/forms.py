from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Professional
from doorstep.core.forms import GovukDateField, GovukForm

from .models import AuditAction


class AuditSearchForm(GovukForm):
    choose = {"actor": _("Any")}
    actor = forms.ModelChoiceField(label=_("Member of staff"), queryset=Professional.objects.none(), required=False)
    action = forms.ChoiceField(label=_("Action"), choices=[("", _("Any"))] + list(AuditAction.choices), required=False)
    family_reference = forms.CharField(label=_("Family reference"), max_length=20, required=False)
    date_from = GovukDateField(label=_("From"), required=False)
    date_to = GovukDateField(label=_("To"), required=False)

    def __init__(self, *args, manager, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = Professional.objects.filter(agency_id=manager.agency_id)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must be the same as or after the start date"))
        return data
