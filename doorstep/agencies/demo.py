from django.contrib.auth.hashers import make_password

from doorstep.core.demo import DEMO_PASSWORD, DemoRegion

from .models import Agency, AgencyKind, Role, Team
from .services import professional_create

AGENCIES = [
    # key, name, Welsh name (issue 14), kind
    ("health", "Bae Afonwy University Health Board (health visiting)",
     "Bwrdd Iechyd Prifysgol Bae Afonwy (ymwelwyr iechyd)", AgencyKind.HEALTH),
    ("school", "Afonwy Schools Service", "Gwasanaeth Ysgolion Afonwy", AgencyKind.EDUCATION),
    ("csc", "Afonwy Children's Services", "Gwasanaethau Plant Afonwy", AgencyKind.CHILDRENS_SOCIAL_CARE),
    ("housing", "Tai Afonwy Housing Association", "Cymdeithas Tai Afonwy", AgencyKind.HOUSING),
    ("police", "Afonwy Valleys Police", "Heddlu Cymoedd Afonwy", AgencyKind.POLICE),
    ("probation", "Afonwy Probation Service", "Gwasanaeth Prawf Afonwy", AgencyKind.PROBATION),
    ("mentalhealth", "Afonwy Community Mental Health Team", "Tîm Iechyd Meddwl Cymunedol Afonwy",
     AgencyKind.MENTAL_HEALTH),
    ("voluntary", "Cwtch Family Support (voluntary)", "Cwtch Cymorth i Deuluoedd (gwirfoddol)", AgencyKind.VOLUNTARY),
]
FIRST = ["Carys", "Dylan", "Ffion", "Gareth", "Hannah", "Iwan", "Megan", "Rhys", "Siân", "Tomos", "Bethan", "Owain",
         "Nia", "Emyr", "Lowri", "Priya", "Daniel", "Aisha", "Mark", "Sophie", "Huw", "Elin", "Joseph", "Catrin"]
LAST = ["Ap Dafydd", "Bowen", "Cadwaladr", "Edwards", "Fychan", "Gruffydd", "Hopkin", "Ifans", "Jenkins", "Kemble",
        "Lewis", "Meredith", "Nash", "Oakley", "Pugh", "Rowlands", "Sheppard", "Tudor", "Upton", "Wynne"]


def load(region: DemoRegion) -> None:
    n = 0
    hashed = make_password(DEMO_PASSWORD)

    def name():
        nonlocal n
        n += 1
        return FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]

    for key, agency_name, agency_name_cy, kind in AGENCIES:
        agency = Agency.objects.create(name=agency_name, name_cy=agency_name_cy, kind=kind)
        region.agencies[key] = agency
        team = Team.objects.create(agency=agency, name="Afonwy North")
        first, last = name()
        manager = professional_create(
            username=f"{key}.manager", first_name=first, last_name=last, email=f"{key}.manager@example.org",
            agency=agency, team=team, role=Role.MANAGER, job_title="Team manager", password_hash=hashed,
            is_designated_postholder=True, is_duty_manager=True, phone="01632 960001",
        )
        region.staff[manager.username] = manager
        for i in (1, 2, 3):
            first, last = name()
            username = f"{key}.practitioner{'' if i == 1 else i}"
            person = professional_create(
                username=username, first_name=first, last_name=last, email=f"{username}@example.org", agency=agency,
                team=team, role=Role.PRACTITIONER, job_title="Practitioner", password_hash=hashed,
                line_manager=manager, phone=f"07700 9000{n:02d}",
            )
            region.staff[username] = person
    partnership = Agency.objects.create(name="Afonwy Safeguarding Partnership",
                                        name_cy="Partneriaeth Diogelu Afonwy", kind=AgencyKind.PARTNERSHIP)
    region.agencies["partnership"] = partnership
    region.staff["board.chair"] = professional_create(
        username="board.chair", first_name="Eleri", last_name="Prosser", email="board.chair@example.org",
        agency=None, role=Role.BOARD_CHAIR, job_title="Chair, Afonwy Safeguarding Partnership Board",
        password_hash=hashed,
    )
    region.staff["admin.user"] = professional_create(
        username="admin.user", first_name="Alun", last_name="Gweinyddwr", email="admin@example.org", agency=None,
        role=Role.ADMINISTRATOR, job_title="Systems administrator", password_hash=hashed,
    )
