"""RIG-2: the recording check as a pure function, tested with plain values: the partnership's terms (English and
Welsh, Welsh soft mutation too) and opinion stated as fact, in reading order, with their prompts."""

from doorstep.recording.check import GENERALISATION, LABEL, OPINION, TERM, Term, findings_marked, recording_check
from doorstep.recording.defaults import DEFAULT_TERMS

TERMS = [Term("aggressive", "Describe the behaviour: what did you see or hear?"),
         Term("uncooperative", "What was asked, and what did they do?"),
         Term("non-compliant", "Say what was asked."),
         Term("refused to engage", "Say what was offered."),
         Term("gelyniaethus", "Disgrifiwch yr ymddygiad.", "cy"),
         Term("ymosodol", "Beth welsoch chi?", "cy")]


def _found(text, terms=TERMS):
    return [(f.text, f.kind) for f in recording_check(text, terms)]


def test_rig_2_finds_the_partnerships_terms_with_their_prompts_in_reading_order():
    findings = recording_check("Mum was Aggressive and uncooperative as usual.", TERMS)
    assert [(f.text, f.kind) for f in findings] == [
        ("Aggressive", TERM), ("uncooperative", TERM), ("as usual", GENERALISATION)]
    assert findings[0].suggestion == "Describe the behaviour: what did you see or hear?"
    assert (findings[0].start, findings[0].end) == (8, 18)


def test_rig_2_terms_match_whole_words_any_spacing_or_hyphen_and_not_inside_other_words():
    assert _found("He was non compliant; she refused  to\nengage.") == [
        ("non compliant", TERM), ("refused  to\nengage", TERM)]
    assert _found("Non-Compliant") == [("Non-Compliant", TERM)]
    assert _found("She spoke aggressively to the dog; the aggressiveness stopped.") == []


def test_rig_2_welsh_terms_are_found_in_their_soft_mutation_too():
    assert _found("Roedd y tad yn elyniaethus ac yn ymosodol.") == [("elyniaethus", TERM), ("ymosodol", TERM)]
    assert _found("Tad gelyniaethus.") == [("gelyniaethus", TERM)]
    # Only Welsh terms mutate: an English term is not found mutated.
    assert _found("ggressive") == []


def test_rig_2_opinion_stated_as_fact_labels_and_generalisations_in_english_and_welsh():
    assert _found("She is clearly manipulative. Obviously he lied.", []) == [
        ("She is clearly manipulative", OPINION), ("Obviously", OPINION)]
    assert _found("Dad is a drinker. The mother's a nightmare.", []) == [
        ("Dad is a drinker", LABEL), ("mother's a nightmare", LABEL)]
    assert _found("Mae hi'n amlwg yn flin; yn amlwg fel arfer.", []) == [("yn amlwg", OPINION), ("fel arfer", GENERALISATION)]
    assert _found("Mum attended the appointment and asked about nursery places.", []) == []


def test_rig_2_a_partnership_term_wins_over_a_pattern_where_they_overlap():
    terms = [Term("clearly hostile", "Describe it.")]
    assert _found("He was clearly hostile.", terms) == [("clearly hostile", TERM)]


def test_rig_2_the_default_list_has_english_and_welsh_terms_each_with_a_prompt():
    languages = {t.language for t in DEFAULT_TERMS}
    assert languages == {"en", "cy"}
    assert all(t.term and t.suggestion for t in DEFAULT_TERMS)
    words = {t.term for t in DEFAULT_TERMS}
    assert {"non-compliant", "uncooperative", "aggressive", "manipulative", "hostile", "chaotic", "resistant",
            "refused to engage", "attention seeking", "difficult family"} <= words
    assert _found("Teulu anodd, anhrefnus ac yn ystrywgar.", DEFAULT_TERMS) == [
        ("Teulu anodd", TERM), ("anhrefnus", TERM), ("ystrywgar", TERM)]


def test_rig_2_the_marked_text_is_escaped_with_each_finding_in_a_mark():
    text = "<b>Mum</b> was aggressive\nagain"
    marked = findings_marked(text, recording_check(text, TERMS))
    assert marked == ('&lt;b&gt;Mum&lt;/b&gt; was <mark class="ds-recording-mark">aggressive</mark><br>again')
