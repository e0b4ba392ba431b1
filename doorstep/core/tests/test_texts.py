"""Issue 14: stored sentences are message ids and parameters, rendered in the reader's language."""

import json
from datetime import date, datetime, timezone

from django.utils import translation

from doorstep.core.texts import Names, Text, Verbatim, text_from_json, text_render, text_render_all, text_to_json
from doorstep.families.models import ChildStatus


def _nested_text():
    return Text("%(child)s: %(status)s", {
        "child": "Jac Evans",
        "status": ChildStatus.CHILD_PROTECTION.label,
    })


def test_json_form_round_trips_every_kind_of_parameter():
    text = Text("%(a)s %(b)s", {
        "words": "the family's own words",
        "count": 3,
        "none": None,
        "day": date(2027, 1, 12),
        "moment": datetime(2027, 1, 12, 10, 0, tzinfo=timezone.utc),
        "nested": Text("never"),
        "items": [Text("never"), "x"],
        "name": Names({"en": "Evans household", "cy": "Aelwyd Evans"}),
        "old": Verbatim("Escalated to A. Manager"),
    })
    stored = json.loads(json.dumps(text_to_json(text)))  # what a JSONField gives back
    assert text_from_json(stored) == text
    assert stored["params"]["day"] == {"date": "2027-01-12"}
    assert stored["params"]["name"] == {"names": {"en": "Evans household", "cy": "Aelwyd Evans"}}


def test_lazy_translation_is_stored_as_its_msgid_and_translated_when_read():
    stored = text_to_json(_nested_text())
    assert stored["params"]["status"] == {"msgid": "Child protection plan", "params": {}}
    assert text_render(stored, "en") == "Jac Evans: Child protection plan"
    assert text_render(text_from_json(stored), "cy") == "Jac Evans: Cynllun amddiffyn plant"


def test_names_render_in_the_reader_language_and_fall_back_to_english():
    text = Text("%(family)s", {"family": Names({"en": "Evans household", "cy": "Aelwyd Evans"})})
    assert text_render_all(text) == {"en": "Evans household", "cy": "Aelwyd Evans"}
    assert text_render(Text("%(agency)s", {"agency": Names({"en": "Police"})}), "cy") == "Police"


def test_dates_render_in_the_reader_language():
    text = Text("%(day)s", {"day": date(2027, 1, 12)})
    assert text_render(text, "en") == "12 Jan 2027"
    assert text_render(text, "cy") == "12 Ion 2027"


def test_verbatim_and_plain_strings_are_shown_as_stored():
    assert text_render(text_from_json({"verbatim": "Escalated to Sam", "language": "en"}), "cy") == "Escalated to Sam"
    assert text_render("Old stored sentence", "cy") == "Old stored sentence"
    assert text_from_json(None) is None


def test_str_of_a_text_uses_the_active_language():
    with translation.override("cy"):
        assert str(_nested_text()) == "Jac Evans: Cynllun amddiffyn plant"


def test_stored_english_is_read_back_as_a_message_id_or_kept_verbatim():
    from doorstep.core.texts import text_parse

    messages = ["%(agency)s became involved: %(reason)s", "Written agreement reviewed and ended: %(note)s",
                "Escalated to %(manager)s"]
    parsed = text_parse("Police became involved: worried about the children", messages)
    assert parsed == Text("%(agency)s became involved: %(reason)s",
                          {"agency": "Police", "reason": "worried about the children"})
    assert text_parse("Escalated to Sam Jones", messages) == Text("Escalated to %(manager)s", {"manager": "Sam Jones"})
    assert text_parse("Something nobody wrote", messages) == Verbatim("Something nobody wrote", "en")


def test_a_plural_message_chooses_its_form_by_count_when_read():
    from django.utils.translation import ngettext_lazy

    text = Text(ngettext_lazy("%(count)d professional", "%(count)d professionals", "count")) % {"count": 2}
    stored = text_to_json(text)
    assert stored["msgid"] == "%(count)d professional" and stored["msgid_plural"] == "%(count)d professionals"
    assert "\x00" not in json.dumps(stored)  # PostgreSQL's jsonb refuses it
    assert text_render(text_from_json(stored), "en") == "2 professionals"


def test_welsh_with_before_a_vowel_reads_ag_once_the_name_is_in():
    """Issue 18: Welsh "â" (with) becomes "ag" before a vowel; a stored sentence learns its names only when read."""
    from django.utils.translation import gettext_noop

    from doorstep.core.texts import Text, text_render

    text = Text(gettext_noop("Yes: there is a warning for visitors to %(a)s."))
    assert text_render(text % {"a": "Aelwyd Evans"}, "cy") == "Oes: mae rhybudd i ymwelwyr ag Aelwyd Evans."
    assert text_render(text % {"a": "Teulu Jones"}, "cy") == "Oes: mae rhybudd i ymwelwyr â Teulu Jones."
    assert text_render(text % {"a": "Aelwyd Evans"}, "en") == "Yes: there is a warning for visitors to Aelwyd Evans."


def test_a_parameter_that_ends_its_own_sentence_gets_no_second_full_stop():
    """Issue 18: "Supervision decision: Step away.. Reason" read as a typing slip; one full stop, in both languages,
    and the person's own words as they wrote them."""
    msgid = "Supervision decision: %(decision)s. Reason: %(reason)s"
    stored = text_to_json(Text(msgid, {"decision": "The worker steps away.", "reason": "Threats at the last visit."}))
    english = text_render(stored, "en")
    assert english == "Supervision decision: The worker steps away. Reason: Threats at the last visit."
    assert ".." not in text_render(stored, "cy")
    assert text_render(Text(msgid, {"decision": "Carry on", "reason": "Safe"}), "en") == (
        "Supervision decision: Carry on. Reason: Safe")
    assert text_render(Text(msgid, {"decision": "Wait...", "reason": "x"}), "en") == (
        "Supervision decision: Wait... Reason: x")


def test_a_stored_sentence_reads_the_same_rendered_from_its_json_as_from_its_values():
    """Issue 15: the CSV renders stored JSON without building Text values first; the words must not change, for
    every kind of parameter, plurals, names, dates, nesting, Welsh mutations and the one-full-stop rule."""
    from django.utils.translation import gettext_noop, ngettext_lazy

    texts = [
        Text("%(a)s %(b)s", {
            "a": "the family's own words", "b": 3, "none": None, "day": date(2027, 1, 12),
            "moment": datetime(2027, 1, 12, 10, 0, tzinfo=timezone.utc), "nested": Text("never"),
            "items": [Text("never"), "x"], "name": Names({"en": "Evans household", "cy": "Aelwyd Evans"}),
            "old": Verbatim("Escalated to A. Manager")}),
        Text("%(a)s on %(day)s at %(moment)s (%(items)s) %(name)s %(old)s %(none)s", {
            "a": Text("Home visit"), "day": date(2027, 1, 12),
            "moment": datetime(2027, 7, 12, 10, 0, tzinfo=timezone.utc), "items": [Text("Yes"), "x", 2],
            "name": Names({"en": "Evans household", "cy": "Aelwyd Evans"}), "old": Verbatim("Done."), "none": None}),
        Text(ngettext_lazy("%(count)d professional", "%(count)d professionals", "count")) % {"count": 2},
        Text(ngettext_lazy("%(count)d professional", "%(count)d professionals", "count")) % {"count": 1},
        Text(gettext_noop("Yes: there is a warning for visitors to %(a)s.")) % {
            "a": Names({"en": "Evans household", "cy": "Aelwyd Evans"})},
        Text("Supervision decision: %(decision)s. Reason: %(reason)s",
             {"decision": "The worker steps away.", "reason": True}),
        _nested_text(),
    ]
    for text in texts:
        stored = json.loads(json.dumps(text_to_json(text)))
        for language in ("en", "cy"):
            with translation.override("en"):
                assert text_render(stored, language) == text_render(text_from_json(stored), language), (text, language)
            with translation.override(language):
                assert text_render(stored) == text_render(text_from_json(stored))
