from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukForm

from .models import Agency


class TokenIssueForm(GovukForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.filter(is_active=True))
    system_name = forms.CharField(label=_("Partner system name"), max_length=150)


class TwoStepCodeForm(GovukForm):
    token = forms.CharField(label=_("Code"), max_length=8, widget=forms.TextInput(attrs={"data-width": "short"}))
