"""Read events commit without waiting for the WAL flush; a change never does (docs/audit.md, "Read events")."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from oms.audit import services
from oms.audit.models import AuditEvent
from oms.audit.rules import is_read_action
from oms.core.actor import Actor

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system(channel="cli", name="cli")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("action", "is_read"),
    [
        ("people.person_viewed", True),
        ("people.people_searched", True),
        ("people.photo_viewed", True),
        ("audit.events_exported", True),
        ("people.person_edited", False),
        ("people.person_created", False),
        ("audit.chain_verified", False),
        ("accounts.user_logged_in", False),
        ("people.viewed_flag_set", False),  # the suffix, not a substring, makes a read
    ],
)
def test_read_actions_are_named_by_their_suffix(action, is_read):
    assert is_read_action(action) is is_read


@postgres_only
def test_a_transaction_of_reads_only_commits_asynchronously():
    with transaction.atomic():
        services.record_event(SYSTEM, "people.person_viewed", object_type="person", object_id=1)
        assert synchronous_commit() == "off"
        services.record_event(SYSTEM, "people.people_searched", object_type="person")
        assert synchronous_commit() == "off"
    # Still inserted and chained like any other event.
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)[:2]) == [
        "people.person_viewed",
        "people.people_searched",
    ]


@postgres_only
def test_a_change_transaction_commits_synchronously():
    with transaction.atomic():
        services.record_event(SYSTEM, "people.person_edited", object_type="person", object_id=1)
        assert synchronous_commit() == "on"


@postgres_only
def test_a_change_after_a_read_makes_the_commit_synchronous():
    with transaction.atomic():
        services.record_event(SYSTEM, "people.person_viewed", object_type="person", object_id=1)
        assert synchronous_commit() == "off"
        services.record_event(SYSTEM, "people.person_edited", object_type="person", object_id=1)
        assert synchronous_commit() == "on"


@postgres_only
def test_a_read_after_a_change_keeps_the_commit_synchronous():
    with transaction.atomic():
        services.record_event(SYSTEM, "people.person_edited", object_type="person", object_id=1)
        services.record_event(SYSTEM, "people.person_viewed", object_type="person", object_id=1)
        assert synchronous_commit() == "on"


@postgres_only
def test_bulk_appends_commit_synchronously():
    with transaction.atomic():
        services.record_event(SYSTEM, "people.person_viewed", object_type="person", object_id=1)
        services.record_events_in_bulk(SYSTEM, [{"action": "people.person_created", "object_id": 2}])
        assert synchronous_commit() == "on"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_setting_ends_with_its_transaction():
    with transaction.atomic():
        services.record_event(SYSTEM, "people.person_viewed", object_type="person", object_id=1)
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"  # the next transaction on this connection starts durable again
