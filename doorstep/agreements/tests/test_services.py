"""AGR-1, AGR-2: drafting, versions, the family's answer, breaches and the review escalation."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from doorstep.agreements import scheduled, services
from doorstep.agreements.models import (
    AgreementBreach,
    AgreementTerm,
    AgreementVersion,
    SignedCopy,
    TermSection,
    VersionState,
    WrittenAgreement,
)
from doorstep.audit.models import AuditEvent
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.engagement.models import Contact
from doorstep.escalations.models import Escalation, EscalationState
from doorstep.families import services as family_services
from doorstep.families.models import MemberRole
from doorstep.notifications.models import Notification

from .builders import content, draft, issued

LONDON = ZoneInfo("Europe/London")


def make_contact(world, *, family=None, by=None, when=None, **fields) -> Contact:
    """A contact row. The engagement services are issue 3's; until they land the row is made directly."""
    by = by or world.users["involved_practitioner"]
    return Contact.objects.create(family=family or world.family, agency=by.agency, recorded_by=by, kind="home_visit",
                                  occurred_at=when or timezone.now(), outcome="seen", **fields)


def make_incident(world, *, family=None, by=None):
    from doorstep.incidents.services import incident_record

    by = by or world.users["involved_practitioner"]
    return incident_record(family=family or world.family, by=by, occurred_at=timezone.now(), threats=["shouting"],
                           account="Shouted and threatened me at the door", affected=[by])


@pytest.mark.django_db
class TestDraft:
    def test_draft_writes_every_term_as_a_row(self, world):
        version = draft(world, other_behaviours="Gadael y ci'n rhydd yn y tŷ\n\n  ",
                        agency_commitments={world.involvement.agency_id: "Ymweld bob pythefnos"})
        assert version.state == VersionState.DRAFT and version.number == 1
        terms = [(t.section, t.code, t.text) for t in version.terms.order_by("position")]
        assert terms == [
            (TermSection.BEHAVIOUR, "shouting", ""), (TermSection.BEHAVIOUR, "swearing", ""),
            (TermSection.BEHAVIOUR, "", "Gadael y ci'n rhydd yn y tŷ"),
            (TermSection.FAMILY, "see_children", ""), (TermSection.ALL_AGENCIES, "respect", ""),
            (TermSection.AGENCY, "", "Ymweld bob pythefnos"),
            (TermSection.CONSEQUENCE, "meeting", ""), (TermSection.CONSEQUENCE, "legal", ""),
        ]
        assert list(version.people.all()) == [world.parent]
        assert version.agreement.lead == world.users["involved_practitioner"]
        assert AuditEvent.objects.filter(object_type="agreements.AgreementVersion", action="create",
                                         family=world.family).count() == 1

    @pytest.mark.parametrize("overrides, field", [
        ({"behaviours": [], "other_behaviours": ""}, "behaviours"),
        ({"behaviours": ["not-a-behaviour"]}, "behaviours"),
        ({"expectations": []}, "expectations"),
        ({"commitments": []}, "commitments"),
        ({"consequences": [], "other_consequences": " "}, "consequences"),
        ({"review_date": date(2020, 1, 1)}, "review_date"),
        ({"people": []}, "people"),
        ({"professionals": []}, "professionals"),
        ({"language": "fr"}, "language"),
        ({"other_behaviours": "x" * 501}, "other_behaviours"),
    ])
    def test_bad_input_names_the_field_and_saves_nothing(self, world, overrides, field):
        with pytest.raises(ValidationError) as exc:
            draft(world, **overrides)
        assert field in exc.value.message_dict
        assert not WrittenAgreement.objects.exists() and not AgreementTerm.objects.exists()

    def test_a_child_cannot_be_party_and_an_uninvolved_professional_cannot_sign(self, world):
        with pytest.raises(ValidationError) as exc:
            draft(world, people=[world.child], professionals=[world.users["uninvolved"]])
        assert set(exc.value.message_dict) == {"people", "professionals"}

    def test_one_open_agreement_per_family(self, world):
        draft(world)
        with pytest.raises(ValidationError):
            draft(world)
        assert WrittenAgreement.objects.count() == 1

    def test_language_follows_the_parents_preference(self, world):
        assert services.family_default_language(family=world.family) == "en"
        family_services.person_update(person=world.parent, by=world.users["involved_practitioner"],
                                      correspondence_language="cy")
        assert services.family_default_language(family=world.family) == "cy"


@pytest.mark.django_db
class TestVersions:
    def test_issue_sets_the_review_date_writes_the_chronology_and_tells_the_other_parties(self, world):
        police = world.users["other_involved"]
        version = draft(world, professionals=[world.users["involved_practitioner"], police])
        version = services.agreement_version_issue(version=version, by=world.users["involved_practitioner"])
        agreement = WrittenAgreement.objects.get()
        assert version.state == VersionState.ISSUED
        assert agreement.review_date == version.review_date
        entry = ChronologyEntry.objects.get(kind=EntryKind.AGREEMENT)
        assert "version 1" in entry.summary and entry.significant and list(entry.people.all()) == [world.parent]
        assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["police.worker"]

    def test_revising_keeps_the_earlier_version_unchanged(self, world, time_machine):
        v1 = issued(world)
        v2 = services.agreement_revise(agreement=v1.agreement, by=world.users["involved_practitioner"])
        services.agreement_version_update(version=v2, by=world.users["involved_practitioner"],
                                          **content(world, behaviours=["violence"]))
        with pytest.raises(ValidationError):
            services.agreement_revise(agreement=v1.agreement, by=world.users["involved_practitioner"])
        time_machine.shift(timedelta(hours=1))  # given to the family later than the first
        services.agreement_version_issue(version=v2, by=world.users["involved_practitioner"])
        v1.refresh_from_db()
        assert v1.state == VersionState.SUPERSEDED
        assert sorted(v1.terms.filter(section="behaviour").values_list("code", flat=True)) == ["shouting", "swearing"]
        assert list(v2.terms.filter(section="behaviour").values_list("code", flat=True)) == ["violence"]
        assert services.agreement_in_force(v1.agreement) == v2

    def test_a_version_given_to_the_family_cannot_be_changed(self, world):
        version = issued(world)
        with pytest.raises(ValidationError):
            services.agreement_version_update(version=version, by=world.users["involved_practitioner"],
                                              **content(world, behaviours=["violence"]))
        assert list(version.terms.filter(section="behaviour").values_list("code", flat=True)) == ["shouting",
                                                                                                  "swearing"]

    def test_refusal_needs_the_familys_words_and_is_significant_on_the_chronology(self, world):
        version = issued(world)
        by = world.users["involved_practitioner"]
        with pytest.raises(ValidationError) as exc:
            services.agreement_version_respond(version=version, by=by, signed=False, on=timezone.localdate(),
                                               people=[world.parent], note="")
        assert "note" in exc.value.message_dict
        services.agreement_version_respond(version=version, by=by, signed=False, on=timezone.localdate(),
                                           people=[world.parent], note="Says it is unfair to her")
        version.refresh_from_db()
        assert version.state == VersionState.REFUSED and version.response == "refused"
        entry = ChronologyEntry.objects.filter(kind=EntryKind.AGREEMENT).order_by("-id").first()
        assert entry.significant and "Says it is unfair to her" in entry.summary and "refused" in entry.tags

    def test_signed_copy_is_kept_and_a_wrong_file_is_refused(self, world):
        version = issued(world)
        by = world.users["involved_practitioner"]
        with pytest.raises(ValidationError) as exc:
            services.agreement_version_respond(
                version=version, by=by, signed=True, on=timezone.localdate(), people=[world.parent],
                signed_copy=SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/octet-stream"))
        assert "signed_copy" in exc.value.message_dict
        version.refresh_from_db()
        assert version.state == VersionState.ISSUED and not SignedCopy.objects.exists()
        services.agreement_version_respond(
            version=version, by=by, signed=True, on=timezone.localdate(), people=[world.parent],
            signed_copy=SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\nrest", "image/png"))
        copy = SignedCopy.objects.get()
        assert copy.content_type == "image/png" and bytes(copy.data).startswith(b"\x89PNG")

    def test_the_answer_must_come_from_a_party_after_the_agreement_was_given(self, world):
        version = issued(world)
        with pytest.raises(ValidationError) as exc:
            services.agreement_version_respond(
                version=version, by=world.users["involved_practitioner"], signed=True,
                on=timezone.localdate() - timedelta(days=3), people=[world.child])
        assert set(exc.value.message_dict) == {"on", "people"}


@pytest.mark.django_db
class TestBreaches:
    def _term(self, version, code="shouting"):
        return version.terms.get(section=TermSection.BEHAVIOUR, code=code)

    def test_a_breach_from_a_contact_takes_its_time_and_goes_on_the_chronology(self, world):
        version = issued(world)
        contact = make_contact(world)
        police = world.users["other_involved"]
        breach = services.agreement_breach_record(agreement=version.agreement, by=police, term=self._term(version),
                                                  description="Shouted at the door", contact=contact)
        assert breach.occurred_at == contact.occurred_at and breach.version == version
        entry = ChronologyEntry.objects.get(kind=EntryKind.AGREEMENT, tags__contains="|breach|")
        assert entry.occurred_at == contact.occurred_at and entry.significant
        assert "Shouted at the door" in entry.summary and entry.agency == police.agency
        # The responsible professional hears of a breach someone else recorded.
        assert Notification.objects.filter(recipient=world.users["involved_practitioner"],
                                           link=f"/agreements/{version.agreement_id}/").exists()

    def test_breach_in_chronology_uses_the_agreements_own_words(self, world):
        version = issued(world, language="cy")
        services.agreement_breach_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                         term=self._term(version), description="Gweiddi", contact=make_contact(world))
        entry = ChronologyEntry.objects.get(tags__contains="|breach|")
        assert "Gweiddi neu godi eich llais arnom ni" in entry.summary

    @pytest.mark.parametrize("case", ["other_family", "old_version", "consequence", "before_issue", "future",
                                      "no_time", "empty"])
    def test_bad_breaches_are_refused_and_nothing_is_saved(self, world, case, time_machine):
        version = issued(world)
        by = world.users["involved_practitioner"]
        kwargs = dict(agreement=version.agreement, by=by, term=self._term(version), description="It happened",
                      occurred_at=timezone.now())
        if case == "other_family":
            kwargs["contact"] = make_contact(world, family=world.other_family, by=world.users["uninvolved"])
        elif case == "old_version":
            v2 = services.agreement_revise(agreement=version.agreement, by=by)
            time_machine.shift(timedelta(hours=1))  # given to the family later than the first
            services.agreement_version_issue(version=v2, by=by)
        elif case == "consequence":
            kwargs["term"] = version.terms.filter(section=TermSection.CONSEQUENCE).first()
        elif case == "before_issue":
            kwargs["occurred_at"] = version.issued_at - timedelta(minutes=1)
        elif case == "future":
            kwargs["occurred_at"] = timezone.now() + timedelta(hours=1)
        elif case == "no_time":
            kwargs["occurred_at"] = None
        elif case == "empty":
            kwargs["description"] = "  "
        with pytest.raises(ValidationError):
            services.agreement_breach_record(**kwargs)
        assert not AgreementBreach.objects.exists()

    def test_a_breach_from_an_incident_of_the_family(self, world):
        version = issued(world)
        worker = world.users["involved_practitioner"]
        incident = make_incident(world)
        breach = services.agreement_breach_record(agreement=version.agreement, by=worker, term=self._term(version),
                                                  description="Threatened me", incident_id=incident.pk)
        assert breach.incident_id == incident.pk and breach.occurred_at == incident.occurred_at
        other = make_incident(world, family=world.other_family, by=world.users["uninvolved"])
        with pytest.raises(ValidationError) as exc:
            services.agreement_breach_record(agreement=version.agreement, by=worker, term=self._term(version),
                                             description="Threat", incident_id=other.pk)
        assert "incident" in exc.value.message_dict
        assert AgreementBreach.objects.count() == 1

    def test_no_breach_of_a_draft(self, world):
        version = draft(world)
        with pytest.raises(ValidationError):
            services.agreement_breach_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                             term=self._term(version), description="x", occurred_at=timezone.now())


@pytest.mark.django_db
class TestReviewEscalation:
    @pytest.mark.clock("2026-11-02 09:00")
    def test_raised_five_working_days_before_owned_by_the_lead_and_due_at_the_end_of_the_day(self, world,
                                                                                           time_machine):
        # Review on Friday 13 November 2026: the action is raised on Friday 6 November (5 working days before).
        version = issued(world, review_date=date(2026, 11, 13))
        time_machine.move_to(datetime(2026, 11, 5, 18, 0, tzinfo=LONDON))
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 0
        time_machine.move_to(datetime(2026, 11, 6, 8, 0, tzinfo=LONDON))
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 1
        escalation = Escalation.objects.get(key=services.review_key(version.agreement_id))
        assert escalation.owner == world.users["involved_practitioner"] and escalation.family == world.family
        assert escalation.deadline == datetime(2026, 11, 13, 23, 59, 59, tzinfo=LONDON)
        assert escalation.rule_id == "AGR-1"
        # Idempotent: the next sweep raises nothing, and a closed action is not raised again for the same date.
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 0
        services.escalations_close_by_key(key=escalation.key, by=None, outcome="Phoned the family")
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 0
        assert Escalation.objects.filter(key=escalation.key).count() == 1

    @pytest.mark.clock("2026-11-02 09:00")
    def test_issue_21_agr_1_the_notice_is_the_family_partnerships(self, world, time_machine):
        """AGR-1 (issue 21): the family's partnership gives 2 working days' notice; the default's 5 do not apply."""
        from doorstep.testing.partnerships import second_partnership

        second_partnership(world, settings={"AGR-1": {"review_notice_working_days": 2}}, families=[world.family])
        version = issued(world, review_date=date(2026, 11, 13))
        time_machine.move_to(datetime(2026, 11, 6, 8, 0, tzinfo=LONDON))  # 5 working days before: not in this one
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 0
        time_machine.move_to(datetime(2026, 11, 11, 8, 0, tzinfo=LONDON))  # 2 working days before
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 1
        assert Escalation.objects.filter(key=services.review_key(version.agreement_id)).exists()

    @pytest.mark.clock("2026-11-02 09:00")
    def test_a_review_closes_the_action_and_the_next_date_raises_it_again(self, world, time_machine):
        version = issued(world, review_date=date(2026, 11, 4))
        scheduled.agreement_reviews_sweep(now=timezone.now())
        key = services.review_key(version.agreement_id)
        services.agreement_review_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                         outcome="continue", note="Going better", reviewed_on=date(2026, 11, 2),
                                         next_review_date=date(2027, 2, 1))
        assert Escalation.objects.get(key=key).state == EscalationState.DONE
        version.agreement.refresh_from_db()
        assert version.agreement.review_date == date(2027, 2, 1)
        time_machine.move_to(datetime(2027, 1, 26, 9, 0, tzinfo=LONDON))
        assert scheduled.agreement_reviews_sweep(now=timezone.now()) == 1
        assert Escalation.objects.filter(key=key, state=EscalationState.OPEN).count() == 1

    def test_ending_the_agreement_closes_it_and_allows_a_new_one(self, world):
        version = issued(world)
        services.agreement_review_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                         outcome="end", note="No longer needed", reviewed_on=timezone.localdate())
        version.agreement.refresh_from_db()
        assert version.agreement.ended_at is not None and version.agreement.end_reason == "No longer needed"
        assert scheduled.agreement_reviews_sweep(now=timezone.now() + timedelta(days=200)) == 0
        assert draft(world).number == 1 and WrittenAgreement.objects.count() == 2

    def test_continuing_needs_a_future_date(self, world):
        version = issued(world)
        with pytest.raises(ValidationError) as exc:
            services.agreement_review_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                             outcome="continue", note="x", reviewed_on=timezone.localdate())
        assert "next_review_date" in exc.value.message_dict
        assert not AgreementVersion.objects.filter(agreement__reviews__isnull=False).exists()
