"""Issue 13, finding 10: the base form refuses what it did not offer, on the field, in the GOV.UK error summary."""

from django import forms
from django.template.loader import render_to_string

from doorstep.core.forms import GovukForm


class PeopleForm(GovukForm):
    person = forms.ChoiceField(label="Who was there?", choices=[("1", "Kelly"), ("2", "Alfie")],
                               widget=forms.RadioSelect)
    seen = forms.MultipleChoiceField(label="Seen", choices=[("1", "Kelly")], required=False,
                                     widget=forms.CheckboxSelectMultiple)
    offered_only = {"child_": "That child is not a member of this family"}

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        for pk in children:
            self.fields[f"child_{pk}"] = forms.MultipleChoiceField(
                label=f"Child {pk}", choices=[("seen", "Seen")], required=False, widget=forms.CheckboxSelectMultiple)


def test_a_choice_that_was_not_offered_is_refused_on_its_field_without_repeating_it():
    form = PeopleForm({"person": "999", "seen": ["999"]})
    assert not form.is_valid()
    assert form.errors == {"person": ["Select only from the options shown"],
                           "seen": ["Select only from the options shown"]}


def test_a_field_for_someone_not_offered_is_refused_on_the_first_such_field_and_linked_from_the_summary():
    form = PeopleForm({"person": "1", "child_7": ["seen"], "child_999": ["seen"]}, children=[7, 8])
    assert not form.is_valid()
    assert form.errors == {"child_7": ["That child is not a member of this family"]}
    summary = render_to_string("includes/error_summary.html", {"form": form})
    # A group of checkboxes has no element with the field's own id: the link goes to its first option.
    assert '<a href="#id_child_7_0">That child is not a member of this family</a>' in summary
    assert '<a href="#id_person_0">' not in summary


def test_with_none_offered_the_refusal_is_for_the_whole_form():
    form = PeopleForm({"person": "1", "child_999": ["seen"]})
    assert not form.is_valid()
    assert form.non_field_errors() == ["That child is not a member of this family"]


def test_other_names_that_only_begin_like_such_a_field_are_left_alone():
    form = PeopleForm({"person": "1", "child_impact": "He watched", "child_": "x", "child_abc": "x"}, children=[7])
    assert form.is_valid(), form.errors
