import re
from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy as _

from doorstep.core.forms import GovukDateField, GovukForm
from doorstep.families.models import Literacy, MemberRole

from .models import AssessmentArea, Behaviour, ContactKind, NonCooperationReason, Outcome, ReasonBasis, ThreatKind
from .services import OBSERVATIONS, Requirement

# P-1 (000, 002 §1.2): the prompt belongs where workers record hostility.
THREAT_PROMPT = _("If you feel threatened, what is life like for the child?")
OBSERVATION_CHOICES = [
    ("seen", _("Seen")),
    ("seen_alone", _("Seen alone")),
    ("sleeping_place_seen", _("Where they sleep seen")),
    ("home_conditions_seen", _("Home conditions seen")),
    ("food_seen", _("Food seen")),
]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE)


def parse_time(value: str) -> time | None:
    """A time as people type it: 14:30, 14.30, 9:05, 2pm, 2:30pm."""
    match = TIME_PATTERN.match(value or "")
    if not match:
        return None
    hour, minute, meridiem = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
    if match.group(2) is None and not meridiem:
        return None
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class ContactForm(GovukForm):
    """ENG-1..4 on one page: the common case (a visit with no access) needs only the first fields; the rest sit
    in sections that open when needed (native <details>: no JavaScript, keyboard operable)."""

    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices, widget=forms.RadioSelect)
    occurred_date = GovukDateField(label=_("Date of the contact"), past_only=True,
                                   help_text=_("For example, 27 3 2026"))
    occurred_time = forms.CharField(label=_("Time of the contact"), max_length=10,
                                    help_text=_("Use the 24-hour clock, for example 14:30"),
                                    widget=forms.TextInput(attrs={"data-width": "short"}))
    planned = forms.ChoiceField(label=_("Was it planned?"), choices=YES_NO, widget=forms.RadioSelect, initial="yes")
    outcome = forms.ChoiceField(label=_("What happened"), choices=Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, required=False, max_length=5000,
                           help_text=_("What you saw and heard, factually"))
    # RIG-2 (issue 20): the family's own account, beside the worker's.
    family_account = forms.CharField(label=_("The family's account"), widget=forms.Textarea, required=False,
                                     max_length=5000,
                                     help_text=_("Optional. What the family said about it, in their own words"))
    adults_present = forms.MultipleChoiceField(label=_("Adults of the household present"), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    unknown_adults_present = forms.IntegerField(
        label=_("Adults present you did not know"), required=False, min_value=0, max_value=20,
        widget=forms.TextInput(attrs={"data-width": "short", "inputmode": "numeric"}),
        help_text=_("Anyone who may be living, staying or frequently visiting"),
        error_messages={"invalid": _("Enter a whole number, like 2"),
                        "min_value": _("The number of unknown adults cannot be negative"),
                        "max_value": _("The number of unknown adults must be 20 or fewer")})
    others_present = forms.CharField(label=_("Who else was present"), required=False, max_length=300,
                                     help_text=_("For example, an interpreter or a relative"))
    behaviours = forms.MultipleChoiceField(label=_("Behaviours observed"), choices=Behaviour.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    threats = forms.MultipleChoiceField(label=_("Threatening behaviour"), choices=ThreatKind.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple, help_text=THREAT_PROMPT)
    child_impact = forms.CharField(label=THREAT_PROMPT, widget=forms.Textarea, required=False, max_length=5000)
    purpose = forms.CharField(label=_("Purpose of the contact"), required=False, max_length=300,
                              help_text=_("Used in the summary for the parent"))
    non_cooperation_codes = forms.MultipleChoiceField(
        label=_("Reasons for non-cooperation"), choices=NonCooperationReason.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    non_cooperation_basis = forms.ChoiceField(label=_("Were the reasons given by the family or assessed by you?"),
                                              choices=ReasonBasis.choices, required=False, widget=forms.RadioSelect)
    non_cooperation_reasons = forms.CharField(label=_("Details of the reasons"), widget=forms.Textarea,
                                              required=False, max_length=5000)
    assessment_areas_missed = forms.MultipleChoiceField(
        label=_("Areas of assessment that could not be achieved"), choices=AssessmentArea.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    areas_not_achieved = forms.CharField(label=_("Why they could not be achieved"), widget=forms.Textarea,
                                         required=False, max_length=5000)
    follow_up = forms.CharField(label=_("Follow-up"), widget=forms.Textarea, required=False, max_length=5000,
                                help_text=_("For a missed or refused contact: what you will do next"))
    significant = forms.BooleanField(label=_("Mark as a significant event in the chronology"), required=False,
                                     help_text=_("Threats and violence are always significant"))

    MAIN = ["kind", "occurred_date", "occurred_time", "planned", "outcome", "note", "family_account"]
    # RIG-2: the fields where the worker describes the family, read by the recording check ("Check wording").
    CHECKED = ["note", "child_impact", "non_cooperation_reasons", "areas_not_achieved", "follow_up"]
    SECTIONS = [
        ("children", _("What you saw of the children"), None),
        ("present", _("Who else was there"), ["adults_present", "unknown_adults_present", "others_present"]),
        ("behaviour", _("Behaviour and threats"), ["behaviours", "threats", "child_impact"]),
        ("assessment", _("Engagement and assessment"),
         ["purpose", "non_cooperation_codes", "non_cooperation_basis", "non_cooperation_reasons",
          "assessment_areas_missed", "areas_not_achieved"]),
        ("next", _("Follow-up and significance"), ["follow_up", "significant"]),
    ]
    # Issue 13, finding 10: what was seen of a child this form does not list (a child of another family) is refused,
    # like the API and the service refuse it, never dropped.
    offered_only = {"child_": _("That child is not a member of this family")}
    NOT_A_MEMBER = _("That person is not a member of this family")
    REQUIRED = {
        "kind": _("Select the kind of contact"),
        "occurred_time": _("Enter the time of the contact"),
        "planned": _("Select whether the contact was planned"),
        "outcome": _("Select what happened"),
    }

    def __init__(self, *args, family_members=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in self.REQUIRED.items():
            self.fields[name].error_messages["required"] = message
        self.fields["occurred_date"].error_messages["required"] = _("Enter the date of the contact")
        self.children = [p for p in family_members if p.role == MemberRole.CHILD]
        self.fields["adults_present"].choices = [(str(p.pk), f"{p} ({p.get_role_display().lower()})")
                                                 for p in family_members if not p.is_child]
        self.fields["adults_present"].error_messages["invalid_choice"] = self.NOT_A_MEMBER
        if not self.fields["adults_present"].choices:
            del self.fields["adults_present"]
        self.child_fields = []
        for child in self.children:
            name = f"child_{child.pk}"
            label = str(child) if not child.lives_elsewhere else _("%(name)s (lives elsewhere)") % {"name": child}
            self.fields[name] = forms.MultipleChoiceField(label=label, choices=OBSERVATION_CHOICES, required=False,
                                                          widget=forms.CheckboxSelectMultiple)
            self.child_fields.append(name)
        if not self.is_bound and "occurred_date" not in self.initial:
            self.initial["occurred_date"] = timezone.localdate()

    def clean_occurred_time(self):
        value = parse_time(self.cleaned_data.get("occurred_time", ""))
        if value is None:
            raise forms.ValidationError(_("Enter a real time, for example 14:30"))
        return value

    def clean(self):
        data = super().clean()
        posted = (self.data.getlist("adults_present") if hasattr(self.data, "getlist")
                  else self.data.get("adults_present"))
        if "adults_present" not in self.fields and posted:
            # The family has no adults to offer, so anyone posted is not one of its members.
            self.add_error(None, self.NOT_A_MEMBER)
        day, at = data.get("occurred_date"), data.get("occurred_time")
        if day and at:
            data["occurred_at"] = timezone.make_aware(datetime.combine(day, at))
            if data["occurred_at"] > timezone.now():
                self.add_error("occurred_time", _("The time of the contact must be in the past"))
        return data

    def sections(self) -> list[dict]:
        result = []
        for key, title, names in self.SECTIONS:
            names = self.child_fields if names is None else [n for n in names if n in self.fields]
            if not names:
                continue
            bound = [self[n] for n in names]
            has_value = any(b.value() not in (None, "", [], False, 0, "0") for b in bound)
            result.append({"key": key, "title": title, "fields": bound,
                           "open": has_value or any(b.errors for b in bound)})
        return result

    def main_fields(self):
        return [self[n] for n in self.MAIN]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "kind": d["kind"], "planned": d["planned"] == "yes", "occurred_at": d["occurred_at"],
            "outcome": d["outcome"], "note": d.get("note", ""), "purpose": d.get("purpose", ""),
            "family_account": d.get("family_account", ""),
            "children": {child.pk: set(d.get(f"child_{child.pk}") or ()) for child in self.children},
            "adults_present": [int(pk) for pk in d.get("adults_present") or ()],
            "unknown_adults_present": d.get("unknown_adults_present") or 0,
            "others_present": d.get("others_present", ""),
            "behaviours": d.get("behaviours") or [], "threats": d.get("threats") or [],
            "child_impact": d.get("child_impact", ""),
            "non_cooperation_codes": d.get("non_cooperation_codes") or [],
            "non_cooperation_basis": d.get("non_cooperation_basis") or "",
            "non_cooperation_reasons": d.get("non_cooperation_reasons", ""),
            "assessment_areas_missed": d.get("assessment_areas_missed") or [],
            "areas_not_achieved": d.get("areas_not_achieved", ""),
            "significant": bool(d.get("significant")),
            **({"follow_up": d.get("follow_up", "")} if "follow_up" in self.fields else {}),
        }

    # Service errors name the service's fields; these are where they belong on this form.
    def service_field(self, name: str) -> str | None:
        if name == "occurred_at":
            return "occurred_time"
        if name == "children":
            return self.child_fields[0] if self.child_fields else None
        return name if name in self.fields else None

    @classmethod
    def initial_from(cls, contact, children, adults) -> dict:
        local = timezone.localtime(contact.occurred_at)
        initial = {
            "kind": contact.kind, "planned": "yes" if contact.planned else "no", "outcome": contact.outcome,
            "occurred_date": local.date(), "occurred_time": local.strftime("%H:%M"), "note": contact.note,
            "family_account": contact.family_account,
            "purpose": contact.purpose, "adults_present": [str(p.pk) for p in adults],
            "unknown_adults_present": contact.unknown_adults_present, "others_present": contact.others_present,
            "behaviours": contact.behaviours, "threats": contact.threats, "child_impact": contact.child_impact,
            "non_cooperation_codes": contact.non_cooperation_codes,
            "non_cooperation_basis": contact.non_cooperation_basis,
            "non_cooperation_reasons": contact.non_cooperation_reasons,
            "assessment_areas_missed": contact.assessment_areas_missed,
            "areas_not_achieved": contact.areas_not_achieved, "significant": contact.significant,
        }
        for cc in children:
            initial[f"child_{cc.child_id}"] = [k for k in OBSERVATIONS if getattr(cc, k)]
        return initial


class ContactCorrectForm(ContactForm):
    reason = forms.CharField(label=_("Why are you correcting this contact?"), widget=forms.Textarea, max_length=5000,
                             help_text=_("The earlier version is kept, with your name and this reason"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["follow_up"]
        self.fields["reason"].error_messages["required"] = _("Enter why you are correcting this contact")


class ReasonForm(GovukForm):
    reason = forms.CharField(label=_("Why was this contact entered in error?"), widget=forms.Textarea,
                             max_length=5000, help_text=_("For example, recorded against the wrong family. "
                                                          "The contact stays on the record, marked as entered in error."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Enter why this contact was entered in error")


class FollowUpForm(GovukForm):
    text = forms.CharField(label=_("What was done to follow up this contact?"), widget=forms.Textarea,
                           max_length=5000, help_text=_("For example, letter sent offering a new appointment; "
                                                        "discussed with my manager"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Enter what was done to follow up the contact")


class LetterForm(GovukForm):
    """ENG-5: the end-of-contact summary for a parent, in their language and format (004 §4.2, FAM-4)."""

    addressee = forms.ChoiceField(label=_("Who is the summary for?"), widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language"), widget=forms.RadioSelect, initial="auto", choices=[
        ("auto", _("Their preferred language for letters")), ("en", "English"), ("cy", "Cymraeg")])
    format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect, initial="auto", choices=[
        ("auto", _("Chosen from their literacy needs")), ("standard", _("Standard letter")),
        ("plain", _("Plain-language version, for low literacy"))])
    purpose = forms.CharField(label=_("Why you met or contacted them"), widget=forms.Textarea, max_length=2000)
    what_was_done = forms.CharField(label=_("What was done"), widget=forms.Textarea, max_length=2000,
                                    help_text=_("Write it as you would say it to them"))
    ROWS = 3

    def __init__(self, *args, adults=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.adults = {str(p.pk): p for p in adults}
        self.fields["addressee"].choices = [(str(p.pk), str(p)) for p in adults]
        self.fields["addressee"].error_messages["required"] = _("Select who the summary is for")
        self.fields["purpose"].error_messages["required"] = _("Enter why you met or contacted them")
        self.fields["what_was_done"].error_messages["required"] = _("Enter what was done")
        for i in range(1, self.ROWS + 1):
            self.fields[f"who_{i}"] = forms.CharField(label=_("Who"), required=False, max_length=200,
                                                      help_text=_("For example, you, or the health visitor"))
            self.fields[f"what_{i}"] = forms.CharField(label=_("What they need to do"), required=False,
                                                       max_length=1000)
            self.fields[f"by_{i}"] = GovukDateField(label=_("By when"), required=False)

    def requirement_rows(self):
        return [(i, self[f"who_{i}"], self[f"what_{i}"], self[f"by_{i}"]) for i in range(1, self.ROWS + 1)]

    def clean(self):
        data = super().clean()
        for i in range(1, self.ROWS + 1):
            who, what, by = data.get(f"who_{i}"), data.get(f"what_{i}"), data.get(f"by_{i}")
            if (who or what or by) and not (who and what and by) and not self.errors.get(f"by_{i}"):
                missing = f"who_{i}" if not who else f"what_{i}" if not what else f"by_{i}"
                self.add_error(missing, _("Enter who, what and by when for each thing that is required"))
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        addressee = self.adults[d["addressee"]]
        language = addressee.correspondence_language if d["language"] == "auto" else d["language"]
        plain = addressee.literacy != Literacy.READS_WELL if d["format"] == "auto" else d["format"] == "plain"
        requirements = [Requirement(who=d[f"who_{i}"], what=d[f"what_{i}"], by=d[f"by_{i}"])
                        for i in range(1, self.ROWS + 1) if d.get(f"who_{i}")]
        return {"addressee": addressee, "language": language, "plain_language": plain, "purpose": d["purpose"],
                "what_was_done": d["what_was_done"], "requirements": requirements}


class EngagementSettingsForm(GovukForm):
    defaulted_outcomes = forms.MultipleChoiceField(
        label=_("Outcomes that count as defaulted"), widget=forms.CheckboxSelectMultiple, required=False,
        choices=[(o.value, o.label) for o in Outcome if o not in (Outcome.SEEN, Outcome.CUT_SHORT)],
        help_text=_("Defaulted visits and appointments are counted and followed up (003 §7.9). A change applies "
                    "to contacts recorded from now on."))
    late_entry_hours = forms.IntegerField(
        label=_("A contact recorded more than this many hours after it happened is a late entry"),
        min_value=1, max_value=336)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("late_entry_hours",):
            field = self.fields[name]
            field.widget.attrs["data-width"] = "short"
            out_of_range = gettext("Enter a whole number from 1 to %(n)s") % {"n": field.max_value}
            field.error_messages.update({"invalid": gettext("Enter a whole number"), "min_value": out_of_range,
                                         "max_value": out_of_range,
                                         "required": gettext("Enter a whole number from 1 to %(n)s") % {
                                             "n": field.max_value}})
