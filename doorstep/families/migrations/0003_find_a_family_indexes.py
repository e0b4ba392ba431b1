"""Issue 15: Find a family through indexes at 100,000 families.

- A typed reference is matched whatever its case: an index on UPPER(reference), on every database.
- Names and address lines are matched anywhere in the text (`icontains`, which PostgreSQL runs as
  `UPPER(col) LIKE UPPER('%word%')`): trigram GIN indexes on those expressions, PostgreSQL only (pg_trgm). They are
  not in the models' state, so that SQLite, the embedded demo database, never sees them; there a search scans.
- Postcodes are matched by prefix on `postcode_key`, already indexed (with `varchar_pattern_ops` on PostgreSQL).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Upper

# (index, table, column): each searched with `icontains` by families.selectors.family_search.
TRIGRAM_INDEXES = [
    ("family_name_trgm", "families_family", "name"),
    ("person_given_name_trgm", "families_person", "given_name"),
    ("person_family_name_trgm", "families_person", "family_name"),
    ("person_other_names_trgm", "families_person", "other_names"),
    ("address_line1_trgm", "families_address", "line1"),
    ("address_town_trgm", "families_address", "town"),
]


def trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}"::text) gin_trgm_ops)')


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("families", "0002_break_glass_ground"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="family",
            index=models.Index(Upper("reference"), name="family_reference_upper"),
        ),
        # A no-op on SQLite (CreateExtension runs on PostgreSQL only).
        TrigramExtension(),
        migrations.RunPython(trigram_indexes, drop_trigram_indexes),
    ]
