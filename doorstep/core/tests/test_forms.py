"""Issue 13, finding 10: the base form refuses what it did not offer, on the field, in the GOV.UK error summary.
Issue 18: the one template that draws a field (errors described, character counts, select lists, reveals)."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from doorstep.agencies.models import Agency
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


# --- Issue 18: the one place a field is drawn (WCAG 2.2 AA 1.3.1, 3.3.1; GOV.UK patterns) ---------------------------



class ContactLikeForm(GovukForm):
    kind = forms.ChoiceField(label="Kind", choices=[("visit", "Visit"), ("call", "Call"), ("letter", "Letter")],
                             widget=forms.RadioSelect, help_text="How you met")
    note = forms.CharField(label="Note", widget=forms.Textarea, max_length=200, help_text="What happened")
    name = forms.CharField(label="Name", max_length=20)
    agency = forms.ModelChoiceField(label="Agency", queryset=Agency.objects.none())
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("agreed", "Agree"), ("changed", "Agree with changes")])
    companions = forms.CharField(label="Who is going", required=False, max_length=100)
    reveals = {"decision": {"changed": ("companions",)}}


def field_html(form, name):
    return Template("{% load doorstep %}{% govuk_field f %}").render(Context({"f": form[name]}))


def test_a_groups_error_and_hint_are_in_the_fieldsets_aria_describedby_and_the_summary_links_its_first_option():
    form = ContactLikeForm({})
    assert not form.is_valid()
    html = field_html(form, "kind")
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_kind-hint id_kind-error">' in html
    assert 'id="id_kind-error"' in html and 'id="id_kind-hint"' in html
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert '<a href="#id_kind_0">' in summary and 'href="#id_kind"' not in summary
    assert 'href="#id_decision_0"' in summary


def test_a_text_fields_error_is_in_its_aria_describedby():
    html = field_html(ContactLikeForm({}), "name")
    assert re.search(r'<input [^>]*id="id_name"[^>]*aria-describedby="id_name-error"', html)
    assert '<p class="govuk-error-message" id="id_name-error">' in html


def test_a_long_text_field_has_a_govuk_character_count_in_the_readers_language():
    html = field_html(ContactLikeForm(), "note")
    assert 'data-module="govuk-character-count" data-maxlength="200"' in html
    assert 'aria-describedby="id_note-info id_note-hint"' in html
    assert ('<div id="id_note-info" class="govuk-hint govuk-character-count__message">'
            "You can enter up to 200 characters") in html
    assert 'data-i18n.characters-under-limit.one="You have %{count} character remaining"' in html
    with translation.override("cy"):
        welsh = field_html(ContactLikeForm(), "note")
    assert "You have" not in welsh and "data-i18n.characters-under-limit.two=" in welsh
    assert "Gallwch roi hyd at 200 nod" in welsh
    # A short text field is not counted.
    assert "character-count" not in field_html(ContactLikeForm(), "name")


@pytest.mark.django_db
def test_a_select_list_starts_with_what_to_choose_not_dashes():
    html = field_html(ContactLikeForm(), "agency")
    assert '<option value="">Choose an agency</option>' in html and "---" not in html
    with translation.override("cy"):
        assert "Dewiswch asiantaeth" in field_html(ContactLikeForm(), "agency")


def test_a_choice_that_opens_more_questions_draws_them_inside_it_and_not_again():
    form = ContactLikeForm()
    html = field_html(form, "decision")
    assert 'data-aria-controls="conditional-id_decision_1"' in html
    # Shown without JavaScript: only GOV.UK Frontend's script hides the --hidden class.
    conditional = html[html.index('id="conditional-id_decision_1"'):]
    assert 'id="id_companions"' in conditional
    assert "govuk-radios--inline" not in html
    assert field_html(form, "companions").strip() == ""
    # Chosen (say after an error), the opened questions are not hidden.
    chosen = field_html(ContactLikeForm({"decision": "changed"}), "decision")
    assert 'class="govuk-radios__conditional" id="conditional-id_decision_1"' in chosen


def test_a_page_with_errors_has_a_title_starting_error_in_english_and_welsh():
    page = Template("{% extends 'base.html' %}{% block title %}Record a contact{% endblock %}")
    # Whichever form has the errors (a page may name its form otherwise).
    errors = page.render(Context({"own_form": ContactLikeForm({})}))
    assert "<title>Error: Record a contact – Doorstep</title>" in errors
    assert "<title>Record a contact – Doorstep</title>" in page.render(Context({"form": ContactLikeForm()}))
    with translation.override("cy"):
        welsh = page.render(Context({"form": ContactLikeForm({})}))
    assert "<title>Gwall: Record a contact – Doorstep</title>" in welsh
