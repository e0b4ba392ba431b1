from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukForm

from .models import Explanation


class ExplainForm(GovukForm):
    explanation = forms.ChoiceField(label=_("What happened?"), choices=Explanation.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything more your manager should know"), widget=forms.Textarea, required=False,
                           max_length=2000)
