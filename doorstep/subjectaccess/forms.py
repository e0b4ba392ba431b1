from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm
from doorstep.families.models import CorrespondenceLanguage, Person

from .models import IdentityCheck, RedactionGround, RequesterKind


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} ({obj.get_role_display()})"


class RequestForm(GovukForm):
    subject = PersonChoice(label=_("Who is the request about?"), queryset=Person.objects.none(),
                           widget=forms.RadioSelect, empty_label=None)
    requester_kind = forms.ChoiceField(label=_("Who is asking?"), choices=RequesterKind.choices,
                                       widget=forms.RadioSelect)
    requester_name = forms.CharField(label=_("Name of the person asking"), max_length=200, required=False,
                                     help_text=_("Only when someone asks for another person"))
    identity_check = forms.ChoiceField(label=_("How was identity checked?"), choices=IdentityCheck.choices,
                                       widget=forms.RadioSelect)
    identity_checked_on = GovukDateField(label=_("Date identity was checked"), help_text=_("For example, 27 3 2027"))
    received_on = GovukDateField(label=_("Date the request was received"), help_text=_("For example, 27 3 2027"))
    language = forms.ChoiceField(label=_("Language for the answer"), choices=CorrespondenceLanguage.choices,
                                 widget=forms.RadioSelect)

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = Person.objects.filter(family=family).exclude(role="unborn").order_by(
            "role", "date_of_birth", "id")


class ExtendForm(GovukForm):
    months = forms.TypedChoiceField(label=_("Extend by"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(1, _("One month")), (2, _("Two months"))])
    reason = forms.CharField(label=_("Why is more time needed?"), widget=forms.Textarea, max_length=2000,
                             help_text=_("The requester is told this in a letter, in their language"))


class RedactionAddForm(GovukForm):
    text = forms.CharField(label=_("Words to withhold"), max_length=500,
                           help_text=_("Copy them exactly as they appear in the record"))
    ground = forms.ChoiceField(label=_("Ground"), choices=RedactionGround.choices, widget=forms.RadioSelect)
    other_reason = forms.CharField(label=_("The other ground"), max_length=300, required=False)


class RedactionDecideForm(GovukForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("withhold", _("Withhold")),
                                                               ("release", _("Release: remove the redaction"))],
                                 widget=forms.RadioSelect)
    ground = forms.ChoiceField(label=_("Ground"), choices=RedactionGround.choices, required=False)
    other_reason = forms.CharField(label=_("The other ground"), max_length=300, required=False)


class ConsultationForm(GovukForm):
    answer = forms.ChoiceField(label=_("May your agency's records be released?"), widget=forms.RadioSelect,
                               choices=[("no_objection", _("Yes: no objection")),
                                        ("objection", _("Only with some information withheld"))])
    response = forms.CharField(label=_("What should be withheld, and why"), widget=forms.Textarea, max_length=4000,
                               required=False)


class ReturnForm(GovukForm):
    reason = forms.CharField(label=_("What needs another look?"), widget=forms.Textarea, max_length=2000)
