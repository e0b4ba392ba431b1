"""Two-way written agreements with families (AGR-1) and the breaches recorded against them (AGR-2).

An agreement belongs to a family and lives through versions: a version is drafted from the case file, given to
the family to sign, and then signed or refused. Revising starts a new draft; when it is given to the family the
earlier version is kept, marked as replaced. Every term of a version is a row (`AgreementTerm`), so a breach
names the exact term that was broken, in the words the family was given.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from doorstep.families.models import CorrespondenceLanguage


class UnacceptableBehaviour(models.TextChoices):
    # AGR-1 (004 §2.4 "raising of voice, swearing, threatening etc"; 002 §3.10), worded for the family (ENG-3).
    SHOUTING = "shouting", _("Shouting or raising your voice at us")
    SWEARING = "swearing", _("Swearing at us")
    THREATS = "threats", _("Threatening us, face to face, in writing, by phone or online")
    VIOLENCE = "violence", _("Hitting, pushing or throwing things")
    INTIMIDATION = "intimidation", _("Trying to frighten us, for example by standing over us or blocking the door")
    ABUSE = "abuse", _("Racist, sexual or homophobic remarks")
    ANIMALS = "animals", _("Using a dog or other animal to frighten us")
    BOMBARDING = "bombarding", _("Calling, texting or e-mailing us over and over again")
    FOLLOWING = "following", _("Following us, or looking for our personal details online")


class FamilyExpectation(models.TextChoices):
    # AGR-1 (001 §5.1.9.17): "what we expect from the family".
    SEE_CHILDREN = "see_children", _("Let us see the children, and speak to them on their own")
    HOME = "home", _("Let us into your home when we visit, including the children's bedrooms")
    APPOINTMENTS = "appointments", _("Keep appointments, or tell us before if you cannot come")
    HEALTH = "health", _("Take the children to their health appointments")
    SCHOOL = "school", _("Make sure the children go to school or nursery every day")
    CHANGES = "changes", _("Tell us if you move, or if someone new comes to live or stay with you")
    MEETINGS = "meetings", _("Come to meetings about your children")
    CALM = "calm", _("Speak to us calmly, even when you disagree with us")


class AgencyCommitment(models.TextChoices):
    # AGR-1 (001 §5.1.9.17 "what they can expect from us ... a two way process"; RIG-1, RIG-2, FAM-4).
    RESPECT = "respect", _("Treat you with respect and listen to what you have to say")
    HONEST = "honest", _("Be honest with you about what we are worried about, and why")
    NOTICE = "notice", _("Tell you before we visit, unless we are worried about a child's safety")
    LANGUAGE = "language", _("Give you information in Welsh or in English, as you choose")
    EXPLAIN = "explain", _("Explain anything you do not understand, and read documents with you if you want us to")
    RECORDS = "records", _("Tell you what we write down about your family, and how you can see it")
    SHARE = "share", _("Tell you when we share information with other services, unless that would put a child at risk")
    COMPLAIN = "complain", _("Tell you how to complain if you are unhappy with us")


class Consequence(models.TextChoices):
    # AGR-1 (004 §2.4): the consequences of continued non-cooperation, up to an application for a court order.
    MEETING = "meeting", _("Meet with the other professionals to decide what to do next")
    CONFERENCE = "conference", _("Hold a child protection conference about your children")
    LEGAL = "legal", _("Get legal advice, and ask the family court for an order to protect your children")


class TermSection(models.TextChoices):
    BEHAVIOUR = "behaviour", _("Behaviour that is not acceptable")
    FAMILY = "family", _("What we expect from you")
    ALL_AGENCIES = "agencies", _("What you can expect from all of us")
    AGENCY = "agency", _("What you can expect from one service")
    CONSEQUENCE = "consequence", _("What will happen if things do not change")


# The choices each section's coded terms come from; a term without a code is written by the professional.
SECTION_CHOICES = {
    TermSection.BEHAVIOUR: UnacceptableBehaviour,
    TermSection.FAMILY: FamilyExpectation,
    TermSection.ALL_AGENCIES: AgencyCommitment,
    TermSection.CONSEQUENCE: Consequence,
}
# AGR-2: the terms a family can breach.
BREACHABLE_SECTIONS = (TermSection.BEHAVIOUR, TermSection.FAMILY)


class WrittenAgreement(models.Model):
    """The agreement with one household; at most one is open at a time."""

    family = models.ForeignKey("families.Family", on_delete=models.CASCADE, related_name="written_agreements")
    # The professional responsible for it: the review escalation is theirs.
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreements_led",
                             verbose_name=_("responsible professional"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The date the agreement is next to be reviewed with the family (set when a version is given to the family,
    # and moved on by each review).
    review_date = models.DateField(_("review date"), null=True, blank=True)
    # The review date for which the review escalation has been raised: the sweep raises it once per date.
    review_escalated_for = models.DateField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    end_reason = models.TextField(_("why the agreement ended"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["family"], condition=Q(ended_at__isnull=True),
                                    name="one_open_agreement_per_family")
        ]
        indexes = [models.Index(fields=["ended_at", "review_date"], name="agreement_review_due")]
        verbose_name = _("written agreement")

    def __str__(self) -> str:
        return f"Written agreement {self.pk} ({self.family.reference})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Given to the family to sign")
    SIGNED = "signed", _("Signed")
    REFUSED = "refused", _("The family refused to sign")
    SUPERSEDED = "superseded", _("Replaced by a later version")


# A version the family has been given: the agreement in force is the latest of these.
GIVEN_STATES = (VersionState.ISSUED, VersionState.SIGNED, VersionState.REFUSED)


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(WrittenAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    # FAM-4: the family's language; the document is produced in it.
    language = models.CharField(_("language of the agreement"), max_length=2, choices=CorrespondenceLanguage.choices)
    review_date = models.DateField(_("review date"))
    people = models.ManyToManyField("families.Person", related_name="agreement_versions",
                                    verbose_name=_("family members party to the agreement"))
    professionals = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="agreement_versions",
                                           verbose_name=_("professionals party to the agreement"))
    state = models.CharField(_("state"), max_length=16, choices=VersionState.choices, default=VersionState.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    issued_at = models.DateTimeField(null=True, blank=True)
    # The family's answer: signed or refused, on which day, by whom, in their words (kept when the version is
    # later replaced).
    response = models.CharField(_("the family's answer"), max_length=16, choices=[
        ("signed", _("Signed")), ("refused", _("Refused to sign"))], blank=True)
    response_on = models.DateField(_("date signed or refused"), null=True, blank=True)
    response_people = models.ManyToManyField("families.Person", related_name="+", blank=True,
                                             verbose_name=_("who signed or refused"))
    response_note = models.TextField(_("what the family said"), blank=True)
    response_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                             blank=True, related_name="+")
    response_recorded_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_number_unique"),
            models.UniqueConstraint(fields=["agreement"], condition=Q(state="draft"),
                                    name="one_draft_per_agreement"),
        ]
        verbose_name = _("written agreement version")

    def __str__(self) -> str:
        return f"Written agreement {self.agreement_id} version {self.number}"

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT

    @property
    def is_given(self) -> bool:
        return self.state in GIVEN_STATES


class AgreementTerm(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="terms")
    section = models.CharField(max_length=16, choices=TermSection.choices)
    # A term chosen from the section's list has a code (shown in the agreement's language); one written by the
    # professional has its text.
    code = models.CharField(max_length=32, blank=True)
    text = models.TextField(blank=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version_id", "section", "position", "id"]
        verbose_name = _("term of a written agreement")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The term's words, in the active language for a chosen term (call under the agreement's language)."""
        if self.code:
            choices = SECTION_CHOICES.get(self.section)
            if choices is not None and self.code in choices.values:
                return str(choices(self.code).label)
        return self.text


class AgreementReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("The agreement continues: set the next review date")
    END = "end", _("The agreement is no longer needed: end it")


class AgreementReview(models.Model):
    agreement = models.ForeignKey(WrittenAgreement, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField(_("date of the review"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=AgreementReviewOutcome.choices)
    note = models.TextField(_("what was reviewed and decided"))
    next_review_date = models.DateField(_("next review date"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]


class AgreementBreach(models.Model):
    """AGR-2: a term broken, recorded from a contact, an incident or by hand, against the version in force."""

    agreement = models.ForeignKey(WrittenAgreement, on_delete=models.CASCADE, related_name="breaches")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="breaches")
    term = models.ForeignKey(AgreementTerm, on_delete=models.PROTECT, related_name="breaches",
                             verbose_name=_("term that was breached"))
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("what happened"))
    contact = models.ForeignKey("engagement.Contact", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="agreement_breaches")
    # The incident (issue 8) it was recorded from; an id, checked against the incidents app when it is installed.
    incident_id = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["agreement", "-occurred_at"], name="breach_agreement_time")]
        verbose_name = _("breach of a written agreement")

    def __str__(self) -> str:
        return f"Breach of written agreement {self.agreement_id} on {self.occurred_at:%Y-%m-%d}"


class SignedCopy(models.Model):
    """The scanned signed agreement (PDF, JPEG or PNG), kept in the database so it is served only through the
    access rule (P-4), never from a public media directory."""

    version = models.OneToOneField(AgreementVersion, on_delete=models.CASCADE, related_name="signed_copy")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
