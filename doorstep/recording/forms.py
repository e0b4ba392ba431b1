from django import forms
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm

from .models import CorrectionState, TermLanguage


class TermForm(GovukForm):
    """RIG-2: a term of the partnership's list, in English or Welsh, with its prompt."""

    term = forms.CharField(label=_("Word or phrase"), max_length=100,
                           help_text=_("For example, uncooperative. It is found in any case, and in Welsh in its "
                                       "soft mutation too."))
    language = forms.ChoiceField(label=_("Language of the word or phrase"), choices=TermLanguage.choices,
                                 widget=forms.RadioSelect)
    suggestion = forms.CharField(label=_("Suggested factual alternative or prompt"), widget=forms.Textarea,
                                 max_length=300,
                                 help_text=_("Shown to the worker instead, in the same language. For example: "
                                             "Describe the behaviour: what did you see or hear?"))


class TermEditForm(TermForm):
    active = forms.BooleanField(label=_("In use"), required=False,
                                help_text=_("A term not in use is kept on the list but not checked"))


class CorrectionRequestForm(GovukForm):
    """UK GDPR Article 16: a person's request to correct a record about them, logged by any involved worker."""

    person = forms.ChoiceField(label=_("Who is asking?"), widget=forms.RadioSelect)
    requested_through = forms.CharField(
        label=_("Through someone else (optional)"), max_length=200, required=False,
        help_text=_("For example, their solicitor or an advocate, with their authority"))
    received_on = GovukDateField(label=_("Date the request was received"), past_only=True,
                                 help_text=_("The record's agency decides within one calendar month of this date. "
                                             "For example, 27 3 2026"))
    request_text = forms.CharField(
        label=_("What do they say is wrong, and how should it read?"), widget=forms.Textarea, max_length=5000,
        help_text=_("In their words"))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.pk): p for p in people}
        self.fields["person"].choices = [(str(p.pk), f"{p} ({p.get_role_display().lower()})") for p in people]
        self.fields["person"].error_messages["required"] = _("Select who is asking")
        self.fields["received_on"].error_messages["required"] = _("Enter the date the request was received")
        self.fields["request_text"].error_messages["required"] = _("Enter what they say is wrong, in their words")

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"person": self.people[d["person"]], "requested_through": d["requested_through"],
                "received_on": d["received_on"], "request_text": d["request_text"]}


class CorrectionDecideForm(GovukForm):
    """The record's agency decides: corrected (the earlier version kept) or not (the person's statement attached)."""

    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect, choices=[
        (CorrectionState.CORRECTED, _("Correct the record")),
        (CorrectionState.NOT_CORRECTED, _("Do not correct it: attach the person's statement")),
    ])
    corrected_text = forms.CharField(label=_("The record's corrected words"), widget=forms.Textarea,
                                     max_length=5000, required=False,
                                     help_text=_("They replace the words shown; the earlier version is kept"))
    statement = forms.CharField(label=_("The person's statement, in their words"), widget=forms.Textarea,
                                max_length=5000, required=False,
                                help_text=_("Shown with the record wherever it is shown, including the chronology"))
    reason = forms.CharField(label=_("Reasons for your decision"), widget=forms.Textarea, max_length=5000)
    reveals = {"decision": {CorrectionState.CORRECTED: ("corrected_text",),
                            CorrectionState.NOT_CORRECTED: ("statement",)}}

    def __init__(self, *args, text_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # A person's details are corrected on their own page: the decision only records it.
        self.text_required = text_required
        if not text_required:
            del self.fields["corrected_text"]
            self.reveals = {"decision": {CorrectionState.NOT_CORRECTED: ("statement",)}}
        self.fields["decision"].error_messages["required"] = _("Select whether the record is corrected")
        self.fields["reason"].error_messages["required"] = _("Enter the reasons for your decision")

    def clean(self):
        data = super().clean()
        if self.text_required and data.get("decision") == CorrectionState.CORRECTED and not data.get("corrected_text"):
            self.add_error("corrected_text", _("Enter the record's corrected words"))
        if data.get("decision") == CorrectionState.NOT_CORRECTED and not data.get("statement"):
            self.add_error("statement", _("Enter the person's statement, in their words"))
        return data
