"""Writes of partnerships (issue 21): creating one (a deployment administrator), changing its protocol preset (with a
reason, audited, ESC-12), and choosing a new family's partnership. Each writes its audit row in its transaction."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.agencies.models import Professional, Role
from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text

from .models import DEFAULT_NAME, DEFAULT_NAME_CY, Nation, Partnership, PresetChange
from .presets import ALL_FIVE, PRESETS
from .selectors import is_deployment_administrator, partnership_may_manage, partnerships_of_agency

# The audit row of a partnership's creation (also written by the generated region, partnerships/generation.py).
PARTNERSHIP_CREATED = Text(gettext_noop("Created the partnership %(name)s (%(preset)s)"))


def preset_apply(*, partnership: Partnership, by: Professional | None) -> None:
    """Write the partnership's rule settings from its preset: every rule on or off, with the protocol's thresholds
    and timescales (an administrator's earlier changes give way; their history stays)."""
    from doorstep.escalations.models import FamilyCheck, RuleSetting
    from doorstep.escalations.rules import RULES

    preset = PRESETS[partnership.preset]
    stored = {s.rule_id: s for s in RuleSetting.objects.select_for_update().filter(partnership=partnership)}
    new = []
    for rule_id in RULES:
        state = preset.rule_state(rule_id)
        row = stored.get(rule_id)
        if row is None:
            new.append(RuleSetting(partnership=partnership, rule_id=rule_id, enabled=state.enabled,
                                   parameters=dict(state.parameters), updated_by=by))
        elif row.enabled != state.enabled or row.parameters != dict(state.parameters):
            row.enabled, row.parameters, row.updated_by = state.enabled, dict(state.parameters), by
            row.save()
    RuleSetting.objects.bulk_create(new)
    FamilyCheck.objects.filter(due_at__gt=timezone.now(), family__partnership=partnership).update(
        due_at=timezone.now())


def partnership_default() -> Partnership:
    """The deployment's default partnership, made from its settings (DOORSTEP_NATION, all five protocols) if there is
    none yet (the data migration makes it; a test database emptied between tests may not have it)."""
    partnership = Partnership.objects.filter(is_default=True).first()
    if partnership is not None:
        return partnership
    with transaction.atomic():
        partnership, created = Partnership.objects.get_or_create(
            is_default=True, defaults={"name": DEFAULT_NAME, "name_cy": DEFAULT_NAME_CY,
                                       "nation": settings.DOORSTEP_NATION, "preset": ALL_FIVE})
        if created:
            preset_apply(partnership=partnership, by=None)
    return partnership


def _validate(*, name: str, nation: str, preset: str, board_chairs: Iterable[Professional],
              administrators: Iterable[Professional], exclude_pk: int | None = None) -> dict:
    errors = {}
    if not name.strip():
        errors["name"] = _("Enter the partnership's name")
    elif Partnership.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        errors["name"] = _("There is already a partnership with this name")
    if nation not in Nation.values:
        errors["nation"] = _("Select the nation whose bank holidays the partnership keeps")
    if preset not in PRESETS:
        errors["preset"] = _("Select the protocol the partnership starts from")
    if any(p.role != Role.BOARD_CHAIR for p in board_chairs):
        errors["board_chairs"] = _("A partnership's Board chair must have the Board chair role")
    if any(p.role != Role.ADMINISTRATOR for p in administrators):
        errors["administrators"] = _("A partnership's administrator must have the administrator role")
    return errors


@transaction.atomic
def partnership_create(*, by: Professional, name: str, name_cy: str = "", nation: str, preset: str,
                       agencies: Iterable = (), board_chairs: Iterable[Professional] = (),
                       administrators: Iterable[Professional] = ()) -> Partnership:
    """A deployment administrator creates a partnership, starting from a protocol preset (issue 21)."""
    if not is_deployment_administrator(by):
        raise PermissionDenied(_("Only the deployment's administrators create partnerships."))
    board_chairs, administrators = list(board_chairs), list(administrators)
    errors = _validate(name=name, nation=nation, preset=preset, board_chairs=board_chairs,
                       administrators=administrators)
    if errors:
        raise ValidationError(errors)
    partnership = Partnership.objects.create(name=name.strip(), name_cy=name_cy.strip(), nation=nation,
                                             preset=preset, created_by=by)
    partnership.agencies.set(list(agencies))
    partnership.board_chairs.set(board_chairs)
    partnership.administrators.set(administrators)
    preset_apply(partnership=partnership, by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=partnership,
                 summary=PARTNERSHIP_CREATED % {"name": partnership.name_text, "preset": PRESETS[preset].name})
    return partnership


@transaction.atomic
def partnership_preset_change(*, partnership: Partnership, by: Professional, preset: str,
                              reason: str) -> Partnership:
    """A partnership's administrator changes the protocol it runs (ESC-12): the rules, thresholds, timescales and
    clauses of the new preset apply to actions raised from now on; open actions keep theirs."""
    if not partnership_may_manage(professional=by, partnership=partnership):
        raise PermissionDenied(_("Only this partnership's administrators change its protocol."))
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    errors = {}
    if preset not in PRESETS:
        errors["preset"] = _("Select the protocol the partnership runs")
    elif preset == partnership.preset:
        errors["preset"] = _("The partnership already runs this protocol: select another")
    if not reason.strip():
        errors["reason"] = _("Enter why the partnership's protocol is changing")
    if errors:
        raise ValidationError(errors)
    before = partnership.preset
    partnership.preset = preset
    partnership.save(update_fields=["preset", "updated_at"])
    PresetChange.objects.create(partnership=partnership, changed_by=by, before=before, after=preset,
                                reason=reason.strip())
    preset_apply(partnership=partnership, by=by)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=partnership,
                 summary=Text(gettext_noop("Changed the partnership's protocol from %(before)s to %(after)s")) % {
                     "before": PRESETS[before].name, "after": PRESETS[preset].name},
                 reason=reason.strip())
    return partnership


def family_partnership_choose(*, by: Professional, partnership: Partnership | None) -> Partnership:
    """The partnership a new family belongs to (issue 21): one the creating agency works in, chosen automatically
    when it works in only one. An agency not yet in any partnership opens families in the deployment's default."""
    candidates = partnerships_of_agency(by.agency_id)
    if not candidates:
        return partnership or partnership_default()
    if partnership is not None:
        if partnership.pk not in {p.pk for p in candidates}:
            raise ValidationError({"partnership": _("Select a partnership your agency works in")})
        return partnership
    if len(candidates) == 1:
        return candidates[0]
    raise ValidationError({"partnership": _("Select which partnership the family belongs to: every family belongs "
                                            "to exactly one")})
