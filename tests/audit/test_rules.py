"""The verifier finds the first bad position for any edit, deletion, insertion, reorder or truncation
(security.md AUD-5), checked over random chains and random tampering."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.audit.rules import (
    GENESIS,
    HASHED_FIELDS,
    ChainHead,
    Checkpoint,
    chain_hash,
    sign_checkpoint,
    verify_chain,
)

KEY = b"k" * 32
START = datetime(2026, 1, 1, tzinfo=UTC)

contents = st.fixed_dictionaries(
    {
        "actor_user_id": st.none() | st.integers(1, 50),
        "actor_username": st.sampled_from(["alice", "bob", "erin", "system"]),
        "organisation_id": st.none() | st.integers(1, 5),
        "channel": st.sampled_from(["web", "api", "cli", "job"]),
        "request_id": st.text("abcdef0123456789", max_size=8),
        "source_ip": st.none() | st.sampled_from(["10.0.0.1", "2001:db8::1"]),
        "action": st.sampled_from(["people.person_viewed", "people.person_edited", "accounts.user_locked"]),
        "outcome": st.sampled_from(["success", "denied", "failure"]),
        "object_type": st.sampled_from(["", "person", "user"]),
        "object_id": st.text("0123456789", max_size=4),
        "subject_person_id": st.none() | st.integers(1, 100),
        "site_id": st.none() | st.integers(1, 9),
        "changed_fields": st.lists(st.sampled_from(["surname", "dob", "alias"]), unique=True).map(sorted),
        "details": st.dictionaries(st.sampled_from(["code", "n", "note"]), st.integers(0, 9) | st.text(max_size=5)),
        "reason": st.text(max_size=10),
    }
)


def build_chain(bodies: list[dict]) -> list[dict]:
    events, prev = [], GENESIS
    for position, body in enumerate(bodies, start=1):
        event = {**body, "seq": position, "occurred_at": START + timedelta(seconds=position)}
        event["prev_hash"] = prev
        event["hash"] = prev = chain_hash(prev, event)
        events.append(event)
    return events


def signed(events: list[dict], positions) -> list[Checkpoint]:
    by_seq = {event["seq"]: event["hash"] for event in events}
    return [Checkpoint(seq, by_seq[seq], sign_checkpoint(KEY, seq, by_seq[seq])) for seq in sorted(positions)]


def head_of(events: list[dict]) -> ChainHead:
    return ChainHead(len(events), events[-1]["hash"] if events else GENESIS)


def altered(value):
    """A different value of the same kind, so the edit always changes the canonical form."""
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, list):
        return [*value, "tampered"]
    return {**value, "tampered": True}


@st.composite
def chains(draw, min_size=1):
    bodies = draw(st.lists(contents, min_size=min_size, max_size=25))
    events = build_chain(bodies)
    checkpoint_positions = draw(st.sets(st.integers(1, len(events)), max_size=4)) if events else set()
    return events, checkpoint_positions


@st.composite
def tamperings(draw):
    """A random chain, a random tampering, and the first position the evidence shows to be bad."""
    events, checkpoint_positions = draw(chains())
    checkpoints = signed(events, checkpoint_positions)
    head = head_of(events)
    n = len(events)
    kind = draw(st.sampled_from(["edit", "delete", "insert_replay", "insert_forged", "swap", "truncate"]))
    tampered = copy.deepcopy(events)

    if kind == "edit":
        k = draw(st.integers(1, n))
        name = draw(st.sampled_from([*HASHED_FIELDS, "prev_hash", "hash"]))
        tampered[k - 1][name] = altered(tampered[k - 1][name])
        expected = k
    elif kind == "delete":
        k = draw(st.integers(1, n))
        del tampered[k - 1]
        expected = k
    elif kind == "insert_replay":
        k = draw(st.integers(1, n + 1))
        j = draw(st.integers(1, n))
        tampered.insert(k - 1, copy.deepcopy(events[j - 1]))
        expected = next(p for p in range(1, n + 2) if p > n or tampered[p - 1] != events[p - 1])
    elif kind == "insert_forged":
        # A well-formed event that links correctly where it is inserted: position k itself looks
        # fine, so the break shows at k + 1 unless a signed checkpoint or the head pins position k.
        k = draw(st.integers(1, n + 1))
        forged = {
            **draw(contents),
            "seq": k,
            "occurred_at": START,
            "prev_hash": events[k - 2]["hash"] if k > 1 else GENESIS,
        }
        forged["hash"] = chain_hash(forged["prev_hash"], forged)
        tampered.insert(k - 1, forged)
        expected = k if (k == n + 1 or k in checkpoint_positions) else k + 1
    elif kind == "swap":
        i, j = sorted(draw(st.lists(st.integers(1, n), min_size=2, max_size=2, unique=True))) if n > 1 else (1, 1)
        tampered[i - 1], tampered[j - 1] = tampered[j - 1], tampered[i - 1]
        expected = i if i != j else None
    else:
        m = draw(st.integers(0, n - 1))
        tampered = tampered[:m]
        expected = m + 1
    return tampered, head, checkpoints, kind, expected


@settings(max_examples=400, deadline=None)
@given(tamperings())
def test_verifier_reports_the_first_bad_position_of_any_tampering(case):
    tampered, head, checkpoints, kind, expected = case
    result = verify_chain(tampered, head=head, checkpoints=checkpoints, signing_key=KEY)
    if expected is None:  # a one-event chain cannot be reordered
        assert result.ok
        return
    assert not result.ok, kind
    assert result.position == expected, (kind, result.reason)


@settings(max_examples=200, deadline=None)
@given(chains(min_size=0))
def test_an_untouched_chain_verifies(chain):
    events, checkpoint_positions = chain
    result = verify_chain(
        events, head=head_of(events), checkpoints=signed(events, checkpoint_positions), signing_key=KEY
    )
    assert result.ok
    assert result.events == len(events)
    assert result.summary() == f"OK: {len(events)} events, head {head_of(events).hash}"


@settings(max_examples=200, deadline=None)
@given(chains(min_size=2), st.data())
def test_truncation_with_the_head_moved_back_is_caught_by_a_later_checkpoint(chain, data):
    """An attacker who cuts the tail and rewinds the head row is caught only by a signed checkpoint
    beyond the cut; without one the cut is invisible (docs/audit.md says so)."""
    events, checkpoint_positions = chain
    m = data.draw(st.integers(0, len(events) - 1))
    kept = events[:m]
    result = verify_chain(kept, head=head_of(kept), checkpoints=signed(events, checkpoint_positions), signing_key=KEY)
    if any(position > m for position in checkpoint_positions):
        assert (result.ok, result.position) == (False, m + 1)
    else:
        assert result.ok


@settings(max_examples=200, deadline=None)
@given(chains(min_size=1), st.data())
def test_a_consistently_rewritten_chain_fails_at_the_first_checkpoint_after_the_rewrite(chain, data):
    events, checkpoint_positions = chain
    k = data.draw(st.integers(1, len(events)))
    bodies = [{name: event[name] for name in HASHED_FIELDS if name not in ("seq", "occurred_at")} for event in events]
    bodies[k - 1] = {**bodies[k - 1], "reason": bodies[k - 1]["reason"] + " rewritten"}
    rewritten = build_chain(bodies)
    result = verify_chain(
        rewritten, head=head_of(rewritten), checkpoints=signed(events, checkpoint_positions), signing_key=KEY
    )
    pinned = [position for position in sorted(checkpoint_positions) if position >= k]
    if pinned:
        assert (result.ok, result.position) == (False, pinned[0])
    else:
        assert result.ok


def test_a_forged_checkpoint_signature_fails_at_its_position():
    events = build_chain([{"action": "a.b_done"}] * 5)
    forged = Checkpoint(3, events[2]["hash"], sign_checkpoint(b"x" * 32, 3, events[2]["hash"]))
    result = verify_chain(events, head=head_of(events), checkpoints=[forged], signing_key=KEY)
    assert (result.ok, result.position) == (False, 3)
    assert result.summary() == "FAIL at position 3: checkpoint signature is not genuine"


def test_a_forged_checkpoint_beyond_the_end_is_reported_not_trusted():
    events = build_chain([{"action": "a.b_done"}] * 2)
    forged = Checkpoint(9, "f" * 64, "0" * 64)
    result = verify_chain(events, head=head_of(events), checkpoints=[forged], signing_key=KEY)
    assert (result.ok, result.position) == (False, 9)


def test_a_head_that_disagrees_with_the_last_event_fails_there():
    events = build_chain([{"action": "a.b_done"}] * 3)
    result = verify_chain(events, head=ChainHead(3, "e" * 64), signing_key=KEY)
    assert (result.ok, result.position) == (False, 3)
