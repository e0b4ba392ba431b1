"""A small region built through the real services: one family, and a professional in every position the
access rule distinguishes (P-4). Shared by the access-matrix test and by each app's tests."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from doorstep.agencies.models import AgencyKind, Professional, Role
from doorstep.families import services as family_services
from doorstep.families.models import BreakGlassGround, ChildStatus, Family, Involvement, MemberRole, Person
from doorstep.notifications.models import Notification

from .factories import AgencyFactory, ProfessionalFactory, TeamFactory

# The positions the access matrix checks, in order.
ROLES = (
    "involved_practitioner",  # lead professional for the health agency, overall lead
    "involved_manager",  # manager in the same agency (line manager of the practitioner)
    "involved_postholder",  # designated postholder of another involved agency (police)
    "other_involved",  # practitioner of the police, involved
    "uninvolved",  # practitioner of housing, never involved
    "uninvolved_manager",  # manager of housing
    "ended",  # practitioner of the school, whose involvement has ended
    "break_glass",  # practitioner of housing with emergency access
    "board_chair",
    "analyst",  # partnership analyst (issue 19): reads the Board's report, never a family
    "administrator",
    "anonymous",
)
# Partner-system tokens (issue 13): a request in one of these positions carries `Authorization: Token <key>` and no
# session. `partner_tokens(world)` makes them.
TOKENS = (
    "token",  # approved, read and write, of the involved health agency: acts as health's partner-system account
    "token_read",  # approved, read only, of the health agency: every write refused
    "token_revoked",  # of health, approved and then revoked
    "token_expired",  # of health, approved and past its expiry
    "token_other_agency",  # approved, read and write, of housing (never involved with the world's family)
)


@dataclass
class World:
    family: Family
    child: Person
    parent: Person
    involvement: Involvement  # the health agency's
    ended_involvement: Involvement  # the school's
    other_family: Family  # a family only housing is involved with
    users: dict


def build_world() -> World:
    health = AgencyFactory(name="Health Board", kind=AgencyKind.HEALTH)
    police = AgencyFactory(name="Police", kind=AgencyKind.POLICE)
    housing = AgencyFactory(name="Housing", kind=AgencyKind.HOUSING)
    school = AgencyFactory(name="School", kind=AgencyKind.EDUCATION)
    health_team = TeamFactory(agency=health, name="North")
    u = {}
    u["involved_manager"] = ProfessionalFactory(username="health.manager", agency=health, team=health_team,
                                                role=Role.MANAGER, is_designated_postholder=True, is_duty_manager=True,
                                                is_records_manager=True)  # issue 20: retention and erasure
    u["involved_practitioner"] = ProfessionalFactory(username="health.worker", agency=health, team=health_team,
                                                     line_manager=u["involved_manager"], phone="07700 900123")
    police_manager = ProfessionalFactory(username="police.manager", agency=police, role=Role.MANAGER)
    u["involved_postholder"] = ProfessionalFactory(username="police.postholder", agency=police,
                                                   is_designated_postholder=True, line_manager=police_manager)
    u["other_involved"] = ProfessionalFactory(username="police.worker", agency=police, line_manager=police_manager)
    u["uninvolved_manager"] = ProfessionalFactory(username="housing.manager", agency=housing, role=Role.MANAGER)
    u["uninvolved"] = ProfessionalFactory(username="housing.worker", agency=housing, line_manager=u["uninvolved_manager"])
    u["break_glass"] = ProfessionalFactory(username="housing.glass", agency=housing, line_manager=u["uninvolved_manager"])
    school_manager = ProfessionalFactory(username="school.manager", agency=school, role=Role.MANAGER)
    u["ended"] = ProfessionalFactory(username="school.worker", agency=school, line_manager=school_manager)
    u["board_chair"] = ProfessionalFactory(username="board.chair", agency=None, role=Role.BOARD_CHAIR)
    u["analyst"] = ProfessionalFactory(username="analyst", agency=None, role=Role.ANALYST)
    u["administrator"] = ProfessionalFactory(username="admin", agency=None, role=Role.ADMINISTRATOR)
    u["anonymous"] = None

    worker = u["involved_practitioner"]
    family = family_services.family_create(
        by=worker, name="Testing household", reason="Health visiting concerns", line1="1 Heol y Felin",
        town="Afonwy", postcode="AF1 1AA",
    )
    parent = family_services.person_add(family=family, by=worker, role=MemberRole.PARENT, given_name="Kelly",
                                        family_name="Testing", date_of_birth=date(1990, 5, 1))
    child = family_services.person_add(family=family, by=worker, role=MemberRole.CHILD, given_name="Alfie",
                                       family_name="Testing", date_of_birth=date(2020, 3, 2),
                                       child_status=ChildStatus.CHILD_IN_NEED)
    family_services.involvement_start(family=family, by=worker, agency=police, reason="Domestic abuse call-outs",
                                      lead_professional=u["other_involved"])
    ended = family_services.involvement_start(family=family, by=worker, agency=school, reason="Attendance",
                                              lead_professional=u["ended"],
                                              started_on=timezone.localdate() - timedelta(days=30))
    family_services.involvement_end(involvement=ended, by=u["ended"], reason="Child moved school")
    family_services.break_glass_open(professional=u["break_glass"], family_reference=family.reference,
                                     ground=BreakGlassGround.POLICE_AT_ADDRESS,
                                     reason="Police called about a child at the address tonight")
    other = family_services.family_create(
        by=u["uninvolved"], name="Other household", reason="Rent arrears and welfare concerns",
        line1="9 Stryd Fawr", town="Afonwy", postcode="AF2 2BB",
    )
    # Issue 21: the Board chair and the analyst read the Board's report of the world's partnership (its default).
    family.partnership.board_chairs.add(u["board_chair"])
    family.partnership.analysts.add(u["analyst"])
    # Each agency added to a family has its managers told (issue 13); tests look only at the notifications their
    # own actions cause, so the world starts with empty inboxes.
    Notification.objects.all().delete()
    return World(
        family=family, child=child, parent=parent,
        involvement=Involvement.objects.get(family=family, agency=health), ended_involvement=ended,
        other_family=other, users=u,
    )


def user_of(world: World, role: str) -> Professional | None:
    return world.users[role]


def partner_token(world: World, *, agency=None, scope: str = "read_write", approved: bool = True,
                  expired: bool = False, revoked: bool = False, system_name: str = "Partner system"):
    """A partner-system token (issue 13 finding 2) and its key: requested by the world's administrator and, unless
    `approved=False`, approved by a manager of its agency (the involved health agency unless another is given).
    `expired` and `revoked` give a token that once worked and no longer does."""
    from doorstep.agencies import services as agency_services
    from doorstep.agencies.models import AgencySystemToken

    agency = agency or world.involvement.agency
    token, key = agency_services.system_token_request(
        by=world.users["administrator"], agency=agency, system_name=system_name, contact_name="Sam Jones",
        contact_email="sam.jones@partner.example", scope=scope,
    )
    if approved or expired or revoked:
        manager = Professional.objects.filter(agency=agency, role=Role.MANAGER, is_active=True).order_by("pk").first()
        token = agency_services.system_token_approve(by=manager, token=token)
    if expired:
        # Time cannot run backwards in a test (issue 12): a token that has lived its days is one whose expiry is
        # today, which is what the passing of time would leave.
        AgencySystemToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
        token.refresh_from_db()
    if revoked:
        token = agency_services.system_token_revoke(by=world.users["administrator"], token=token)
    return token, key


def partner_tokens(world: World) -> dict[str, str]:
    """The key of a token for each position in TOKENS."""
    housing = world.users["uninvolved_manager"].agency
    made = {
        "token": partner_token(world, system_name="Health records"),
        "token_read": partner_token(world, scope="read", system_name="Health dashboard"),
        "token_revoked": partner_token(world, revoked=True, system_name="Old health system"),
        "token_expired": partner_token(world, expired=True, system_name="Pilot system"),
        "token_other_agency": partner_token(world, agency=housing, system_name="Housing records"),
    }
    return {position: key for position, (_token, key) in made.items()}
