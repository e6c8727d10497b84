"""The stored chain: append-only in the database, checkpoints, verification and the CLI (AUD-4, AUD-5)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from oms.audit import queries, services
from oms.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from oms.audit.rules import sign_checkpoint
from oms.audit.signing import signing_key
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied, ServiceUnavailable
from tests.factories import actor_of

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(channel="cli", name="cli")


def record(n: int, actor: Actor = SYSTEM) -> list[AuditEvent]:
    return [services.record_event(actor, "test.thing_done", object_type="thing", object_id=i) for i in range(n)]


def sql(statement: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def switch_off_append_only_triggers():
    """What a database superuser could do; undone when the test's transaction rolls back."""
    if connection.vendor == "postgresql":
        sql("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        sql("ALTER TABLE audit_auditcheckpoint DISABLE TRIGGER USER")
    else:
        for name in ("audit_event_no_update", "audit_event_no_delete", "audit_checkpoint_no_delete"):
            sql(f"DROP TRIGGER {name}")


def verify_cli() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, err.getvalue().strip()
    return 0, out.getvalue().strip()


# --- append-only (AUD-4) ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'tampered'",
        "UPDATE audit_auditevent SET reason = 'x' WHERE seq = 1",
        "DELETE FROM audit_auditevent",
        "DELETE FROM audit_auditevent WHERE seq = 2",
        "UPDATE audit_auditcheckpoint SET hash = 'x'",
        "DELETE FROM audit_auditcheckpoint",
    ],
)
def test_the_database_rejects_raw_update_and_delete(statement, settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = 1
    record(3)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql(statement)
    assert AuditEvent.objects.count() == 3
    assert AuditCheckpoint.objects.count() == 3


def test_the_database_rejects_orm_update_and_delete():
    record(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=1).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(seq=2).delete()
    event = AuditEvent.objects.get(seq=1)
    event.reason = "tampered"
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.thing_done"] * 2


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_rejects_truncate():
    record(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("TRUNCATE audit_auditevent")


# --- checkpoints -----------------------------------------------------------------------------------
def test_a_signed_checkpoint_is_written_every_interval(settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = 4
    events = record(9)
    checkpoints = list(AuditCheckpoint.objects.values_list("seq", "hash", "signature"))
    assert [seq for seq, _, _ in checkpoints] == [4, 8]
    for seq, hash_, signature in checkpoints:
        assert hash_ == events[seq - 1].hash
        assert signature == sign_checkpoint(signing_key(), seq, hash_)


def test_bulk_append_builds_the_same_valid_chain_with_checkpoints(settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = 10
    record(3)
    written = services.record_events_in_bulk(SYSTEM, ({"action": "test.bulk_done", "object_id": i} for i in range(25)))
    assert written == 25
    assert AuditChainHead.objects.get(pk=1).seq == 28
    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [10, 20]
    assert queries.verify_stored_chain(SYSTEM).ok


def test_bulk_append_refuses_unknown_fields():
    with pytest.raises(TypeError, match="password"):
        services.record_events_in_bulk(SYSTEM, [{"action": "test.bulk_done", "password": "x"}])


def test_the_checkpoint_command_signs_the_head():
    record(2)
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.seq == 2
    assert f"position 2, hash {checkpoint.hash}" in out.getvalue()
    assert AuditEvent.objects.filter(action="audit.checkpoint_written").count() == 1


def test_checkpoints_need_the_verify_permission(alice):
    with pytest.raises(PermissionDenied):
        services.write_checkpoint(actor_of(alice))


# --- verification ----------------------------------------------------------------------------------
def test_verify_reports_ok_with_the_count_and_head():
    record(5)
    head = AuditChainHead.objects.get(pk=1)
    code, output = verify_cli()
    assert code == 0
    assert output == f"OK: 5 events, head {head.hash}"
    assert AuditEvent.objects.filter(action="audit.chain_verified", outcome="success").count() == 1


def test_verify_survives_ipv6_and_json_round_trips():
    actor = Actor(user_id=7, username="ursula", channel="api", ip="2001:DB8:0:0::1", request_id="r" * 12)
    services.record_event(actor, "test.thing_done", details={"nested": {"b": 1, "a": [1, "two", None]}, "f": 1.5})
    assert queries.verify_stored_chain(SYSTEM).ok


def test_verify_finds_an_edit_made_by_a_superuser():
    record(6)
    switch_off_append_only_triggers()
    sql("UPDATE audit_auditevent SET actor_username = 'mallory' WHERE seq = 4")
    assert verify_cli() == (1, "FAIL at position 4: content does not match its hash (edited)")
    assert AuditEvent.objects.filter(action="audit.chain_verified", outcome="failure").exists()


def test_verify_finds_a_deleted_event():
    record(6)
    switch_off_append_only_triggers()
    sql("DELETE FROM audit_auditevent WHERE seq = 2")
    code, output = verify_cli()
    assert code == 1
    assert output.startswith("FAIL at position 2: event 2 is missing")


def test_verify_finds_a_truncated_tail_even_with_the_head_moved_back(settings):
    settings.AUDIT_CHECKPOINT_INTERVAL = 5
    events = record(7)
    switch_off_append_only_triggers()
    sql("DELETE FROM audit_auditevent WHERE seq > 3")
    AuditChainHead.objects.filter(pk=1).update(seq=3, hash=events[2].hash)
    code, output = verify_cli()
    assert code == 1
    assert output.startswith("FAIL at position 4: events missing after position 3 (truncated)")


def test_verify_finds_a_head_row_moved_back_over_events_still_present():
    events = record(5)
    AuditChainHead.objects.filter(pk=1).update(seq=3, hash=events[2].hash)
    code, output = verify_cli()
    assert code == 1
    assert output.startswith("FAIL at position 4: events after the recorded chain head (seq 3)")


def test_verify_finds_a_rewritten_tail_at_the_first_signed_checkpoint(settings):
    """Recomputing every later hash defeats the chain alone; the signed checkpoint still holds."""
    settings.AUDIT_CHECKPOINT_INTERVAL = 4
    record(6)
    switch_off_append_only_triggers()
    rows = list(AuditEvent.objects.order_by("seq"))
    from oms.audit.rules import GENESIS, chain_hash

    prev = GENESIS
    for row in rows:
        fields = {name: getattr(row, name) for name in queries.STORED_FIELDS}
        if row.seq == 2:
            fields["reason"] = "rewritten"
        new_hash = chain_hash(prev, fields)
        sql(
            "UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [fields["reason"], prev, new_hash, row.seq],
        )
        prev = new_hash
    AuditChainHead.objects.filter(pk=1).update(hash=prev)
    code, output = verify_cli()
    assert code == 1
    assert output.startswith("FAIL at position 4: hash differs from the signed checkpoint")


def test_a_missing_head_row_fails_verification_and_stops_all_auditing():
    record(2)
    AuditChainHead.objects.all().delete()
    result = queries.verify_stored_chain(SYSTEM)
    assert (result.ok, result.reason) == (False, "the chain head row is missing")
    with pytest.raises(ServiceUnavailable):
        record(1)


def test_verify_needs_the_verify_permission(dave):
    with pytest.raises(PermissionDenied):
        queries.verify_stored_chain(actor_of(dave))


# --- the search command ----------------------------------------------------------------------------
def test_the_search_command_lists_matching_events_and_is_audited(alice):
    record(2, actor_of(alice))
    record(1)
    out = io.StringIO()
    call_command("audit", "search", "--user", "ALICE", "--since", "2000-01-01", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 3
    assert all("\talice\ttest.thing_done" in line for line in lines[:2])
    assert lines[-1] == "Page 1 of 1 (2 events)"
    searched = AuditEvent.objects.get(action="audit.events_searched")
    assert searched.channel == "cli"
    assert searched.details["username"] == "ALICE"


def test_the_search_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("audit", "search", "--since", "yesterday")


# --- the signing key -------------------------------------------------------------------------------
@pytest.fixture
def fresh_key():
    signing_key.cache_clear()
    yield
    signing_key.cache_clear()


def test_the_key_comes_from_the_file_when_set(settings, tmp_path, fresh_key):
    key_file = tmp_path / "audit.key"
    key_file.write_text("a" * 40 + "\n")
    settings.AUDIT_SIGNING_KEY_FILE = str(key_file)
    assert signing_key() == b"a" * 40


def test_production_refuses_to_run_without_a_good_key_file(settings, tmp_path, fresh_key):
    from oms.audit.signing import signing_key_problems

    settings.PRODUCTION = True
    settings.AUDIT_SIGNING_KEY_FILE = ""
    assert [p.id for p in signing_key_problems()] == ["oms.audit.E001"]
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "missing")
    assert [p.id for p in signing_key_problems()] == ["oms.audit.E002"]
    (tmp_path / "short").write_text("too short")
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "short")
    assert [p.id for p in signing_key_problems()] == ["oms.audit.E003"]


def test_a_checkpoint_that_cannot_be_signed_fails_the_write_closed(settings, fresh_key):
    settings.PRODUCTION = True
    settings.AUDIT_SIGNING_KEY_FILE = ""
    settings.AUDIT_CHECKPOINT_INTERVAL = 2
    record(1)
    # As an entry point does: the failed append spoils the transaction it ran in, which rolls back.
    with pytest.raises(ServiceUnavailable), transaction.atomic():
        record(1)
    assert AuditEvent.objects.count() == 1
