"""Retention purge (security.md AUD-4, AUD-6): a signed anchor where the chain starts after a purge,
and one controlled way past the append-only delete trigger.

The event table still rejects every UPDATE, every TRUNCATE and every ordinary DELETE. A DELETE passes
only inside the purge's own transaction, and only for positions up to the one it authorised:

- PostgreSQL: the transaction-local setting ``oms.audit_purge_through`` (``set_config(..., true)``),
  which ends with the transaction;
- SQLite: a row in ``audit_auditpurgeauthorisation``, written and removed in the same transaction.

Anchors are append-only like events and checkpoints.
"""

from django.db import migrations, models

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM audit_auditpurgeauthorisation WHERE OLD.seq <= through_seq)
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
    """CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE ON audit_auditretentionanchor
       BEGIN SELECT RAISE(ABORT, 'audit_auditretentionanchor is append-only'); END""",
    """CREATE TRIGGER audit_anchor_no_delete BEFORE DELETE ON audit_auditretentionanchor
       BEGIN SELECT RAISE(ABORT, 'audit_auditretentionanchor is append-only'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
    "DROP TRIGGER IF EXISTS audit_anchor_no_update",
    "DROP TRIGGER IF EXISTS audit_anchor_no_delete",
]
# What 0002 installed, put back when this migration is reversed.
SQLITE_RESTORE = [
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only'); END""",
]

POSTGRES_UP = [
    # Same name as 0002's function, so its row and statement triggers now run this body.
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'DELETE'
            AND OLD.seq <= coalesce(nullif(current_setting('oms.audit_purge_through', true), ''), '0')::bigint
         THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit_auditevent is append-only';
       END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION audit_anchor_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_auditretentionanchor is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_anchor_no_update BEFORE UPDATE OR DELETE ON audit_auditretentionanchor
       FOR EACH ROW EXECUTE FUNCTION audit_anchor_append_only()""",
    """CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_auditretentionanchor
       FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_append_only()""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_anchor_no_update ON audit_auditretentionanchor",
    "DROP TRIGGER IF EXISTS audit_anchor_no_truncate ON audit_auditretentionanchor",
    "DROP FUNCTION IF EXISTS audit_anchor_append_only()",
]
POSTGRES_RESTORE = [
    """CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_auditevent is append-only'; END; $$ LANGUAGE plpgsql""",
]


def install_triggers(apps, schema_editor):
    """Also run after 0002's install when tests flush the database (tests/conftest.py)."""
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def remove_triggers(apps, schema_editor):
    """Drop what this migration added (tests' flush lifts every append-only trigger this way)."""
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


def restore_plain_triggers(apps, schema_editor):
    remove_triggers(apps, schema_editor)
    statements = POSTGRES_RESTORE if schema_editor.connection.vendor == "postgresql" else SQLITE_RESTORE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_checkpoint_append_only")]

    operations = [
        migrations.CreateModel(
            name="AuditPurgeAuthorisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("through_seq", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="AuditRetentionAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seq", models.BigIntegerField(unique=True)),
                ("hash", models.CharField(max_length=64)),
                ("signature", models.CharField(max_length=64)),
                ("events_purged", models.BigIntegerField()),
                ("created_at", models.DateTimeField()),
            ],
            options={"ordering": ["seq"]},
        ),
        migrations.RunPython(install_triggers, restore_plain_triggers),
    ]
