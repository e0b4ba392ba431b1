"""Visit safety (SAF-1..4): the pre-visit risk assessment and plan, the manager's agreement, and the lone-worker
monitoring of the visit itself, with the escalation chain that runs when a worker does not report back.

A `Visit` is one planned contact away from the office by a lead worker (the person who checks in and out). Its
monitoring state lives on the row (`next_alert_at`, `next_step`, `alarm_round`): due work is data, claimed by the
periodic sweep with select_for_update(skip_locked=True), so a worker or web-server restart loses nothing. Every step
of the chain that fires is a `VisitAlert` row, unique per visit, round and step, so two sweepers can never alert
twice. Every check-in and every decision is a `VisitEvent`: the worker's visit record.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstep.core.texts import text_shown


class RiskFactor(models.TextChoices):
    # SAF-1 (003 §5.4): factors for consideration in an assessment of risk; 003 §5.1 the worker's own anxiety;
    # FLG-1 the warning markers. Any one of them means no sole visit (SAF-2, 003 §5.3).
    VIOLENCE = "violence", _("A history of violence or threats of violence, including towards professionals")
    MENTAL_ILLNESS = "mental_illness", _("A history of mental illness or disorder")
    LOSS_OF_CONTROL = "loss_of_control", _("A medical condition that may result in a loss of self-control")
    DRINK_OR_DRUGS = "drink_or_drugs", _("Likely to be drunk or to have taken drugs")
    HIGH_STRESS = "high_stress", _("Facing high levels of stress")
    PERCEIVED_THREAT = "perceived_threat", _("The worker may be perceived as a threat")
    GENDER = "gender", _("Gender considerations, in relation to risk or to provoking violence")
    ANIMALS = "animals", _("Dogs or other animals at the address")
    WARNING_MARKERS = "warning_markers", _("Warning markers on the family or the address")
    WORKER_ANXIOUS = "worker_anxious", _("You have felt anxious for your safety with someone in the household before")


class Question(models.TextChoices):
    # SAF-1 (004 §6.1): questions to consider before contact with a family. Each is answered yes or no.
    DAYLIGHT = "daylight", _("Will the visit be in daylight?")
    CAR_TARGETED = "car_targeted", _("Is your car likely to be targeted or followed?")
    PHONE = "phone", _("Will you have a mobile phone or another way of summoning help, such as a personal alarm?")
    NEUTRAL_VENUE = "neutral_venue", _("Could the visit be arranged at a neutral venue?")
    CAN_CONTINUE = "can_continue", _("Is it possible for you to continue to work effectively with this family?")


class Arrangement(models.TextChoices):
    # SAF-2 (003 §5.3, 004 §6.1): how the visit is made.
    SOLE = "sole", _("Sole visit")
    TWO_WORKERS = "two_workers", _("Two workers")
    JOINT_AGENCY = "joint_agency", _("Joint visit with another agency")
    POLICE = "police", _("Police assistance")
    JOINT_MENTAL_HEALTH = "joint_mental_health", _("Joint visit with mental health")
    NEUTRAL_VENUE = "neutral_venue", _("Neutral venue")
    DAYLIGHT_ONLY = "daylight_only", _("Daylight only")
    TAXI_WAITING = "taxi_waiting", _("Taxi waiting")


# Arrangements that put a second person at the visit: with any risk factor, at least one of them (003 §5.3).
ACCOMPANIED = frozenset({Arrangement.TWO_WORKERS, Arrangement.JOINT_AGENCY, Arrangement.POLICE,
                         Arrangement.JOINT_MENTAL_HEALTH})


class OffPlan(models.TextChoices):
    # Issue 18 (SAF-2): how an arrival departs from the agreed plan. The worker is warned, the manager told.
    TIME = "time", _("Arrived outside the plan's time window")
    DARK = "dark", _("Not in daylight, where the plan says daylight only")
    ALONE = "alone", _("Alone, where the plan says someone goes with the worker")
    ELSEWHERE = "elsewhere", _("At another place than the plan's")


class VisitStatus(models.TextChoices):
    AWAITING_AGREEMENT = "awaiting", _("Awaiting the manager's agreement")
    REFUSED = "refused", _("Not agreed")
    READY = "ready", _("Planned")
    IN_PROGRESS = "in_progress", _("Out on the visit")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (VisitStatus.AWAITING_AGREEMENT, VisitStatus.READY, VisitStatus.IN_PROGRESS)


class Decision(models.TextChoices):
    # 003 §5.3, 002 §9.5: the manager agrees the plan before the visit, changes it, or refuses it with a reason.
    AGREED = "agreed", _("Agreed")
    CHANGED = "changed", _("Agreed with changes")
    REFUSED = "refused", _("Refused")


class ChainStep(models.TextChoices):
    # SAF-3 (004 §6.1): the defined procedure when a worker does not report back in time.
    REMINDER = "reminder", _("Reminder to the worker")
    LINE_MANAGER = "line_manager", _("Line manager")
    DUTY_MANAGER = "duty_manager", _("Duty manager")
    EMERGENCY = "emergency", _("Emergency procedure")
    # Not a timed step: "I need help now" goes straight to the top of the chain, whatever has fired already.
    HELP = "help", _("Help requested by the worker")


CHAIN_ORDER = (ChainStep.REMINDER, ChainStep.LINE_MANAGER, ChainStep.DUTY_MANAGER, ChainStep.EMERGENCY)


class LoneWorkingProcedure(models.Model):
    """An agency's lone-working procedure (ESC-12: timescales are configuration; 004 §6.2 managers ensure staff
    know the lone-working policy). Without a row, the defaults of settings.DOORSTEP_VISIT_CHAIN apply. Each step's
    time is in minutes after the expected end of the visit; an empty time leaves the step out."""

    agency = models.OneToOneField("agencies.Agency", on_delete=models.CASCADE, related_name="lone_working_procedure",
                                  verbose_name=_("agency"))
    reminder_minutes = models.PositiveSmallIntegerField(_("reminder to the worker, minutes after the expected end"),
                                                        null=True, blank=True, default=0)
    line_manager_minutes = models.PositiveSmallIntegerField(_("line manager alerted, minutes overdue"), null=True,
                                                            blank=True, default=15)
    duty_manager_minutes = models.PositiveSmallIntegerField(_("duty manager alerted, minutes overdue"), null=True,
                                                            blank=True, default=30)
    emergency_minutes = models.PositiveSmallIntegerField(_("emergency procedure, minutes overdue"), default=45)
    acknowledgement_hold_minutes = models.PositiveSmallIntegerField(
        _("minutes an acknowledgement holds the chain"), default=15,
        help_text=_("Whoever acknowledges has this long to reach the worker before the next step fires."))
    emergency_procedure = models.TextField(
        _("emergency procedure"), blank=True,
        help_text=_("Shown on the emergency card. Leave empty for Doorstep's standard procedure."))

    class Meta:
        verbose_name = _("lone-working procedure")

    def __str__(self) -> str:
        return str(self.agency)

    def clean(self):
        from django.core.exceptions import ValidationError

        from .chain import validate_chain

        try:
            validate_chain({ChainStep.REMINDER: self.reminder_minutes, ChainStep.LINE_MANAGER: self.line_manager_minutes,
                            ChainStep.DUTY_MANAGER: self.duty_manager_minutes,
                            ChainStep.EMERGENCY: self.emergency_minutes})
        except ValueError:
            raise ValidationError(_("Each step must come at or after the one before it, and the emergency procedure "
                                    "last.")) from None


class Visit(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="visits")
    # The lead worker: who checks in and out, and whom the chain is about.
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    # The plan.
    planned_start = models.DateTimeField(_("planned start"))
    planned_minutes = models.PositiveSmallIntegerField(_("expected length in minutes"))
    at_home = models.BooleanField(_("at the family's home"), default=True)
    address = models.ForeignKey("families.Address", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    venue = models.CharField(_("neutral venue"), max_length=300, blank=True)
    purpose = models.TextField(_("purpose of the visit"))
    # 001 §5.1.9.23: contingency plans for lack of engagement are considered before the contact is attempted.
    contingency = models.TextField(_("if there is no access"))
    companions = models.CharField(_("who is going with you"), max_length=300, blank=True)

    # The risk assessment (SAF-1): factors ticked, those the record suggested and why, the answers to the questions.
    factors = models.JSONField(_("risk factors"), default=list, blank=True)
    factors_suggested = models.JSONField(default=dict, blank=True)  # {factor: [why, ...]} from the record
    known_to = models.CharField(_("known to"), max_length=500, blank=True)  # 003 §5.4: known to which agencies
    assessment_notes = models.TextField(_("what else assists the risk assessment"), blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)  # {question: true/false}
    # SAF-2: what the rules proposed (with their clauses) and what was chosen.
    proposal = models.JSONField(default=list, blank=True)
    arrangements = models.JSONField(_("arrangement"), default=list)
    agreement_required = models.BooleanField(default=False)

    status = models.CharField(_("status"), max_length=16, choices=VisitStatus.choices)
    decision = models.CharField(_("manager's decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    # Where the plan was agreed in supervision (SUP-3, 002 §9.5): a reference to that record, when there is one.
    supervision_reference = models.CharField(_("agreed in supervision"), max_length=200, blank=True)
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    # The visit itself (SAF-3). The contact number and vehicle are shown only to the people on the chain, and
    # only once escalation has started.
    contact_number = models.CharField(_("contact number for this visit"), max_length=40, blank=True)
    vehicle = models.CharField(_("vehicle registration"), max_length=20, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    expected_back = models.DateTimeField(_("expected back"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    end_note = models.TextField(blank=True)
    something_happened = models.BooleanField(default=False)  # SAF-4
    help_requested_at = models.DateTimeField(null=True, blank=True)
    # Issue 18 (BS 8484): the discreet alarm. The worker checked out with the duress choice: on their screen an
    # ordinary check-out, to the chain the full alarm.
    duress_at = models.DateTimeField(null=True, blank=True)
    # Issue 18 (SAF-2): on arrival, how it departed from the plan (OffPlan values), and where the worker said they
    # were if not at the planned place (shown on the emergency card).
    off_plan = models.JSONField(default=list, blank=True)
    elsewhere = models.CharField(_("where you are, if not at the planned place"), max_length=300, blank=True)
    # Issue 18: with the worker's consent (given on arrival), the phone's location is sent on arrival, on "I need
    # help now" and on each extension, never in between: the last one, {"latitude", "longitude", "accuracy" (metres),
    # "at" (ISO time), "on" ("arrival", "help", "extension")}. Without it the planned address stands.
    location_consent = models.BooleanField(default=False)
    location = models.JSONField(null=True, blank=True)

    # Monitoring: the chain as it stood when the visit started (a later change of procedure never alters a
    # running visit), the round (a new one each time the worker checks in after an alert), and what is due next.
    chain = models.JSONField(default=list, blank=True)  # [{"step": ..., "minutes": ...}], in order
    hold_minutes = models.PositiveSmallIntegerField(default=15)
    alarm_round = models.PositiveSmallIntegerField(default=0)
    next_step = models.PositiveSmallIntegerField(default=0)  # index into `chain`
    next_alert_at = models.DateTimeField(null=True, blank=True)
    alarm_step = models.CharField(max_length=16, choices=ChainStep.choices, blank=True)  # last fired this round
    escalated_at = models.DateTimeField(null=True, blank=True)  # first alert to anyone but the worker, this round
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    alarm_error = models.TextField(blank=True)  # the last failure to fire a step, recorded on the row

    class Meta:
        ordering = ["-planned_start", "-id"]
        constraints = [
            # One visit at a time: the chain must always know where the worker is.
            models.UniqueConstraint(fields=["worker"], condition=Q(status="in_progress"),
                                    name="visit_one_in_progress_per_worker"),
        ]
        indexes = [
            models.Index(fields=["status", "next_alert_at"], name="visit_alarm_due"),
            models.Index(fields=["family", "-planned_start"], name="visit_family_time"),
            models.Index(fields=["agency", "status"], name="visit_agency_status"),
            models.Index(fields=["worker", "status"], name="visit_worker_status"),
        ]
        verbose_name = _("visit")

    def __str__(self) -> str:
        return f"Visit {self.pk} ({self.planned_start:%Y-%m-%d %H:%M})"

    @property
    def is_live(self) -> bool:
        return self.status == VisitStatus.IN_PROGRESS

    @property
    def escalation_started(self) -> bool:
        return self.is_live and self.escalated_at is not None

    @property
    def shows_as_checked_out(self) -> bool:
        """The worker's own pages show a discreet alarm as an ordinary check-out, while it runs (issue 18)."""
        return self.is_live and self.duress_at is not None and self.alarm_step == ChainStep.HELP

    @property
    def is_sole(self) -> bool:
        return not (set(self.arrangements) & ACCOMPANIED)

    def where(self) -> str:
        if self.at_home:
            return str(self.address) if self.address_id else ""
        return self.venue

    def get_factor_labels(self) -> list[str]:
        labels = dict(RiskFactor.choices)
        return [str(labels.get(f, f)) for f in self.factors]

    def get_off_plan_labels(self) -> list[str]:
        labels = dict(OffPlan.choices)
        return [str(labels.get(c, c)) for c in self.off_plan]

    def get_arrangement_labels(self) -> list[str]:
        return [str(label) for label in self.arrangement_labels_lazy()]

    def arrangement_labels_lazy(self) -> list:
        """The labels untranslated (lazy), for a stored sentence's parameter (issue 14)."""
        labels = dict(Arrangement.choices)
        return [labels.get(a, a) for a in self.arrangements]

    def get_answer_rows(self) -> list[tuple[str, bool | None]]:
        return [(label, self.answers.get(value)) for value, label in Question.choices]


class VisitAlert(models.Model):
    """One step of the chain that fired: who was notified, when it was due and fired, who acknowledged it."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="alerts")
    round = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=16, choices=ChainStep.choices)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField()
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="visit_alerts")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")

    class Meta:
        ordering = ["fired_at", "id"]
        constraints = [
            # Two sweepers never double-alert: a step fires once per round, whatever happens.
            models.UniqueConstraint(fields=["visit", "round", "step"], name="visit_alert_once_per_round"),
        ]
        verbose_name = _("visit alert")

    def __str__(self) -> str:
        return f"{self.visit} round {self.round}: {self.step}"


class VisitEvent(models.Model):
    """The worker's visit record: every plan, decision, check-in, alert and acknowledgement, in order."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned")
        SENT_FOR_AGREEMENT = "sent", _("Sent to the manager for agreement")
        AGREED = "agreed", _("Agreed by the manager")
        CHANGED = "changed", _("Agreed by the manager with changes")
        REFUSED = "refused", _("Refused by the manager")
        CANCELLED = "cancelled", _("Cancelled")
        STARTED = "started", _("Arrived")
        EXTENDED = "extended", _("Extended")
        CHECKED_OUT = "checked_out", _("Safe and leaving")
        SOMETHING_HAPPENED = "something_happened", _("Something happened")
        HELP = "help", _("I need help now")
        ALERT = "alert", _("Alert sent")
        ACKNOWLEDGED = "acknowledged", _("Alert acknowledged")
        RESOLVED = "resolved", _("Alarm resolved")
        ESCALATED = "escalated", _("Emergency procedure started by hand")
        FALSE_ALARM = "false_alarm", _("False alarm: the worker cancelled their request for help")
        DURESS = "duress", _("Discreet alarm: checked out under duress")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    note = models.TextField(blank=True)
    # Issue 14: a note Doorstep wrote (the arrangements, "Expected back by ...", who an alert went to) as a sentence
    # (`Text` JSON), shown in the reader's language; `note` keeps it in the site's language, and holds a person's
    # own words (a refusal's or a resolution's reason).
    note_text = models.JSONField(null=True, blank=True, editable=False)
    # Issue 18, poor signal (SAF-3, SAF-4): the key the worker's press carried (made into each form of the visit
    # page). A press queued on a phone without signal is sent again until it arrives, and may arrive twice: a repeat
    # with the same key returns the first press's outcome and writes nothing new (no second audit row or alarm).
    press_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "press_key"], condition=~Q(press_key=""),
                                    name="visit_event_press_once"),
        ]
        verbose_name = _("visit event")

    @property
    def note_shown(self) -> str:
        return text_shown(self.note_text, self.note)
