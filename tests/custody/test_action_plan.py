"""The daily action plan: releases due, court, transfers, expiring authorities, people on watch, and
anyone held past their release date first (by release date, else by the latest authority expiry)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oms.core import clock
from oms.core.errors import NotFound, PermissionDenied
from oms.custody import queries
from oms.custody.models import LawfulAuthority, Movement, ObservationPlan
from oms.custody.rules.reception import held_past_release
from oms.custody.services._common import new_movement
from tests.custody.factories import SYSTEM, make_prisoner
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC)  # 12:00 in London (BST)
DAY = dt.date(2026, 6, 10)


def authority(episode, expires_on, kind="remand_warrant", ended_on=None):
    return LawfulAuthority.objects.create(
        episode=episode, kind=kind, reference=f"W-{episode.pk}-{kind}", expires_on=expires_on, ended_on=ended_on
    )


def scheduled(episode, kind, at, **fields):
    return new_movement(
        SYSTEM, episode, kind=kind, direction="out", status=Movement.Status.SCHEDULED, scheduled_at=at, **fields
    )


@pytest.fixture
def plan_estate(prison_a, prison_b):
    with clock.freeze(NOON):
        people = {
            "overdue_sentence": make_prisoner(prison_a, family="Over", release_due_on=DAY - dt.timedelta(days=3)),
            "expired_warrant": make_prisoner(prison_a, family="Expired"),
            "no_authority": make_prisoner(prison_a, family="Bare", received_at=NOON - dt.timedelta(days=2)),
            "due_today": make_prisoner(prison_a, family="Today", release_due_on=DAY),
            "court": make_prisoner(prison_a, family="Court"),
            "transfer": make_prisoner(prison_a, family="Leaving"),
            "arriving": make_prisoner(prison_b, family="Arriving"),
            "expiring": make_prisoner(prison_a, family="Expiring"),
            "watched": make_prisoner(prison_a, family="Watched"),
            "released": make_prisoner(
                prison_a, family="Gone", release_due_on=DAY - dt.timedelta(days=9), status="released"
            ),
        }
        authority(people["expired_warrant"], DAY - dt.timedelta(days=1))
        authority(people["expired_warrant"], DAY - dt.timedelta(days=5))
        for key in ("overdue_sentence", "due_today", "court", "transfer", "watched"):
            authority(people[key], None)
        authority(people["expiring"], DAY + dt.timedelta(days=1))
        authority(people["expiring"], DAY + dt.timedelta(days=30), kind="court_order", ended_on=DAY)  # ended: ignored
        scheduled(people["court"], "court", NOON + dt.timedelta(hours=2), destination="Crown Court")
        scheduled(people["court"], "court", NOON + dt.timedelta(days=1), destination="Tomorrow court")
        scheduled(people["transfer"], "transfer", NOON - dt.timedelta(hours=2), to_site=prison_b)
        scheduled(people["released"], "court", NOON + dt.timedelta(hours=3), destination="Stale court")
        scheduled(people["arriving"], "transfer", NOON + dt.timedelta(hours=1), to_site=prison_a)
        ObservationPlan.objects.create(
            episode=people["watched"],
            person=people["watched"].person,
            site=prison_a,
            reason="suicide_self_harm",
            interval_minutes=15,
            started_at=NOON - dt.timedelta(hours=1),
            next_due_at=NOON - dt.timedelta(minutes=5),
        )
    return people


def test_action_plan_lists_everything_due_and_held_past_release_first(olive_actor, prison_a, plan_estate):
    people = plan_estate
    with clock.freeze(NOON):
        plan = queries.action_plan(olive_actor, prison_a.public_id)
    assert plan.day == DAY
    held = [(h.episode, h.basis, h.since, h.days_over) for h in plan.held_past_release]
    assert held == [
        (people["overdue_sentence"], "release_date", DAY - dt.timedelta(days=3), 3),
        (people["no_authority"], "no_authority", None, 2),
        (people["expired_warrant"], "authority_expired", DAY - dt.timedelta(days=1), 1),
    ]
    assert plan.releases_due == [people["due_today"]]
    assert [m.destination for m in plan.court_appearances] == ["Crown Court"]
    assert [m.episode for m in plan.transfers_out] == [people["transfer"]]
    assert [m.episode for m in plan.transfers_in] == [people["arriving"]]
    assert [a.episode for a in plan.authorities_expiring] == [people["expiring"]]
    assert [p.episode for p in plan.on_watch] == [people["watched"]]


def test_another_day_is_planned_from_its_own_date(olive_actor, prison_a, plan_estate):
    with clock.freeze(NOON):
        plan = queries.action_plan(olive_actor, prison_a.public_id, DAY + dt.timedelta(days=1))
    assert [m.destination for m in plan.court_appearances] == ["Tomorrow court"]
    assert plan.releases_due == []
    assert plan_estate["due_today"] in [h.episode for h in plan.held_past_release]


def test_action_plan_scope(charlie, oscar_actor, prison_a):
    with pytest.raises(PermissionDenied):
        queries.action_plan(actor_of(charlie), prison_a.public_id)
    with pytest.raises(NotFound):
        queries.action_plan(oscar_actor, prison_a.public_id)


@pytest.mark.parametrize(
    ("release_due_on", "latest_expiry", "held_since"),
    [
        (DAY - dt.timedelta(days=1), None, DAY - dt.timedelta(days=1)),
        (DAY, DAY - dt.timedelta(days=10), None),  # the release date decides when present
        (None, DAY - dt.timedelta(days=2), DAY - dt.timedelta(days=2)),
        (None, DAY, None),
        (None, None, None),
    ],
)
def test_held_past_release_rule(release_due_on, latest_expiry, held_since):
    assert (
        held_past_release(today=DAY, release_due_on=release_due_on, latest_authority_expiry=latest_expiry) == held_since
    )


def test_cli_prints_the_plan(prison_a, plan_estate):
    out = StringIO()
    with clock.freeze(NOON):
        call_command("custody_action_plan", "--site", "pra", "--date", DAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "HELD PAST RELEASE DATE (3)" in text
    assert "OVER, John" in text and "release date passed on 2026-06-07" in text
    assert "Court appearances (1)" in text and "14:00  Crown Court" in text
    assert "OVERDUE" in text
    with pytest.raises(CommandError):
        call_command("custody_action_plan", "--site", "NOPE", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("custody_action_plan", "--site", "PRA", "--date", "10/06/2026", stdout=StringIO())
