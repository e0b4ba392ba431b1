"""ESC-4 and ESC-5 as pure rules: plain values in, actions and alerts out (no database, no clock)."""

from doorstep.incidents.rules import IncidentFacts, OtherAgency, Worker, incident_rules

WORKER, MANAGER, POLICE_LEAD, POLICE_MANAGER, SCHOOL_LEAD, SCHOOL_MANAGER = 1, 2, 3, 4, 5, 6


def facts(**overrides) -> IncidentFacts:
    values = dict(
        incident_id=9, recorder=Worker(WORKER, (MANAGER,)), affected=(Worker(WORKER, (MANAGER,)),),
        threats=frozenset({"shouting"}), threat_to_kill=False, police_informed=False, recorded_by_police=False,
        other_agencies=(OtherAgency(20, (POLICE_LEAD, POLICE_MANAGER)), OtherAgency(30, (SCHOOL_LEAD, SCHOOL_MANAGER))),
    )
    values.update(overrides)
    return IncidentFacts(**values)


def test_esc4_the_workers_line_manager_owns_the_follow_up_due_next_working_day():
    outcomes = incident_rules(facts(), follow_up_working_days=1)
    assert [(a.kind, a.owner_id, a.worker_id, a.key, a.working_days) for a in outcomes.actions] == [
        ("follow_up", MANAGER, WORKER, "ESC-4:incident:9:follow-up:1", 1)]


def test_esc4_threats_to_kill_always_need_the_police():
    outcomes = incident_rules(facts(threat_to_kill=True, threats=frozenset({"threat_to_kill"})))
    police = [a for a in outcomes.actions if a.kind == "police_report"]
    assert [(a.owner_id, a.key, a.working_days) for a in police] == [(MANAGER, "ESC-4:incident:9:police", 0)]


def test_esc4_physical_violence_needs_the_police_too():
    outcomes = incident_rules(facts(threats=frozenset({"physical_violence"})))
    assert any(a.kind == "police_report" for a in outcomes.actions)


def test_esc4_no_police_action_when_the_police_already_know_or_recorded_it():
    informed = incident_rules(facts(threat_to_kill=True, police_informed=True))
    by_police = incident_rules(facts(threat_to_kill=True, recorded_by_police=True))
    shouting = incident_rules(facts())
    for outcomes in (informed, by_police, shouting):
        assert not [a for a in outcomes.actions if a.kind == "police_report"]


def test_esc5_every_other_agency_lead_and_their_manager_is_alerted_once():
    outcomes = incident_rules(facts())
    esc5 = [a for a in outcomes.alerts if a.rule_id == "ESC-5"]
    assert [(a.recipient_ids, a.dedupe_key) for a in esc5] == [
        ((POLICE_LEAD, POLICE_MANAGER), "ESC-5:incident:9"), ((SCHOOL_LEAD, SCHOOL_MANAGER), "ESC-5:incident:9")]


def test_a_worker_of_another_agency_gets_their_own_managers_follow_up_and_is_not_alerted_twice():
    # A joint visit: the health visitor records it; the police officer (the police lead) was the target.
    outcomes = incident_rules(facts(affected=(Worker(POLICE_LEAD, (POLICE_MANAGER,)),)))
    assert [(a.owner_id, a.worker_id) for a in outcomes.actions] == [(POLICE_MANAGER, POLICE_LEAD)]
    by_kind = {a.kind: a.recipient_ids for a in outcomes.alerts}
    assert by_kind["manager"] == (MANAGER,)  # the recorder's own manager, as a witness's manager
    assert by_kind["affected"] == (POLICE_LEAD,)
    everyone = [r for a in outcomes.alerts for r in a.recipient_ids] + [a.owner_id for a in outcomes.actions]
    assert sorted(everyone) == sorted(set(everyone)), "nobody is told twice about one incident"
    assert (SCHOOL_LEAD, SCHOOL_MANAGER) in [a.recipient_ids for a in outcomes.alerts if a.rule_id == "ESC-5"]


def test_a_worker_without_a_manager_is_followed_up_by_the_recorders_manager():
    outcomes = incident_rules(facts(affected=(Worker(7, ()),)))
    assert [(a.owner_id, a.worker_id) for a in outcomes.actions] == [(MANAGER, 7)]
