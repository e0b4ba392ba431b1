"""Realistic engagement histories for the demo families, recorded through the real services (so the chronology,
the audit trail and the escalation engine see them exactly as they would see a worker's records).

- Evans: engages with the school only; hostile to health, children's services and police (splitting, ESC-11).
- Pritchard: disguised compliance: appointments agreed, then not kept; complaints and bombarding with texts.
- Llewellyn: every agency's contact falls away over the year; nobody has seen the children for months (ESC-10).
- Morgan: the eldest child is seen at home but never seen alone; remote contact replacing visits (ESC-9).
- Hughes: late entries, a corrected entry, unknown adults at the house; a worker followed and searched for online.
- Price: violence and threats, including a threat to kill; an entry marked as entered in error.
- Owen: eight agencies, a long history (the chronology pages).
Every other family has a short ordinary history. Every ENG-2 behaviour and ENG-3 threat kind appears.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from doorstep.chronology.models import ChronologyEntry
from doorstep.chronology.services import chronology_comment_add
from doorstep.core.demo import DemoRegion
from doorstep.families.models import MemberRole, Person

from . import services
from .models import Behaviour as B
from .models import ContactKind as K
from .models import NonCooperationReason as R
from .models import Outcome as O
from .models import ThreatKind as T


class History:
    def __init__(self, region: DemoRegion, key: str, rng: random.Random):
        self.region, self.rng = region, rng
        self.family = region.families[key]
        members = list(Person.objects.filter(family=self.family).order_by("id"))
        self.adults = [p for p in members if not p.is_child]
        self.children = [p for p in members if p.role == MemberRole.CHILD]
        self.now = timezone.now()

    def when(self, days_ago: int, hour: int | None = None) -> datetime:
        day = timezone.localdate() - timedelta(days=days_ago)
        while day.weekday() >= 5:  # visits happen on weekdays
            day -= timedelta(days=1)
        moment = timezone.make_aware(datetime.combine(
            day, time(hour if hour is not None else self.rng.choice([9, 10, 11, 13, 14, 15, 16]),
                      self.rng.choice([0, 15, 30, 45]))))
        return min(moment, self.now - timedelta(hours=3))

    def add(self, agency: str, days_ago: int, kind, outcome, *, n: int = 1, seen=(), alone=(), home: bool = False,
            adults=(), late_days: int = 0, hour: int | None = None, **kwargs):
        """One contact. `seen`/`alone`: indices of children, or "all"; `adults`: indices of adults present."""
        occurred = self.when(days_ago, hour)
        recorded = occurred + (timedelta(days=late_days, hours=2) if late_days else timedelta(hours=self.rng.randint(1, 4)))
        seen = range(len(self.children)) if seen == "all" else seen
        alone = range(len(self.children)) if alone == "all" else alone
        children = {
            c: {"seen": i in seen, "seen_alone": i in alone, "sleeping_place_seen": home and i in seen,
                "home_conditions_seen": home and i in seen, "food_seen": home and i in seen}
            for i, c in enumerate(self.children)
        }
        return services.contact_record(
            family=self.family, by=self.region.practitioner(agency, n), kind=kind, outcome=outcome,
            occurred_at=occurred, recorded_at=min(recorded, self.now), children=children,
            adults_present=[self.adults[i] for i in adults if i < len(self.adults)], **kwargs)

    def comment(self, contact, by, text: str) -> None:
        entry = ChronologyEntry.objects.get(source_type="engagement.Contact", source_id=str(contact.pk))
        chronology_comment_add(entry=entry, by=by, text=text)


def _evans(h: History) -> None:
    """Engages with the school only (splitting)."""
    for days in range(340, 0, -28):
        h.add("school", days, K.SCHOOL, O.SEEN, seen="all", alone="all", adults=[0],
              purpose="Termly review of attendance and wellbeing at school.",
              note="Mother attended; polite and engaged. Child settled in class.")
    h.add("health", 300, K.HOME_VISIT, O.REFUSED_ENTRY, adults=[1], behaviours=[B.REFUSAL, B.CONFRONTATION],
          threats=[T.SHOUTING, T.SWEARING], child_impact="Child could be heard crying upstairs while father shouted.",
          non_cooperation_codes=[R.RESENTS_INTERFERENCE, R.DISTRUSTS_AUTHORITY], non_cooperation_basis="given",
          follow_up="Letter sent offering a clinic appointment instead.")
    h.add("health", 260, K.HOME_VISIT, O.NO_ANSWER, follow_up="Card left; telephoned mother, no reply.")
    h.add("health", 220, K.HOME_VISIT, O.REFUSED_ENTRY, adults=[1], behaviours=[B.CONFRONTATION],
          threats=[T.ANIMALS, T.BODY_LANGUAGE], note="Father stood in the doorway with a large dog on a loose lead.",
          child_impact="If I felt intimidated at the door, the children live with this every day.",
          follow_up="Discussed with my manager; next visit to be a joint visit.")
    h.add("csc", 180, K.HOME_VISIT, O.CUT_SHORT, seen=[0], adults=[0, 1], home=True,
          behaviours=[B.CONFRONTATION, B.AVOIDANCE], threats=[T.INTIMIDATING_LANGUAGE, T.THROWING],
          note="Father threw a mug against the wall when the plan was discussed. Visit ended for safety.",
          child_impact="Child flinched when the mug was thrown and went quiet.",
          assessment_areas_missed=["child_alone", "sleeping"], areas_not_achieved="Visit ended before the child "
          "could be seen alone or the bedrooms seen.")
    for days in (150, 120, 90, 60, 30, 8):
        h.add("health", days, K.HOME_VISIT, O.REFUSED_ENTRY if days % 60 == 0 else O.NO_ANSWER,
              behaviours=[B.AVOIDANCE], follow_up="Card left and text sent offering another appointment.")
    police = h.add("police", 100, K.HOME_VISIT, O.REFUSED_ENTRY, adults=[1], behaviours=[B.CONFRONTATION, B.REFUSAL],
                   threats=[T.SWEARING, T.SHOUTING],
                   note="Welfare check after a neighbour's call. Father spoke at the door and would not let us in.")
    h.add("csc", 40, K.HOME_VISIT, O.REFUSED_ENTRY, adults=[0], behaviours=[B.REFUSAL],
          non_cooperation_codes=[R.FEARS_REMOVAL], non_cooperation_basis="assessed",
          follow_up="Manager informed; professionals meeting requested.")
    h.comment(police, h.region.manager("csc"), "The family lets the school in every month but refuses health, "
              "children's services and police: splitting (ESC-11). Share information and hold a professionals "
              "meeting.")


def _pritchard(h: History) -> None:
    """Disguised compliance: appointments agreed, then not kept."""
    agreed = "Mother agreed readily to every suggestion and booked the next appointment herself."
    for days in range(330, 20, -45):
        h.add("health", days, K.HEALTH_APPOINTMENT, O.SEEN, seen="all", adults=[0], behaviours=[B.DISGUISED_COMPLIANCE],
              purpose="Developmental review and weight check.", note=agreed)
        h.add("health", days - 14, K.HEALTH_APPOINTMENT, O.DID_NOT_ATTEND,
              follow_up="Telephoned: mother apologised and rebooked.")
        h.add("csc", days - 21, K.OFFICE, O.CANCELLED_BY_FAMILY, behaviours=[B.AVOIDANCE],
              follow_up="New appointment offered by letter.")
    h.add("csc", 200, K.TEXT, O.SEEN, adults=[0], threats=[T.BOMBARDING],
          note="Mother sent 34 texts in one evening about the social worker's manner.")
    h.add("csc", 150, K.LETTER, O.SEEN, adults=[0], threats=[T.COMPLAINTS],
          note="Formal complaint received naming the social worker, the third this year.",
          non_cooperation_codes=[R.FEARS_REMOVAL, R.POOR_EXPERIENCE], non_cooperation_basis="assessed")
    last = h.add("health", 10, K.HEALTH_APPOINTMENT, O.SEEN, seen="all", adults=[0],
                 behaviours=[B.DISGUISED_COMPLIANCE], purpose="Weight check for both children.",
                 note="Children's weight has fallen since the last review. Mother said the new diet plan was working.")
    services.parent_letter_create(
        contact=last, by=h.region.practitioner("health"), addressee=h.adults[0], language="en", plain_language=False,
        purpose="To check the children's weight and talk about their diet.",
        what_was_done="I weighed both children. Their weight has gone down since I last saw them.",
        requirements=[services.Requirement(who="You", what="Bring both children to the clinic for a weight check",
                                           by=timezone.localdate() + timedelta(days=14)),
                      services.Requirement(who="Health visitor", what="Refer the family to the dietitian",
                                           by=timezone.localdate() + timedelta(days=7))])


def _llewellyn(h: History) -> None:
    """Every agency falls away (ESC-10)."""
    for agency, start, step in (("school", 350, 21), ("health", 345, 30), ("housing", 340, 45)):
        days = start
        while days > 100:
            outcome = O.SEEN if days > 220 else h.rng.choice([O.NO_ANSWER, O.SEEN, O.CANCELLED_BY_FAMILY])
            kind = K.SCHOOL if agency == "school" else K.HOME_VISIT
            seen = "all" if outcome == O.SEEN else ()
            h.add(agency, days, kind, outcome, seen=seen, alone=[0] if seen and agency == "school" else (),
                  home=kind == K.HOME_VISIT and outcome == O.SEEN, adults=[0] if outcome == O.SEEN else [],
                  behaviours=[B.AVOIDANCE] if outcome != O.SEEN else [B.AMBIVALENCE] if days < 200 else [])
            days -= step + (200 - days if days < 200 else 0) // 4
    last = h.add("housing", 105, K.PHONE, O.SEEN, adults=[0], behaviours=[B.AMBIVALENCE],
                 note="Mother said the family was fine and did not need visits any more.")
    h.comment(last, h.region.manager("health"), "Contact from every agency has fallen away since the spring and "
              "nobody has seen the children for over three months: everyone is backing off (ESC-10).")


def _morgan(h: History) -> None:
    """The eldest child is seen but never seen alone; remote contact replaces visits (ESC-9)."""
    younger = list(range(1, len(h.children)))
    for days in range(320, 60, -30):
        h.add("csc", days, K.HOME_VISIT, O.SEEN, seen="all", alone=younger[:1], adults=[0, 1], home=True,
              behaviours=[B.AMBIVALENCE], note="Parents present throughout; eldest child stayed by her father.")
        h.add("school", days - 10, K.SCHOOL, O.CHILD_NOT_AVAILABLE, seen=younger, alone=younger,
              non_cooperation_codes=[R.SOMETHING_TO_HIDE], non_cooperation_basis="assessed",
              note="Eldest child kept off school on the day of the planned meeting.")
    h.add("health", 200, K.HOME_VISIT, O.SEEN, seen="all", adults=[1], threats=[T.SILENCE],
          note="Father refused to speak for the whole visit and stared throughout.",
          child_impact="The children were silent too and watched their father before answering anything.")
    h.add("police", 160, K.HOME_VISIT, O.SEEN, adults=[1], threats=[T.COVERT_THREATS],
          note="Father said that 'people who interfere with families get what's coming to them'.")
    for days in (50, 35, 21, 7):
        h.add("csc", days, h.rng.choice([K.PHONE, K.TEXT]), O.SEEN, adults=[0],
              note="Mother said everything was fine; agreed to a visit next month.")
    h.add("mentalhealth", 90, K.OFFICE, O.DID_NOT_ATTEND, follow_up="Second appointment offered.")
    h.add("housing", 75, K.HOME_VISIT, O.SEEN, seen="all", adults=[0], home=True,
          assessment_areas_missed=["child_alone", "child_views"],
          areas_not_achieved="Father insisted on staying in the room with the eldest child.")


def _hughes(h: History) -> None:
    """Late entries, a corrected entry, unknown adults; a worker followed and searched for online."""
    for days in (280, 220, 160, 100, 45):
        h.add("health", days, K.HOME_VISIT, O.SEEN, seen="all", alone="all", home=True, adults=[0],
              unknown_adults_present=1 if days < 200 else 0,
              note="A man not known to us answered the door and stayed in the kitchen." if days < 200 else "")
    h.add("health", 130, K.HOME_VISIT, O.SEEN, seen="all", adults=[0], late_days=9,
          note="Entry written up late after the worker's leave.")
    h.add("voluntary", 70, K.NEUTRAL_VENUE, O.SEEN, adults=[0], late_days=4, behaviours=[B.AMBIVALENCE])
    h.add("voluntary", 55, K.NEUTRAL_VENUE, O.CUT_SHORT, adults=[1], threats=[T.FOLLOWING, T.ONLINE_SEARCHING],
          note="Visiting adult said he had looked the worker up online and knew where she parked.",
          child_impact="Not seen, but the children live with an adult who intimidates professionals.")
    wrong = h.add("health", 20, K.HOME_VISIT, O.NO_ANSWER, follow_up="Card left.")
    services.contact_correct(
        contact=wrong, by=h.region.practitioner("health"),
        reason="Recorded as no answer by mistake: mother answered and the visit went ahead.",
        outcome=O.SEEN, children={c.pk: {"seen": True, "seen_alone": True} for c in h.children},
        adults_present=[h.adults[0]], note="Both children seen and spoken to alone in the living room.")


def _price(h: History) -> None:
    """Violence and threats, including a threat to kill."""
    h.add("housing", 250, K.HOME_VISIT, O.SEEN, adults=[0, 1], seen="all", home=True,
          threats=[T.RACIST, T.HOMOPHOBIC], behaviours=[B.CONFRONTATION],
          note="Father made racist and homophobic remarks to the housing officer.")
    h.add("probation", 200, K.OFFICE, O.SEEN, adults=[1], threats=[T.SEXUAL], behaviours=[B.CONFRONTATION])
    h.add("housing", 170, K.LETTER, O.SEEN, adults=[1], threats=[T.WRITTEN_THREATS],
          note="Handwritten letter left at the housing office threatening the officer.")
    h.add("police", 120, K.HOME_VISIT, O.SEEN, adults=[0, 1], seen="all", behaviours=[B.VIOLENCE],
          threats=[T.PHYSICAL_VIOLENCE, T.THREAT_TO_KILL], significant=True,
          note="Father pushed an officer down the steps and said he would kill the next social worker who came.",
          child_impact="The children were in the hallway and saw their father attack the officer.")
    h.add("probation", 90, K.OFFICE, O.DID_NOT_ATTEND, follow_up="Breach warning letter sent.")
    h.add("housing", 60, K.HOME_VISIT, O.REFUSED_ENTRY, adults=[1], behaviours=[B.REFUSAL],
          follow_up="Future visits only with the police.")
    mistaken = h.add("police", 30, K.HOME_VISIT, O.NO_ANSWER)
    services.contact_enter_in_error(contact=mistaken, by=h.region.practitioner("police"),
                                    reason="Recorded against the wrong family: the visit was to a neighbour.")


def _owen(h: History) -> None:
    """Eight agencies and a long history."""
    kinds = {"health": K.HOME_VISIT, "school": K.SCHOOL, "csc": K.HOME_VISIT, "housing": K.HOME_VISIT,
             "police": K.HOME_VISIT, "probation": K.OFFICE, "mentalhealth": K.OFFICE, "voluntary": K.NEUTRAL_VENUE}
    outcomes = [O.SEEN] * 5 + [O.NO_ANSWER, O.CANCELLED_BY_FAMILY, O.DID_NOT_ATTEND, O.REFUSED_ENTRY, O.CUT_SHORT,
                               O.RESCHEDULED_BY_PROFESSIONAL]
    for agency, kind in kinds.items():
        days = 360 - h.rng.randrange(0, 20)
        while days > 2:
            outcome = h.rng.choice(outcomes)
            seen = "all" if outcome in (O.SEEN, O.CUT_SHORT) and kind in (K.HOME_VISIT, K.SCHOOL) else ()
            h.add(agency, days, kind, outcome, n=1 + days % 3, seen=seen,
                  alone=[0] if seen and h.rng.random() < 0.4 else (),
                  home=bool(seen) and kind == K.HOME_VISIT, adults=[0] if outcome in (O.SEEN, O.CUT_SHORT) else [],
                  behaviours=[h.rng.choice(list(B))] if h.rng.random() < 0.2 else [],
                  late_days=5 if h.rng.random() < 0.05 else 0)
            days -= h.rng.randint(14, 30)


SPECIAL = {"evans": _evans, "pritchard": _pritchard, "llewellyn": _llewellyn, "morgan": _morgan,
           "hughes": _hughes, "price": _price, "owen": _owen}


def _ordinary(h: History, agencies: list[str]) -> None:
    for _ in range(h.rng.randint(2, 5)):
        agency = h.rng.choice(agencies)
        outcome = h.rng.choice([O.SEEN, O.SEEN, O.SEEN, O.NO_ANSWER, O.CANCELLED_BY_FAMILY])
        seen = "all" if outcome == O.SEEN else ()
        h.add(agency, h.rng.randint(3, 300), K.HOME_VISIT, outcome, seen=seen, alone=[0] if seen else (),
              home=bool(seen), adults=[0] if seen else [])


def load(region: DemoRegion) -> None:
    rng = random.Random(20261123)
    keys = {agency.pk: key for key, agency in region.agencies.items()}
    for key, family in region.families.items():
        h = History(region, key, rng)
        if key in SPECIAL:
            SPECIAL[key](h)
        else:
            agencies = [keys[i] for i in family.involvements.filter(ended_on__isnull=True).values_list(
                "agency_id", flat=True)]
            _ordinary(h, agencies)
