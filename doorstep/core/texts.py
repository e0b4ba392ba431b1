"""Sentences Doorstep writes by itself, stored as a message id and parameters and put into words when read.

Issue 14 ("everything a person reads, in their language"): a stored sentence is a `Text(msgid, params)`, never
English. It is rendered when it is read, in the reader's language (the page's; the recipient's for e-mails and
notifications). Its JSON form (`text_to_json` / `text_from_json`) is what a JSONField holds.

Parameter values may be:
- str: the family's own words, names, references: shown as they were written, never translated;
- int (or float), None;
- date and datetime (rendered as "12 Jan 2027" and "12 Jan 2027, 10:00", in the local time zone: issue 18's one format);
- another `Text`, or a lazy translation (a `TextChoices` label): translated in the reader's language;
- a list of those (rendered joined with "; ");
- `Names({"en": "Evans household", "cy": "Aelwyd Evans"})`: a value that has its own form per language (agency and
  family names);
- `Joined([...], ", ")` and `Lowercase(value)`: a list with another separator, a label in lower case;
- `Verbatim("...")`: a sentence stored before issue 14 that could not be turned back into a message id. It is shown
  as it was written, in the language it was written in.

The JSON form is stable: a `Text` is {"msgid": ..., "params": {...}} (and "msgid_plural" for a plural message); dates are {"date": "2027-01-12"}, datetimes
{"datetime": "2027-01-12T10:00:00+00:00"}, `Names` {"names": {...}}, `Joined` {"joined": [...], "separator": ", "}, `Lowercase` {"lower": ...}, `Verbatim` {"verbatim": ..., "language": ...}.
Strings, numbers, null and lists are themselves.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext

# The separator gettext uses between a message's context and its id ("month name\x04May").
CONTEXT_SEPARATOR = "\x04"
# ... and between the singular and plural forms of a message (ngettext).
PLURAL_SEPARATOR = "\x00"


@dataclass(frozen=True)
class Text:
    """A sentence for a reader: a msgid (marked with gettext_noop) and its parameters, translated when rendered.
    A msgid with a context (pgettext) is stored as "context\\x04msgid", as gettext itself keys it."""

    msgid: str
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        # Text(ngettext_lazy("%(count)s thing", "%(count)s things", "count")): a message with plural forms, chosen
        # by the "count" parameter when rendered; stored as "singular\x00plural", as gettext keys plurals.
        if isinstance(self.msgid, Promise):
            unpickle, args = self.msgid.__reduce__()
            if getattr(unpickle, "__name__", "") == "_lazy_number_unpickle":  # ngettext_lazy(singular, plural, key)
                _func, _resultclass, number, kw = args
                if number != "count":
                    raise ValueError("A plural Text counts by its \"count\" parameter")
                object.__setattr__(self, "msgid", f"{kw['singular']}{PLURAL_SEPARATOR}{kw['plural']}")
            else:
                converted = _lazy_to_text(self.msgid)
                object.__setattr__(self, "msgid", converted.msgid if isinstance(converted, Text) else str(converted))

    def __str__(self) -> str:
        return text_render(self)

    def __mod__(self, params: dict) -> "Text":
        """`Text(gettext_noop("%(agency)s became involved")) % {"agency": ...}`: reads like the gettext it replaces,
        and keeps the parameters instead of formatting them."""
        return Text(self.msgid, {**self.params, **params})


class Names(dict):
    """A value with its own form per language: {"en": "Evans household", "cy": "Aelwyd Evans"}. Rendered in the
    reader's language, else the site's default language, else whichever form there is."""

    def __str__(self) -> str:
        return _names_pick(self, translation.get_language())


@dataclass(frozen=True)
class Verbatim:
    """A sentence kept exactly as it was stored (English written before issue 14 that no message id matched)."""

    text: str
    language: str = "en"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Joined:
    """A list shown joined with `separator` (a plain list is joined with "; ")."""

    items: list
    separator: str = ", "


@dataclass(frozen=True)
class Lowercase:
    """A value shown in lower case in the middle of a sentence ("behaviour: hostile, aggressive")."""

    value: object


# --- Rendering ------------------------------------------------------------------------------------------------

def _language_base(language: str | None) -> str:
    return (language or settings.LANGUAGE_CODE).split("-")[0].lower()


def _names_pick(names: dict, language: str | None) -> str:
    for code in (_language_base(language), settings.LANGUAGE_CODE, "en"):
        if names.get(code):
            return str(names[code])
    return next((str(v) for v in names.values() if v), "")


def _translate(msgid: str, params: dict) -> str:
    if PLURAL_SEPARATOR in msgid:
        singular, plural = msgid.split(PLURAL_SEPARATOR, 1)
        return ngettext(singular, plural, int(params.get("count") or 0))
    if CONTEXT_SEPARATOR in msgid:
        context, message = msgid.split(CONTEXT_SEPARATOR, 1)
        return pgettext(context, message)
    return gettext(msgid)


WELSH_VOWELS = "aeiouwyâêîôûŵŷ"


def vowel_first(word: str) -> bool:
    """Welsh writes "ac" for "a" (and) and "ag" for "â" (with) before a vowel."""
    return word[:1].lower() in WELSH_VOWELS


# A translator writes "â %(agency)s" without knowing the name that will follow: once a stored sentence's
# parameters are in, "â" before a vowel is put right ("â Alfie" reads "ag Alfie").
_WELSH_WITH = re.compile(r"(?<!\w)([âÂ]) (?=\w)")


def _welsh_before_a_vowel(sentence: str) -> str:
    return _WELSH_WITH.sub(lambda m: m.group(0) if not vowel_first(sentence[m.end():]) else
                           ("ag " if m.group(1) == "â" else "Ag "), sentence)


def _one_full_stop(message: str, rendered: dict) -> str:
    """Issue 18: a parameter that ends its own sentence ("Step away.") is not followed by the message's full stop
    as well ("away.. Reason"): the message's stop goes, the person's words stay as they were written."""
    for name, value in rendered.items():
        if isinstance(value, str) and value.rstrip()[-1:] in (".", "!", "?") and f"%({name})s." in message:
            message = re.sub(rf"%\({re.escape(name)}\)s\.(?!\.)", f"%({name})s", message)
    return message


# Issue 15: a long chronology renders tens of thousands of stored sentences; each msgid's translation is looked up
# once per language (Django's gettext goes through the active translation's thread-local on every call), and the
# language is read once per sentence rather than once per part. Cleared when the catalogues' settings change.
_translations: dict[tuple[str, str], str] = {}


@receiver(setting_changed)
def _forget_translations(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _translations.clear()


def _translate_in(language: str, msgid: str, params: dict) -> str:
    if PLURAL_SEPARATOR in msgid:  # depends on the count: not kept
        return _translate(msgid, params)
    key = (language, msgid)
    found = _translations.get(key)
    if found is None:
        found = _translations[key] = _translate(msgid, params)
    return found


def _render(value, language: str | None = None) -> str:
    if isinstance(value, Text):
        language = language if language is not None else (translation.get_language() or "")
        message = _translate_in(language, value.msgid, value.params)
        if not value.params:
            return message
        # Numbers stay numbers, for "%(count)d".
        rendered = {name: v if isinstance(v, (int, float)) and not isinstance(v, bool) else _render(v, language)
                    for name, v in value.params.items()}
        sentence = _one_full_stop(message, rendered) % rendered
        return _welsh_before_a_vowel(sentence) if language.startswith("cy") else sentence
    if isinstance(value, Verbatim):
        return value.text
    if isinstance(value, Names):
        return _names_pick(value, translation.get_language() if language is None else language)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(_render(v, language) for v in value)
    if isinstance(value, Joined):
        return value.separator.join(_render(v, language) for v in value.items)
    if isinstance(value, Lowercase):
        return _render(value.value, language).lower()
    if value is None:
        return ""
    return str(value)


def _render_stored(data, language: str) -> str:
    """`_render(value_from_json(data), language)` without building the values first (issue 15: a chronology CSV
    renders thousands of stored sentences, and building each one's Text tree took as long as rendering it). The
    same words: core/tests/test_texts.py compares the two on every kind of value."""
    if isinstance(data, dict):
        if "msgid" in data:
            msgid = str(data["msgid"])
            if data.get("msgid_plural"):
                msgid = f"{msgid}{PLURAL_SEPARATOR}{data['msgid_plural']}"
            params = data.get("params") or {}
            message = _translate_in(language, msgid, params)
            if not params:
                return message
            rendered = {name: v if isinstance(v, (int, float)) and not isinstance(v, bool) else
                        _render_stored(v, language) for name, v in params.items()}
            sentence = _one_full_stop(message, rendered) % rendered
            return _welsh_before_a_vowel(sentence) if language.startswith("cy") else sentence
        if "names" in data:
            return _names_pick(data["names"], language)
        return _render(value_from_json(data), language)
    if isinstance(data, list):
        return "; ".join(_render_stored(v, language) for v in data)
    if data is None:
        return ""
    return str(data)


def text_render(text, language: str | None = None) -> str:
    """The sentence in `language` (default: the active language). Accepts a Text, Verbatim, Names, a plain str (a
    value stored before it was a Text, returned as it is), or a JSON form as `text_to_json` writes it."""
    if isinstance(text, dict) and not isinstance(text, Names):
        if "msgid" not in text:
            text = text_from_json(text)
        else:
            with translation.override(language) if language else nullcontext():
                return _render_stored(text, language or translation.get_language() or "")
    with translation.override(language) if language else nullcontext():
        return _render(text)


def text_shown(stored, fallback: str = "", language: str | None = None) -> str:
    """A model's stored sentence (its JSON form) in the reader's language, or `fallback` (the column that held the
    sentence before issue 14, or the person's own words) when there is none."""
    if not stored:
        return fallback
    return text_render(stored if isinstance(stored, dict) else text_from_json(stored), language)


def text_store(text, *, max_length: int | None = None, language: str | None = None) -> tuple[str, dict | None]:
    """What a model stores for a sentence: (the sentence in `language`, by default the site's, for search and old
    readers; its JSON form, or None when it is a plain str: a person's own words)."""
    if text is None:
        return "", None
    if isinstance(text, str) and not isinstance(text, Promise):
        plain = text
        stored = None
    else:
        stored = text_to_json(text)
        plain = text_render(text_from_json(stored), language or settings.LANGUAGE_CODE)
    return (plain[:max_length] if max_length else plain), stored


def text_render_all(text) -> dict[str, str]:
    """The sentence in every language the site speaks: {"en": ..., "cy": ...} (for the API and exports)."""
    return {code: text_render(text, code) for code, _name in settings.LANGUAGES}


def choice_label(obj, field_name: str):
    """The label of a model's choice field as a sentence's parameter (translated when read): use it where
    `obj.get_<field>_display()` would format the label in the writer's language."""
    value = getattr(obj, field_name)
    label = dict(obj._meta.get_field(field_name).flatchoices).get(value, value)
    return _lazy_to_text(label) if isinstance(label, Promise) else label


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


# --- JSON form ------------------------------------------------------------------------------------------------

def _lazy_to_text(value: Promise):
    """A lazy translation (gettext_lazy / pgettext_lazy, as TextChoices labels are) becomes the Text of its msgid, so
    it is translated when read, not when stored."""
    try:
        _unpickle, (func, args, kwargs, *_classes) = value.__reduce__()
    except (TypeError, ValueError):
        return str(value)
    name = getattr(func, "__name__", "")
    if not kwargs and name in ("gettext", "ugettext") and len(args) == 1:
        return Text(str(args[0]))
    if not kwargs and name == "pgettext" and len(args) == 2:
        return Text(f"{args[0]}{CONTEXT_SEPARATOR}{args[1]}")
    # ngettext_lazy and other lazy values have no single msgid: keep what they say in the default language.
    with translation.override(settings.LANGUAGE_CODE):
        return Verbatim(str(value), settings.LANGUAGE_CODE)


def value_to_json(value):
    if isinstance(value, Promise):
        value = _lazy_to_text(value)
    if isinstance(value, Text):
        return text_to_json(value)
    if isinstance(value, Verbatim):
        return {"verbatim": value.text, "language": value.language}
    if isinstance(value, Names):
        return {"names": {str(k): str(v) for k, v in value.items()}}
    if isinstance(value, Joined):
        return {"joined": [value_to_json(v) for v in value.items], "separator": value.separator}
    if isinstance(value, Lowercase):
        return {"lower": value_to_json(value.value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [value_to_json(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    # Anything else (a model instance, an enum member) is stored as what it says.
    return str(value)


def value_from_json(data):
    if isinstance(data, list):
        return [value_from_json(v) for v in data]
    if isinstance(data, dict):
        if "msgid" in data:
            return text_from_json(data)
        if "verbatim" in data:
            return Verbatim(str(data["verbatim"]), str(data.get("language") or "en"))
        if "names" in data:
            return Names(data["names"])
        if "joined" in data:
            return Joined([value_from_json(v) for v in data["joined"]], str(data.get("separator", ", ")))
        if "lower" in data:
            return Lowercase(value_from_json(data["lower"]))
        if "datetime" in data:
            return parse_datetime(data["datetime"])
        if "date" in data:
            return parse_date(data["date"])
        raise ValueError(f"Not a stored text value: {data!r}")
    return data


def text_to_json(text) -> dict | None:
    """The JSON form of a Text (or Verbatim) for a JSONField."""
    if text is None:
        return None
    if isinstance(text, (Verbatim, Promise)):
        return value_to_json(text)
    if isinstance(text, str):
        return value_to_json(Verbatim(text, settings.LANGUAGE_CODE))
    params = {str(k): value_to_json(v) for k, v in (text.params or {}).items()}
    if PLURAL_SEPARATOR in text.msgid:  # PostgreSQL's jsonb holds no NUL character: the plural form has its own key
        singular, plural = text.msgid.split(PLURAL_SEPARATOR, 1)
        return {"msgid": singular, "msgid_plural": plural, "params": params}
    return {"msgid": text.msgid, "params": params}


def text_from_json(data):
    """The Text (or Verbatim) a JSONField holds; None for an empty field."""
    if data is None or data == {}:
        return None
    if isinstance(data, str):
        return Verbatim(data, settings.LANGUAGE_CODE)
    if "msgid" in data:
        msgid = str(data["msgid"])
        if data.get("msgid_plural"):
            msgid = f"{msgid}{PLURAL_SEPARATOR}{data['msgid_plural']}"
        return Text(msgid, {k: value_from_json(v) for k, v in (data.get("params") or {}).items()})
    return value_from_json(data)


# --- Reading back sentences stored as English before issue 14 ------------------------------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _pattern(message: str) -> re.Pattern:
    parts, end = [], 0
    for match in _PLACEHOLDER.finditer(message):
        parts.append(re.escape(message[end:match.start()]))
        parts.append(f"(?P<{match[1]}>.*?)")
        end = match.end()
    parts.append(re.escape(message[end:]))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


def text_parse(sentence: str, msgids, *, languages=None):
    """Turn a sentence stored as words back into a `Text`: the first msgid whose words (in English, or in Welsh for
    a sentence written while the writer read Welsh) match it whole, with its parameters as the words found (the
    names and the family's own words, which are never translated). A sentence no msgid matches is kept as it was,
    marked as such (`Verbatim`). For the data migrations of issue 14."""
    languages = languages or [code for code, _name in settings.LANGUAGES]
    # The most specific message first: "%(rule)s: %(title)s" matches almost anything.
    for msgid in sorted(msgids, key=lambda m: -len(_PLACEHOLDER.sub("", m))):
        for language in languages:
            with translation.override(language):
                message = _translate(msgid, {})
            match = _pattern(message).match(sentence)
            if match is not None:
                return Text(msgid, {name: _parameter_parse(value) for name, value in match.groupdict().items()})
    return Verbatim(sentence, settings.LANGUAGE_CODE)


def _parameter_parse(value: str):
    """A parameter read back from stored words: a date stays a date; anything else stays the words it was."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    return value
