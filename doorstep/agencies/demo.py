from django.contrib.auth.hashers import make_password

from doorstep.core.demo import DEMO_PASSWORD, DemoRegion

from .models import Agency, AgencyKind, Role, Team
from .services import professional_create

AGENCIES = [
    # key, name, kind
    ("health", "Bae Afonwy University Health Board (health visiting)", AgencyKind.HEALTH),
    ("school", "Afonwy Schools Service", AgencyKind.EDUCATION),
    ("csc", "Afonwy Children's Services", AgencyKind.CHILDRENS_SOCIAL_CARE),
    ("housing", "Tai Afonwy Housing Association", AgencyKind.HOUSING),
    ("police", "Afonwy Valleys Police", AgencyKind.POLICE),
    ("probation", "Afonwy Probation Service", AgencyKind.PROBATION),
    ("mentalhealth", "Afonwy Community Mental Health Team", AgencyKind.MENTAL_HEALTH),
    ("voluntary", "Cwtch Family Support (voluntary)", AgencyKind.VOLUNTARY),
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

    for key, agency_name, kind in AGENCIES:
        agency = Agency.objects.create(name=agency_name, kind=kind)
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
    partnership = Agency.objects.create(name="Afonwy Safeguarding Partnership", kind=AgencyKind.PARTNERSHIP)
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
