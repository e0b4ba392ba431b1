"""RIG-1 as a pure rule, tested with plain values; the redaction functions likewise."""

from datetime import date

from doorstep.subjectaccess import redaction as rd
from doorstep.subjectaccess.rules import ANSWER, CONSULT, RequestFacts, answer_key, consult_key, rig_1


def _facts(**kwargs) -> RequestFacts:
    values = dict(request_id=7, stage=ANSWER, reference="SAR-7", received_on=date(2028, 1, 31),
                  due_on=date(2028, 2, 29), today=date(2028, 1, 31), owner_id=3, notify_ids=(4,),
                  nation="england-wales")
    values.update(kwargs)
    return RequestFacts(**values)


def test_rig_1_answer_is_the_officers_action_due_on_the_deadline():
    (raised,) = rig_1(_facts(), {"consult_working_days": 5}).outcomes
    assert (raised.rule_id, raised.key, raised.owner_id, raised.deadline, raised.trigger_date) == (
        "RIG-1", answer_key(7), 3, date(2028, 2, 29), date(2028, 1, 31))
    assert raised.notify_ids == (4,)


def test_rig_1_consultation_within_working_days_never_after_the_answer():
    (raised,) = rig_1(_facts(stage=CONSULT, owner_id=9, agency_id=2, agency_name="Police",
                             today=date(2028, 2, 1)), {"consult_working_days": 5}).outcomes
    assert (raised.key, raised.owner_id, raised.deadline) == (consult_key(7, 2), 9, date(2028, 2, 8))
    (late,) = rig_1(_facts(stage=CONSULT, owner_id=9, agency_id=2, agency_name="Police", today=date(2028, 2, 28)),
                    {"consult_working_days": 5}).outcomes
    assert late.deadline == date(2028, 2, 29)


def test_rig_1_proposals_skip_the_subjects_own_words():
    lines = [("Dean shouted at the door", False), ("Dean Testing was asleep, she said", True)]
    assert rd.proposals(lines, ["Dean Testing", "Dean", "Alfie"]) == ["Dean"]
    assert rd.proposals([("Deanery Road", False)], ["Dean"]) == []


def test_rig_1_segments_replace_every_occurrence_and_keep_own_words():
    withheld = [rd.Withhold("Dean Testing", "TP", True), rd.Withhold("Dean", "TP", True)]
    parts = rd.segments("Dean Testing shouted; dean left.", withheld)
    assert rd.plain(parts) == "[TP] shouted; [TP] left."
    assert "Dean" not in "".join(p.get("text", "") for p in parts)
    assert rd.plain(rd.segments("Dean was asleep", withheld, own=True)) == "Dean was asleep"
    by_officer = [rd.Withhold("asleep", "SH", False)]
    assert rd.plain(rd.segments("Dean was asleep", by_officer, own=True)) == "Dean was [SH]"
