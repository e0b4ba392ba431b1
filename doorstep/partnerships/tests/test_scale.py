"""Issue 21, "Scale and isolation": every partnership-owned table carries partnership_id, indexed, so that a deployment
can later be partitioned or sharded by partnership; the tables of a family's record reach the partnership through
family_id, indexed (one hop: Family.partnership). The decision and what a later partitioning would need are in
docs/performance.md ("Partnerships: which tables carry partnership_id"). Checked against the database's own indexes,
on SQLite and PostgreSQL alike."""

import pytest
from django.apps import apps
from django.db import connection

from doorstep.families.models import Family
from doorstep.partnerships.models import Partnership


def _indexed_first_columns(table: str) -> set[str]:
    """The columns an index (or unique or primary key constraint) of the table starts with, as the database has them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["columns"][0] for c in constraints.values()
            if c["columns"] and (c["index"] or c["unique"] or c["primary_key"])}


def _referring(model) -> dict[str, list[str]]:
    """table -> the columns of its foreign keys to `model` (the many-to-many tables' too)."""
    found: dict[str, list[str]] = {}
    for m in apps.get_models(include_auto_created=True):
        if m._meta.proxy or not m._meta.managed:
            continue
        for field in m._meta.concrete_fields:
            if field.is_relation and field.related_model is model:
                found.setdefault(m._meta.db_table, []).append(field.column)
    return found


@pytest.mark.django_db
def test_issue_21_every_table_that_belongs_to_a_partnership_has_partnership_id_indexed():
    owned = _referring(Partnership)
    # The ones issue 21's first part made (others may follow: the check below covers every one).
    assert {"families_family", "escalations_rulesetting", "escalations_rulesettingchange", "partnerships_presetchange",
            "partnerships_partnership_agencies", "partnerships_partnership_board_chairs",
            "partnerships_partnership_administrators"} <= set(owned)
    assert owned["families_family"] == ["partnership_id"]
    unindexed = [(table, column) for table, columns in owned.items() for column in columns
                 if column not in _indexed_first_columns(table)]
    assert unindexed == []


@pytest.mark.django_db
def test_issue_21_every_table_of_a_familys_record_reaches_its_partnership_through_an_indexed_family_id():
    """Contacts, chronology, people, involvements, actions, markers ... carry family_id, not partnership_id: one
    indexed hop to families_family.partnership_id (the sharding key would be the family's partnership)."""
    record = _referring(Family)
    assert {"engagement_contact", "chronology_chronologyentry", "families_person", "families_involvement",
            "escalations_escalation", "markers_warningmarker", "audit_auditevent"} <= set(record)
    # (django-simple-history's tables are among them: their family_id is indexed too, without a constraint.)
    unindexed = [(table, column) for table, columns in record.items() for column in columns
                 if column not in _indexed_first_columns(table)]
    assert unindexed == []
