"""Writes of the oversight capability (OVR-1): computing a family's drift signals and visit discrepancies (the
nightly job, oversight/scheduled.py), and the worker's explanation of a discrepancy."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from doorstep.audit.models import AuditAction
from doorstep.audit.services import audit_record
from doorstep.core.texts import Text, text_to_json
from doorstep.escalations.services import rule_settings
from doorstep.families.models import Family

from . import facts as oversight_facts
from .models import DriftSignal, Explanation, OversightCheck, VisitDiscrepancy
from .rules import drift_signals, visit_discrepancies


@transaction.atomic
def family_oversight_compute(*, family: Family, now: datetime) -> tuple[list[DriftSignal], list[VisitDiscrepancy]]:
    """Recompute one family's drift signals and visit discrepancies, in one transaction and a fixed number of
    queries (facts.py). Idempotent: a signal is one row per family and kind, a discrepancy one row per contact and
    kind; what no longer holds is removed, except a discrepancy the worker has explained (their explanation stays)."""
    enabled, params = rule_settings("OVR-1")
    _esc8_enabled, esc_8 = rule_settings("ESC-8")
    esc_10_enabled, esc_10 = rule_settings("ESC-10")
    gathered = oversight_facts.oversight_facts(family=family, now=now, params=params)
    # An administrator may switch OVR-1 off on the Rule settings page: then nothing is shown (explanations stay).
    signals = drift_signals(gathered, params, not_seen_alone_days=esc_8["not_seen_alone_days"], esc_10_params=esc_10,
                            esc_10_enabled=esc_10_enabled) if enabled else []
    DriftSignal.objects.filter(family=family).exclude(kind__in=[s.kind for s in signals]).delete()
    rows = []
    for signal in signals:
        row, _created = DriftSignal.objects.update_or_create(
            family=family, kind=signal.kind,
            defaults={"reasons": [text_to_json(r) for r in signal.reasons], "computed_at": now})
        rows.append(row)

    contacts, sessions, first = oversight_facts.lone_working_facts(family=family, now=now, params=params)
    found = visit_discrepancies(contacts=contacts, sessions=sessions, first_sessions=first, params=params,
                                now=now) if enabled else []
    workers = {c.id: c.worker_id for c in contacts}
    keep = {(d.contact_id, d.kind) for d in found}
    # What no longer holds goes (unless explained): a contact compared again without it, or entered in error. A
    # contact that has aged out of the compared period keeps what was found until it is explained.
    compared = {c.id for c in contacts}
    stale = [pk for pk, contact_id, kind, in_error in VisitDiscrepancy.objects.filter(family=family, explanation="")
             .values_list("pk", "contact_id", "kind", "contact__entered_in_error")
             if in_error or (contact_id in compared and (contact_id, kind) not in keep)]
    VisitDiscrepancy.objects.filter(pk__in=stale).delete()
    existing = {(d.contact_id, d.kind): d for d in VisitDiscrepancy.objects.filter(family=family)}
    discrepancies = []
    for d in found:
        row = existing.get((d.contact_id, d.kind))
        evidence = [text_to_json(t) for t in d.evidence]
        if row is None:
            row = VisitDiscrepancy.objects.create(contact_id=d.contact_id, family=family, worker_id=workers[d.contact_id],
                                                  kind=d.kind, visit_id=d.visit_id, evidence=evidence, found_at=now)
        elif row.evidence != evidence or row.visit_id != d.visit_id:
            row.evidence, row.visit_id = evidence, d.visit_id
            row.save(update_fields=["evidence", "visit"])
        discrepancies.append(row)
    OversightCheck.objects.update_or_create(family=family, defaults={"computed_at": now})
    return rows, discrepancies


@transaction.atomic
def discrepancy_explain(*, discrepancy: VisitDiscrepancy, by, explanation: str, note: str = "") -> VisitDiscrepancy:
    """The worker explains a visit discrepancy (issue 19: "the worker can explain"). Audited; a new explanation
    replaces the earlier one, which the audit trail keeps."""
    if by.pk != discrepancy.worker_id:
        raise PermissionDenied(_("Only the worker who recorded the contact explains it."))
    errors = {}
    if explanation not in Explanation.values:
        errors["explanation"] = _("Select an explanation")
    note = note.strip()
    if explanation == Explanation.OTHER and not note:
        errors["note"] = _("Say what happened")
    if errors:
        raise ValidationError(errors)
    discrepancy = VisitDiscrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    discrepancy.explanation, discrepancy.explanation_note = explanation, note
    discrepancy.explained_at, discrepancy.explained_by = timezone.now(), by
    discrepancy.save(update_fields=["explanation", "explanation_note", "explained_at", "explained_by"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=discrepancy, family=discrepancy.family,
                 summary=Text(gettext_noop("Explained a visit discrepancy: %(explanation)s"),
                              {"explanation": Explanation(explanation).label}),
                 reason=note)
    return discrepancy


