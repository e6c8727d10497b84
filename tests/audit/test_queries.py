"""Searching the trail, the person timeline feed and the standard reports (AUD-6)."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit import queries
from oms.audit.models import AuditEvent
from oms.audit.services import record_event
from oms.core import clock
from oms.core.errors import PermissionDenied, RuleViolation
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def trail(alice, bob):
    """alice reads and edits person 11, bob reads persons 11, 12 and 13, one event per minute."""
    with clock.freeze(T0):
        for actor, action, person in [
            (alice, "people.person_viewed", 11),
            (alice, "people.person_edited", 11),
            (bob, "people.person_viewed", 11),
            (bob, "people.person_viewed", 12),
            (bob, "people.person_viewed", 13),
            (alice, "people.alert_added", 11),
        ]:
            record_event(actor_of(actor), action, object_type="person", object_id=person, subject_person_id=person)
            clock.advance(dt.timedelta(minutes=1))


def actions(events) -> list[str]:
    return [event.action for event in events]


def test_search_needs_audit_view(trail, charlie, dave):
    for user in (charlie, dave):
        with pytest.raises(PermissionDenied):
            queries.search_events(actor_of(user))


def test_search_filters_by_user_person_object_action_and_time(trail, erin, alice):
    auditor = actor_of(erin)
    assert queries.search_events(auditor, username="ALICE").total == 3
    assert queries.search_events(auditor, user_id=alice.pk).total == 3
    assert queries.search_events(auditor, person_id=12).total == 1
    assert queries.search_events(auditor, object_type="person", object_id="13").total == 1
    assert queries.search_events(auditor, action="people.person_viewed").total == 4
    assert queries.search_events(auditor, action="people.").total == 6
    window = queries.search_events(
        auditor, since=T0 + dt.timedelta(minutes=1), until=T0 + dt.timedelta(minutes=3), action="people."
    )
    assert actions(window.events) == ["people.person_viewed", "people.person_edited"]  # newest first


def test_search_pages_newest_first(trail, erin):
    auditor = actor_of(erin)
    first = queries.search_events(auditor, action="people.", page_size=4)
    second = queries.search_events(auditor, action="people.", page=2, page_size=4)
    assert (first.total, first.pages, first.has_next, second.has_previous) == (6, 2, True, True)
    assert [e.seq for e in first.events] + [e.seq for e in second.events] == list(range(6, 0, -1))


def test_every_search_is_itself_audited(trail, erin):
    queries.search_events(actor_of(erin), username="bob", person_id=11, since=T0)
    searched = AuditEvent.objects.get(action="audit.events_searched")
    assert searched.actor_username == "erin"
    assert searched.subject_person_id == 11
    assert searched.details == {
        "username": "bob",
        "person_id": 11,
        "since": T0.isoformat(),
        "page": 1,
        "results": 1,
    }


def test_search_rejects_a_backwards_period_and_bad_paging(erin):
    with pytest.raises(RuleViolation):
        queries.search_events(actor_of(erin), since=T0, until=T0 - dt.timedelta(days=1))
    with pytest.raises(RuleViolation):
        queries.search_events(actor_of(erin), page=0)
    with pytest.raises(RuleViolation):
        queries.search_events(actor_of(erin), page_size=queries.MAX_PAGE_SIZE + 1)


def test_person_timeline_events_are_changes_not_reads(trail, charlie):
    # Called by the people app after its own scope check, so no audit.view is needed.
    events = queries.events_for_person(actor_of(charlie), 11)
    assert actions(events) == ["people.alert_added", "people.person_edited"]


def test_person_timeline_includes_merged_records(trail, charlie):
    events = queries.events_for_person(actor_of(charlie), 11, merged_person_ids=[12, 13])
    assert actions(events) == ["people.alert_added", "people.person_edited"]
    record_event(actor_of(charlie), "people.note_added", subject_person_id=13)
    assert actions(queries.events_for_person(actor_of(charlie), 11, merged_person_ids=[13]))[0] == "people.note_added"


def test_high_volume_readers_ranks_users_by_person_reads(trail, erin):
    readers = queries.high_volume_readers(actor_of(erin), since=T0)
    assert [(r.username, r.reads, r.people) for r in readers] == [("bob", 3, 3), ("alice", 1, 1)]
    assert AuditEvent.objects.filter(action="audit.report_viewed", object_id="high_volume_readers").count() == 1


def test_lockout_and_denial_reports(alice, erin):
    system = actor_of(alice)
    record_event(system, "accounts.user_locked", object_type="user", object_id=alice.pk)
    record_event(system, "audit.access_denied", outcome="denied", details={"code": "auth.locked", "status": 423})
    record_event(system, "audit.access_denied", outcome="denied", details={"code": "auth.permission_denied"})
    record_event(system, "accounts.user_unlocked", object_type="user", object_id=alice.pk)
    lockouts = queries.lockout_report(actor_of(erin))
    assert [(e.action, e.details.get("code")) for e in lockouts] == [
        ("accounts.user_unlocked", None),
        ("audit.access_denied", "auth.locked"),
        ("accounts.user_locked", None),
    ]
    assert len(queries.denial_report(actor_of(erin))) == 2


def test_reports_need_audit_view(dave):
    for report in (queries.lockout_report, queries.denial_report, queries.high_volume_readers):
        with pytest.raises(PermissionDenied):
            report(actor_of(dave))


def test_a_person_reference_resolves_through_the_registered_resolver(monkeypatch):
    monkeypatch.setattr(queries, "_person_resolver", {"A1234BC": 42}.get)
    assert queries.resolve_person("A1234BC") == 42
    assert queries.resolve_person(" 17 ") == 17
    assert queries.resolve_person("Z9999ZZ") is None
    assert queries.resolve_person("9" * 40) is None  # too big for an id column: not a 500
