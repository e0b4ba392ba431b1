from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstep.agencies.models import Professional, Role
from doorstep.core.forms import GovukDateField, GovukForm

from .models import Explanation, Grade, RoundScope, SampleMethod


class ExplainForm(GovukForm):
    explanation = forms.ChoiceField(label=_("What happened?"), choices=Explanation.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Anything more your manager should know"), widget=forms.Textarea, required=False,
                           max_length=2000)


class AuditPlanForm(GovukForm):
    """OVR-1: plan a case-file audit round. The service checks the rest (the period, the questions, the sample)."""

    title = forms.CharField(label=_("Title of the round"), max_length=200)
    period_start = GovukDateField(label=_("Period from"), help_text=_("For example, 1 9 2026"))
    period_end = GovukDateField(label=_("Period to"), help_text=_("For example, 30 11 2026"))
    scope = forms.ChoiceField(label=_("Whose families?"), choices=RoundScope.choices, widget=forms.RadioSelect,
                              initial=RoundScope.AGENCY, help_text=_(
                                  "Single agency: families your agency is involved with. Multi-agency: every family "
                                  "the partnership works with (designated case-file auditors only)."))
    method = forms.ChoiceField(label=_("How are the families chosen?"), choices=SampleMethod.choices,
                               widget=forms.RadioSelect, initial=SampleMethod.RANDOM, help_text=_(
                                   "Always at random among the families that match, with a seed you can use again. "
                                   "Your own cases are never chosen."))
    worker = forms.ModelChoiceField(label=_("Worker whose caseload is audited"), queryset=Professional.objects.none(),
                                    required=False)
    sample_size = forms.IntegerField(label=_("Number of families"), min_value=1, max_value=200, initial=5)
    seed = forms.IntegerField(label=_("Random seed (optional)"), min_value=1, max_value=10 ** 12, required=False,
                              help_text=_("Leave it blank for a new seed; enter a recorded seed to draw the same "
                                          "sample again."))
    reveals = {"method": {SampleMethod.CASELOAD: ("worker",)}}

    def __init__(self, *args, planner, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Professional.objects.filter(is_active=True, role__in=[Role.PRACTITIONER, Role.MANAGER])
        if not planner.is_case_file_auditor:
            staff = staff.filter(agency_id=planner.agency_id)
        self.fields["worker"].queryset = staff.exclude(pk=planner.pk).select_related("agency").order_by(
            "last_name", "first_name")


class AuditAnswerForm(GovukForm):
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect)
    evidence = forms.MultipleChoiceField(label=_("Evidence in the record"), required=False,
                                         widget=forms.CheckboxSelectMultiple, help_text=_(
                                             "The family's latest chronology entries: each links to its record."))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False, max_length=2000, help_text=_(
        "Required for a finding: what must improve becomes the lead professional's action."))

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [
            (str(e.pk), f"{date_format(timezone.localtime(e.occurred_at), 'DATE_FORMAT')} · {e.get_kind_display()}: "
                        f"{e.summary_shown}") for e in entries]


class AuditQuestionForm(GovukForm):
    english = forms.CharField(label=_("The question in English"), max_length=300)
    welsh = forms.CharField(label=_("The question in Welsh"), max_length=300, required=False,
                            help_text=_("Leave it blank to show the English to Welsh readers."))
