from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukForm

from .models import MANDATORY_KINDS, NotificationKind


class PreferencesForm(GovukForm):
    email_kinds = forms.MultipleChoiceField(
        label=_("Send me an e-mail for"),
        choices=[(k, label) for k, label in NotificationKind.choices if k not in MANDATORY_KINDS],
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("You always get e-mails about violence towards professionals and colleagues overdue from a "
                    "visit: the protocol requires them."),
    )
