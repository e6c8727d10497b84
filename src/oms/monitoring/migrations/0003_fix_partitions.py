"""Fixes partitioned by day on PostgreSQL (docs/monitoring.md, "Storage, partitioning and retention").

The model does not change, so Django's state does not either: on PostgreSQL the table is rebuilt as a
range-partitioned one (day partitions for the days it holds and for today and the days ahead, plus a
default partition), keeping its rows, ids and constraint and index names. Nothing happens on SQLite.
Going back leaves the partitioned table in place: it serves the same model.
"""

import datetime as dt

from django.db import migrations


def partition_fixes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from oms.core import clock
    from oms.monitoring.services import partitions

    if partitions.partitioned(schema_editor.connection):
        return
    partitions.convert_table(schema_editor.connection, clock.now().astimezone(dt.UTC).date())


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0002_alcohol_readings")]

    operations = [migrations.RunPython(partition_fixes, migrations.RunPython.noop, elidable=False)]
