"""RIG-1 redaction as pure functions (no database): what to propose for an item, and an item's words with its
redactions applied, as segments of kept text and boxes. The bundle is built from these segments, so the withheld
words never reach the PDF (nor the page that previews it): they are replaced before anything is rendered.

Matching ignores case and respects word boundaries ("Dean" is found in "Dean said", not in "Deanery").
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Withhold:
    text: str
    code: str  # the ground's code, shown in the box
    automatic: bool  # a proposal of Doorstep's: never applied to the subject's own words


def _pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(text.strip())}(?!\w)", re.IGNORECASE)


def found_in(text: str, value: str) -> bool:
    return bool(text.strip()) and _pattern(text).search(value) is not None


def proposals(lines: Iterable[tuple[str, bool]], candidates: Iterable[str], whole_values: Iterable[str] = ()) -> list[str]:
    """The texts to propose withholding from an item: each candidate name found in a line that is not the subject's
    own words, and each whole value that names someone else. `lines` are (rendered value, own) pairs."""
    theirs = [value for value, own in lines if not own]
    found = [v for v in whole_values if v.strip()]
    found += [c for c in candidates if any(found_in(c, value) for value in theirs)]
    return list(dict.fromkeys(found))


def segments(value: str, withheld: Iterable[Withhold], *, own: bool = False) -> list[dict]:
    """`value` as [{"text": kept words} | {"box": code}, ...]: every occurrence of a withheld text is a box. On the
    subject's own words (`own`) only the officer's own redactions apply, never Doorstep's proposals."""
    spans: list[tuple[int, int, str]] = []
    for w in withheld:
        if own and w.automatic or not w.text.strip():
            continue
        spans += [(m.start(), m.end(), w.code) for m in _pattern(w.text).finditer(value)]
    spans.sort()
    merged: list[list] = []
    for start, end, code in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, code])
    out: list[dict] = []
    at = 0
    for start, end, code in merged:
        if start > at:
            out.append({"text": value[at:start]})
        out.append({"box": code})
        at = end
    if at < len(value):
        out.append({"text": value[at:]})
    return out


def plain(parts: list[dict]) -> str:
    """The segments as text, each box as [code] (the API and tests)."""
    return "".join(p["text"] if "text" in p else f"[{p['box']}]" for p in parts)
