"""Multi-agency meetings that end in an owned plan (MTG-1..9).

A `Meeting` is called about one family by a professional of an involved agency, who names its chair and
minute-taker from the calling agency (MTG-2). People are invited (`Invitation`): the involved agencies' staff
and, under a confidentiality acknowledgement, specialists from agencies not involved with the family (MTG-6).
Each invitation is e-mailed with an iCalendar attachment: an `InvitationEmail` row says which (first sending, change,
cancellation) and is delivered through the one notifications outbox (issue 14), whose row it points to. After the meeting its `Minutes` record the concerns, each attending agency's
role, the plan of intervention as owned `PlanAction`s or the statement that no proactive plan is achievable,
dissent, the outcome and a review date (MTG-3, MTG-5, MTG-8, MTG-9); they are drafted, approved by the chair and
circulated (MTG-4) to the attendees and the Board chair (`MinutesRecipient`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    # MTG-1
    MARP = "marp", _("Multi-agency risk panel (MARP)")
    HARD_TO_ENGAGE = "hard_to_engage", _("Hard-to-engage professionals meeting")
    PROFESSIONALS = "professionals", _("Professionals meeting without parents")
    STRATEGY = "strategy", _("Strategy discussion or meeting")
    CORE_GROUP = "core_group", _("Core group (brought forward)")
    REVIEW_CONFERENCE = "review_conference", _("Review child protection conference (brought forward)")
    FAMILY_SUPPORT = "family_support", _("Family support meeting")
    LEGAL_PLANNING = "legal_planning", _("Legal planning meeting")


class Urgency(models.TextChoices):
    # MTG-2 (000): "The urgency of the matter will determine how quickly the MARP will meet".
    IMMEDIATE = "immediate", _("Immediately: by the end of the next working day")
    WORKING_DAYS = "working_days", _("Within a number of working days")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held: minutes being written")
    CLOSED = "closed", _("Minutes circulated")
    CANCELLED = "cancelled", _("Cancelled")


# While a meeting is open its business is not over: invited specialists keep their access (MTG-6).
OPEN_STATES = (MeetingState.SCHEDULED, MeetingState.HELD)


class ParentsAttendance(models.TextChoices):
    # MTG-7 (004 §3.5)
    INVITED = "invited", _("Parents are invited")
    EXCLUDED = "excluded", _("Parents are not invited")


class Meeting(models.Model):
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("kind of meeting"), max_length=32, choices=MeetingKind.choices)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_called")
    # MTG-2 (000): "the meeting will be called by the concerned agency who will also chair and minute the meeting".
    calling_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="meetings_called")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meetings_chaired",
                              verbose_name=_("chair"))
    minute_taker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="meetings_minuted", verbose_name=_("minute-taker"))
    reason = models.TextField(_("the concern the meeting is called about"))
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    within_working_days = models.PositiveSmallIntegerField(_("within how many working days"))
    # The latest moment the meeting must be held: from the urgency, or the escalation that asked for it.
    hold_by = models.DateTimeField(_("to be held by"))
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("length in minutes"), default=60)
    location = models.CharField(_("where"), max_length=300)
    parents = models.CharField(_("parents"), max_length=16, choices=ParentsAttendance.choices)
    parents_excluded_reason = models.TextField(_("why parents are not invited"), blank=True)
    parents_attended = models.BooleanField(_("parents attended"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=MeetingState.choices, default=MeetingState.SCHEDULED)
    # The escalation that asked for this meeting (ESC-1, ESC-2, ESC-3, ESC-7, ESC-11): closed when it is held.
    escalation = models.ForeignKey("escalations.Escalation", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="meetings")
    # MTG-5: the meeting whose plan this one reviews.
    review_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reviews")
    # iCalendar SEQUENCE: goes up each time the invitations are re-sent (rescheduled, cancelled).
    sequence = models.PositiveIntegerField(default=0)
    called_at = models.DateTimeField()
    held_on = models.DateField(_("held on"), null=True, blank=True)
    held_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(_("why the meeting was cancelled"), blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["family", "state", "-starts_at"], name="meeting_family_state"),
            models.Index(fields=["kind", "called_at"], name="meeting_kind_called"),
        ]
        verbose_name = _("meeting")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.family.reference})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def ends_at(self):
        from datetime import timedelta

        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def short_name(self) -> str:
        return str(self.short_label)

    @property
    def short_label(self):
        """The short name untranslated (a lazy translation), for a stored sentence's parameter (issue 14)."""
        return SHORT_NAMES.get(self.kind) or dict(MeetingKind.choices).get(self.kind, self.kind)


SHORT_NAMES = {
    MeetingKind.MARP: _("MARP"),
    MeetingKind.HARD_TO_ENGAGE: _("Hard-to-engage professionals meeting"),
    MeetingKind.PROFESSIONALS: _("Professionals meeting"),
    MeetingKind.STRATEGY: _("Strategy discussion"),
    MeetingKind.CORE_GROUP: _("Core group"),
    MeetingKind.REVIEW_CONFERENCE: _("Review child protection conference"),
    MeetingKind.FAMILY_SUPPORT: _("Family support meeting"),
    MeetingKind.LEGAL_PLANNING: _("Legal planning meeting"),
}


class Response(models.TextChoices):
    PENDING = "pending", _("No reply yet")
    ACCEPTED = "accepted", _("Attending")
    TENTATIVE = "tentative", _("Might attend")
    DECLINED = "declined", _("Not attending")


class Invitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    invitee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invitations")
    # The invitee's agency when invited: the agency that attends (MTG-4 circulates to "each attending agency").
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField()
    # MTG-6 (000): an agency not involved with the family, invited for a specialist opinion or resource.
    is_specialist = models.BooleanField(_("specialist from outside the family's involvement"), default=False)
    specialist_reason = models.TextField(_("why their specialist opinion or resource is needed"), blank=True)
    confidentiality_accepted_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(_("reply"), max_length=16, choices=Response.choices, default=Response.PENDING)
    response_note = models.CharField(_("note with the reply"), max_length=500, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)

    class Meta:
        ordering = ["agency__name", "invitee__last_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "invitee"], name="one_invitation_per_person_per_meeting")
        ]
        indexes = [models.Index(fields=["invitee", "is_specialist"], name="invitation_invitee")]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.invitee} to {self.meeting}"

    @property
    def needs_confidentiality(self) -> bool:
        return self.is_specialist and self.confidentiality_accepted_at is None


class DeliveryState(models.TextChoices):
    CREATED = "created", _("Waiting to be sent")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class CalendarMethod(models.TextChoices):
    REQUEST = "REQUEST", _("Invitation")
    CANCEL = "CANCEL", _("Cancellation")


class InvitationEmail(models.Model):
    """One e-mail of an invitation (first sending, a new time, a cancellation), with its .ics attachment.

    Issue 14 "one outbox": written in the transaction that invites, delivered as a `notifications.Notification`
    (rows first, bounded retries, an explicit failed state, the administrators' page of undelivered e-mails, one
    catch-up job). Its state, shown on the meeting page, is that notification's."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="emails")
    method = models.CharField(max_length=8, choices=CalendarMethod.choices, default=CalendarMethod.REQUEST)
    sequence = models.PositiveIntegerField(default=0)
    notification = models.OneToOneField("notifications.Notification", on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="invitation_email")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def state(self) -> str:
        note = self.notification
        if note is None or note.email_state in ("none", DeliveryState.FAILED):
            return DeliveryState.FAILED
        return note.email_state

    def get_state_display(self) -> str:
        return DeliveryState(self.state).label

    @property
    def last_error(self) -> str:
        note = self.notification
        if note is None or note.email_state == "none":
            return str(_("No e-mail address for this person"))
        return note.email_last_error

    @property
    def attempts(self) -> int:
        return self.notification.email_attempts if self.notification else 0


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by the chair")
    CIRCULATED = "circulated", _("Circulated")


class Outcome(models.TextChoices):
    # MTG-9 (001 §5.1.23-5.1.26)
    CLOSE = "close", _("Close: other agencies continue to monitor")
    CONTINUE = "continue", _("Continue: review and keep trying to engage the family")
    CHILD_PROTECTION = "child_protection", _("Child protection: initial or early review conference")
    LEGAL = "legal", _("Legal advice or an order")


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(_("state"), max_length=16, choices=MinutesState.choices, default=MinutesState.DRAFT)
    concerns = models.TextField(_("the concerns discussed"), blank=True)
    # MTG-3: a plan of intervention specifying each agency's responsibility, or the statement that none is achievable.
    plan_agreed = models.BooleanField(_("a plan of intervention was agreed"), null=True, blank=True)
    no_plan_reason = models.TextField(_("why no proactive plan of intervention is achievable"), blank=True)
    # MTG-7 (004 §3.5): what will be shared with the family, how and when.
    sharing_with_family = models.TextField(_("what will be shared with the family, how and when"), blank=True)
    # MTG-8 (001 §5.1.22): guard against group-think; dissent is recorded, or its absence confirmed.
    dissent = models.TextField(_("dissenting views"), blank=True)
    no_dissent = models.BooleanField(_("no dissenting views were expressed"), default=False)
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField(_("about the outcome"), blank=True)
    # MTG-5 (000): a second meeting within a specified period to review the plan.
    review_date = models.DateField(_("review meeting by"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    circulated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    circulated_at = models.DateTimeField(null=True, blank=True)
    # MTG-4: within seven days of the meeting.
    circulate_by = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        indexes = [models.Index(fields=["state", "circulated_at"], name="minutes_state_circulated")]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    @property
    def circulated_on_time(self) -> bool | None:
        if self.circulated_at is None or self.circulate_by is None:
            return None
        return self.circulated_at <= self.circulate_by


class AgencyRole(models.Model):
    """MTG-3 (000): "review the roles of each agency present"."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="agency_roles")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.TextField(_("role reviewed"))

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["minutes", "agency"], name="one_role_per_agency_per_minutes")]


class PlanAction(models.Model):
    """One agency's responsibility in the plan of intervention (MTG-3): owned by a person, with a due date.

    Once the minutes are circulated it is raised as a tracked action (escalation rule "MTG-3") owned by that
    person: it appears in their "My actions", and escalates to their manager when overdue. Its state is that
    escalation's state."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="actions")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="plan_actions")
    description = models.TextField(_("action"))
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("agency responsible"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_actions",
                              verbose_name=_("person responsible"))
    due_date = models.DateField(_("due by"))
    escalation = models.OneToOneField("escalations.Escalation", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="plan_action")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "due_date"], name="plan_action_owner")]
        verbose_name = _("plan action")

    def __str__(self) -> str:
        return self.description[:80]


class PlanActionUpdate(models.Model):
    """Progress on a plan action (MTG-5: plans reviewed in a timely manner)."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(_("progress"))
    completed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at", "-id"]


class RecipientKind(models.TextChoices):
    ATTENDEE = "attendee", _("Attending agency")
    BOARD_CHAIR = "board_chair", _("Board chair")


class MinutesRecipient(models.Model):
    """Who the minutes were circulated to (MTG-4): each attendee and the Board chair; they may read them."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="recipients")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="minutes_received")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=16, choices=RecipientKind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "recipient"], name="minutes_sent_once_per_person")
        ]
        indexes = [models.Index(fields=["recipient", "-sent_at"], name="minutes_recipient_inbox")]

