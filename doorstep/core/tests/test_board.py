"""OVR-2 (issue 19): the Board's report. Periods, small numbers hidden so that none can be worked out again, the page,
the downloads, the API, who may read it, the audit and the number of queries."""

import itertools
import random
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.core import board
from doorstep.core.board import FEWER, WITHHELD, Figure, Period, Table, period_from, quarter_of, suppress
from doorstep.markers.models import MarkerCategory
from doorstep.markers.tests.test_services import raise_marker
from doorstep.testing import pdf as tagged

LIMIT = 5


def recover(values: dict, hidden: dict, groups, limit: int = LIMIT, ceiling: int = 60) -> dict[str, set]:
    """The attacker: every value each hidden cell could take, given the published figures, the totals and the rule
    (a count shown as "fewer than 5" is 0 to 4; a withheld one is 5 or more). Tries every assignment."""
    keys = sorted(hidden)
    ranges = [range(0, limit) if hidden[k] == FEWER else range(limit, ceiling) for k in keys]
    possible = {k: set() for k in keys}
    for guess in itertools.product(*ranges):
        trial = {**values, **dict(zip(keys, guess, strict=True))}
        if all(trial[total] == sum(trial[p] for p in parts) for total, parts in groups):
            for k, v in zip(keys, guess, strict=True):
                possible[k].add(v)
    return possible


def test_a_single_small_part_could_be_worked_out_from_its_total_so_another_is_withheld():
    values = {"held": 9, "in_time": 7, "late": 2}
    groups = [("held", ["in_time", "late"])]
    assert suppress(values, groups, LIMIT) == {"late": FEWER, "in_time": WITHHELD}
    # Without the secondary suppression, 9 - 7 gives the hidden 2 away: the attacker recovers it.
    assert recover(values, {"late": FEWER}, groups) == {"late": {2}}
    assert len(recover(values, suppress(values, groups, LIMIT), groups)["late"]) > 1


def test_a_zero_beside_a_five_is_not_given_away_by_the_bounds():
    # 0 hidden and 5 withheld would be pinned (0 + 5 = 5, and the withheld one is at least 5): more is withheld.
    values = {"t": 25, "a": 0, "b": 5, "c": 20}
    hidden = suppress(values, [("t", ["a", "b", "c"])], LIMIT)
    assert hidden == {"a": FEWER, "b": WITHHELD, "c": WITHHELD}
    for cell, options in recover(values, hidden, [("t", ["a", "b", "c"])]).items():
        assert len(options) > 1, cell


def test_the_attacker_recovers_no_hidden_cell_from_many_random_tables():
    """"A test tries to recover a suppressed cell from the published figures and fails": random breakdowns, some
    sharing their total with a second breakdown (meetings by kind and by calling agency)."""
    rng = random.Random(19)
    for __ in range(300):
        first = [rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 12]) for __ in range(rng.randint(2, 4))]
        values = {f"a{i}": v for i, v in enumerate(first)}
        values["t"] = sum(first)
        groups = [("t", [f"a{i}" for i in range(len(first))])]
        if rng.random() < 0.5:  # a second breakdown of the same total
            cut = rng.randint(0, values["t"])
            values.update(b0=cut, b1=values["t"] - cut)
            groups.append(("t", ["b0", "b1"]))
        hidden = suppress(values, groups, LIMIT)
        if not hidden or "t" in hidden:
            continue
        published = {k: v for k, v in values.items() if k not in hidden}
        for cell, options in recover(published, hidden, groups, ceiling=values["t"] + 1).items():
            assert values[cell] in options
            assert len(options) > 1, (values, hidden, cell)


def test_periods():
    assert quarter_of(date(2026, 12, 6)) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_of(date(2026, 10, 1)).previous() == Period(date(2026, 7, 1), date(2026, 9, 30))
    # The quarter so far, beside the same part of the quarter before.
    assert Period(date(2026, 10, 1), date(2026, 12, 6)).previous() == Period(date(2026, 7, 1), date(2026, 9, 5))
    assert Period(date(2026, 3, 10), date(2026, 3, 19)).previous() == Period(date(2026, 2, 28), date(2026, 3, 9))
    today = timezone.localdate()
    assert period_from({}) == Period(quarter_of(today).start, today)
    assert period_from({"from": "2026-04-01", "to": "2026-06-30"}) == Period(date(2026, 4, 1), date(2026, 6, 30))
    with pytest.raises(Exception) as refused:
        period_from({"from": "2026-06-30", "to": "2026-04-01"})
    assert refused.value.message_dict == {"to": ["The end date must be the same as or after the start date"]}
    with pytest.raises(Exception) as refused:
        period_from({"from": "30/06/2026"})
    assert "from" in refused.value.message_dict


@pytest.fixture
def nine_held(monkeypatch):
    """A section whose figures are known, through the real report: 9 meetings held, 7 in time, 2 late."""
    def section(*, start, end, partnership):
        return [Table("held", "Meetings held", [Figure("in_time", "In time", 7), Figure("late", "Late", 2)],
                      Figure("held", "Held", 9))]
    monkeypatch.setattr(board, "BOARD_FIGURES", [section])


def test_the_api_publishes_no_cell_that_can_be_worked_out(world, client, nine_held):
    client.force_login(world.users["analyst"])
    body = client.get("/api/v1/board/report/").json()
    rows = {r["key"]: r["current"] for r in body["tables"][0]["rows"]}
    assert rows["held"] == {"value": 9, "shown": "9", "suppressed": False}
    assert rows["late"] == {"value": None, "shown": "fewer than 5", "suppressed": True}
    assert rows["in_time"] == {"value": None, "shown": "withheld", "suppressed": True}
    assert body["small_count_threshold"] == 5


def test_the_threshold_is_configurable(world, client, nine_held, settings):
    settings.DOORSTEP_BOARD_SMALL_COUNT = 2
    client.force_login(world.users["board_chair"])
    rows = {r["key"]: r["current"] for r in client.get("/api/v1/board/report/").json()["tables"][0]["rows"]}
    assert rows["late"]["value"] == 2 and rows["in_time"]["value"] == 7


def test_the_board_chair_home_page_is_the_quarter_so_far_with_charts_and_no_family(world, client):
    for __ in range(6):
        raise_marker(world, category=MarkerCategory.VIOLENCE)
    client.force_login(world.users["board_chair"])
    html = client.get(reverse("home")).content.decode()
    today = timezone.localdate()
    assert "The Board&#x27;s report: this quarter so far" in html or "The Board's report: this quarter so far" in html
    assert f"{quarter_of(today).start.day} " in html and 'role="img"' in html
    assert "Warning markers raised, by category" in html and "fewer than 5" in html
    assert "Minutes sent to you" in html  # the circulated minutes sent to them, as before
    assert "Testing household" not in html and world.family.reference not in html and "Alfie" not in html
    assert AuditEvent.objects.filter(actor=world.users["board_chair"], object_type="board.report",
                                     action=AuditAction.VIEW).count() == 1


def test_downloads_and_the_audit(world, client):
    for __ in range(6):
        raise_marker(world, category=MarkerCategory.VIOLENCE)
    client.force_login(world.users["board_chair"])
    query = f"?from={quarter_of(timezone.localdate()).start.isoformat()}&to={timezone.localdate().isoformat()}"
    csv = client.get(reverse("board_report_csv") + query)
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    # Six markers, all violence: every other category is a hidden 0, so the six would follow from the total of 6
    # (6 - 0 - ... - 0); it is withheld, and the total stands.
    assert '"Warning markers raised, by category",Violence,withheld,fewer than 5' in lines
    assert '"Warning markers raised, by category",Warning markers raised,6,fewer than 5' in lines
    pdf = client.get(reverse("board_report_pdf") + query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Tagged like every Doorstep PDF (issue 18): its language, a heading per section, tables with header cells.
    language, tags = tagged.structure(pdf.content)
    assert language == "en" and tags[:2] == ["Document", "H1"]
    assert tags.count("H2") == tags.count("Table") >= 8 and "TH" in tags
    assert "Warning markers raised, by category" in tagged.text(pdf.content)
    assert AuditEvent.objects.filter(object_type="board.report", action=AuditAction.EXPORT).count() == 2


def test_a_period_that_ends_before_it_starts_is_refused(world, client):
    client.force_login(world.users["board_chair"])
    page = client.get(reverse("board_report") + "?from=2026-06-30&to=2026-04-01")
    html = page.content.decode()
    assert page.status_code == 400 and "govuk-error-summary" in html
    assert '<a href="#id_to">The end date must be the same as or after the start date</a>' in html
    api = client.get("/api/v1/board/report/?from=2026-06-30&to=2026-04-01")
    assert api.status_code == 400 and "The end date must be the same as or after the start date" in api.content.decode()
    assert client.get(reverse("board_report_csv") + "?from=2026-06-30&to=2026-04-01").status_code == 400
    assert not AuditEvent.objects.filter(object_type="board.report").exists()


def test_only_the_board_chair_and_analysts_read_it_and_neither_opens_a_family(world, client):
    for role in ("involved_practitioner", "involved_manager", "administrator"):
        client.force_login(world.users[role])
        assert client.get(reverse("board_report")).status_code == 403
        assert client.get("/api/v1/board/report/").status_code == 403
    for role in ("board_chair", "analyst"):
        client.force_login(world.users[role])
        assert client.get(reverse("board_report")).status_code == 200
        assert client.get(reverse("families:detail", args=[world.family.pk])).status_code in (403, 404)


def test_the_report_costs_the_same_queries_whatever_the_data(world, client):
    client.force_login(world.users["board_chair"])
    url = "/api/v1/board/report/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for __ in range(8):
        raise_marker(world, category=MarkerCategory.WEAPONS)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few) <= 60


# --- Issue 21: the Board's report is of one partnership; a Board chair sees their partnership only -----------------

@dataclass
class Second:
    partnership: object
    chair: object
    analyst: object
    worker: object
    family: object
    parent: object


@pytest.fixture
def second(world) -> Second:
    """A second partnership (Milton Keynes, England) with its own agency, family, Board chair and analyst, made by the
    world's deployment administrator through the real services; the world's own is the default partnership."""
    from doorstep.agencies.models import AgencyKind, Role
    from doorstep.families import services as family_services
    from doorstep.families.models import MemberRole
    from doorstep.partnerships.services import partnership_create
    from doorstep.testing.factories import AgencyFactory, ProfessionalFactory

    agency = AgencyFactory(name="Keynes Health", kind=AgencyKind.HEALTH)
    manager = ProfessionalFactory(username="mk.manager", agency=agency, role=Role.MANAGER)
    worker = ProfessionalFactory(username="mk.worker", agency=agency, line_manager=manager)
    chair = ProfessionalFactory(username="mk.chair", agency=None, role=Role.BOARD_CHAIR)
    analyst = ProfessionalFactory(username="mk.analyst", agency=None, role=Role.ANALYST)
    partnership = partnership_create(by=world.users["administrator"], name="Milton Keynes Partnership",
                                     name_cy="Partneriaeth Milton Keynes", nation="england-wales",
                                     preset="milton-keynes", agencies=[agency], board_chairs=[chair],
                                     analysts=[analyst])
    family = family_services.family_create(by=worker, name="Keynes household", reason="Missed health appointments",
                                           line1="2 Silbury Boulevard", town="Milton Keynes", postcode="MK9 2AB")
    assert family.partnership_id == partnership.pk
    parent = family_services.person_add(family=family, by=worker, role=MemberRole.PARENT, given_name="Dana",
                                        family_name="Keynes", date_of_birth=date(1988, 2, 3))
    return Second(partnership, chair, analyst, worker, family, parent)


def _markers_in_both(world, second: Second) -> None:
    """Six violence markers in the world's partnership, seven weapons markers in the second: the counts differ."""
    for __ in range(6):
        raise_marker(world, category=MarkerCategory.VIOLENCE)
    for __ in range(7):
        _raise_in(second)


def _raise_in(second: Second):
    from doorstep.markers import services as marker_services

    return marker_services.marker_raise(
        family=second.family, by=second.worker, person=second.parent, category=MarkerCategory.WEAPONS,
        nature="Showed a knife at the door.", advice="Police escort.", source="Visit of 2 June",
        review_date=timezone.localdate() + timedelta(days=180))


def _markers(body: dict) -> dict:
    table = next(t for t in body["tables"] if t["key"] == "markers_raised")
    return {r["key"]: r["current"]["shown"] for r in table["rows"]}


def test_issue_21_each_board_chair_and_analyst_sees_only_their_own_partnerships_figures(world, client, second):
    _markers_in_both(world, second)
    for position in (world.users["board_chair"], world.users["analyst"]):
        client.force_login(position)
        body = client.get("/api/v1/board/report/").json()
        assert body["partnership"]["name"] == "Local safeguarding partnership"
        markers = _markers(body)
        assert markers["markers_raised"] == "6" and markers["markers_weapons"] == "fewer than 5"
    for position in (second.chair, second.analyst):
        client.force_login(position)
        body = client.get("/api/v1/board/report/").json()
        assert body["partnership"] == {"id": second.partnership.pk, "name": "Milton Keynes Partnership"}
        markers = _markers(body)
        assert markers["markers_raised"] == "7" and markers["markers_violence"] == "fewer than 5"
        html = client.get(reverse("board_report")).content.decode()
        assert "Milton Keynes Partnership" in html and "Figures for the partnership Milton Keynes Partnership" in html
        assert "Local safeguarding partnership" not in html


def test_issue_21_another_partnerships_report_is_refused_on_the_page_csv_pdf_and_api(world, client, second):
    _markers_in_both(world, second)
    for position, other in ((world.users["board_chair"], second.partnership.pk),
                            (world.users["analyst"], second.partnership.pk),
                            (second.chair, world.family.partnership_id),
                            (second.analyst, world.family.partnership_id)):
        client.force_login(position)
        for asked in (other, "abc", 999999):
            query = f"?partnership={asked}"
            page = client.get(reverse("board_report") + query)
            assert page.status_code == 403
            assert "You do not read the Board&#x27;s report of this partnership" in page.content.decode()
            assert client.get(reverse("board_report_csv") + query).status_code == 403
            assert client.get(reverse("board_report_pdf") + query).status_code == 403
            api = client.get("/api/v1/board/report/" + query)
            assert api.status_code == 403 and "You do not read the Board's report of this partnership" in api.json()[
                "detail"]
    assert not AuditEvent.objects.filter(object_type="board.report").exists()


def test_issue_21_a_board_chair_or_analyst_of_no_partnership_is_told_why(world, client):
    from doorstep.agencies.models import Role
    from doorstep.testing.factories import ProfessionalFactory

    for role, message in ((Role.BOARD_CHAIR, "You are not the Board chair of any partnership: ask the deployment's "
                                             "administrator to add you to one"),
                          (Role.ANALYST, "You are not an analyst of any partnership: ask the deployment's "
                                         "administrator to add you to one")):
        client.force_login(ProfessionalFactory(agency=None, role=role))
        escaped = message.replace("'", "&#x27;")
        for url in (reverse("board_report"), reverse("board_report_csv"), reverse("board_report_pdf")):
            response = client.get(url)
            assert response.status_code == 403, url
        assert escaped in client.get(reverse("board_report")).content.decode()
        api = client.get("/api/v1/board/report/")
        assert api.status_code == 403 and api.json()["detail"] == message
        home = client.get(reverse("home"))
        assert home.status_code == 200 and escaped in home.content.decode()
        assert "Warning markers raised, by category" not in home.content.decode()
    assert not AuditEvent.objects.filter(object_type="board.report").exists()
    # In Welsh too.
    from django.conf import settings

    client.force_login(ProfessionalFactory(agency=None, role=Role.BOARD_CHAIR))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert "Nid chi yw cadeirydd Bwrdd unrhyw bartneriaeth" in client.get(reverse("home")).content.decode()
    assert "Nid chi yw cadeirydd Bwrdd unrhyw bartneriaeth" in client.get(reverse("board_report")).content.decode()


def test_issue_21_a_board_chair_of_two_partnerships_chooses_and_the_audit_names_it(world, client, second):
    _markers_in_both(world, second)
    chair = world.users["board_chair"]
    second.partnership.board_chairs.add(chair)
    client.force_login(chair)
    html = client.get(reverse("board_report")).content.decode()
    # Their first partnership by default, with a select of both.
    assert '<select class="govuk-select" id="id_partnership" name="partnership">' in html
    assert f'<option value="{second.partnership.pk}">Milton Keynes Partnership</option>' in html
    assert "Figures for the partnership Local safeguarding partnership" in html
    body = client.get(f"/api/v1/board/report/?partnership={second.partnership.pk}").json()
    assert _markers(body)["markers_raised"] == "7"
    query = f"?partnership={second.partnership.pk}&from={quarter_of(timezone.localdate()).start.isoformat()}"
    csv = client.get(reverse("board_report_csv") + query)
    assert csv.status_code == 200 and f"board-report-{second.partnership.pk}-" in csv["Content-Disposition"]
    assert '"Warning markers raised, by category",Warning markers raised,7,fewer than 5' in csv.content.decode(
        ).splitlines()
    pdf = client.get(reverse("board_report_pdf") + query)
    assert "Milton Keynes Partnership" in tagged.text(pdf.content)
    audited = AuditEvent.objects.filter(actor=chair, object_type="board.report").order_by("pk")
    assert [a.object_id.split(":")[0] for a in audited] == [str(world.family.partnership_id)] + [
        str(second.partnership.pk)] * 3
    assert [a.action for a in audited] == [AuditAction.VIEW, AuditAction.VIEW, AuditAction.EXPORT, AuditAction.EXPORT]


def test_issue_21_the_report_costs_the_same_queries_whatever_the_other_partnerships_data(
        world, client, second, django_assert_max_num_queries):
    client.force_login(world.users["board_chair"])
    url = reverse("board_report")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _markers_in_both(world, second)
    second.partnership.board_chairs.add(world.users["board_chair"])
    with django_assert_max_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "Warning markers raised, by category" in html and len(few) <= 60


def test_issue_21_the_report_in_welsh_names_the_partnership_in_welsh(world, client, second):
    from django.conf import settings

    from doorstep.core.tests.test_welsh import ALLOWED, _english_messages, english_found

    _markers_in_both(world, second)
    exact, patterns = _english_messages()
    client.force_login(second.chair)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    for url in (reverse("board_report"), reverse("home")):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and "Partneriaeth Milton Keynes" in html
        assert "Milton Keynes Partnership" not in html
        assert [t for t in english_found(html, exact, patterns) if t not in ALLOWED] == [], url
    body = client.get("/api/v1/board/report/").json()
    assert body["partnership"]["name"] == "Partneriaeth Milton Keynes"


def test_issue_21_every_section_counts_only_its_own_partnerships_families(world, second):
    """Records of the world's family (default partnership) in every kind the report counts: the second partnership's
    figures stay at nothing in every section; the world's show them."""
    from doorstep.agreements import services as agreement_services
    from doorstep.agreements.tests.builders import issued
    from doorstep.core.extensions import BOARD_FIGURES
    from doorstep.engagement.models import Outcome
    from doorstep.engagement.tests.helpers import record
    from doorstep.meetings.tests import helpers as meetings
    from doorstep.supervision.tests.builders import case

    for __ in range(3):
        record(world, outcome=Outcome.NO_ANSWER, ago=timedelta(hours=2))
    raise_marker(world)
    meetings.circulated(world, specialist=False)
    version = issued(world)
    agreement_services.agreement_breach_record(agreement=version.agreement, by=world.users["involved_practitioner"],
                                               term=version.terms.filter(section="behaviour").first(), description="Missed the visit",
                                               occurred_at=timezone.now())
    case(world)
    start, end = quarter_of(timezone.localdate()).bounds()

    def values(partnership) -> dict:
        found = {}
        for section in BOARD_FIGURES:
            for table in section(start=start, end=end, partnership=partnership):
                for f in table.figures + ([table.total] if table.total else []):
                    found[f.key] = f.value
        return found

    ours, theirs = values(world.family.partnership), values(second.partnership)
    assert {k: v for k, v in theirs.items() if v not in (0, None)} == {}
    for key in ("contacts", "contacts_defaulted", "markers_raised", "meetings_called", "minutes_circulated",
                "escalations_raised", "agreements_made", "agreements_breaches", "supervision_held",
                "escalations_raised_FLG-2"):  # the marker's authorisation names no family: counted by the marker's
        assert ours[key] > 0, key
