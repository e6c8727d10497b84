"""Fixes partitioned by day on PostgreSQL (migration 0003, services.partitions): a day's partition is
created ahead, a fix lands in its day's partition, the default partition catches a day without one (and
hands its fixes over when that day's partition is made), the purge drops whole expired partitions, and
ingest stays idempotent per device and time. On SQLite there are no partitions and the purge deletes rows.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.monitoring.models import Fix
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import fixes as fix_services
from oms.monitoring.services import partitions
from tests.monitoring.conftest import NOW
from tests.monitoring.factories import row

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only")
TODAY = NOW.date()


@pytest.fixture
def tag(mona_actor):
    return device_services.add_device(mona_actor, serial="TAG-1", kind="gps_tag")


def partition_of(at: dt.datetime) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM monitoring_fix WHERE recorded_at = %s", [at])
        return cursor.fetchone()[0]


def test_ingest_is_idempotent_on_either_database(feed_actor, tag):
    rows = [row("TAG-1", NOW - dt.timedelta(minutes=n)) for n in range(3)]
    first = fix_services.ingest_fixes(feed_actor, rows=rows)
    again = fix_services.ingest_fixes(feed_actor, rows=rows)
    assert (first.accepted, first.duplicates) == (3, 0)
    assert (again.accepted, again.duplicates) == (0, 3)
    assert Fix.objects.count() == 3


def test_sqlite_has_no_partitions_and_the_purge_deletes_rows(feed_actor, tag):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    assert partitions.partitioned() is False
    assert partitions.ensure_partitions(TODAY) == []
    assert fix_services.prepare_partitions(Actor.system()) == []
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW - dt.timedelta(days=91)), row("TAG-1", NOW)])
    assert fix_services.purge_fixes(Actor.system()) == 1
    assert Fix.objects.count() == 1


@postgresql_only
def test_the_fix_table_is_partitioned_with_a_default_partition():
    assert partitions.partitioned() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('monitoring_fix_default') IS NOT NULL")
        assert cursor.fetchone()[0] is True


@postgresql_only
def test_partitions_are_created_ahead_once(mona_actor):
    created = partitions.ensure_partitions(TODAY, ahead=2)
    assert created == [partitions.partition_name(TODAY + dt.timedelta(days=n)) for n in range(3)]
    assert partitions.ensure_partitions(TODAY, ahead=2) == []
    assert {TODAY, TODAY + dt.timedelta(days=2)} <= set(partitions.day_partitions())
    made = fix_services.prepare_partitions(Actor.system())  # the job's service: the setting's week ahead
    assert made == [partitions.partition_name(TODAY + dt.timedelta(days=n)) for n in range(3, 8)]
    assert AuditEvent.objects.filter(action="monitoring.fix_partitions_created").count() == 1


@postgresql_only
def test_a_fix_lands_in_its_days_partition_and_the_default_catches_the_rest(feed_actor, tag):
    partitions.create_partitions([TODAY])
    old = NOW - dt.timedelta(days=30)
    result = fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW), row("TAG-1", old)])
    assert result.accepted == 2
    assert partition_of(NOW) == "monitoring_fix_p20260601"
    assert partition_of(old) == "monitoring_fix_default"


@postgresql_only
def test_a_new_days_partition_takes_over_that_days_fixes_from_the_default(feed_actor, tag):
    day = NOW - dt.timedelta(days=3)
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", day), row("TAG-1", day + dt.timedelta(hours=1))])
    assert partition_of(day) == "monitoring_fix_default"
    assert partitions.create_partitions([day.date()]) == [partitions.partition_name(day.date())]
    assert partition_of(day) == partitions.partition_name(day.date())
    assert Fix.objects.count() == 2
    # Still the default partition for every other day, and still idempotent across the move.
    again = fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", day), row("TAG-1", day - dt.timedelta(days=9))])
    assert (again.accepted, again.duplicates) == (1, 1)
    assert partition_of(day - dt.timedelta(days=9)) == "monitoring_fix_default"


@postgresql_only
def test_the_unique_key_holds_inside_a_partition(feed_actor, tag):
    partitions.create_partitions([TODAY])
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW)])
    stored = Fix.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Fix.objects.create(
            device_id=stored.device_id,
            recorded_at=NOW,
            latitude=1,
            longitude=1,
            accuracy_m=1,
            battery_pct=1,
            strap="ok",
            received_at=NOW,
        )


@postgresql_only
def test_the_purge_drops_expired_day_partitions_and_deletes_expired_default_rows(feed_actor, tag):
    expired_day = (NOW - dt.timedelta(days=100)).date()
    straddling_day = (NOW - dt.timedelta(days=90)).date()  # the cutoff (12:00) falls inside this day
    partitions.create_partitions([expired_day, straddling_day, TODAY])
    rows = [
        row("TAG-1", NOW - dt.timedelta(days=100)),
        row("TAG-1", NOW - dt.timedelta(days=100, hours=1)),
        row("TAG-1", NOW - dt.timedelta(days=95)),  # no partition: in the default one, expired
        row("TAG-1", NOW - dt.timedelta(days=90, hours=1)),  # expired, but its day is not over: kept
        row("TAG-1", NOW),
    ]
    assert fix_services.ingest_fixes(feed_actor, rows=rows).accepted == 5
    assert fix_services.purge_fixes(Actor.system()) == 3
    days = partitions.day_partitions()
    assert expired_day not in days and {straddling_day, TODAY} <= set(days)
    assert Fix.objects.count() == 2
    event = AuditEvent.objects.filter(action="monitoring.fixes_purged").latest("seq")
    assert event.details["partitions_dropped"] == [partitions.partition_name(expired_day)]
    assert event.details["deleted"] == 3
    # The next day, the straddling day has expired whole.
    assert fix_services.purge_fixes(Actor.system(), older_than_days=89) == 1
    assert straddling_day not in partitions.day_partitions()


@postgresql_only
def test_a_fix_stored_between_the_check_and_the_copy_is_still_a_duplicate(feed_actor, tag, monkeypatch):
    fix_services.ingest_fixes(feed_actor, rows=[row("TAG-1", NOW)])
    # As if a concurrent ingest stored it after this batch looked: the COPY meets the unique key.
    monkeypatch.setattr(fix_services, "_stored_postgresql", lambda candidates: set())
    result = fix_services.ingest_fixes(
        feed_actor, rows=[row("TAG-1", NOW), row("TAG-1", NOW - dt.timedelta(minutes=1))]
    )
    assert (result.accepted, result.duplicates) == (1, 1)
    assert Fix.objects.count() == 2
