from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Agency, Professional, Role
from doorstep.core.forms import GovukForm

from .models import Nation
from .presets import preset_choices


class PartnershipCreateForm(GovukForm):
    """A deployment administrator creates a partnership (issue 21)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    name_cy = forms.CharField(label=_("Name in Welsh"), max_length=200, required=False)
    nation = forms.ChoiceField(label=_("Nation"), choices=Nation.choices, widget=forms.RadioSelect,
                               help_text=_("Deadlines in working days count this nation's bank holidays."),
                               error_messages={"required": _("Select the nation whose bank holidays the partnership "
                                                             "keeps")})
    preset = forms.ChoiceField(label=_("Protocol"), choices=preset_choices, widget=forms.RadioSelect,
                               help_text=_("Which rules are on, their thresholds and timescales, and the clauses "
                                           "they cite. You can change the settings afterwards."),
                               error_messages={"required": _("Select the protocol the partnership starts from")})
    agencies = forms.ModelMultipleChoiceField(label=_("Agencies working in it"), queryset=Agency.objects.none(),
                                              widget=forms.CheckboxSelectMultiple, required=False)
    board_chairs = forms.ModelMultipleChoiceField(label=_("Board chairs"), queryset=Professional.objects.none(),
                                                  widget=forms.CheckboxSelectMultiple, required=False)
    # OVR-2 (issue 21): who reads the partnership's Board's report besides its Board chairs.
    analysts = forms.ModelMultipleChoiceField(label=_("Analysts"), queryset=Professional.objects.none(),
                                              widget=forms.CheckboxSelectMultiple, required=False,
                                              help_text=_("They read the partnership's Board's report, never a "
                                                          "family."))
    administrators = forms.ModelMultipleChoiceField(label=_("Administrators"), queryset=Professional.objects.none(),
                                                    widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Enter the partnership's name")
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).order_by("name")
        self.fields["agencies"].label_from_instance = lambda agency: agency.display_name
        self.fields["board_chairs"].queryset = Professional.objects.filter(role=Role.BOARD_CHAIR, is_active=True)
        self.fields["analysts"].queryset = Professional.objects.filter(role=Role.ANALYST, is_active=True)
        self.fields["administrators"].queryset = Professional.objects.filter(role=Role.ADMINISTRATOR,
                                                                             is_active=True)


class PresetChangeForm(GovukForm):
    """A partnership changes the protocol it runs (ESC-12): always with a reason."""

    preset = forms.ChoiceField(label=_("Protocol"), choices=preset_choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Select the protocol the partnership runs")})
    reason = forms.CharField(label=_("Why the partnership's protocol is changing"), widget=forms.Textarea,
                             max_length=2000, help_text=_("Recorded with the change in the audit log."),
                             error_messages={"required": _("Enter why the partnership's protocol is changing")})


class FamilyTransferForm(GovukForm):
    """Issue 21: a family moves to another partnership, with a reason; its open actions move with it."""

    to_partnership = forms.ModelChoiceField(
        label=_("Partnership the family is transferring to"), queryset=None, widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Select the partnership the family is transferring to"),
                        "invalid_choice": _("Select the partnership the family is transferring to")})
    reason = forms.CharField(label=_("Why the family is transferring"), widget=forms.Textarea, max_length=2000,
                             help_text=_("For example, the family has moved into the other partnership's area. "
                                         "Recorded in the chronology and the audit log."),
                             error_messages={"required": _("Enter why the family is transferring to another "
                                                           "partnership")})

    def __init__(self, *args, destinations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_partnership"].queryset = destinations
        self.fields["to_partnership"].label_from_instance = lambda p: f"{p.display_name} ({p.protocol.name})"
