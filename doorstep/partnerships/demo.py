"""The demo region's two partnerships (issue 21).

- Afonwy, in Wales, on the Cwm Taf protocol. Cwm Taf is silent on some rules the rest of the tour shows (the Bridgend
  protocol's defaulted visits, non-compliance and children seen, the Milton Keynes procedures' access rules, the
  MARP), so Afonwy's administrator switched those on again, with a reason: what a partnership that starts from a
  preset and then changes its settings looks like (ESC-12, audited). Every demo agency works in it.
- Ouzel Valley, in England, on the Milton Keynes procedures, with its own Board chair (`board.chair.ouzel`) and
  administrator (`admin.ouzel`). The region's police force and health board work in both partnerships; the other
  agencies only in Afonwy. Two Ouzel Valley families, worked by `police.practitioner` (who also works Afonwy
  families) with the health board, have missed visits that raise the Milton Keynes access rule (ESC-3, "Milton
  Keynes procedures 5.1.9.1"); and one Afonwy family has moved into the Ouzel Valley and is transferred by
  `health.manager` (family_transfer), its open actions re-timed and citing the Milton Keynes clauses.

`load` runs after the agencies (it names the partnerships); `load_second_partnership` runs once every Afonwy history
and the engine's first evaluation exist (core/extensions.py DEMO_LOADERS): police and health join Ouzel Valley only
then, so the Afonwy families those agencies open earlier in the tour belong to Afonwy without a choice."""

from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from doorstep.agencies.models import Role
from doorstep.agencies.services import professional_create
from doorstep.core.demo import DEMO_PASSWORD, DemoRegion
from doorstep.escalations.services import rule_settings, rule_settings_update

from .models import Nation, Partnership
from .presets import CWM_TAF, MILTON_KEYNES
from .services import family_transfer, partnership_create, partnership_default, partnership_preset_change

# The rules the tour shows that the Cwm Taf protocol does not have.
KEPT_ON = ("ESC-1", "ESC-2", "ESC-3", "ESC-6", "ESC-7", "ESC-8", "MTG-2", "MTG-3", "MTG-4")
KEPT_ON_REASON = ("Afonwy adopted the Cwm Taf protocol and keeps the region's joint rules on defaulted visits, "
                  "non-compliance, access, children seen and the MARP while the Board reviews them.")
OUZEL = "Ouzel Valley"
# The agencies working in both partnerships: police forces and health services cross partnerships' boundaries.
CROSSING = ("police", "health")
# The Afonwy families that may move to the Ouzel Valley (police and health involved); none of them is one the rest of
# the tour relies on. Both partnerships keep the bank holidays of England and Wales, so the moved actions' deadlines
# are counted again to the same days (a Scottish partnership's would move: partnerships/tests/test_transfers.py).
MOVERS = ("walker", "watkins", "parry", "baker", "crowley", "harris", "probert", "ashworth")


def load(region: DemoRegion) -> None:
    admin = region.staff["admin.user"]
    afonwy = partnership_default()
    afonwy.name, afonwy.name_cy, afonwy.nation = "Afonwy", "Afonwy", Nation.ENGLAND_WALES
    afonwy.save(update_fields=["name", "name_cy", "nation", "updated_at"])
    afonwy.agencies.set(list(region.agencies.values()))
    afonwy.board_chairs.set([region.staff["board.chair"]])
    # OVR-2: the demo's partnership analysts (none yet) read Afonwy's Board's report.
    afonwy.analysts.set([p for p in region.staff.values() if p.is_partnership_analyst])
    partnership_preset_change(partnership=afonwy, by=admin, preset=CWM_TAF.key,
                              reason="The Afonwy Safeguarding Partnership Board adopted the Cwm Taf protocol.")
    for rule_id in KEPT_ON:
        rule_settings_update(rule_id=rule_id, by=admin, enabled=True, parameters=rule_settings(rule_id, afonwy)[1],
                             reason=KEPT_ON_REASON, partnership=afonwy)
    hashed = make_password(DEMO_PASSWORD)
    chair = professional_create(
        username="board.chair.ouzel", first_name="Margaret", last_name="Ashdown",
        email="board.chair.ouzel@example.org", agency=None, role=Role.BOARD_CHAIR,
        job_title="Chair, Ouzel Valley Safeguarding Partnership Board", password_hash=hashed)
    ouzel_admin = professional_create(
        username="admin.ouzel", first_name="Peter", last_name="Hollins", email="admin.ouzel@example.org",
        agency=None, role=Role.ADMINISTRATOR, job_title="Systems administrator, Ouzel Valley", password_hash=hashed)
    region.staff[chair.username], region.staff[ouzel_admin.username] = chair, ouzel_admin
    partnership_create(by=admin, name=OUZEL, name_cy="Dyffryn Ouzel", nation=Nation.ENGLAND_WALES,
                       preset=MILTON_KEYNES.key, board_chairs=[chair], administrators=[ouzel_admin])


def _ouzel_family(region: DemoRegion, ouzel: Partnership, *, surname: str, line1: str, child: str, days: tuple):
    from doorstep.engagement.models import ContactKind, Outcome
    from doorstep.engagement.services import contact_record
    from doorstep.families.models import MemberRole
    from doorstep.families.services import family_create, involvement_start, person_add

    police, health = region.practitioner("police"), region.practitioner("health")
    today = timezone.localdate()
    family = family_create(
        by=police, partnership=ouzel, name=f"{surname} household", line1=line1, town="Ouzelford",
        postcode="OZ1 4QT", reason="Repeated domestic abuse call-outs; the children were not seen.",
        moved_in=today - timedelta(days=400), involved_since=today - timedelta(days=90),
        summary="Synthetic demo family in the Ouzel Valley partnership (Milton Keynes procedures).")
    person_add(family=family, by=police, role=MemberRole.PARENT, given_name="Jodie", family_name=surname)
    person_add(family=family, by=police, role=MemberRole.CHILD, given_name=child, family_name=surname,
               date_of_birth=today - timedelta(days=6 * 365))
    involvement_start(family=family, by=police, agency=region.agencies["health"], lead_professional=health,
                      reason="Health visiting: the youngest child's development checks are overdue.",
                      started_on=today - timedelta(days=80))
    for days_ago in days:  # ESC-3 (001 §5.1.9.1): no access, discuss with the line manager
        contact_record(family=family, by=police, kind=ContactKind.HOME_VISIT, outcome=Outcome.NO_ANSWER,
                       occurred_at=timezone.now() - timedelta(days=days_ago, hours=2),
                       purpose="Welfare visit after the call-out.")
    region.families[surname.lower()] = family
    return family


def load_second_partnership(region: DemoRegion) -> None:
    from doorstep.escalations.models import ACTIVE_STATES, Escalation

    ouzel = Partnership.objects.get(name=OUZEL)
    ouzel.agencies.set([region.agencies[key] for key in CROSSING])
    _ouzel_family(region, ouzel, surname="Ashdown-Reid", line1="14 Lovat Street", child="Tyler", days=(12, 5))
    _ouzel_family(region, ouzel, surname="Kemp", line1="3 Tickford Mews", child="Poppy", days=(9,))
    # The first that has an open action under a rule the Milton Keynes procedures have, so that the action moved
    # cites their clause; else the first with any open action with a deadline.
    movable = Escalation.objects.filter(state__in=ACTIVE_STATES, deadline__gt=timezone.now(),
                                        trigger_date__isnull=False)
    candidates = [region.families[key] for key in MOVERS if key in region.families]
    mover = next((f for f in candidates if movable.filter(family=f, rule_id__in=MILTON_KEYNES.includes).exists()),
                 next((f for f in candidates if movable.filter(family=f).exists()), None))
    if mover is not None:
        family_transfer(family=mover, to_partnership=ouzel, by=region.manager("health"),
                        reason="The family moved to Ouzelford, in the Ouzel Valley partnership's area.")
