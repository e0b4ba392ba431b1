"""Supervision that looks at hostility (SUP-1..5) and the manager's oversight of it (SUP-4, OVR-3).

A manager supervises the workers they line-manage. A supervision (`SupervisionSession`) is planned, held or
cancelled. In a held supervision the cases discussed are recorded one by one (`CaseDiscussion`): the hostility
experienced or anticipated, its impact on the worker and on the work, the risks to the child, the reflective
questions, the action plan for managing risk and the decisions with their reasons.

Who sees what (P-4):
- the whole supervision record, including the worker's reflections, only the worker, the manager who recorded
  it and the worker's current line manager;
- the decisions (`SupervisionDecision`) also go on the family's chronology, for everyone who may see the family.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class CancelledBy(models.TextChoices):
    MANAGER = "manager", _("The manager cancelled it")
    WORKER = "worker", _("The worker cancelled it")
    OTHER = "other", _("Something else, for example sickness or an emergency")


class SupervisionSession(models.Model):
    supervisee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisions",
                                   verbose_name=_("worker"))
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="supervisions_given", verbose_name=_("manager"))
    state = models.CharField(_("state"), max_length=16, choices=SessionState.choices, default=SessionState.PLANNED)
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    held_on = models.DateField(_("date held"), null=True, blank=True)
    # SUP-4 (004 §6.2 "Prioritise case supervisions regularly and do not cancel"): cancellations are counted.
    cancelled_on = models.DateField(_("date cancelled"), null=True, blank=True)
    cancelled_by_whom = models.CharField(_("who cancelled it"), max_length=16, choices=CancelledBy.choices,
                                         blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    # SUP-4 (002 §9.7, 004 §7): health and safety as a regular item.
    health_and_safety_discussed = models.BooleanField(_("health and safety discussed"), default=False)
    health_and_safety_note = models.TextField(_("health and safety"), blank=True)
    # SUP-4 (002 §9.6, 004 §7): managers ask about threats not yet reported.
    unreported_threats_asked = models.BooleanField(_("asked about threats or intimidation not yet reported"),
                                                   default=False)
    unreported_threats_note = models.TextField(_("threats or intimidation not yet reported"), blank=True)
    # SUP-4, SAF-4 (004 App. 1): support offered after incidents.
    support_offered = models.TextField(_("support offered"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The worker confirms they have read the record, and may comment on it.
    worker_read_at = models.DateTimeField(null=True, blank=True)
    worker_comment = models.TextField(_("worker's comment"), blank=True)

    class Meta:
        ordering = ["-held_on", "-planned_for", "-id"]
        indexes = [
            models.Index(fields=["supervisee", "state", "held_on"], name="supervision_worker_state"),
            models.Index(fields=["supervisor", "state"], name="supervision_manager_state"),
        ]
        verbose_name = _("supervision")

    def __str__(self) -> str:
        day = self.held_on or self.cancelled_on or self.planned_for
        return f"Supervision of {self.supervisee} on {day}"

    @property
    def date(self):
        return self.held_on or self.cancelled_on or self.planned_for


class Hostility(models.TextChoices):
    # SUP-1 (002 §9.1, 004 §7): hostility experienced by the worker or anticipated by them.
    EXPERIENCED = "experienced", _("Experienced")
    ANTICIPATED = "anticipated", _("Anticipated")
    BOTH = "both", _("Experienced, and more anticipated")
    NONE = "none", _("None experienced or anticipated")


class ReflectiveQuestion(models.TextChoices):
    # SUP-2 (001 §5.1.9.5, 004 §2.3, 004 §3.4), asked of the worker in their own words.
    COLLUDING = "colluding", _("Am I colluding by avoiding conflict, for example by keeping to less contentious "
                               "issues instead of asking to see the food in the house or the child alone?")
    MINIMISING = "minimising", _("Am I minimising negative information to avoid provoking a reaction?")
    RELIEVED = "relieved", _("Am I relieved when there is no answer at the door?")
    KEEPING_CONCERNS = "keeping_concerns", _("Am I keeping my concerns to myself rather than sharing them with my "
                                             "manager and other agencies?")
    ADULT_FOCUS = "adult_focus", _("Am I focusing on the adults' needs rather than the needs of the child?")
    AFRAID = "afraid", _("Am I intimidated by or afraid of any adult in the family?")
    LESS_THAN_HONEST = "less_than_honest", _("Have I been less than honest with the family to avoid conflict?")


class ReflectiveAnswer(models.TextChoices):
    # The worker answers "Am I ...?" in the first person (Welsh: "Ydw" / "Nac ydw").
    YES = "yes", pgettext_lazy("answer to a reflective question", "Yes")
    SOMETIMES = "sometimes", _("Sometimes, or not sure")
    NO = "no", pgettext_lazy("answer to a reflective question", "No")


class CaseDiscussion(models.Model):
    """One family discussed in a supervision (SUP-1..3, SUP-5). Private to the worker and their manager; only the
    decisions reach the family's record."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="cases")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="+")
    hostility = models.CharField(_("hostility"), max_length=16, choices=Hostility.choices)
    hostility_detail = models.TextField(_("the hostility, and when it happens"), blank=True)
    # SUP-5 (004 §6.1): significant threats or violence for this worker.
    hostility_significant = models.BooleanField(_("threats or violence are significant for the worker"),
                                                default=False)
    impact_on_worker = models.TextField(_("impact on the worker"), blank=True)
    impact_on_work = models.TextField(_("impact on the work with the family"), blank=True)
    risk_to_child = models.TextField(_("risks to the child, and the effect of living in a hostile home"))
    reflective_answers = models.JSONField(_("reflective questions"), default=dict)
    reflections = models.TextField(_("the worker's reflections"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "family"], name="one_discussion_per_family")]
        verbose_name = _("case discussed in supervision")

    def __str__(self) -> str:
        return f"{self.family} in {self.session}"

    def answers(self) -> list[tuple[str, str]]:
        """The reflective questions with their answers, in the protocol's order."""
        labels = dict(ReflectiveAnswer.choices)
        return [(q.label, labels.get(self.reflective_answers.get(q.value), "")) for q in ReflectiveQuestion]


class DecisionKind(models.TextChoices):
    DECISION = "decision", _("Decision")
    # SUP-5 (004 §6.1): how the work will progress safely, and why.
    SAFE_WORKING = "safe_working", _("How the work will continue safely")


class SupervisionDecision(models.Model):
    """A decision made in supervision about the work with a family: it is also on the family's chronology (CHR-1),
    seen by every agency involved with the family."""

    case = models.ForeignKey(CaseDiscussion, on_delete=models.CASCADE, related_name="decisions")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="supervision_decisions")
    kind = models.CharField(_("kind"), max_length=16, choices=DecisionKind.choices, default=DecisionKind.DECISION)
    decision = models.TextField(_("decision"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["family", "-decided_at"], name="supervision_decision_family")]
        verbose_name = _("supervision decision")

    def __str__(self) -> str:
        return self.decision[:80]


class RiskMeasure(models.TextChoices):
    # SUP-3 with the visit arrangements of SAF-2 (003 §5.3, 004 §6.1), so a visit plan can be checked against it.
    TWO_WORKERS = "two_workers", _("Two workers visit together")
    JOINT_AGENCY = "joint_agency", _("Joint visit with another agency")
    POLICE = "police", _("Police assistance")
    MENTAL_HEALTH = "mental_health", _("Joint visit with mental health services")
    NEUTRAL_VENUE = "neutral_venue", _("Meet at a neutral venue, not the home")
    DAYLIGHT = "daylight", _("Daylight visits only")
    TAXI = "taxi", _("Taxi waiting")
    MANAGER_INFORMED = "manager_informed", _("Tell the manager before each visit")
    REPORT_BACK = "report_back", _("Report back to the office after each visit")


class SupervisionActionPlan(models.Model):
    """SUP-3 (002 §9.5, 004 §7): the action plan for managing risk, agreed in supervision before the visit.

    A visit plan can point at it as the manager's agreement (SAF-2): see `selectors.action_plan_current`.
    """

    case = models.OneToOneField(CaseDiscussion, on_delete=models.CASCADE, related_name="action_plan")
    family = models.ForeignKey("families.Family", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="supervision_action_plans")
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("agreed by"))
    agreed_at = models.DateTimeField(_("agreed at"))
    measures = models.JSONField(_("how visits will be made safe"), default=list, blank=True)
    plan = models.TextField(_("how the risk will be managed or reduced"))
    review_by = models.DateField(_("review by"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-agreed_at", "-id"]
        indexes = [models.Index(fields=["worker", "family", "-agreed_at"], name="action_plan_lookup")]
        constraints = [
            models.CheckConstraint(condition=~Q(plan=""), name="action_plan_has_text"),
        ]
        verbose_name = _("supervision action plan")

    def __str__(self) -> str:
        return f"Action plan for {self.worker} with {self.family}"

    def measure_labels(self) -> list[str]:
        labels = dict(RiskMeasure.choices)
        return [str(labels[m]) for m in self.measures if m in labels]

    def is_current(self, on) -> bool:
        return self.withdrawn_at is None and (self.review_by is None or self.review_by >= on)
