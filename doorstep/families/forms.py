from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Agency, Professional
from doorstep.core.forms import GovukDateField, GovukForm

from .models import BreakGlassGround, ChildStatus, CorrespondenceLanguage, Literacy, MemberRole


class FamilySearchForm(GovukForm):
    name = forms.CharField(label=_("Name or reference"), required=False, max_length=100)
    date_of_birth = GovukDateField(label=_("Date of birth"), required=False, past_only=True)
    address = forms.CharField(label=_("Address or postcode"), required=False, max_length=100)

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f) for f in ("name", "date_of_birth", "address")):
            raise forms.ValidationError(_("Enter a name, a date of birth or an address to search"))
        return data


class AddressFields(GovukForm):
    line1 = forms.CharField(label=_("Address line 1"), max_length=200)
    line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    town = forms.CharField(label=_("Town or city"), max_length=100)
    postcode = forms.RegexField(
        label=_("Postcode"), max_length=10, regex=r"^\s*[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\s*$",
        error_messages={"invalid": _("Enter a real postcode, like CF10 1AA")},
        widget=forms.TextInput(attrs={"data-width": "short"}),
    )


class FamilyCreateForm(AddressFields):
    name = forms.CharField(label=_("Household name"), max_length=200, help_text=_("For example, the Evans household"))
    reason = forms.CharField(label=_("Why is your agency involved"), widget=forms.Textarea, max_length=2000)
    summary = forms.CharField(label=_("Summary of concerns"), widget=forms.Textarea, required=False, max_length=5000)
    known_to_csc = forms.BooleanField(label=_("Known to children's social care"), required=False)

    # Issue 21: every family belongs to exactly one partnership; asked only when the agency works in several.
    partnership = forms.ModelChoiceField(label=_("Which partnership the family belongs to"), queryset=None,
                                         widget=forms.RadioSelect, empty_label=None,
                                         error_messages={"required": _("Select which partnership the family "
                                                                       "belongs to")})

    field_order = ["name", "reason", "summary", "known_to_csc", "partnership", "line1", "line2", "town", "postcode"]

    def __init__(self, *args, partnerships=(), **kwargs):
        super().__init__(*args, **kwargs)
        partnerships = list(partnerships)
        if len(partnerships) > 1:
            from doorstep.partnerships.models import Partnership

            self.fields["partnership"].queryset = Partnership.objects.filter(pk__in=[p.pk for p in partnerships])
        else:
            del self.fields["partnership"]


class FamilyMoveForm(AddressFields):
    moved_in = GovukDateField(label=_("Date they moved in"), past_only=True)


class PersonForm(GovukForm):
    role = forms.ChoiceField(label=_("Role in the household"), choices=MemberRole.choices, widget=forms.RadioSelect)
    given_name = forms.CharField(label=_("First name"), max_length=100)
    family_name = forms.CharField(label=_("Last name"), max_length=100)
    other_names = forms.CharField(label=_("Other names known by"), max_length=200, required=False)
    date_of_birth = GovukDateField(label=_("Date of birth"), required=False, past_only=True)
    expected_date = GovukDateField(label=_("Expected date of delivery"), required=False,
                                   help_text=_("Only for an unborn child"))
    lives_elsewhere = forms.BooleanField(label=_("Lives outside the household"), required=False)
    child_status = forms.ChoiceField(label=_("Child's status"), choices=ChildStatus.choices, initial=ChildStatus.NONE)
    child_status_since = GovukDateField(label=_("Status since"), required=False, past_only=True)
    known_to_csc = forms.BooleanField(label=_("Known to children's social care"), required=False)
    first_language = forms.CharField(label=_("First language"), max_length=100, required=False)
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    literacy = forms.ChoiceField(label=_("Literacy"), choices=Literacy.choices, initial=Literacy.READS_WELL)
    correspondence_language = forms.ChoiceField(
        label=_("Preferred language for letters"), choices=CorrespondenceLanguage.choices,
        initial=CorrespondenceLanguage.ENGLISH, widget=forms.RadioSelect,
    )
    cultural_dates = forms.CharField(label=_("Religious and cultural dates to be aware of"), widget=forms.Textarea,
                                     required=False, max_length=2000)
    disability = forms.CharField(label=_("Disability or other needs"), widget=forms.Textarea, required=False,
                                 max_length=2000)
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is not one of the people listed above"), required=False
    )


class InvolvementStartForm(GovukForm):
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.filter(is_active=True))
    reason = forms.CharField(label=_("Reason for involvement"), widget=forms.Textarea, max_length=2000)
    lead_professional = forms.ModelChoiceField(
        label=_("Lead professional for the agency"), queryset=Professional.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_professional"].queryset = Professional.objects.filter(
            agency__isnull=False, is_active=True, role__in=["practitioner", "manager"]
        ).select_related("agency")
        self.fields["lead_professional"].label_from_instance = lambda p: f"{p} ({p.agency.name})"


class InvolvementEndForm(GovukForm):
    reason = forms.CharField(label=_("Why is the involvement ending"), widget=forms.Textarea, max_length=2000)


class InvolvementEndProposeForm(GovukForm):
    reason = forms.CharField(label=_("Why should the involvement end"), widget=forms.Textarea, max_length=2000)


class OverallLeadForm(GovukForm):
    lead = forms.ModelChoiceField(label=_("Overall lead professional"), queryset=Professional.objects.none())

    def __init__(self, *args, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = Professional.objects.filter(
            agency__involvements__family=family, agency__involvements__ended_on__isnull=True, is_active=True,
            role__in=["practitioner", "manager"],
        ).select_related("agency").distinct()
        self.fields["lead"].label_from_instance = lambda p: f"{p} ({p.agency.name})"


class BreakGlassForm(GovukForm):
    reference = forms.CharField(label=_("Family reference"), max_length=20, help_text=_("For example, DS-000123"),
                                widget=forms.TextInput(attrs={"data-width": "short"}))
    ground = forms.ChoiceField(label=_("Why do you need emergency access"), choices=BreakGlassGround.choices,
                               widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("What is happening"), widget=forms.Textarea, max_length=2000,
        help_text=_("Your manager will review this. Access is read-only and ends automatically after 24 hours."),
    )


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].error_messages["required"] = _("Select why you need emergency access")


class BreakGlassReviewForm(GovukForm):
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea, max_length=2000)
