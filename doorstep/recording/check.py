"""RIG-2 (001 §5.1.27, 004 §4.2): "families are treated with respect; records are factual". The recording check, a
pure function: text and the partnership's list of terms in, findings out. No database, no clock, nothing stored.

It highlights judgemental or pejorative wording from the partnership's list (each term with a prompt towards a
factual alternative, "what did you see or hear?"), and opinion stated as fact: "clearly", "obviously", "as usual",
"she is a ...". Informational only: it never blocks saving, and it never records who wrote what it found.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The kinds of finding.
TERM = "term"  # a word or phrase from the partnership's list
OPINION = "opinion"  # opinion stated as fact ("clearly", "is manipulative")
LABEL = "label"  # a label for a person ("she is a ...")
GENERALISATION = "generalisation"  # "as usual", "always"


@dataclass(frozen=True)
class Term:
    """A term of the partnership's list: the wording, its language ("en", "cy") and the prompt shown instead."""

    term: str
    suggestion: str
    language: str = "en"


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str  # the words as written
    kind: str
    suggestion: object  # the prompt: the partnership's own words, or a lazy translation for Doorstep's patterns


# Opinion stated as fact (English and Welsh). Each: (pattern, kind, prompt). Simple, on purpose: a prompt to think
# again, never a verdict.
OPINION_PROMPT = _("Opinion stated as fact: say what you saw or heard that shows it.")
LABEL_PROMPT = _("A label for a person: describe what they did or said instead.")
GENERALISATION_PROMPT = _("A generalisation: say when it happened and what happened.")
PATTERNS = (
    (r"clearly|obviously|evidently|undoubtedly|of course|it is apparent that", OPINION, OPINION_PROMPT),
    (r"(?:she|he|they|mum|dad|mother|father|the parents?)(?:'s|'re| is| are| was| were)"
     r" (?:clearly |very |so |just |always )?(?:manipulative|lazy|a liar|liars|dishonest|deceitful|neglectful|"
     r"a bad|an unfit|unfit|nasty|toxic)", OPINION, OPINION_PROMPT),
    (r"(?:she|he|mum|dad|mother|father)(?:'s| is| was) (?:a|an) (?!\d)[a-z]+", LABEL, LABEL_PROMPT),
    (r"as usual|as always|typical of (?:her|him|them|the family)", GENERALISATION, GENERALISATION_PROMPT),
    (r"yn amlwg|wrth gwrs|heb os(?: nac oni bai)?", OPINION, OPINION_PROMPT),
    (r"fel arfer|fel bob amser|yn ôl ei (?:harfer|arfer)", GENERALISATION, GENERALISATION_PROMPT),
)

# Welsh soft mutation of a word's first letters (after "yn", "ei" ...): a Welsh term is found in either form.
SOFT_MUTATIONS = (("ll", "l"), ("rh", "r"), ("p", "b"), ("t", "d"), ("c", "g"), ("b", "f"), ("d", "dd"), ("g", ""),
                  ("m", "f"))


def _mutated(word: str) -> list[str]:
    for radical, mutated in SOFT_MUTATIONS:
        if word.startswith(radical) and len(word) > len(radical) + 1:
            return [word, mutated + word[len(radical):]]
    return [word]


@lru_cache(maxsize=256)
def term_pattern(term: str, language: str) -> re.Pattern:
    """A term as a whole-word pattern: any case, any spacing or hyphen between its words, and in Welsh its soft
    mutation too ("gelyniaethus" finds "yn elyniaethus")."""
    words = term.lower().replace("-", " ").split()
    if not words:
        return re.compile(r"(?!)")
    first = _mutated(words[0]) if language == "cy" else [words[0]]
    head = "(?:" + "|".join(re.escape(w) for w in first) + ")"
    body = "".join(r"[\s\-]+" + re.escape(w) for w in words[1:])
    return re.compile(rf"(?<![\w'’]){head}{body}(?![\w])", re.IGNORECASE)


_PATTERNS = tuple((re.compile(rf"(?<![\w'’])(?:{p})(?![\w])", re.IGNORECASE), kind, prompt)
                  for p, kind, prompt in PATTERNS)


def recording_check(text: str, terms: Iterable[Term]) -> list[Finding]:
    """Every judgemental term and opinion stated as fact in `text`, in reading order. Where two overlap, the
    partnership's term wins over Doorstep's patterns, and the longer over the shorter."""
    text = text or ""
    found: list[Finding] = []
    for term in terms:
        for match in term_pattern(term.term, term.language).finditer(text):
            found.append(Finding(match.start(), match.end(), match.group(0), TERM, term.suggestion))
    for pattern, kind, prompt in _PATTERNS:
        for match in pattern.finditer(text):
            found.append(Finding(match.start(), match.end(), match.group(0), kind, prompt))
    found.sort(key=lambda f: (f.start, f.kind != TERM, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def findings_marked(text: str, findings: list[Finding]) -> SafeString:
    """The text, escaped, with each finding in a <mark> (for the form page)."""
    parts, at = [], 0
    for f in findings:
        parts.append(escape(text[at:f.start]))
        parts.append(f'<mark class="ds-recording-mark">{escape(text[f.start:f.end])}</mark>')
        at = f.end
    parts.append(escape(text[at:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))
