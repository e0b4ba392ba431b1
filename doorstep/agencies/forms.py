from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm

from .models import Agency, Professional, Role, TokenScope


class TokenRequestForm(GovukForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.filter(is_active=True))
    system_name = forms.CharField(label=_("Partner system name"), max_length=150)
    contact_name = forms.CharField(label=_("Contact name"), max_length=200,
                                   help_text=_("The person responsible for the partner system's use of Doorstep"))
    contact_email = forms.EmailField(label=_("Contact e-mail address"))
    scope = forms.ChoiceField(label=_("What the partner system may do"), choices=TokenScope.choices,
                              initial=TokenScope.READ, widget=forms.RadioSelect)
    expires_on = GovukDateField(label=_("Expires on"), help_text=_(
        "The token stops working at the start of this day: a year from today at most. For example, 27 3 2027"))


class TwoStepCodeForm(GovukForm):
    token = forms.CharField(label=_("Code"), max_length=8, widget=forms.TextInput(attrs={"data-width": "short"}))


class PasswordLinkForm(PasswordResetForm):
    """Django's password reset e-mail, sent to one chosen professional (an administrator's "send a reset link"),
    whether or not they have a password yet: never to every account that shares the address."""

    def __init__(self, *, professional):
        super().__init__(data={"email": professional.email})
        self.professional = professional
        self.full_clean()

    def get_users(self, email):
        return [self.professional]


class ProfessionalAdminForm(forms.ModelForm):
    """The admin site's form for staff: no password field (issue 13 finding 2), and no partner-system role."""

    class Meta:
        model = Professional
        fields = ["username", "first_name", "last_name", "email", "agency", "team", "job_title", "role",
                  "line_manager", "is_designated_postholder", "is_duty_manager", "is_disclosure_officer",
                  "is_records_manager", "is_case_file_auditor", "phone", "preferred_language",
                  "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].choices = [(v, label) for v, label in self.fields["role"].choices if v != Role.SYSTEM]

    def clean(self):
        # The same rules as the service (which enforces them), shown on the form rather than as an error page.
        data = super().clean()
        agency, team, role = data.get("agency"), data.get("team"), data.get("role")
        if role in (Role.PRACTITIONER, Role.MANAGER) and agency is None and "agency" in self.fields:
            self.add_error("agency", _("Practitioners and managers belong to an agency"))
        if team is not None and agency is not None and team.agency_id != agency.pk:
            self.add_error("team", _("The team must belong to the professional's agency"))
        return data
