from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm

from .models import EntryKind
from .selectors import ChronologyFilters, filter_tags
from .services import COMMENT_MAX_LENGTH


class ChronologyFilterForm(GovukForm):
    """CHR-1: filter by agency, person, kind, behaviour and period; significant events only."""

    agency = forms.ChoiceField(label=_("Agency"), required=False)
    person = forms.ChoiceField(label=_("Person"), required=False)
    kind = forms.ChoiceField(label=_("Kind of entry"), required=False)
    behaviour = forms.ChoiceField(label=_("Behaviour"), required=False)
    date_from = GovukDateField(label=_("From"), required=False)
    date_to = GovukDateField(label=_("To"), required=False)
    significant_only = forms.BooleanField(label=_("Significant events only"), required=False)

    def __init__(self, *args, agencies=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("All"))]
        self.fields["agency"].choices = everyone + [(str(a.pk), a.name) for a in agencies]
        self.fields["person"].choices = everyone + [(str(p.pk), str(p)) for p in people]
        self.fields["kind"].choices = everyone + list(EntryKind.choices)
        self.fields["behaviour"].choices = everyone + list(filter_tags())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period must be the same as or after the start"))
        return data

    def filters(self) -> ChronologyFilters:
        """The filters that are valid (an invalid one is shown with its error and not applied)."""
        if not self.is_bound:
            return ChronologyFilters()
        self.is_valid()
        d = self.cleaned_data
        date_ok = "date_to" not in self.errors and "date_from" not in self.errors
        return ChronologyFilters(
            agency_id=int(d["agency"]) if d.get("agency") else None,
            person_id=int(d["person"]) if d.get("person") else None,
            kind=d.get("kind") or "",
            behaviour=d.get("behaviour") or "",
            date_from=d.get("date_from") if date_ok else None,
            date_to=d.get("date_to") if date_ok else None,
            significant_only=bool(d.get("significant_only")),
        )


    def description(self, filters: ChronologyFilters) -> list[tuple[str, str]]:
        """Issue 18: what a filtered view is filtered by, in words: (the filter's label, the value chosen), for the
        filters that are applied (an invalid one is not)."""
        if not filters.active:
            return []

        def chosen(name: str, value) -> tuple[str, str]:
            return str(self.fields[name].label), str(dict(self.fields[name].choices).get(str(value), value))

        described = []
        if filters.agency_id:
            described.append(chosen("agency", filters.agency_id))
        if filters.person_id:
            described.append(chosen("person", filters.person_id))
        if filters.kind:
            described.append(chosen("kind", filters.kind))
        if filters.behaviour:
            described.append(chosen("behaviour", filters.behaviour))
        if filters.date_from:
            described.append((str(self.fields["date_from"].label), date_format(filters.date_from)))
        if filters.date_to:
            described.append((str(self.fields["date_to"].label), date_format(filters.date_to)))
        if filters.significant_only:
            described.append((str(self.fields["significant_only"].label), ""))
        return described


class CommentForm(GovukForm):
    text = forms.CharField(label=_("Your analysis"), widget=forms.Textarea, max_length=COMMENT_MAX_LENGTH,
                           help_text=_("What this entry shows, and the pattern it is part of"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Enter your analysis")
