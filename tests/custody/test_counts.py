"""Formal counts through the services: count times, the lifecycle (start, enter, discrepancy,
recount, resolve, clear), two-officer blind counting, emergency counts, paper entry, late and missed
history, movements flagged while a count is uncleared, and the permission matrix."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.custody.models import Count, CountSession, CustodyEpisode, Movement
from oms.custody.queries import counts as count_queries
from oms.custody.services import counts as services
from oms.custody.services._common import new_movement
from tests.custody.factories import make_estate, make_prisoner
from tests.factories import actor_of, make_user

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC)  # 12:00 in London (BST)


@pytest.fixture
def frozen():
    with clock.freeze(NOON):
        yield


@pytest.fixture
def unit_a(prison_a, frozen):
    """Unit A: two in cell, one at court (away, by name)."""
    estate = make_estate(prison_a, units=2)
    make_prisoner(prison_a, family="Able", bed=estate["A-1-1-01-1"])
    make_prisoner(prison_a, family="Baker", bed=estate["A-1-1-01-2"])
    away = make_prisoner(prison_a, family="Court", bed=estate["A-1-1-02-1"], in_out=CustodyEpisode.InOut.OUT)
    Movement.objects.create(
        episode=away,
        person_id=away.person_id,
        site=prison_a,
        kind=Movement.Kind.COURT,
        direction=Movement.Direction.OUT,
        status=Movement.Status.COMPLETED,
        occurred_at=NOON - dt.timedelta(hours=1),
        destination="Crown Court",
        escort="GeoAmey",
        recorded_at=NOON,
    )
    make_prisoner(prison_a, family="Bee", bed=estate["B-1-1-01-1"])
    return estate


@pytest.fixture
def noon_count(prison_a, sam_actor, unit_a):
    return services.create_count_time(sam_actor, site_id=prison_a.public_id, name="Midday", time_of_day=dt.time(12))


def sessions_by_unit(count: Count) -> dict[str, CountSession]:
    return {s.unit.key: s for s in count.sessions.select_related("unit").exclude(status="recount")}


def test_a_count_with_a_discrepancy_is_recounted_resolved_and_cleared(
    prison_a, olive_actor, sam_actor, noon_count, unit_a
):
    count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    assert count.kind == "scheduled" and count.due_at == NOON
    sessions = sessions_by_unit(count)
    assert set(sessions) == {"A", "B"}
    a = sessions["A"]
    assert a.expected == 2
    names = {p["name"]: p for p in a.expected_people}
    assert names["COURT, John"]["present"] is False and names["COURT, John"]["where"] == "Court: Crown Court"
    assert names["COURT, John"]["escort"] == "GeoAmey" and names["ABLE, John"]["present"] is True

    services.enter_count(olive_actor, session_id=a.public_id, counted=1)
    a.refresh_from_db()
    assert a.status == CountSession.Status.DISCREPANCY
    with pytest.raises(Conflict) as cleared_too_soon:
        services.clear_session(sam_actor, session_id=a.public_id)
    assert cleared_too_soon.value.code == "custody.count_discrepancy_unexplained"

    recount = services.order_recount(sam_actor, session_id=a.public_id, reason="One missing")
    a.refresh_from_db()
    assert a.status == CountSession.Status.RECOUNT and recount.recount_of == a and recount.expected == 2
    with pytest.raises(Conflict) as superseded:
        services.enter_count(olive_actor, session_id=a.public_id, counted=2)
    assert superseded.value.code == "custody.count_session_superseded"

    services.enter_count(olive_actor, session_id=recount.public_id, counted=1)
    baker = CustodyEpisode.objects.get(person__family_name="Baker").person
    discrepancy = services.record_discrepancy(
        olive_actor, session_id=recount.public_id, person_id=baker.public_id, description="Not in cell 01"
    )
    with pytest.raises(Conflict) as unresolved:
        services.clear_session(sam_actor, session_id=recount.public_id)
    assert unresolved.value.code == "custody.count_discrepancy_unresolved"
    services.resolve_discrepancy(
        olive_actor, session_id=recount.public_id, discrepancy_id=discrepancy.pk, resolution="Found in the shower"
    )
    services.clear_session(sam_actor, session_id=recount.public_id, note="Accounted for")

    with pytest.raises(Conflict) as uncleared:
        services.clear_count(sam_actor, count_id=count.public_id)
    assert uncleared.value.code == "custody.count_sessions_uncleared" and "B" in uncleared.value.detail
    services.enter_count(olive_actor, session_id=sessions["B"].public_id, counted=1)
    services.clear_session(sam_actor, session_id=sessions["B"].public_id)
    services.clear_count(sam_actor, count_id=count.public_id)
    count.refresh_from_db()
    assert count.status == Count.Status.CLEARED and count.cleared_at == NOON

    actions = list(AuditEvent.objects.filter(action__startswith="custody.count").values_list("action", flat=True))
    for action in (
        "custody.count_time_created",
        "custody.count_started",
        "custody.count_entered",
        "custody.count_recount_ordered",
        "custody.count_discrepancy_recorded",
        "custody.count_discrepancy_resolved",
        "custody.count_session_cleared",
        "custody.count_cleared",
    ):
        assert action in actions
    view = count_queries.get_count(olive_actor, count.public_id)
    assert [s.unit_key for s in view.current] == ["A", "B"] and len(view.superseded) == 1
    assert view.timeliness == "on_time"


def test_two_officers_count_blind_and_must_agree(prison_a, olive, olive_actor, sam_actor, noon_count):
    colleague = actor_of(make_user("owen", roles=("custody_officer",), sites=(prison_a,)))
    count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk, two_officer=True)
    a = sessions_by_unit(count)["A"]
    services.enter_count(olive_actor, session_id=a.public_id, counted=2)
    with pytest.raises(Conflict) as twice:
        services.enter_count(olive_actor, session_id=a.public_id, counted=2)
    assert twice.value.code == "custody.count_entry_duplicate"
    waiting = count_queries.get_session(colleague, a.public_id)
    assert waiting.figures_hidden and [e.counted for e in waiting.entries] == [None]
    a.refresh_from_db()
    assert a.status == CountSession.Status.OPEN
    services.enter_count(colleague, session_id=a.public_id, counted=3)
    a.refresh_from_db()
    assert a.status == CountSession.Status.DISCREPANCY  # the officers disagree: recount
    shown = count_queries.get_session(olive_actor, a.public_id)
    assert sorted(e.counted for e in shown.entries) == [2, 3] and shown.reconciliation.outcome == "officers_disagree"

    recount = services.order_recount(sam_actor, session_id=a.public_id, reason="Officers disagree")
    services.enter_count(olive_actor, session_id=recount.public_id, counted=2)
    services.enter_count(colleague, session_id=recount.public_id, counted=2)
    recount.refresh_from_db()
    assert recount.status == CountSession.Status.MATCHED


def test_an_emergency_count_needs_a_supervisor_and_a_reason(prison_a, olive_actor, sam_actor, unit_a):
    with pytest.raises(PermissionDenied):
        services.start_count(olive_actor, site_id=prison_a.public_id, emergency_reason="Fence alarm")
    with pytest.raises(RuleViolation) as no_reason:
        services.start_count(sam_actor, site_id=prison_a.public_id, emergency=True, emergency_reason="  ")
    assert no_reason.value.field == "reason"
    unit = unit_a["B"]
    count = services.start_count(
        sam_actor, site_id=prison_a.public_id, emergency_reason="Fence alarm", unit_ids=[unit.public_id]
    )
    assert count.kind == "emergency" and count.reason == "Fence alarm" and count.count_time is None
    assert list(sessions_by_unit(count)) == ["B"]
    with pytest.raises(Conflict) as running:
        services.start_count(sam_actor, site_id=prison_a.public_id, emergency_reason="Again")
    assert running.value.code == "custody.count_in_progress"


def test_bad_input_is_refused_with_clear_errors(prison_a, olive_actor, sam_actor, noon_count, unit_a):
    with pytest.raises(RuleViolation) as not_a_unit:
        services.start_count(
            olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk, unit_ids=[unit_a["A-1"].public_id]
        )
    assert not_a_unit.value.code == "custody.unit_not_in_count" and not_a_unit.value.field == "unit_ids"
    unit_b = unit_a["B"]
    unit_b.in_count = False
    unit_b.save()
    with pytest.raises(RuleViolation) as out_of_count:
        services.start_count(
            olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk, unit_ids=[unit_b.public_id]
        )
    assert out_of_count.value.code == "custody.unit_not_in_count"
    with pytest.raises(RuleViolation) as no_time:
        services.start_count(olive_actor, site_id=prison_a.public_id)
    assert no_time.value.field == "count_time"
    count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    assert list(sessions_by_unit(count)) == ["A"]  # B is out of count
    a = sessions_by_unit(count)["A"]
    with pytest.raises(RuleViolation) as blank:
        services.record_discrepancy(olive_actor, session_id=a.public_id, description=" ")
    assert blank.value.field == "description"
    with pytest.raises(RuleViolation) as negative:
        services.enter_count(olive_actor, session_id=a.public_id, counted=-1)
    assert (negative.value.code, negative.value.field) == ("custody.count_negative", "counted")
    services.enter_count(olive_actor, session_id=a.public_id, counted=2)
    services.clear_session(sam_actor, session_id=a.public_id)
    with pytest.raises(Conflict) as cleared:
        services.enter_count(olive_actor, session_id=a.public_id, counted=2)
    assert cleared.value.code == "custody.count_session_already_cleared"
    with pytest.raises(Conflict) as again:
        services.clear_session(sam_actor, session_id=a.public_id)
    assert again.value.code == "custody.count_session_already_cleared"
    with pytest.raises(Conflict) as duplicate_time:
        services.create_count_time(sam_actor, site_id=prison_a.public_id, name="Again", time_of_day=dt.time(12))
    assert duplicate_time.value.field == "time_of_day"


def test_paper_counts_are_entered_afterwards_with_the_time_counted(prison_a, olive_actor, noon_count):
    count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    a = sessions_by_unit(count)["A"]
    with pytest.raises(RuleViolation) as missing_time:
        services.enter_count(olive_actor, session_id=a.public_id, counted=2, on_paper=True)
    assert missing_time.value.field == "counted_at"
    with pytest.raises(RuleViolation):
        services.enter_count(
            olive_actor, session_id=a.public_id, counted=2, on_paper=True, counted_at=NOON + dt.timedelta(hours=1)
        )
    entry = services.enter_count(
        olive_actor, session_id=a.public_id, counted=2, on_paper=True, counted_at=NOON - dt.timedelta(minutes=20)
    )
    a.refresh_from_db()
    assert entry.on_paper and entry.counted_at == NOON - dt.timedelta(minutes=20) and entry.entered_at == NOON
    assert a.on_paper and a.status == CountSession.Status.MATCHED


def test_movements_during_an_uncleared_count_are_listed_on_the_count(prison_a, olive_actor, sam_actor, noon_count):
    count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    episode = CustodyEpisode.objects.get(person__family_name="Able")
    movement = new_movement(olive_actor, episode, kind=Movement.Kind.INTERNAL, direction=Movement.Direction.INTERNAL)
    assert movement.during_uncleared_count
    view = count_queries.get_count(sam_actor, count.public_id)
    assert [m.pk for m in view.movements_during] == [movement.pk]


def test_history_reports_late_and_missed_counts(prison_a, olive_actor, sam_actor, unit_a):
    with clock.freeze(NOON - dt.timedelta(days=2)):
        morning = services.create_count_time(
            sam_actor, site_id=prison_a.public_id, name="Morning", time_of_day=dt.time(8)
        )
        evening = services.create_count_time(
            sam_actor, site_id=prison_a.public_id, name="Evening", time_of_day=dt.time(18)
        )
    yesterday = NOON.date() - dt.timedelta(days=1)
    # Yesterday's morning count: started on time, cleared 45 minutes after due (late, tolerance 30).
    with clock.freeze(dt.datetime(2026, 6, 9, 7, 0, tzinfo=dt.UTC)):
        count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=morning.pk, on=yesterday)
        _count_and_clear(count, olive_actor, sam_actor, at=dt.datetime(2026, 6, 9, 7, 45, tzinfo=dt.UTC))
    # Today's morning count: cleared on time.
    with clock.freeze(dt.datetime(2026, 6, 10, 7, 0, tzinfo=dt.UTC)):
        today = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=morning.pk)
        _count_and_clear(today, olive_actor, sam_actor, at=dt.datetime(2026, 6, 10, 7, 10, tzinfo=dt.UTC))
    history = count_queries.count_history(olive_actor, prison_a.public_id, days=3)
    by_due = {(r.name, r.due_at): r.timeliness for r in history.rows}
    assert by_due[("Morning", dt.datetime(2026, 6, 9, 7, 0, tzinfo=dt.UTC))] == "late"
    assert by_due[("Morning", dt.datetime(2026, 6, 10, 7, 0, tzinfo=dt.UTC))] == "on_time"
    missed = {(r.name, r.due_at) for r in history.missed}
    # Evenings of the 8th and 9th were missed; the 8th's morning (07:00 UTC) was before the times existed.
    assert missed == {
        ("Evening", dt.datetime(2026, 6, 8, 17, 0, tzinfo=dt.UTC)),
        ("Evening", dt.datetime(2026, 6, 9, 17, 0, tzinfo=dt.UTC)),
    }
    assert evening.pk  # today's evening is not yet due, so not missed


def _count_and_clear(count, officer, supervisor, *, at):
    for session in count.sessions.all():
        services.enter_count(officer, session_id=session.public_id, counted=session.expected)
    clock.advance(at - clock.now())
    for session in count.sessions.all():
        services.clear_session(supervisor, session_id=session.public_id)
    services.clear_count(supervisor, count_id=count.public_id)


def test_permission_matrix(prison_a, olive_actor, sam_actor, oscar_actor, charlie, noon_count):
    charlie_actor = actor_of(charlie)
    with pytest.raises(PermissionDenied):
        services.start_count(charlie_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    with pytest.raises(NotFound):
        services.start_count(oscar_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    with pytest.raises(PermissionDenied):
        services.create_count_time(olive_actor, site_id=prison_a.public_id, name="Night", time_of_day=dt.time(22))
    count = services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=noon_count.pk)
    a = sessions_by_unit(count)["A"]
    with pytest.raises(NotFound):
        services.enter_count(oscar_actor, session_id=a.public_id, counted=2)
    with pytest.raises(PermissionDenied):
        services.enter_count(charlie_actor, session_id=a.public_id, counted=2)
    services.enter_count(olive_actor, session_id=a.public_id, counted=2)
    with pytest.raises(PermissionDenied):
        services.clear_session(olive_actor, session_id=a.public_id)
    with pytest.raises(NotFound):
        services.clear_session(replace(oscar_actor, permissions=sam_actor.permissions), session_id=a.public_id)
    services.clear_session(sam_actor, session_id=a.public_id)
    with pytest.raises(NotFound):
        count_queries.get_count(oscar_actor, count.public_id)
    with pytest.raises(PermissionDenied):
        count_queries.get_count(charlie_actor, count.public_id)


def test_the_hourly_job_puts_each_missed_count_on_the_audit_trail_once(prison_a, sam_actor, olive_actor, unit_a):
    from oms.custody import tasks

    with clock.freeze(NOON - dt.timedelta(days=1)):
        services.create_count_time(sam_actor, site_id=prison_a.public_id, name="Evening", time_of_day=dt.time(18))
        morning = services.create_count_time(
            sam_actor, site_id=prison_a.public_id, name="Late morning", time_of_day=dt.time(11, 30)
        )
    # Today's 11:30 was counted; yesterday's 18:00 (17:00 UTC) was not.
    with clock.freeze(dt.datetime(2026, 6, 10, 10, 30, tzinfo=dt.UTC)):
        services.start_count(olive_actor, site_id=prison_a.public_id, count_time_id=morning.pk)
    assert tasks.missed_counts.call() == 1
    assert tasks.missed_counts.call() == 0  # once only
    event = AuditEvent.objects.get(action="custody.count_missed")
    assert event.details["name"] == "Evening" and event.details["due_at"].startswith("2026-06-09T17:00")
    with pytest.raises(PermissionDenied):
        services.record_missed_counts(olive_actor)
