"""Create the chain head row and make the audit table append-only in the database itself (AUD-4).

The triggers reject UPDATE and DELETE whoever connects, so neither a bug nor a person with the
application's database role can rewrite history through the ORM or raw SQL.
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_auditevent is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def install_triggers(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def remove_triggers(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


def create_head(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
