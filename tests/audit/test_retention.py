"""Retention purge (AUD-4, AUD-6): only old events go, only through the purge's own path, and the
remaining chain still verifies from a signed anchor; tampering after a purge is still found."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from oms.audit import queries, services, tasks
from oms.audit.models import AuditChainHead, AuditEvent, AuditPurgeAuthorisation, AuditRetentionAnchor
from oms.audit.rules import sign_checkpoint, sign_retention_anchor
from oms.audit.signing import signing_key
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied, RuleViolation
from tests.audit.test_chain import sql, switch_off_append_only_triggers
from tests.factories import actor_of

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(channel="cli", name="cli")
NOW = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)


def record_at(when: dt.datetime, n: int, action: str = "test.thing_done") -> None:
    with clock.freeze(when):
        for i in range(n):
            services.record_event(SYSTEM, action, object_type="thing", object_id=i)


@pytest.fixture
def old_and_new():
    """Three events from three years ago, two from 400 days ago, two from last week (default 730 days)."""
    record_at(NOW - dt.timedelta(days=3 * 365), 3)
    record_at(NOW - dt.timedelta(days=400), 2)
    record_at(NOW - dt.timedelta(days=7), 2)


def purge(*, dry_run: bool = False) -> services.PurgeResult:
    with clock.freeze(NOW), transaction.atomic():
        return services.purge_expired_events(SYSTEM, dry_run=dry_run)


def verify() -> str:
    return queries.verify_stored_chain(SYSTEM).summary()


def test_the_purge_deletes_only_events_past_retention_and_records_itself(old_and_new):
    result = purge()
    assert (result.events, result.first_seq, result.last_seq) == (3, 1, 3)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [4, 5, 6, 7, 8]
    event = AuditEvent.objects.get(seq=8)
    assert event.action == "audit.events_purged"
    assert event.details["events"] == 3
    assert (event.details["first_seq"], event.details["last_seq"]) == (1, 3)
    assert event.details["retention_days"] == 730
    assert event.details["oldest_at"].startswith(str((NOW - dt.timedelta(days=3 * 365)).date()))
    assert AuditPurgeAuthorisation.objects.count() == 0  # the gap is closed again


def test_the_purge_leaves_a_signed_anchor_and_the_rest_verifies(old_and_new):
    third_hash = AuditEvent.objects.get(seq=3).hash
    purge()
    anchor = AuditRetentionAnchor.objects.get()
    assert (anchor.seq, anchor.hash, anchor.events_purged) == (3, third_hash, 3)
    assert anchor.signature == sign_retention_anchor(signing_key(), 3, third_hash)
    assert AuditEvent.objects.get(seq=4).prev_hash == third_hash
    head = AuditChainHead.objects.get(pk=1)
    assert verify() == f"OK: 5 events, head {head.hash}"
    code = io.StringIO()
    call_command("audit", "verify", stdout=code)
    assert code.getvalue().startswith("OK: 5 events")


def test_a_second_purge_starts_from_the_newest_anchor(old_and_new, settings):
    purge()
    settings.AUDIT_RETENTION_DAYS = 365
    result = purge()
    assert (result.first_seq, result.last_seq) == (4, 5)
    assert list(AuditRetentionAnchor.objects.values_list("seq", flat=True)) == [3, 5]
    assert queries.verify_stored_chain(SYSTEM).ok


def test_nothing_due_means_nothing_deleted_and_nothing_recorded():
    record_at(NOW - dt.timedelta(days=10), 3)
    result = purge()
    assert result.events == 0
    assert AuditEvent.objects.count() == 3
    assert not AuditRetentionAnchor.objects.exists()


def test_a_dry_run_reports_and_changes_nothing(old_and_new):
    result = purge(dry_run=True)
    assert (result.events, result.first_seq, result.last_seq, result.dry_run) == (3, 1, 3, True)
    assert AuditEvent.objects.count() == 7
    assert not AuditRetentionAnchor.objects.exists()


def test_only_a_prefix_goes_even_if_a_later_event_is_old():
    # A clock stepping back makes position 2 look newer than 3: only position 1 may go, or the chain breaks.
    record_at(NOW - dt.timedelta(days=800), 1)
    record_at(NOW - dt.timedelta(days=10), 1)
    record_at(NOW - dt.timedelta(days=900), 1)
    assert purge().last_seq == 1
    assert list(AuditEvent.objects.values_list("seq", flat=True)[:3]) == [2, 3, 4]
    assert queries.verify_stored_chain(SYSTEM).ok


def test_ordinary_deletes_are_still_rejected_after_a_purge(old_and_new):
    purge()
    for statement in ("DELETE FROM audit_auditevent WHERE seq = 4", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("UPDATE audit_auditevent SET reason = 'x' WHERE seq = 4")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM audit_auditretentionanchor")
    assert AuditEvent.objects.count() == 5


def test_the_purge_gap_covers_only_the_authorised_positions(old_and_new):
    with transaction.atomic():
        services._authorise_deletion_through(3)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql("DELETE FROM audit_auditevent WHERE seq = 4")
        sql("DELETE FROM audit_auditevent WHERE seq <= 3")
        services._authorise_deletion_through(None)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql("DELETE FROM audit_auditevent WHERE seq = 5")
    assert AuditEvent.objects.count() == 4


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_the_postgresql_gap_ends_with_its_transaction():
    record_at(NOW - dt.timedelta(days=3 * 365), 2)
    with transaction.atomic():
        services._authorise_deletion_through(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        sql("DELETE FROM audit_auditevent WHERE seq = 1")
    assert AuditEvent.objects.count() == 2


def test_deleting_the_start_without_an_anchor_is_reported(old_and_new):
    # What the purge gap alone would allow: events gone but no signed anchor (no key, no anchor).
    with transaction.atomic():
        services._authorise_deletion_through(3)
        sql("DELETE FROM audit_auditevent WHERE seq <= 3")
        services._authorise_deletion_through(None)
    result = queries.verify_stored_chain(SYSTEM)
    assert not result.ok and result.position == 1


def test_an_ordinary_checkpoint_cannot_stand_in_for_an_anchor(old_and_new):
    switch_off_append_only_triggers()
    third_hash = AuditEvent.objects.get(seq=3).hash
    AuditRetentionAnchor.objects.create(
        seq=3, hash=third_hash, signature=sign_checkpoint(signing_key(), 3, third_hash), events_purged=3, created_at=NOW
    )
    sql("DELETE FROM audit_auditevent WHERE seq <= 3")
    result = queries.verify_stored_chain(SYSTEM)
    assert not result.ok and result.position == 4
    assert "retention anchor" in result.reason


def test_tampering_after_a_purge_is_still_detected(old_and_new):
    purge()
    switch_off_append_only_triggers()
    sql("UPDATE audit_auditevent SET reason = 'tampered' WHERE seq = 6")
    result = queries.verify_stored_chain(SYSTEM)
    assert (result.ok, result.position) == (False, 6)


def test_deleting_the_first_surviving_event_after_a_purge_is_detected(old_and_new):
    purge()
    switch_off_append_only_triggers()
    sql("DELETE FROM audit_auditevent WHERE seq = 4")
    result = queries.verify_stored_chain(SYSTEM)
    assert (result.ok, result.position) == (False, 4)


def test_an_event_left_behind_the_anchor_is_detected(old_and_new):
    purge()
    switch_off_append_only_triggers()
    # Put back a purged position: the chain after the anchor must start at the anchor's next position.
    sql(
        "INSERT INTO audit_auditevent (seq, occurred_at, actor_username, channel, request_id, action, outcome,"
        " object_type, object_id, changed_fields, details, reason, prev_hash, hash)"
        " SELECT 2, occurred_at, actor_username, channel, request_id, action, outcome, object_type, object_id,"
        " changed_fields, details, reason, prev_hash, hash FROM audit_auditevent WHERE seq = 4"
    )
    result = queries.verify_stored_chain(SYSTEM)
    assert not result.ok and result.position == 4


def test_the_purge_needs_the_purge_permission(alice, erin, old_and_new):
    for user in (alice, erin):
        with pytest.raises(PermissionDenied):
            services.purge_expired_events(actor_of(user))
    assert AuditEvent.objects.count() == 7


def test_retention_below_a_year_is_refused(settings, old_and_new):
    settings.AUDIT_RETENTION_DAYS = 364
    with pytest.raises(RuleViolation) as error:
        purge()
    assert error.value.field == "OMS_AUDIT_RETENTION_DAYS"
    assert AuditEvent.objects.count() == 7
    assert [m.id for m in services.retention_problems()] == ["oms.audit.E002"]
    assert any(m.id == "oms.audit.E002" for m in checks.run_checks(tags=[checks.Tags.security]))
    with pytest.raises(CommandError, match="at least 365"), clock.freeze(NOW):
        call_command("audit", "purge")


def test_the_default_retention_is_two_years():
    assert services.retention_days() == 730
    assert services.retention_problems() == []


def test_the_cli_purges_and_says_what_it_did(old_and_new):
    out = io.StringIO()
    with clock.freeze(NOW):
        call_command("audit", "purge", "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would purge 3 events (positions 1..3")
    assert AuditEvent.objects.count() == 7
    out = io.StringIO()
    with clock.freeze(NOW):
        call_command("audit", "purge", stdout=out)
    assert out.getvalue().startswith("Purged 3 events (positions 1..3")
    assert "anchor at position 3" in out.getvalue()
    with clock.freeze(NOW):
        call_command("audit", "purge", stdout=(out := io.StringIO()))
    assert out.getvalue().startswith("Nothing to purge")


def test_the_daily_job_is_scheduled_and_purges(settings, old_and_new):
    spec = settings.SCHEDULE["audit.purge_expired_events"]
    assert spec["task"] == "oms.audit.tasks.purge_expired_events"
    assert spec["every"] == dt.timedelta(days=1)
    with clock.freeze(NOW):
        summary = tasks.purge_expired_events.call()
    assert summary == {"events": 3, "first_seq": 1, "last_seq": 3}
    event = AuditEvent.objects.get(action="audit.events_purged")
    assert event.actor_username == "audit.retention" and event.channel == "job"


def test_connection_is_not_left_authorised(old_and_new):
    purge()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(current_setting('oms.audit_purge_through', true), '')")
            assert cursor.fetchone()[0] == ""
