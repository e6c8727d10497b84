"""Idempotency keys: one create per key, the first answer replayed, a changed body refused."""

from __future__ import annotations

import pytest

from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.idempotency import run_once
from oms.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def counter():
    calls = []

    def create():
        calls.append(1)
        return 201, {"n": len(calls)}

    return calls, create


def test_same_key_same_body_replays_the_first_answer():
    actor = Actor(user_id=1, username="u")
    calls, create = counter()
    first = run_once(actor, key="abc", scope="POST /x", payload={"a": 1}, create=create)
    again = run_once(actor, key="abc", scope="POST /x", payload={"a": 1}, create=create)
    assert first == again == (201, {"n": 1}) and len(calls) == 1


def test_same_key_different_body_is_a_conflict():
    actor = Actor(user_id=1, username="u")
    _, create = counter()
    run_once(actor, key="abc", scope="POST /x", payload={"a": 1}, create=create)
    with pytest.raises(Conflict) as caught:
        run_once(actor, key="abc", scope="POST /x", payload={"a": 2}, create=create)
    assert caught.value.code == "idempotency.key_reused"


def test_keys_belong_to_one_actor_and_one_operation():
    calls, create = counter()
    run_once(Actor(user_id=1, username="u"), key="abc", scope="POST /x", payload={}, create=create)
    run_once(Actor(user_id=2, username="v"), key="abc", scope="POST /x", payload={}, create=create)
    run_once(Actor(user_id=1, username="u"), key="abc", scope="POST /y", payload={}, create=create)
    assert len(calls) == 3 and IdempotencyRecord.objects.count() == 3


def test_no_key_always_runs_and_a_bad_key_is_refused():
    calls, create = counter()
    actor = Actor(user_id=1, username="u")
    run_once(actor, key=None, scope="POST /x", payload={}, create=create)
    run_once(actor, key=None, scope="POST /x", payload={}, create=create)
    assert len(calls) == 2
    for bad in ("", "has space", "x" * 256, "é"):
        with pytest.raises(RuleViolation):
            run_once(actor, key=bad, scope="POST /x", payload={}, create=create)


def test_old_answers_are_purged():
    import datetime as dt

    from oms.core import clock
    from oms.core.idempotency import purge_expired

    actor = Actor(user_id=1, username="u")
    calls, create = counter()
    run_once(actor, key="old", scope="POST /x", payload={}, create=create)
    IdempotencyRecord.objects.update(created_at=clock.now() - dt.timedelta(days=2))
    run_once(actor, key="new", scope="POST /x", payload={}, create=create)
    assert purge_expired() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
