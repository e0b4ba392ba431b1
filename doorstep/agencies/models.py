"""Agencies, their teams and the professionals who work in them (ORG-1..3)."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from doorstep.core.texts import Names


class AgencyKind(models.TextChoices):
    # ORG-1 (000): health, education, social work, housing, police at least.
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    CHILDRENS_SOCIAL_CARE = "csc", _("Children's social care")
    HOUSING = "housing", _("Housing")
    POLICE = "police", _("Police")
    PROBATION = "probation", _("Probation")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    LEGAL = "legal", _("Legal")
    VOLUNTARY = "voluntary", _("Voluntary sector")
    PARTNERSHIP = "partnership", _("Safeguarding partnership")


# MTG-2 (000): the agencies whose designated postholder may call a MARP.
MARP_CALLING_KINDS = frozenset(
    {AgencyKind.HEALTH, AgencyKind.EDUCATION, AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.HOUSING, AgencyKind.POLICE}
)


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Issue 14: the agency's name in Welsh, shown to Welsh readers (blank: the English name is shown).
    name_cy = models.CharField(_("name in Welsh"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        return str(self.name_text)

    @property
    def name_text(self) -> Names:
        """The name as a stored sentence's parameter: each language's form, chosen when the sentence is read."""
        return Names({"en": self.name, "cy": self.name_cy or self.name})


class Team(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]
        verbose_name = _("team")

    def __str__(self) -> str:
        return f"{self.agency.name}: {self.name}"


class Role(models.TextChoices):
    # ORG-2: what a person does in Doorstep; the designated-postholder power is a separate flag.
    PRACTITIONER = "practitioner", _("Practitioner")
    MANAGER = "manager", _("Manager")
    BOARD_CHAIR = "board_chair", _("Board chair")
    # OVR-2 (issue 19): reads the Board's report (aggregate figures) for the partnership; never any family.
    ANALYST = "analyst", _("Partnership analyst")
    ADMINISTRATOR = "administrator", _("Administrator")
    SYSTEM = "system", _("Partner system")


class Professional(AbstractUser):
    """A person who signs in: a practitioner or manager of an agency, the Board chair or an administrator."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="staff", null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    # ORG-3: escalations that name "the manager" resolve to this person.
    line_manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports", verbose_name=_("line manager")
    )
    # MTG-2 (000): "Each agency will designate the appropriate postholder able to call a meeting".
    is_designated_postholder = models.BooleanField(_("designated postholder (may call a MARP)"), default=False)
    is_duty_manager = models.BooleanField(_("duty manager"), default=False)
    # RIG-1 (004 §4.2; issue 20): records and answers subject access requests for the agency.
    is_disclosure_officer = models.BooleanField(_("disclosure officer"), default=False)
    # Issue 20 (retention): reviews records past retention and erases them for the agency as data controller.
    is_records_manager = models.BooleanField(_("records manager"), default=False)
    # OVR-1 (004 §4.1; issue 19): a designated auditor of the partnership, who may plan case-file audit rounds.
    is_case_file_auditor = models.BooleanField(_("case-file auditor"), default=False)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    # Issue 13 (an administrator's last ways in): an account that an administrator added to an agency, or whose
    # e-mail address or agency they changed, neither signs in nor receives a password link until a manager of that
    # agency approves it (AccountApproval).
    awaiting_approval = models.BooleanField(_("waiting for a manager's approval"), default=False, editable=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("en", "English"), ("cy", "Cymraeg")], default="en"
    )
    history = HistoricalRecords(excluded_fields=["last_login", "password"])

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("professional")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_board_chair(self) -> bool:
        return self.role == Role.BOARD_CHAIR

    @property
    def is_partnership_analyst(self) -> bool:
        return self.role == Role.ANALYST

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def works_with_families(self) -> bool:
        """Practitioners, managers and partner systems of an agency; never the Board chair or an administrator."""
        return self.agency_id is not None and self.role in (Role.PRACTITIONER, Role.MANAGER, Role.SYSTEM)


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class TokenScope(models.TextChoices):
    # Issue 13 finding 2: a partner system may be allowed to read only; write methods are refused (403).
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class TokenState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a manager's approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


# Issue 13 finding 2: a token lives 90 days unless the request says otherwise, and never more than a year.
TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365


class AgencySystemToken(models.Model):
    """A partner system's access to one agency's families through the API (P-4).

    An administrator requests it; it works only once a manager of that agency has approved it, until it expires
    or is revoked (issue 13 finding 2: an administrator alone must never be able to read case files). The key is
    shown once, to the administrator who requested it, and stored only as a digest.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="system_tokens")
    system_name = models.CharField(_("system name"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"))
    scope = models.CharField(_("scope"), max_length=16, choices=TokenScope.choices, default=TokenScope.READ)
    # The token works until the end of the day before this date.
    expires_on = models.DateField(_("expires on"))
    # Requests made with the token act as this partner-system account, so every audit row names it.
    account = models.OneToOneField(Professional, on_delete=models.PROTECT, related_name="system_token")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+", null=True)
    state = models.CharField(_("state"), max_length=16, choices=TokenState.choices, default=TokenState.REQUESTED)
    # The manager who approved (or declined) the request.
    decided_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner system token")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="approved") | models.Q(decided_by__isnull=False),
                name="system_token_approved_names_its_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.system_name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(key: str) -> str:
        return _token_digest(key)

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE

    def refusal(self, *, today) -> str | None:
        """Why the token does not work today, or None when it does."""
        if self.revoked_at is not None:
            return _("The token has been revoked.")
        if self.state == TokenState.DECLINED:
            return _("The token was declined by the agency's manager.")
        if self.state != TokenState.APPROVED:
            return _("The token has not yet been approved by a manager of its agency.")
        if self.expires_on <= today:
            return _("The token has expired.")
        if not self.account.is_active:
            return _("The token is not valid or has been revoked.")
        return None

    def status_label(self, *, today) -> str:
        if self.revoked_at is not None:
            return _("Revoked")
        if self.state == TokenState.APPROVED and self.expires_on <= today:
            return _("Expired")
        return self.get_state_display()


class ApprovalState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for a manager's approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    SUPERSEDED = "superseded", _("Replaced by a later change")


class AccountApproval(models.Model):
    """A manager's decision on an account that an administrator added to their agency, or whose e-mail address or
    agency an administrator changed (issue 13, P-4): until it is approved the account neither signs in nor receives
    a password link, so an administrator cannot make themselves a practitioner by giving an account their own
    address and setting its password."""

    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="approvals")
    # The agency whose managers decide: the one the account now belongs to.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # What the administrator did, e.g. "Added" or "Changed email, agency 3 -> 4".
    summary = models.CharField(_("change"), max_length=500)
    email = models.EmailField(_("e-mail address"), blank=True)
    requested_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    state = models.CharField(_("state"), max_length=16, choices=ApprovalState.choices, default=ApprovalState.REQUESTED)
    decided_by = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("account approval")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["requested", "superseded"]) | models.Q(decided_by__isnull=False),
                name="account_approval_decision_names_its_manager",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.professional}: {self.summary}"
