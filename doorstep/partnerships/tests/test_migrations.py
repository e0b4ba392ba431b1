"""Issue 21: the data migrations make one default partnership from today's deployment settings (DOORSTEP_NATION,
all five protocols) and attach every existing family, agency and rule setting (with its history) to it."""

import pytest

from doorstep.testing.migrations import migrated_back_to


@pytest.mark.django_db(transaction=True)
def test_existing_families_and_rule_settings_join_the_default_partnership(settings):
    settings.DOORSTEP_NATION = "scotland"
    before = [("partnerships", "0001_initial"), ("families", "0003_find_a_family_indexes"),
              ("escalations", "0006_outcomes_as_message_ids")]
    apps, forward = migrated_back_to(before)
    Agency = apps.get_model("agencies", "Agency")
    Family = apps.get_model("families", "Family")
    RuleSetting = apps.get_model("escalations", "RuleSetting")
    agency = Agency.objects.create(name="Afonwy Valleys Police", kind="police")
    family = Family.objects.create(reference="F-MIG-21", name="Evans household")
    RuleSetting.objects.create(rule_id="ESC-1", enabled=False, parameters={"threshold": 6})

    apps = forward()
    Partnership = apps.get_model("partnerships", "Partnership")
    default = Partnership.objects.get(is_default=True)
    assert (default.nation, default.preset) == ("scotland", "all-five")
    assert list(default.agencies.values_list("pk", flat=True)) == [agency.pk]
    assert apps.get_model("families", "Family").objects.get(pk=family.pk).partnership_id == default.pk
    settings_ = {s.rule_id: s for s in apps.get_model("escalations", "RuleSetting").objects.filter(
        partnership=default)}
    assert (settings_["ESC-1"].enabled, settings_["ESC-1"].parameters) == (False, {"threshold": 6})
    assert settings_["ESC-8"].enabled is True and settings_["ESC-8"].parameters == {}


@pytest.mark.django_db(transaction=True)
def test_issue_21_a_deployment_with_only_its_default_partnership_keeps_its_board_report_readers():
    apps, forward = migrated_back_to([("partnerships", "0002_default_partnership")])
    Professional = apps.get_model("agencies", "Professional")
    apps.get_model("partnerships", "Partnership").objects.get_or_create(
        is_default=True, defaults={"name": "Local safeguarding partnership", "nation": "england-wales",
                                   "preset": "all-five"})
    chair = Professional.objects.create(username="old.chair", role="board_chair")
    analyst = Professional.objects.create(username="old.analyst", role="analyst")
    Professional.objects.create(username="worker", role="practitioner")
    apps = forward()
    default = apps.get_model("partnerships", "Partnership").objects.get(is_default=True)
    assert list(default.board_chairs.values_list("pk", flat=True)) == [chair.pk]
    assert list(default.analysts.values_list("pk", flat=True)) == [analyst.pk]


@pytest.mark.django_db(transaction=True)
def test_issue_21_existing_audit_questions_and_recording_terms_join_the_default_partnership():
    """Issue 21: the case-file audit's questions (oversight 0003) and the recording check's list (recording 0002)
    asked and kept so far become the default partnership's."""
    before = [("oversight", "0002_case_file_audit_rounds"), ("recording", "0001_recording_terms_and_corrections"),
              ("partnerships", "0002_default_partnership")]
    apps, forward = migrated_back_to(before)
    question = apps.get_model("oversight", "AuditQuestion").objects.create(key="", wording={"en": "Q?"}, position=10)
    term = apps.get_model("recording", "RecordingTerm").objects.create(term="unkempt", language="en",
                                                                       suggestion="Describe it.")
    apps = forward()
    default = apps.get_model("partnerships", "Partnership").objects.get(is_default=True)
    assert apps.get_model("oversight", "AuditQuestion").objects.get(pk=question.pk).partnership_id == default.pk
    assert apps.get_model("recording", "RecordingTerm").objects.get(pk=term.pk).partnership_id == default.pk
