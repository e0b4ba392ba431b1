"""Forty synthetic families of varied shape (FAM-1): unborn children, both parents, absent fathers, partners,
adults visiting; children on plans and not; involvements across agencies, some ended."""

from datetime import date, timedelta

from django.utils import timezone

from doorstep.core.demo import DemoRegion

from .models import ChildStatus, CorrespondenceLanguage, Literacy, MemberRole
from .services import involvement_end, involvement_start, person_add, family_create

SURNAMES = ["Evans", "Pritchard", "Llewellyn", "Morgan", "Hughes", "Price", "Powell", "Owen", "Thomas", "Griffiths",
            "Bevan", "Rees", "Parry", "Vaughan", "Lloyd", "Harris", "Walker", "Clarke", "Turner", "Baker", "Shaw",
            "Davies", "Jenkins", "Probert", "Watkins", "Mathias", "Crowley", "Novak", "Okafor", "Begum", "Kowalski",
            "Ashworth", "Tanner", "Fletcher", "Gwilym", "Rowe", "Kavanagh", "Sullivan", "Howells", "Beddoe"]
STREETS = ["Heol y Felin", "Stryd Fawr", "Maes-y-Coed", "Ffordd yr Orsaf", "Church Street", "Station Road", "Lôn Las",
           "Bryn Awel", "Victoria Terrace", "Clos y Dderwen", "Mill Lane", "Tan-y-Bryn"]
TOWNS = [("Afonwy", "AF1"), ("Aberfelin", "AF2"), ("Pontnewydd Isaf", "AF3"), ("Cwm Glas", "AF4")]
CHILD_NAMES = ["Alfie", "Seren", "Osian", "Mali", "Jac", "Cerys", "Harri", "Ela", "Noah", "Isla", "Leo", "Ava",
               "Macsen", "Efa", "Oliver", "Lili", "Twm", "Gwen", "Kai", "Ruby"]
ADULT_NAMES = ["Kelly", "Dean", "Leanne", "Craig", "Sian", "Wayne", "Rhian", "Lee", "Donna", "Gethin", "Stacey",
               "Jason", "Amy", "Ryan", "Natalie", "Aled", "Tanya", "Scott", "Ceri", "Marcus"]
# Which agencies are involved with family i, by pattern (the first is the agency that opened the record).
INVOLVEMENT_PATTERNS = [
    ["health", "school", "csc", "police"],
    ["health", "csc"],
    ["school", "health", "housing"],
    ["csc", "health", "school", "housing", "police", "mentalhealth"],
    ["health", "voluntary"],
    ["housing", "police", "probation"],
    ["school", "csc", "mentalhealth"],
    ["health", "school", "csc", "housing", "police", "probation", "mentalhealth", "voluntary"],
]


def load(region: DemoRegion) -> None:
    rng = region.rng
    today = timezone.localdate()
    for i, surname in enumerate(SURNAMES):
        pattern = INVOLVEMENT_PATTERNS[i % len(INVOLVEMENT_PATTERNS)]
        opener = region.practitioner(pattern[0], 1 + i % 3)
        town, district = TOWNS[i % len(TOWNS)]
        welsh = i % 3 == 0
        family = family_create(
            by=opener, name=f"{surname} household", reason=f"Concerns raised by {opener.agency.name} about the care "
            f"of the children and the family's engagement with services.",
            line1=f"{1 + (i * 7) % 60} {STREETS[i % len(STREETS)]}", town=town,
            postcode=f"{district} {1 + i % 9}{'ABDEFGHJLNPQRSTUWXYZ'[i % 20]}{'ABDEFGHJLNPQRSTUWXYZ'[(i * 3) % 20]}",
            known_to_csc="csc" in pattern, moved_in=today - timedelta(days=300 + 40 * i),
            involved_since=today - timedelta(days=280 + i),
            summary="Synthetic demo family. Parents are described by professionals as hard to engage; visits are "
            "often missed and the children are not always made available.",
        )
        region.families[surname.lower()] = family
        lang = CorrespondenceLanguage.WELSH if welsh else CorrespondenceLanguage.ENGLISH
        mother = person_add(
            family=family, by=opener, role=MemberRole.PARENT, given_name=ADULT_NAMES[(2 * i) % 20], family_name=surname,
            date_of_birth=date(1985 + i % 15, 1 + i % 12, 1 + i % 27), correspondence_language=lang,
            literacy=Literacy.PREFERS_VERBAL if i % 5 == 0 else Literacy.READS_WELL,
            first_language="Polish" if surname == "Kowalski" else ("Welsh" if welsh else "English"),
            interpreter_needed=surname == "Kowalski",
            cultural_dates="Ramadan and Eid" if surname in ("Begum", "Okafor") else "",
        )
        shape = i % 5
        if shape in (0, 3):  # both parents at home
            person_add(family=family, by=opener, role=MemberRole.PARENT, given_name=ADULT_NAMES[(2 * i + 1) % 20],
                       family_name=surname, date_of_birth=date(1982 + i % 15, 2 + i % 10, 3 + i % 25),
                       correspondence_language=lang)
        elif shape == 1:  # absent father, living elsewhere
            person_add(family=family, by=opener, role=MemberRole.PARENT, given_name=ADULT_NAMES[(2 * i + 1) % 20],
                       family_name=SURNAMES[(i + 11) % 40], lives_elsewhere=True,
                       date_of_birth=date(1980 + i % 15, 3 + i % 9, 5 + i % 20))
        elif shape == 2:  # mother's partner
            person_add(family=family, by=opener, role=MemberRole.PARTNER, given_name=ADULT_NAMES[(2 * i + 3) % 20],
                       family_name=SURNAMES[(i + 7) % 40], date_of_birth=date(1984 + i % 12, 4 + i % 8, 7 + i % 20))
        else:  # other adult frequently visiting
            person_add(family=family, by=opener, role=MemberRole.ADULT_VISITING, given_name=ADULT_NAMES[(2 * i + 5) % 20],
                       family_name=SURNAMES[(i + 5) % 40])
        for c in range(1 + i % 4):
            age_days = 200 + rng.randrange(0, 14 * 365)
            status = ChildStatus.NONE
            if "csc" in pattern:
                status = [ChildStatus.CHILD_PROTECTION, ChildStatus.CHILD_IN_NEED, ChildStatus.NONE][(i + c) % 3]
            if i % 13 == 12 and c == 0:
                status = ChildStatus.LOOKED_AFTER
            person_add(
                family=family, by=opener, role=MemberRole.CHILD, given_name=CHILD_NAMES[(i + 3 * c) % 20],
                family_name=surname, date_of_birth=today - timedelta(days=age_days), child_status=status,
                child_status_since=today - timedelta(days=30 + 10 * c) if status != ChildStatus.NONE else None,
                known_to_csc=status != ChildStatus.NONE,
            )
        if i % 4 == 1:  # an unborn child
            person_add(family=family, by=opener, role=MemberRole.UNBORN, given_name="Unborn", family_name=surname,
                       expected_date=today + timedelta(days=60 + i))
        for n, key in enumerate(pattern[1:]):
            involvement_start(
                family=family, by=opener, agency=region.agencies[key], lead_professional=region.practitioner(key, 1 + i % 3),
                reason=f"{region.agencies[key].name} working with the family on the concerns raised.",
                started_on=today - timedelta(days=250 - 20 * n + i),
            )
        if i % 10 == 9 and "voluntary" not in pattern:  # an involvement that has ended
            ended = involvement_start(family=family, by=opener, agency=region.agencies["voluntary"],
                                      reason="Parenting support offered.", lead_professional=region.practitioner("voluntary"),
                                      started_on=today - timedelta(days=200))
            involvement_end(involvement=ended, by=region.practitioner("voluntary"),
                            reason="Parenting course completed; other agencies remain involved.")
