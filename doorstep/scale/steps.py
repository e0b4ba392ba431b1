"""The built-in generation steps: the region's agencies and staff, then for each family its record and address
history, people, involvements, contacts (ENG-1..6) with their chronology (CHR-1), audit rows (P-3) and
escalations (ESC-*). Each step writes what the real services would have written for the same facts,
including the chronology entry and the django-simple-history row, so the pages read realistic data.

Names are synthetic and clearly fictional. Proportions are documented in docs/performance.md.

Every sentence a step stores is the message id and parameters the service writes (issue 14), built with the
services' own sentences, so the generated region reads in Welsh like one made by hand.
"""

import math
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Agency, AgencyKind, Professional, Role, Team
from doorstep.audit.models import AuditAction, AuditEvent
from doorstep.audit.purposes import purpose_text
from doorstep.chronology.models import ChronologyEntry, EntryKind
from doorstep.core.texts import Lowercase, Names, Text, other_languages, text_render, text_to_json
from doorstep.engagement.models import (
    DEFAULT_DEFAULTED_OUTCOMES, Behaviour, Contact, ContactChild, ContactKind, Outcome, ThreatKind,
)
from doorstep.engagement.services import CONTACT_FACTS, CONTACT_WITH_NOTE, contact_facts_parts
from doorstep.escalations import rules as escalation_rules
from doorstep.escalations.models import Escalation, EscalationEvent, EscalationState
from doorstep.escalations.services import ESCALATED_TO, ESCALATION_CLOSED, ESCALATION_NOTICE, ESCALATION_RAISED
from doorstep.families.models import Address, ChildStatus, Family, FamilyAddress, Involvement, MemberRole, Person
from doorstep.families.services import (
    FAMILY_OPENED, FAMILY_OPENED_AUDIT, INVOLVEMENT_ENDED, INVOLVEMENT_STARTED, STATUS_CHANGED,
)
from doorstep.notifications.models import Notification, NotificationKind

from .generate import FamilyDraft, Region, Step, areas_for

BENCH_PASSWORD = "doorstep-bench-2026"
CASELOAD = 35  # families per practitioner of an agency
EPOCH = datetime(1970, 1, 1).toordinal()

# The eight agencies of every area: key, kind, name suffix, chance of being involved with a family, how
# many contacts it makes relative to the others.
AGENCY_KINDS = [
    ("health", AgencyKind.HEALTH, "Health Board (health visiting)", 0.90, 1.0),
    ("school", AgencyKind.EDUCATION, "Schools Service", 0.70, 0.8),
    ("csc", AgencyKind.CHILDRENS_SOCIAL_CARE, "Children's Services", 0.45, 1.6),
    ("housing", AgencyKind.HOUSING, "Housing Association", 0.35, 0.5),
    ("police", AgencyKind.POLICE, "Police", 0.35, 0.6),
    ("probation", AgencyKind.PROBATION, "Probation Service", 0.15, 0.7),
    ("mentalhealth", AgencyKind.MENTAL_HEALTH, "Community Mental Health Team", 0.20, 0.8),
    ("voluntary", AgencyKind.VOLUNTARY, "Family Support (voluntary)", 0.25, 0.9),
]
AREA_NAMES = ["Afonwy", "Aberfelin", "Cwm Glas", "Pontnewydd", "Llanhaf", "Bryncoed", "Glanrhyd", "Trefelin",
              "Pen-y-Waun", "Castell Du", "Nant Aur", "Rhosfawr", "Dyffryn Llwyd", "Cefn Onn", "Porth Heli",
              "Llyn Teg", "Blaen Hir", "Coed Isaf", "Maes Uchaf", "Tal-y-Fan", "Ynys Wen", "Carreg Lwyd",
              "Bron Haul", "Ffos Goch"]
FIRST = ["Carys", "Dylan", "Ffion", "Gareth", "Hannah", "Iwan", "Megan", "Rhys", "Siân", "Tomos", "Bethan", "Owain",
         "Nia", "Emyr", "Lowri", "Priya", "Daniel", "Aisha", "Mark", "Sophie", "Huw", "Elin", "Joseph", "Catrin"]
LAST = ["Ap Dafydd", "Bowen", "Cadwaladr", "Edwards", "Fychan", "Gruffydd", "Hopkin", "Ifans", "Jenkins", "Kemble",
        "Lewis", "Meredith", "Nash", "Oakley", "Pugh", "Rowlands", "Sheppard", "Tudor", "Upton", "Wynne"]
SURNAMES = ["Evans", "Pritchard", "Llewellyn", "Morgan", "Hughes", "Price", "Powell", "Owen", "Thomas", "Griffiths",
            "Bevan", "Rees", "Parry", "Vaughan", "Lloyd", "Harris", "Walker", "Clarke", "Turner", "Baker", "Shaw",
            "Davies", "Jenkins", "Probert", "Watkins", "Mathias", "Crowley", "Novak", "Okafor", "Begum", "Kowalski",
            "Ashworth", "Tanner", "Fletcher", "Gwilym", "Rowe", "Kavanagh", "Sullivan", "Howells", "Beddoe",
            "Protheroe", "Penhallow", "Trevithick", "Marchant", "Ilori", "Haddad", "Popescu", "Nowicki", "Quayle",
            "Dunleavy", "Stradling", "Bassett", "Cadogan", "Kenward", "Ormond", "Voyle", "Yorath", "Zammit"]
STREETS = ["Heol y Felin", "Stryd Fawr", "Maes-y-Coed", "Ffordd yr Orsaf", "Church Street", "Station Road",
           "Lôn Las", "Bryn Awel", "Victoria Terrace", "Clos y Dderwen", "Mill Lane", "Tan-y-Bryn", "Heol Newydd",
           "Park Crescent", "Ffordd y Bont", "Glan yr Afon", "Oak Close", "Llys Derw", "Chapel Row", "High Street"]
CHILD_NAMES = ["Alfie", "Seren", "Osian", "Mali", "Jac", "Cerys", "Harri", "Ela", "Noah", "Isla", "Leo", "Ava",
               "Macsen", "Efa", "Oliver", "Lili", "Twm", "Gwen", "Kai", "Ruby", "Nel", "Iestyn", "Amara", "Zofia"]
MOTHERS = ["Kelly", "Leanne", "Sian", "Rhian", "Donna", "Stacey", "Amy", "Natalie", "Tanya", "Ceri", "Jade",
           "Chantelle", "Bethany", "Kirsty", "Nadia", "Agnieszka"]
FATHERS = ["Dean", "Craig", "Wayne", "Lee", "Gethin", "Jason", "Ryan", "Aled", "Scott", "Marcus", "Liam", "Kyle",
           "Darren", "Tomasz", "Idris", "Carl"]
LANGUAGES = [("English", 80), ("Welsh", 12), ("Polish", 3), ("Arabic", 2), ("Romanian", 2), ("Urdu", 1)]
IN_PERSON = frozenset({ContactKind.HOME_VISIT, ContactKind.OFFICE, ContactKind.SCHOOL, ContactKind.HEALTH_APPOINTMENT,
                       ContactKind.NEUTRAL_VENUE})
KINDS_BY_AGENCY = {
    "health": [(ContactKind.HOME_VISIT, 45), (ContactKind.HEALTH_APPOINTMENT, 25), (ContactKind.PHONE, 15),
               (ContactKind.TEXT, 8), (ContactKind.LETTER, 7)],
    "school": [(ContactKind.SCHOOL, 60), (ContactKind.PHONE, 20), (ContactKind.EMAIL, 10), (ContactKind.LETTER, 10)],
    "csc": [(ContactKind.HOME_VISIT, 55), (ContactKind.OFFICE, 10), (ContactKind.PHONE, 15), (ContactKind.TEXT, 10),
            (ContactKind.NEUTRAL_VENUE, 10)],
    "housing": [(ContactKind.HOME_VISIT, 50), (ContactKind.PHONE, 25), (ContactKind.LETTER, 25)],
    "police": [(ContactKind.HOME_VISIT, 60), (ContactKind.PHONE, 40)],
    "probation": [(ContactKind.OFFICE, 60), (ContactKind.PHONE, 25), (ContactKind.HOME_VISIT, 15)],
    "mentalhealth": [(ContactKind.OFFICE, 30), (ContactKind.HOME_VISIT, 40), (ContactKind.PHONE, 30)],
    "voluntary": [(ContactKind.HOME_VISIT, 40), (ContactKind.NEUTRAL_VENUE, 30), (ContactKind.PHONE, 20),
                  (ContactKind.TEXT, 10)],
}
SEEN_CHANCE = {"engaged": 0.78, "ambivalent": 0.55, "hostile": 0.35}
SEEN_ALONE_CHANCE = {"engaged": 0.45, "ambivalent": 0.25, "hostile": 0.12}
MISSED_AT_HOME = [(Outcome.NO_ANSWER, 40), (Outcome.REFUSED_ENTRY, 20), (Outcome.CANCELLED_BY_FAMILY, 15),
                  (Outcome.CHILD_NOT_AVAILABLE, 12), (Outcome.CUT_SHORT, 8), (Outcome.RESCHEDULED_BY_PROFESSIONAL, 5)]
MISSED_ELSEWHERE = [(Outcome.DID_NOT_ATTEND, 50), (Outcome.CANCELLED_BY_FAMILY, 25),
                    (Outcome.CHILD_NOT_AVAILABLE, 15), (Outcome.RESCHEDULED_BY_PROFESSIONAL, 10)]
MISSED_REMOTE = [(Outcome.NO_ANSWER, 85), (Outcome.RESCHEDULED_BY_PROFESSIONAL, 15)]
BEHAVIOUR_MISSED = [(Behaviour.AVOIDANCE, 50), (Behaviour.REFUSAL, 25), (Behaviour.AMBIVALENCE, 25)]
BEHAVIOUR_SEEN = [(Behaviour.DISGUISED_COMPLIANCE, 35), (Behaviour.AMBIVALENCE, 30), (Behaviour.CONFRONTATION, 25),
                  (Behaviour.AVOIDANCE, 10)]
BEHAVIOUR_CHANCE_SEEN = {"engaged": 0.08, "ambivalent": 0.25, "hostile": 0.45}
THREAT_CHANCE = {"engaged": 0.003, "ambivalent": 0.015, "hostile": 0.08}
VIOLENCE_CHANCE = {"engaged": 0.0005, "ambivalent": 0.002, "hostile": 0.015}
THREATS = [(ThreatKind.SHOUTING, 25), (ThreatKind.SWEARING, 25), (ThreatKind.INTIMIDATING_LANGUAGE, 15),
           (ThreatKind.BODY_LANGUAGE, 8), (ThreatKind.SILENCE, 6), (ThreatKind.BOMBARDING, 5),
           (ThreatKind.ANIMALS, 4), (ThreatKind.COMPLAINTS, 4), (ThreatKind.COVERT_THREATS, 3),
           (ThreatKind.THROWING, 2), (ThreatKind.FOLLOWING, 1), (ThreatKind.RACIST, 1), (ThreatKind.WRITTEN_THREATS, 1),
           (ThreatKind.ONLINE_SEARCHING, 1), (ThreatKind.SEXUAL, 1), (ThreatKind.HOMOPHOBIC, 1),
           (ThreatKind.PHYSICAL_VIOLENCE, 1), (ThreatKind.THREAT_TO_KILL, 0.3)]
NOTES = [
    "Visit as planned. Mother spoke at length about the housing situation; little time on the children's needs.",
    "Attended as arranged. Home conditions discussed; agreed to follow up with the school about attendance.",
    "No reply at the door although a television could be heard. Card left with a new appointment.",
    "Parent said the children were at a relative's house. Unable to confirm. Manager informed.",
    "Phone call answered by father, who said the family did not need any more visits. Purpose explained again.",
    "Child seen in the classroom and spoke about home. Teacher reports she is often tired and hungry.",
    "Appointment not attended. Reminder text had been sent the day before. Third missed appointment this term.",
    "Visit cut short when the parent's partner arrived and asked the worker to leave.",
    "Parent engaged well and agreed the plan; previous agreements have not been kept, so progress to be checked.",
    "Letter sent setting out the concerns, what is expected and by when, in the family's preferred language.",
    "Joint visit with a colleague. Children seen together; the youngest was not seen alone as mother stayed in room.",
    "Worker shown the children's bedrooms: mattresses on the floor, no bedding for the younger child.",
]
NON_COOPERATION = ["Says previous social work involvement was unfair and will not let workers in.",
                   "Fear that the children will be removed.", "Parent's mental health appears to be a barrier.",
                   "Partner discourages contact with services.", "Shift work makes appointments difficult, she says."]
AREAS_NOT_ACHIEVED = ["Children's bedrooms not seen: parent refused.", "Could not speak to the child alone.",
                      "Food in the home not seen.", "Unable to assess home conditions beyond the hallway."]
# The rules' own titles (escalations/rules.py); ESC-8's names the family's first child and the default period.
ESCALATION_RULES = [
    ("ESC-1", "003 §7.9", Text(escalation_rules.ESC_1_TITLE)),
    ("ESC-3", "001 §5.1.9.1", Text(escalation_rules.ESC_3_TITLE)),
    ("ESC-8", "003 §7.9", Text(escalation_rules.ESC_8_NOT_SEEN_ALONE_TITLE)),
    ("ESC-10", "004 §3.1", Text(escalation_rules.ESC_10_TITLE)),
    ("ESC-11", "002 §4.4", Text(escalation_rules.ESC_11_TITLE)),
]
# The outcome a generated action was closed with: a person's own words.
CLOSED_OUTCOME = "Meeting held and a plan agreed."


def _stored(text, max_length: int | None = None) -> tuple[str, dict]:
    """A stored sentence as the services store it (core.texts.text_store): the words in the site's language, and
    the message id and parameters."""
    plain = text_render(text, settings.LANGUAGE_CODE)
    return (plain[:max_length] if max_length else plain), text_to_json(text)


def _table(pairs, size: int = 1000) -> list:
    """A weighted choice as a lookup table: `table[int(rng.random() * len(table))]`, ten times faster than
    `rng.choices` in the loop that makes millions of contacts. Weights are kept to 1/size."""
    total = sum(w for _, w in pairs)
    table = []
    for value, weight in pairs:
        table.extend([value] * max(1, round(weight / total * size)))
    return table


def _labels(choices) -> dict:
    """Each choice's label, untranslated (lazy): a stored sentence's parameter, translated when read."""
    return {c.value: c.label for c in choices}


class Area:
    def __init__(self, name: str):
        self.name = name
        self.agencies: dict[str, dict] = {}  # key -> {"id", "name", "kind", "practitioners", "managers", ...}
        self.board_chair_id: int | None = None
        # Issue 21: the area's partnership and the protocol preset it runs (partnerships/generation.py gives them).
        self.partnership_id: int | None = None
        self.preset: str = ""


# ---------------------------------------------------------------------------------------------------------------
# Region: agencies, teams and staff (ORG-1..3)


def agencies_and_staff(region: Region) -> None:
    plan = region.plan
    rng = region.rng
    joined = region.now - timedelta(days=3 * 365)
    hashed = make_password(BENCH_PASSWORD)
    n_areas = areas_for(plan.families, plan.families_per_area)
    per_area = math.ceil(plan.families / n_areas) if plan.families else 0
    areas, manager_of, agency_of = [], {}, {}
    serial = 0
    names = {}  # professional id -> name, for the sentences that name them

    def professional(**values) -> int:
        nonlocal serial
        serial += 1
        values.setdefault("first_name", FIRST[serial % len(FIRST)])
        values.setdefault("last_name", LAST[(serial * 7) % len(LAST)])
        values.update(password=hashed, email=f"{values['username']}@example.org", date_joined=joined,
                      is_active=True, is_staff=False, is_superuser=False, phone=f"07700 9{serial % 100000:05d}")
        pk = region.add(Professional, **values)
        names[pk] = f"{values['first_name']} {values['last_name']}"  # as Professional.__str__ gives it
        region.add_history(Professional, {"id": pk, **values}, at=joined)
        return pk

    for a in range(n_areas):
        name = AREA_NAMES[a % len(AREA_NAMES)] + ("" if a < len(AREA_NAMES) else f" {a // len(AREA_NAMES) + 1}")
        area = Area(name)
        slug = f"a{a + 1:02d}"
        for key, kind, suffix, chance, _weight in AGENCY_KINDS:
            agency_id = region.add(Agency, name=f"{name} {suffix}", kind=kind, is_active=True)
            practitioners_needed = max(3, math.ceil(per_area * chance / CASELOAD))
            teams = math.ceil(practitioners_needed / 8)
            info = {"id": agency_id, "name": f"{name} {suffix}", "kind": key, "practitioners": [], "managers": [],
                    "names": Names({"en": f"{name} {suffix}", "cy": f"{name} {suffix}"})}  # Agency.name_text
            p = 0
            for t in range(teams):
                team_id = region.add(Team, agency_id=agency_id, name=f"{name} team {t + 1}")
                manager = professional(username=f"{slug}.{key}.manager{t + 1}", agency_id=agency_id, team_id=team_id,
                                       role=Role.MANAGER, job_title="Team manager", is_designated_postholder=t == 0,
                                       is_duty_manager=t == 0)
                info["managers"].append(manager)
                agency_of[manager] = agency_id
                for _ in range(min(8, practitioners_needed - p)):
                    p += 1
                    pid = professional(username=f"{slug}.{key}.p{p}", agency_id=agency_id, team_id=team_id,
                                       role=Role.PRACTITIONER, job_title="Practitioner", line_manager_id=manager)
                    info["practitioners"].append(pid)
                    manager_of[pid] = manager
                    agency_of[pid] = agency_id
            area.agencies[key] = info
        # Issue 21: each area's partnership has a Board chair of its own, who sees that partnership only.
        area.board_chair_id = professional(username=f"{slug}.board.chair", role=Role.BOARD_CHAIR,
                                           job_title="Chair, Safeguarding Partnership Board")
        areas.append(area)
    region.data["board_chair_id"] = areas[0].board_chair_id
    rng.shuffle(areas)  # families are spread over areas in an order that does not follow the ids
    region.add(Agency, name="Regional Safeguarding Partnership", kind=AgencyKind.PARTNERSHIP, is_active=True)
    # The deployment's administrator (administers no partnership: creates them, issue 21).
    region.data["administrator_id"] = professional(username="bench.admin", role=Role.ADMINISTRATOR,
                                                   job_title="Systems administrator")
    region.data.update(areas=areas, manager_of=manager_of, agency_of=agency_of, names=names)
    region.data["labels"] = {"kind": _labels(ContactKind), "outcome": _labels(Outcome)}
    # The case file's read, as the one access guard records it (core/access.py: the purpose "case file").
    region.data["case_file_read"] = _stored(purpose_text("case file"), 300)
    assert per_area <= plan.families_per_area


AGENCIES_AND_STAFF = Step("agencies and staff", agencies_and_staff)


def supervision(region: Region) -> None:
    """SUP-4: every practitioner was supervised by their manager within the last fortnight, so a sweep of the
    generated region finds no supervision overdue (the benchmark times the sweep with nothing due)."""
    from doorstep.supervision.models import SessionState, SupervisionSession

    today = region.now.date()
    for worker, manager in region.data["manager_of"].items():
        held = today - timedelta(days=1 + worker % 14)
        region.add(SupervisionSession, supervisee_id=worker, supervisor_id=manager, state=SessionState.HELD,
                   planned_for=held, held_on=held, health_and_safety_discussed=True, recorded_by_id=manager)


SUPERVISION = Step("supervision", supervision)

# ---------------------------------------------------------------------------------------------------------------
# Each family


def _moment(day: int, rng) -> datetime:
    """A time in the working day (08:30-17:30 UTC) of a day given as a proleptic ordinal."""
    return datetime.fromtimestamp((day - EPOCH) * 86400 + 30600 + int(rng.random() * 32400), UTC)


def _chronology(region: Region, family: FamilyDraft, *, kind, at, summary: Text, agency_id=None, author_id=None,
                source_type="", source_id="", significant=False, tags="") -> int:
    plain, stored = _stored(summary, 500)
    return region.add(ChronologyEntry, family_id=family.id, occurred_at=at, recorded_at=at, kind=kind,
                      agency_id=agency_id, author_id=author_id, summary=plain, summary_text=stored,
                      significant=significant, source_type=source_type, source_id=source_id, tags=tags)



def area_of(region: Region, index: int) -> Area:
    """The area of the family generated index-th: the areas in turn (shuffled once, so not in order of their ids)."""
    areas = region.data["areas"]
    return areas[index % len(areas)]


def family_record(region: Region, family: FamilyDraft) -> None:
    """The family (FAM-1), its address history, and the agencies that will be involved (who opened it)."""
    rng = family.rng
    today = region.today.toordinal()
    family.area = area = area_of(region, family.index)
    if family.giant:
        known_days = rng.randrange(3000, 4200)  # known for years: thousands of entries
        family.profile = "hostile"
        keys = [k for k, *_ in AGENCY_KINDS]
        family.contacts_target = int(region.plan.giant_contacts * (1 + 0.6 * rng.random()))
    else:
        known_days = rng.randrange(60, 3650)
        r = rng.random()
        family.profile = "engaged" if r < 0.45 else ("ambivalent" if r < 0.80 else "hostile")
        keys = [k for k, _kind, _s, chance, _w in AGENCY_KINDS if rng.random() < chance] or ["health"]
        rng.shuffle(keys)
        sigma = 1.0
        mu = math.log(region.plan.mean_contacts) - sigma * sigma / 2
        family.contacts_target = min(3000, int(rng.lognormvariate(mu, sigma)))
    opened = today - known_days
    family.opened_on = opened
    # Involvements: the first agency opened the record; the others joined later; some have ended.
    involvements = []
    for n, key in enumerate(keys):
        agency = area.agencies[key]
        started = opened if n == 0 else opened + int(rng.random() * known_days * 0.6)
        ended = None
        if n > 0 and not family.giant and rng.random() < 0.15 and today - started > 60:
            ended = started + 30 + int(rng.random() * (today - started - 31))
        involvements.append({"id": None, "key": key, "agency": agency, "agency_id": agency["id"],
                             "lead_id": rng.choice(agency["practitioners"]), "started_on": started, "ended_on": ended})
    family.involvements = involvements
    opener = involvements[0]
    family.opener_id = opener["lead_id"]
    opened_at = _moment(opened, rng)
    family.extra["opened_at"] = opened_at
    surname = SURNAMES[rng.randrange(len(SURNAMES))]
    family.extra["surname"] = surname
    lead = family.opener_id if rng.random() < 0.7 else rng.choice(involvements)["lead_id"]
    values = dict(name=f"{surname} household", known_to_csc="csc" in keys, overall_lead_id=lead,
                  created_at=opened_at, created_by_id=family.opener_id, closed_at=None,
                  summary="Synthetic family (generated). Professionals describe the parents as hard to engage: "
                          "visits are often missed and the children are not always made available.")
    # Issue 21: every family belongs to exactly one partnership, its area's (partnerships/generation.py); the
    # deployment's default if no step gave the area one.
    partnership_id = area.partnership_id
    if partnership_id is None:
        from doorstep.partnerships.services import partnership_default

        default = partnership_default()
        partnership_id, area.partnership_id, area.preset = default.pk, default.pk, default.preset
    values["partnership_id"] = partnership_id
    family.id = region.writer(Family).next_id
    values["reference"] = f"DS-{family.id:06d}"
    region.add(Family, id=family.id, **values)
    region.add_history(Family, {"id": family.id, **values}, at=opened_at, by_id=family.opener_id)
    # Address history: the current address and up to two earlier ones.
    moves = 0 if rng.random() < 0.6 else (1 if rng.random() < 0.6 else 2)
    moved_in = today - int(rng.random() * known_days) if moves else opened - rng.randrange(0, 1500)
    previous_in = moved_in
    town = area.name
    for m in range(moves + 1):
        district = f"CF{(family.index // 400) % 99 + 1}"
        postcode = f"{district} {rng.randrange(1, 10)}{chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}"
        line1 = f"{rng.randrange(1, 200)} {STREETS[rng.randrange(len(STREETS))]}"
        address_id = region.add(Address, line1=line1, line2="", town=town, postcode=postcode,
                                postcode_key=postcode.replace(" ", ""))
        family.extra["address"] = ", ".join([line1, town, postcode])  # the last address row, as Address.__str__
        if m == 0:
            region.add(FamilyAddress, family_id=family.id, address_id=address_id,
                       moved_in=datetime.fromordinal(moved_in).date(), moved_out=None)
        else:
            start = previous_in - rng.randrange(200, 1500)
            region.add(FamilyAddress, family_id=family.id, address_id=address_id,
                       moved_in=datetime.fromordinal(start).date(),
                       moved_out=datetime.fromordinal(previous_in).date())
            previous_in = start
    _chronology(region, family, kind=EntryKind.FAMILY, at=opened_at, author_id=family.opener_id,
                agency_id=opener["agency_id"],
                summary=FAMILY_OPENED % {"agency": opener["agency"]["names"],
                                         "reason": "Concerns about the care of the children and the family's "
                                                   "engagement with services."})
    summary, summary_text = _stored(FAMILY_OPENED_AUDIT, 300)
    region.add(AuditEvent, at=opened_at, actor_id=family.opener_id, actor_agency_id=opener["agency_id"],
               action=AuditAction.CREATE, object_type="families.Family", object_id=str(family.id),
               family_id=family.id, summary=summary, summary_text=summary_text, path="/families/new/")


def people(region: Region, family: FamilyDraft) -> None:
    """Children, unborn children, parents, partners and visiting adults (FAM-1, FAM-2, FAM-4)."""
    rng = family.rng
    today = region.today.toordinal()
    surname = family.extra["surname"]
    at = family.extra["opened_at"]
    language = LANGUAGES[-1][0]
    r, total = rng.random() * 100, 0
    for lang, weight in LANGUAGES:
        total += weight
        if r < total:
            language = lang
            break
    interpreter = language not in ("English", "Welsh") and rng.random() < 0.6
    correspondence = "cy" if language == "Welsh" else "en"
    literacy = "verbal" if rng.random() < 0.10 else ("easy_read" if rng.random() < 0.05 else "reads")
    csc = any(i["key"] == "csc" for i in family.involvements)
    mother_born = today - rng.randrange(18 * 365, 45 * 365)

    def person(role, given, family_name, *, born=None, expected=None, elsewhere=False, status="none", since=None,
               adult=True):
        values = dict(
            family_id=family.id, role=role, given_name=given, family_name=family_name, other_names="",
            date_of_birth=datetime.fromordinal(born).date() if born else None,
            expected_date=datetime.fromordinal(expected).date() if expected else None,
            lives_elsewhere=elsewhere, child_status=status,
            child_status_since=datetime.fromordinal(since).date() if since else None,
            known_to_csc=status != "none", first_language=language,
            interpreter_needed=interpreter and adult, literacy=literacy if adult else "reads",
            correspondence_language=correspondence, cultural_dates="", disability="", created_at=at)
        pk = region.add(Person, **values)
        region.add_history(Person, {"id": pk, **values}, at=at, by_id=family.opener_id)
        family.people.append({"id": pk, "role": role, "given_name": given, "born": born, "elsewhere": elsewhere})
        return pk

    person(MemberRole.PARENT, MOTHERS[rng.randrange(len(MOTHERS))], surname, born=mother_born)
    shape = rng.random()
    if shape < 0.45:
        person(MemberRole.PARENT, FATHERS[rng.randrange(len(FATHERS))], surname,
               born=mother_born - rng.randrange(-700, 2500))
    elif shape < 0.65:
        person(MemberRole.PARENT, FATHERS[rng.randrange(len(FATHERS))], SURNAMES[rng.randrange(len(SURNAMES))],
               born=mother_born - rng.randrange(-700, 2500), elsewhere=True)
    elif shape < 0.85:
        person(MemberRole.PARTNER, FATHERS[rng.randrange(len(FATHERS))], SURNAMES[rng.randrange(len(SURNAMES))],
               born=mother_born - rng.randrange(-1500, 3000))
    if rng.random() < 0.15:
        person(MemberRole.ADULT_VISITING, FATHERS[rng.randrange(len(FATHERS))], SURNAMES[rng.randrange(len(SURNAMES))])
    if rng.random() < 0.08:
        person(MemberRole.ADULT_LIVING, MOTHERS[rng.randrange(len(MOTHERS))], surname,
               born=mother_born - rng.randrange(7000, 9000))
    n_children = rng.randrange(4, 7) if family.giant else 1 + min(5, int(rng.expovariate(0.9)))
    earliest = max(mother_born + 16 * 365, today - 17 * 365)
    for c in range(n_children):
        born = rng.randrange(earliest, today - 100) if earliest < today - 100 else today - 100
        status, since = ChildStatus.NONE, None
        if csc:
            r = rng.random()
            status = (ChildStatus.CHILD_PROTECTION if r < 0.25 else ChildStatus.CHILD_IN_NEED if r < 0.60
                      else ChildStatus.LOOKED_AFTER if r < 0.65 else ChildStatus.NONE)
            if status != ChildStatus.NONE:
                since = max(born, today - rng.randrange(20, 900))
        given = CHILD_NAMES[rng.randrange(len(CHILD_NAMES))]
        pk = person(MemberRole.CHILD, given, surname, born=born, status=status, since=since, adult=False)
        if status != ChildStatus.NONE:
            csc_inv = next(i for i in family.involvements if i["key"] == "csc")
            entry = _chronology(region, family, kind=EntryKind.STATUS, at=_moment(since, rng),
                                agency_id=csc_inv["agency_id"], author_id=csc_inv["lead_id"], significant=True,
                                summary=STATUS_CHANGED % {"name": f"{given} {surname}",
                                                          "status": ChildStatus(status).label})
            region.add(ChronologyEntry.people.through, chronologyentry_id=entry, person_id=pk)
    if rng.random() < 0.10:
        person(MemberRole.UNBORN, "Unborn", surname, expected=today + rng.randrange(10, 250), adult=False)


def involvements(region: Region, family: FamilyDraft) -> None:
    """Each agency's involvement (P-4: what opens the family to its staff), some ended, with the chronology."""
    rng = family.rng
    for inv in family.involvements:
        started = datetime.fromordinal(inv["started_on"]).date()
        ended = datetime.fromordinal(inv["ended_on"]).date() if inv["ended_on"] else None
        values = dict(family_id=family.id, agency_id=inv["agency_id"], started_on=started,
                      reason=f"{inv['agency']['name']} working with the family on the concerns raised.",
                      lead_professional_id=inv["lead_id"], started_by_id=family.opener_id, ended_on=ended,
                      end_reason="Work completed; other agencies remain involved." if ended else "",
                      ended_by_id=inv["lead_id"] if ended else None)
        inv["id"] = region.add(Involvement, **values)
        at = _moment(inv["started_on"], rng)
        region.add_history(Involvement, {"id": inv["id"], **values}, at=at, by_id=family.opener_id)
        _chronology(region, family, kind=EntryKind.INVOLVEMENT, at=at, agency_id=inv["agency_id"],
                    author_id=family.opener_id, source_type="families.Involvement", source_id=str(inv["id"]),
                    summary=INVOLVEMENT_STARTED % {"agency": inv["agency"]["names"], "reason": values["reason"]})
        if ended:
            _chronology(region, family, kind=EntryKind.INVOLVEMENT, at=_moment(inv["ended_on"], rng),
                        agency_id=inv["agency_id"], author_id=inv["lead_id"], source_type="families.Involvement",
                        source_id=str(inv["id"]),
                        summary=INVOLVEMENT_ENDED % {"agency": inv["agency"]["names"], "reason": values["end_reason"]})


_KINDS = {key: _table(pairs) for key, pairs in KINDS_BY_AGENCY.items()}
_MISSED_AT_HOME = _table(MISSED_AT_HOME)
_MISSED_ELSEWHERE = _table(MISSED_ELSEWHERE)
_MISSED_REMOTE = _table(MISSED_REMOTE)
_BEHAVIOUR_MISSED = _table(BEHAVIOUR_MISSED)
_BEHAVIOUR_SEEN = _table(BEHAVIOUR_SEEN)
_THREATS = _table(THREATS)
_WEIGHT = {key: weight for key, _k, _s, _c, weight in AGENCY_KINDS}
_ACHIEVED = frozenset({Outcome.SEEN, Outcome.CUT_SHORT})
_DEFAULTED = frozenset(DEFAULT_DEFAULTED_OUTCOMES)


def contacts(region: Region, family: FamilyDraft) -> None:
    """Contacts and attempts (ENG-1..6) with what was seen of each child, and one chronology entry each (CHR-1)."""
    rng = family.rng
    random_ = rng.random
    choices = rng.choices
    n = family.contacts_target
    if not n:
        return
    today = region.today.toordinal()
    labels = region.data["labels"]
    kind_label, outcome_label = labels["kind"], labels["outcome"]
    profile = family.profile
    seen_chance, alone_chance = SEEN_CHANCE[profile], SEEN_ALONE_CHANCE[profile]
    behaviour_seen_chance, threat_chance = BEHAVIOUR_CHANCE_SEEN[profile], THREAT_CHANCE[profile]
    violence_chance = VIOLENCE_CHANCE[profile]
    # Which agency made each contact: in proportion to its weight and how long it has been involved.
    windows, weights, total = [], [], 0.0
    for inv in family.involvements:
        end = inv["ended_on"] or today - 1
        days = max(1, end - inv["started_on"])
        total += days * _WEIGHT[inv["key"]]
        windows.append((inv, inv["started_on"], days))
        weights.append(total)
    picked = choices(windows, cum_weights=weights, k=n)
    moments = sorted(((start + int(random_() * days), inv) for inv, start, days in picked), key=lambda m: m[0])
    children = [p for p in family.people if p["role"] == "child"]
    at_home = [p for p in family.adults if not p["elsewhere"]]
    contact_w = region.writer(Contact)
    child_w = region.writer(ContactChild)
    adults_w = region.writer(Contact.adults_present.through)
    entry_w = region.writer(ChronologyEntry)
    people_w = region.writer(ChronologyEntry.people.through)
    family_id = family.id
    out = family.contacts
    threats_by_contact = family.extra.setdefault("threats", {})
    parts_said = region.data.setdefault("contact_parts_said", {})

    def said(key, make):
        part = parts_said.get(key)
        if part is None:
            part = parts_said[key] = _stored(make())
        return part
    for day, inv in moments:
        key = inv["key"]
        agency_id = inv["agency_id"]
        author = inv["lead_id"] if random_() < 0.7 else rng.choice(inv["agency"]["practitioners"])
        kinds = _KINDS[key]
        kind = kinds[int(random_() * len(kinds))]
        in_person = kind in IN_PERSON
        if random_() < seen_chance:
            outcome = Outcome.SEEN
        else:
            table = (_MISSED_AT_HOME if kind == ContactKind.HOME_VISIT else _MISSED_ELSEWHERE if in_person
                     else _MISSED_REMOTE)
            outcome = table[int(random_() * len(table))]
        achieved = outcome in _ACHIEVED
        behaviours = []
        if achieved:
            if random_() < behaviour_seen_chance:
                behaviours.append(_BEHAVIOUR_SEEN[int(random_() * len(_BEHAVIOUR_SEEN))])
        elif outcome != Outcome.RESCHEDULED_BY_PROFESSIONAL and random_() < 0.55:
            behaviours.append(_BEHAVIOUR_MISSED[int(random_() * len(_BEHAVIOUR_MISSED))])
        threats = []
        if random_() < threat_chance:
            threats = list(dict.fromkeys(_THREATS[int(random_() * len(_THREATS))]
                                         for _ in range(1 + int(random_() * 2.5))))
        if in_person and random_() < violence_chance:
            behaviours.append(Behaviour.VIOLENCE)
            if ThreatKind.PHYSICAL_VIOLENCE not in threats:
                threats.append(ThreatKind.PHYSICAL_VIOLENCE)
        defaulted = outcome in _DEFAULTED
        occurred = datetime.fromtimestamp((day - EPOCH) * 86400 + 30600 + int(random_() * 32400), UTC)
        recorded = occurred + timedelta(seconds=600 + int(random_() * 86400))
        error = random_() < 0.002
        # Drawn in the order they always were, so that a seed gives the region it gave before.
        planned = random_() < (0.85 if in_person else 0.5)
        unknown_adults = 1 if achieved and random_() < 0.03 else 0
        non_cooperation = NON_COOPERATION[int(random_() * 5)] if defaulted and random_() < 0.2 else ""
        areas_missed = (AREAS_NOT_ACHIEVED[int(random_() * 4)] if in_person and not achieved and random_() < 0.3
                        else "")
        note = NOTES[int(random_() * len(NOTES))]
        contact_id = contact_w.add(
            family_id=family_id, agency_id=agency_id, recorded_by_id=author, kind=kind,
            planned=planned, occurred_at=occurred, recorded_at=recorded,
            outcome=outcome, behaviours=behaviours, threats=threats,
            unknown_adults_present=unknown_adults, non_cooperation_reasons=non_cooperation,
            areas_not_achieved=areas_missed, note=note, defaulted=defaulted, entered_in_error=error,
            entered_in_error_reason="Recorded against the wrong family." if error else "")
        seen_ids, seen_alone, seen_names, expected = [], False, [], False
        if in_person and (achieved or outcome == Outcome.CHILD_NOT_AVAILABLE):
            school = kind == ContactKind.SCHOOL
            for child in children:
                born = child["born"]
                if born is None or born > day or (school and born > day - 1461):
                    continue
                seen = achieved and random_() < 0.88
                alone = seen and random_() < alone_chance
                home = seen and kind == ContactKind.HOME_VISIT
                expected = True
                child_w.add(contact_id=contact_id, child_id=child["id"], seen=seen, seen_alone=alone,
                            sleeping_place_seen=home and random_() < 0.3,
                            home_conditions_seen=home and random_() < 0.6, food_seen=home and random_() < 0.25)
                if seen:
                    seen_ids.append(child["id"])
                    seen_names.append((child["given_name"], alone))
                    seen_alone = seen_alone or alone
            if achieved and at_home and random_() < 0.7:
                adults_w.add(contact_id=contact_id, person_id=at_home[0]["id"])
        tags = [outcome]
        if seen_ids:
            tags.append("seen")
        if seen_alone:
            tags.append("seen_alone")
        if defaulted:
            tags.append("defaulted")
        tags.extend(behaviours)
        tags.extend(threats)
        # The service's sentence (engagement.services.contact_summary_text), each of its parts put into words once
        # (rendering is most of a contact's cost, and the parts repeat). CONTACT_FACTS and CONTACT_WITH_NOTE have no
        # translation: their words are their msgids; a list's parts are joined with "; " (core.texts), and the JSON
        # is text_to_json's form. test_region checks the lines against the service's.
        parts = contact_facts_parts(
            kind=kind_label[kind], agency=inv["agency"]["names"], outcome=outcome_label[outcome], planned=planned,
            seen=seen_names, children_expected=expected and achieved, behaviours=behaviours, threats=threats,
            unknown_adults=unknown_adults, said=said)
        summary = CONTACT_FACTS.msgid % {"parts": "; ".join(p[0] for p in parts)}
        summary_text = {"msgid": CONTACT_FACTS.msgid, "params": {"parts": [p[1] for p in parts]}}
        if note:
            summary = CONTACT_WITH_NOTE.msgid % {"summary": summary, "note": note}
            summary_text = {"msgid": CONTACT_WITH_NOTE.msgid, "params": {"summary": summary_text, "note": note}}
        summary = summary[:500]
        entry_id = entry_w.add(
            family_id=family_id, occurred_at=occurred, recorded_at=recorded, kind=EntryKind.CONTACT,
            agency_id=agency_id, author_id=author, summary=summary, summary_text=summary_text,
            significant=bool(threats) or error,
            source_type="engagement.Contact", source_id=str(contact_id), tags="|" + "|".join(tags) + "|")
        for child_id in seen_ids:
            people_w.add(chronologyentry_id=entry_id, person_id=child_id)
        out.append((contact_id, occurred, agency_id, author, outcome, defaulted))
        if threats:
            threats_by_contact[contact_id] = threats


def audit(region: Region, family: FamilyDraft) -> None:
    """Reads of the case file by involved professionals (P-3), in moderation: a few per family."""
    rng = family.rng
    today = region.today.toordinal()
    views = 2 + min(100, family.contacts_target // 20)
    writer = region.writer(AuditEvent)
    summary, summary_text = region.data["case_file_read"]
    for _ in range(views):
        inv = rng.choice(family.involvements)
        end = inv["ended_on"] or today - 1
        day = inv["started_on"] + int(rng.random() * max(1, end - inv["started_on"]))
        writer.add(at=_moment(day, rng), actor_id=inv["lead_id"], actor_agency_id=inv["agency_id"],
                   action=AuditAction.VIEW, object_type="families.Family", object_id=str(family.id),
                   family_id=family.id, summary=summary, summary_text=summary_text, path=f"/families/{family.id}/")


def escalations(region: Region, family: FamilyDraft) -> None:
    """Tracked actions (ESC-*): some done or cancelled, some open; of the open ones, some overdue and already
    escalated to the owner's manager by an earlier sweep, so that a sweep now finds nothing due."""
    rng = family.rng
    active = family.active_involvements
    if not active:
        return
    if family.giant:
        n_open, n_closed = 3, 6
    else:
        r = rng.random()
        if r >= 0.08:
            return
        n_open, n_closed = (1 if r < 0.05 else 0), 1 + int(rng.random() * 2)
    # Issue 21: only the rules the family's partnership runs, citing its protocol's clauses, as the engine raises
    # them (engine.py); a partnership whose protocol has none of these rules (the MARP protocol) has no such actions.
    rules, esc_8_days = _escalation_rules(region, family.area.preset)
    if not rules:
        return
    manager_of = region.data["manager_of"]
    names = region.data["names"]
    rules = list(rules)
    rng.shuffle(rules)
    now = region.now
    plan = [(rules[i % len(rules)], True) for i in range(n_open)]
    plan += [(rules[rng.randrange(len(rules))], False) for _ in range(n_closed)]
    children = family.children
    child = children[0]["given_name"] if children else family.extra["surname"]
    for (rule_id, clause, title), is_open in plan:
        if rule_id == "ESC-8":
            title = title % {"child": child, "days": esc_8_days}
        # As the engine stores a raised action: the title in the site's language, the other languages beside it.
        title_plain = text_render(title, settings.LANGUAGE_CODE)[:300]
        fact = Text(gettext_noop("%(title)s (generated)"), {"title": title})
        translations = {language: {"title": text_render(title, language), "facts": [text_render(fact, language)]}
                        for language in other_languages()}
        title_names = Names({settings.LANGUAGE_CODE: title_plain,
                             **{language: t["title"] for language, t in translations.items()}})
        inv = rng.choice(active)
        owner = inv["lead_id"]
        if is_open:
            raised = now - timedelta(days=rng.randrange(1, 30), seconds=rng.randrange(0, 30000))
            days = rng.randrange(-10, 15)
            # Overdue before the anchor day, or due on a later day: a deadline later on the anchor day itself would
            # fall due while the region is in use, and the overdue sweep would find it (issue 4's engine).
            deadline = now + timedelta(days=days if days < 0 else days + 1, seconds=rng.randrange(0, 30000))
            state = EscalationState.OPEN if rng.random() < 0.8 else EscalationState.ACKNOWLEDGED
        else:
            raised = now - timedelta(days=rng.randrange(30, 900), seconds=rng.randrange(0, 30000))
            deadline = raised + timedelta(days=7)
            state = EscalationState.DONE if rng.random() < 0.8 else EscalationState.CANCELLED
        overdue = is_open and deadline < now
        closed_at = None if is_open else raised + timedelta(days=rng.randrange(1, 10))
        escalated_at = deadline + timedelta(seconds=30) if overdue else None
        manager = manager_of.get(owner)
        escalation_id = region.add(
            Escalation, rule_id=rule_id, clause=clause, key=f"{rule_id}:family:{family.id}", title=title_plain,
            family_id=family.id, owner_id=owner, deadline=deadline, state=state,
            facts=[{"text": text_render(fact, settings.LANGUAGE_CODE), "link": f"/families/{family.id}/"}],
            translations=translations, outcome="" if is_open else CLOSED_OUTCOME, created_at=raised,
            updated_at=closed_at or escalated_at or raised, closed_at=closed_at,
            closed_by_id=owner if closed_at else None, overdue_escalated_at=escalated_at,
            overdue_escalated_to_id=manager if overdue else None)
        region.add(EscalationEvent, escalation_id=escalation_id, at=raised, by_id=None, action="raised", note="")
        if state == EscalationState.ACKNOWLEDGED:
            region.add(EscalationEvent, escalation_id=escalation_id, at=raised + timedelta(hours=2), by_id=owner,
                       action="acknowledged", note="")
        if overdue:
            note, note_text = _stored(ESCALATED_TO % {"manager": names.get(manager, "")})
            region.add(EscalationEvent, escalation_id=escalation_id, at=escalated_at, by_id=None, action="overdue",
                       note=note, note_text=note_text)
        if closed_at:
            region.add(EscalationEvent, escalation_id=escalation_id, at=closed_at, by_id=owner,
                       action="done" if state == EscalationState.DONE else "cancelled", note=CLOSED_OUTCOME)
        _chronology(region, family, kind=EntryKind.ESCALATION, at=raised, agency_id=inv["agency_id"],
                    summary=ESCALATION_RAISED % {"rule": rule_id, "title": title_names},
                    source_type="escalations.Escalation", source_id=str(escalation_id), significant=True)
        message, message_text = _stored(ESCALATION_NOTICE % {"title": title_names}, 500)
        region.add(Notification, recipient_id=owner, kind=NotificationKind.ACTION, message=message,
                   message_text=message_text, link=f"/escalations/{escalation_id}/", family_id=family.id,
                   mandatory=False, created_at=raised, read_at=None if is_open else raised + timedelta(hours=3),
                   dedupe_key=f"escalation:{escalation_id}:raised")
        if overdue and manager:
            region.add(Notification, recipient_id=manager, kind=NotificationKind.ACTION_OVERDUE, message=message,
                       message_text=message_text, link=f"/escalations/{escalation_id}/", family_id=family.id,
                       mandatory=False, created_at=escalated_at, dedupe_key=f"escalation:{escalation_id}:overdue")
        if closed_at:
            _chronology(region, family, kind=EntryKind.ESCALATION, at=closed_at, agency_id=inv["agency_id"],
                        author_id=owner, source_type="escalations.Escalation", source_id=str(escalation_id),
                        summary=ESCALATION_CLOSED % {"rule": rule_id, "state": Lowercase(EscalationState(state).label),
                                                     "note": CLOSED_OUTCOME})


def _escalation_rules(region: Region, preset_key: str) -> tuple[list, int]:
    """The generated actions' rules that the preset has on, each with the clause it cites in that protocol's
    numbering ("Cwm Taf protocol 3.1"), and the preset's ESC-8 period; worked out once per preset."""
    cache = region.data.setdefault("escalation_rules", {})
    if preset_key not in cache:
        from doorstep.partnerships.presets import PRESETS

        preset = PRESETS[preset_key]
        rules = [(rule_id, preset.cite(rule_id, clause), title) for rule_id, clause, title in ESCALATION_RULES
                 if preset.rule_state(rule_id).enabled]
        cache[preset_key] = rules, preset.rule_state("ESC-8").parameters["not_seen_alone_days"]
    return cache[preset_key]


FAMILY_RECORD = Step("family and addresses", family_record)
PEOPLE = Step("people", people)
INVOLVEMENTS = Step("involvements", involvements)
CONTACTS = Step("contacts and chronology", contacts)
AUDIT = Step("audit", audit)
ESCALATIONS = Step("escalations", escalations)


# ---------------------------------------------------------------------------------------------------------------
# Warning markers and incidents (issue 8, FLG-1, FLG-2, INC-1): from the contacts where violence or threats to
# kill were recorded. Markers' review dates lie beyond the review notice, so a sweep now finds nothing due.

_INCIDENT_KINDS = frozenset({ThreatKind.PHYSICAL_VIOLENCE, ThreatKind.THREAT_TO_KILL, ThreatKind.THROWING,
                             ThreatKind.ANIMALS, ThreatKind.FOLLOWING})


def markers_and_incidents(region: Region, family: FamilyDraft) -> None:
    from doorstep.escalations.rules import RULES
    from doorstep.incidents.models import AffectedWorker, Incident
    from doorstep.incidents.services import incident_fact_summary
    from doorstep.markers.models import MarkerCategory, MarkerEvent, MarkerStatus, WarningMarker
    from doorstep.markers.services import MARKER_AUTHORISED_BY, MARKER_RAISED

    review_notice_days = RULES["FLG-2"].defaults()["review_notice_days"]

    rng = family.rng
    incidents = family.extra.setdefault("incidents", [])
    agency_names = {inv["agency_id"]: inv["agency"]["names"] for inv in family.involvements}
    names = region.data["names"]
    for contact_id, occurred, agency_id, author, _outcome, _defaulted in family.contacts:
        threats = family.extra.get("threats", {}).get(contact_id)
        if not threats or not (_INCIDENT_KINDS & set(threats)):
            continue
        to_kill = ThreatKind.THREAT_TO_KILL in threats
        police = to_kill or ThreatKind.PHYSICAL_VIOLENCE in threats
        injury = ThreatKind.PHYSICAL_VIOLENCE in threats and rng.random() < 0.3
        incident_id = region.add(
            Incident, family_id=family.id, agency_id=agency_id, recorded_by_id=author, recorded_at=occurred,
            contact_id=contact_id, occurred_at=occurred, at_home=True, threats=list(threats), threat_to_kill=to_kill,
            injury=injury, police_informed=police,
            police_informed_at=occurred + timedelta(hours=1) if police else None,
            manager_informed_at=occurred + timedelta(minutes=30),
            account="The parent became angry when the worker asked to see the children's bedroom (generated).",
            life_for_child="The children live with this anger; they were present.")
        region.add(AffectedWorker, incident_id=incident_id, professional_id=author, support_offered=["debrief"],
                   follow_up_by_id=region.data["manager_of"].get(author),
                   follow_up_at=occurred + timedelta(days=1) if region.data["manager_of"].get(author) else None)
        tags = "|incident|" + "|".join(threats) + ("|police_informed|" if police else "|")
        _chronology(region, family, kind=EntryKind.INCIDENT, at=occurred, agency_id=agency_id, author_id=author,
                    summary=incident_fact_summary(_IncidentFacts(agency_names[agency_id], threats, injury, police),
                                                  professionals=1),
                    source_type="incidents.Incident", source_id=str(incident_id), significant=True, tags=tags)
        incidents.append((incident_id, occurred, agency_id, author))
    if not incidents:
        return
    today = region.today.toordinal()
    adults = family.adults
    for incident_id, occurred, agency_id, author in incidents[:2]:
        manager = region.data["manager_of"].get(author)
        on_person = adults and rng.random() < 0.7
        ended = rng.random() < 0.3
        raised_at = occurred + timedelta(hours=2)
        authorised_at = raised_at + timedelta(hours=20)
        review = today + review_notice_days + 1 + rng.randrange(0, 180)
        address_id = None
        if not on_person:
            address_id = region.writer(Address).next_id - 1  # the family's most recent address row
        category = MarkerCategory.VIOLENCE if rng.random() < 0.6 else MarkerCategory.THREATS
        nature = "Became physically aggressive towards a worker (generated)."
        advice = "Visit in pairs; stay near the door; do not visit after dark."
        marker_id = region.add(
            WarningMarker, family_id=family.id, person_id=adults[0]["id"] if on_person else None,
            address_id=address_id, category=category, nature=nature, advice=advice, source="Incident report",
            incident_id=incident_id, urgent=False,
            status=MarkerStatus.ENDED if ended else MarkerStatus.ACTIVE, raised_by_id=author,
            raised_agency_id=agency_id, raised_at=raised_at, authorised_by_id=manager, authorised_at=authorised_at,
            review_date=datetime.fromordinal(review).date(),
            closed_by_id=manager if ended else None, closed_at=authorised_at + timedelta(days=90) if ended else None,
            close_reason="No further incidents in 90 days." if ended else "")
        region.add(MarkerEvent, marker_id=marker_id, at=raised_at, by_id=author, action=MarkerEvent.Action.RAISED)
        if manager:
            region.add(MarkerEvent, marker_id=marker_id, at=authorised_at, by_id=manager,
                       action=MarkerEvent.Action.AUTHORISED)
        # Shared once authorised (markers/services.py), as the chronology says it then.
        adult = adults[0] if on_person else None
        subject = (f"{adult['given_name']} {family.extra['surname']}" if adult
                   else Text(gettext_noop("the address %(address)s"), {"address": family.extra.get("address", "")}))
        _chronology(region, family, kind=EntryKind.MARKER, at=raised_at, agency_id=agency_id, author_id=author,
                    summary=MARKER_RAISED % {
                        "category": MarkerCategory(category).label, "agency": agency_names[agency_id],
                        "subject": subject, "state": MARKER_AUTHORISED_BY % {"name": names.get(manager, "")},
                        "nature": nature, "advice": advice},
                    source_type="markers.WarningMarker", source_id=str(marker_id), significant=True,
                    tags="|marker|violence|")


class _IncidentFacts:
    """What `incident_fact_summary` reads of an incident, for one the generator has not saved as an object."""

    def __init__(self, agency_names: Names, threats: list, injury: bool, police_informed: bool):
        self.agency = type("Agency", (), {"name_text": agency_names})()
        self.threats, self.injury, self.police_informed = list(threats), injury, police_informed


MARKERS_AND_INCIDENTS = Step("markers and incidents", markers_and_incidents)
