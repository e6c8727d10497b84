"""Observations: plans with a check interval, checks late or on time, overdue lists for supervisors."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.custody.queries import observations as queries
from oms.custody.services import observations as services
from tests.custody.factories import make_prisoner
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def on_watch(prison_a, sam_actor):
    episode = make_prisoner(prison_a, family="Watch")
    with clock.freeze(START):
        plan = services.start_observation_plan(
            sam_actor,
            episode_id=episode.public_id,
            reason="suicide_self_harm",
            interval_minutes=15,
            instructions="Speak to him",
        )
    return plan


def test_checks_move_the_next_due_time_and_record_lateness(on_watch, olive_actor, prison_a):
    assert on_watch.next_due_at == START + dt.timedelta(minutes=15)
    with clock.freeze(START + dt.timedelta(minutes=14)):
        on_time = services.record_observation_check(olive_actor, plan_id=on_watch.public_id, outcome="seen_well")
    assert on_time.late_by_minutes == 0
    on_watch.refresh_from_db()
    assert on_watch.next_due_at == START + dt.timedelta(minutes=29)
    with clock.freeze(START + dt.timedelta(minutes=40)):
        assert [p.pk for p in queries.overdue_observations(olive_actor, prison_a.public_id)] == [on_watch.pk]
        late = services.record_observation_check(
            olive_actor, plan_id=on_watch.public_id, outcome="concern", note="Low mood, referred to healthcare"
        )
        assert queries.overdue_observations(olive_actor, prison_a.public_id) == []
    assert late.late_by_minutes == 11
    on_watch.refresh_from_db()
    assert on_watch.next_due_at == START + dt.timedelta(minutes=55)
    audit = AuditEvent.objects.filter(action="custody.observation_checked").last()
    assert audit.details == {"outcome": "concern", "late_by_minutes": 11}


def test_overdue_at_a_given_time(on_watch, olive_actor, prison_a):
    assert queries.overdue_observations(olive_actor, prison_a.public_id, at=START + dt.timedelta(minutes=10)) == []
    overdue = queries.overdue_observations(olive_actor, prison_a.public_id, at=START + dt.timedelta(minutes=16))
    assert overdue == [on_watch]
    assert queries.minutes_overdue(on_watch, START + dt.timedelta(minutes=45)) == 30


def test_bad_input_and_states(on_watch, olive_actor, sam_actor, prison_a):
    with pytest.raises(RuleViolation) as note_needed:
        services.record_observation_check(olive_actor, plan_id=on_watch.public_id, outcome="not_seen")
    assert note_needed.value.field == "note"
    with pytest.raises(RuleViolation) as outcome:
        services.record_observation_check(olive_actor, plan_id=on_watch.public_id, outcome="fine")
    assert outcome.value.field == "outcome"
    with pytest.raises(RuleViolation) as before:
        services.record_observation_check(
            olive_actor, plan_id=on_watch.public_id, outcome="seen_well", checked_at=START - dt.timedelta(minutes=1)
        )
    assert before.value.code == "custody.check_out_of_order"
    with pytest.raises(Conflict):
        services.start_observation_plan(
            sam_actor, episode_id=on_watch.episode.public_id, reason="medical", interval_minutes=30
        )
    for minutes in (None, 4, 241):
        with pytest.raises(RuleViolation) as interval:
            services.start_observation_plan(
                sam_actor, episode_id=make_prisoner(prison_a).public_id, reason="medical", interval_minutes=minutes
            )
        assert interval.value.field == "interval_minutes"
    with pytest.raises(RuleViolation):
        services.end_observation_plan(sam_actor, plan_id=on_watch.public_id, reason="")
    ended = services.end_observation_plan(
        sam_actor, plan_id=on_watch.public_id, reason="Reviewed by the ACCT case manager"
    )
    assert ended.ended_at is not None and queries.observation_plans(sam_actor, prison_a.public_id) == []
    with pytest.raises(Conflict):
        services.record_observation_check(olive_actor, plan_id=on_watch.public_id, outcome="seen_well")
    assert AuditEvent.objects.filter(action="custody.observation_ended", reason__startswith="Reviewed").exists()


def test_permission_matrix(on_watch, olive_actor, oscar_actor, charlie, prison_a):
    charlie_actor = actor_of(charlie)
    with pytest.raises(PermissionDenied):
        services.record_observation_check(charlie_actor, plan_id=on_watch.public_id, outcome="seen_well")
    with pytest.raises(NotFound):
        services.record_observation_check(oscar_actor, plan_id=on_watch.public_id, outcome="seen_well")
    with pytest.raises(NotFound):
        queries.overdue_observations(oscar_actor, prison_a.public_id)
    # An officer records checks but does not start or end a watch (a supervisor or healthcare does).
    with pytest.raises(PermissionDenied):
        services.end_observation_plan(olive_actor, plan_id=on_watch.public_id, reason="x")
    with pytest.raises(PermissionDenied):
        services.start_observation_plan(
            olive_actor, episode_id=make_prisoner(prison_a).public_id, reason="medical", interval_minutes=30
        )
    assert services.record_observation_check(olive_actor, plan_id=on_watch.public_id, outcome="seen_well").pk
