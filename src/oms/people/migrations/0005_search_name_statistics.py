"""Finer planner statistics for the name columns search reads by prefix.

PostgreSQL estimates a prefix range ("mohammed" <= given_norm < "mohammee") from its histogram and,
with the default 100 buckets over thousands of names, guesses one row for a name thousands of people
share; it then walks that name's index and filters by the other name part, row by row. With 300
most-common values the common names are counted, and the planner picks the composite index that
pins both parts. (1,000 plans no better at 1M people and triples the planning time of a search.)
SQLite has no such setting; there the migration does nothing.
"""

from django.db import migrations

_COLUMNS = ("family_norm", "given_norm")
_STATISTICS_TARGET = 300


def _set_statistics(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    changes = ", ".join(f"ALTER COLUMN {quote(column)} SET STATISTICS {target}" for column in _COLUMNS)
    schema_editor.execute(f"ALTER TABLE {quote('people_personname')} {changes}")


def raise_statistics(apps, schema_editor):
    _set_statistics(schema_editor, _STATISTICS_TARGET)


def restore_default_statistics(apps, schema_editor):
    _set_statistics(schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_pair_indexes"),
    ]

    operations = [
        migrations.RunPython(raise_statistics, restore_default_statistics, elidable=False),
    ]
