"""The hash chain and its verification, as pure functions over plain values (no ORM, no I/O).

hash_n = SHA-256(hash_{n-1} || canonical JSON of event n), with hash_0 = GENESIS (security.md AUD-5).
Signed checkpoints pin (seq, hash) pairs with an HMAC key kept outside the database, so a tail cut
off the chain, or a chain rewritten from some point on, no longer matches what was signed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64

# The fields that are hashed, in a fixed order; adding one is a new chain version.
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_user_id",
    "actor_username",
    "organisation_id",
    "channel",
    "request_id",
    "source_ip",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "subject_person_id",
    "site_id",
    "changed_fields",
    "details",
    "reason",
)
# What a verifier needs from each stored row: the hashed fields plus the two stored hashes.
STORED_FIELDS = (*HASHED_FIELDS, "prev_hash", "hash")

CHECKPOINT_CONTEXT = "oms-audit-checkpoint:v1"
RETENTION_ANCHOR_CONTEXT = "oms-audit-retention-anchor:v1"

# Consultation (read) events: someone looked at something and nothing changed. Their names end so
# (``people.person_viewed``, ``people.people_searched``, ``audit.events_exported``). The timeline
# leaves them out, and a transaction recording only these may commit without waiting for the WAL
# flush (services.record_event). A new read action must keep to these suffixes.
READ_ACTION_SUFFIXES = ("_viewed", "_searched", "_exported")


def is_read_action(action: str) -> bool:
    """True for a consultation event (a read), False for one that records a change."""
    return action.endswith(READ_ACTION_SUFFIXES)


def canonical_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(event: Mapping) -> str:
    body = {name: event.get(name) for name in HASHED_FIELDS}
    if isinstance(body["occurred_at"], datetime):
        body["occurred_at"] = canonical_timestamp(body["occurred_at"])
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, event: Mapping) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode()).hexdigest()


# --- checkpoints ------------------------------------------------------------------------------------
def sign_checkpoint(key: bytes, seq: int, event_hash: str) -> str:
    """HMAC-SHA256 over the position and hash; the context string stops reuse of the key elsewhere."""
    message = f"{CHECKPOINT_CONTEXT}:{seq}:{event_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint_is_genuine(key: bytes, checkpoint: Checkpoint) -> bool:
    return hmac.compare_digest(sign_checkpoint(key, checkpoint.seq, checkpoint.hash), checkpoint.signature)


def sign_retention_anchor(key: bytes, seq: int, event_hash: str) -> str:
    """HMAC-SHA256 for a retention anchor: its own context, so no ordinary checkpoint (written every
    thousand events) can pass for the start of a purged chain."""
    message = f"{RETENTION_ANCHOR_CONTEXT}:{seq}:{event_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def retention_anchor_is_genuine(key: bytes, anchor: Checkpoint) -> bool:
    return hmac.compare_digest(sign_retention_anchor(key, anchor.seq, anchor.hash), anchor.signature)


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    signature: str


@dataclass(frozen=True)
class ChainHead:
    """What the database says the last position and hash are (the chain head row)."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int  # how many events were checked (read in order until the first failure)
    head_hash: str  # the hash of the last good event
    position: int | None = None  # the first bad position (1-based), when not ok
    reason: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"OK: {self.events} events, head {self.head_hash}"
        return f"FAIL at position {self.position}: {self.reason}"


def verify_chain(
    events: Iterable[Mapping],
    *,
    head: ChainHead | None,
    checkpoints: Iterable[Checkpoint] = (),
    signing_key: bytes,
    anchor: Checkpoint | None = None,
) -> Verification:
    """Check ``events`` (stored rows in position order) and report OK or the first bad position.

    Position p (1-based) is good when its row says ``seq == p``, its ``prev_hash`` is the hash of
    position p-1, its ``hash`` is the recomputed chain hash, and a checkpoint signed for p (if any)
    is genuine and names that hash. So an edit, a deletion, an insertion or a reorder fails at the
    first position it disturbs. A truncated tail fails at the first missing position: the head row
    or a genuine checkpoint names a position beyond the last row. A chain rewritten consistently
    from some position k (every later hash recomputed, head row updated) fails at the first signed
    checkpoint at or after k, which is the earliest position the evidence can pin down.

    After a retention purge the chain starts at a signed ``anchor`` (the last purged position and
    its hash, signed as a retention anchor): the first event must then be position anchor.seq + 1
    and link to the anchor's hash. Without a genuine anchor a chain that does not start at 1 fails
    at position 1, as any deletion does. ``events`` in the result counts the events checked.

    Events are consumed one at a time, so the caller can stream them from the database.
    """
    signed: dict[int, Checkpoint] = {}
    for checkpoint in checkpoints:
        signed[checkpoint.seq] = checkpoint

    start, last_hash = (anchor.seq, anchor.hash) if anchor is not None else (0, GENESIS)

    def _failed(at: int, reason: str, checked_to: int, last: str) -> Verification:
        return Verification(ok=False, events=checked_to - start, head_hash=last, position=at, reason=reason)

    if anchor is not None and not retention_anchor_is_genuine(signing_key, anchor):
        return _failed(anchor.seq + 1, "the retention anchor's signature is not genuine", start, last_hash)
    position = start

    for event in events:
        position += 1
        seq = event.get("seq")
        if seq != position:
            if isinstance(seq, int) and seq > position:
                reason = f"event {position} is missing (the next row has seq {seq})"
            else:
                reason = f"row out of place: seq {seq} where {position} was expected"
            return _failed(position, reason, position - 1, last_hash)
        if event.get("prev_hash") != last_hash:
            return _failed(position, "prev_hash does not match the hash of the event before", position - 1, last_hash)
        recomputed = chain_hash(last_hash, event)
        if event.get("hash") != recomputed:
            return _failed(position, "content does not match its hash (edited)", position - 1, last_hash)
        checkpoint = signed.get(position)
        if checkpoint is not None:
            if not checkpoint_is_genuine(signing_key, checkpoint):
                return _failed(position, "checkpoint signature is not genuine", position - 1, last_hash)
            if checkpoint.hash != recomputed:
                return _failed(
                    position,
                    "hash differs from the signed checkpoint (the chain was rewritten at or before here)",
                    position - 1,
                    last_hash,
                )
        last_hash = recomputed

    # Nothing wrong in the rows themselves: is anything missing after the last one?
    missing_evidence = []
    if head is not None and head.seq > position:
        missing_evidence.append(f"the chain head records {head.seq} events")
    beyond = sorted(seq for seq in signed if seq > position)
    forged_beyond = [seq for seq in beyond if not checkpoint_is_genuine(signing_key, signed[seq])]
    genuine_beyond = [seq for seq in beyond if seq not in forged_beyond]
    if genuine_beyond:
        missing_evidence.append(f"a signed checkpoint names position {genuine_beyond[-1]}")
    if missing_evidence:
        reason = f"events missing after position {position} (truncated): " + " and ".join(missing_evidence)
        return _failed(position + 1, reason, position, last_hash)
    if forged_beyond:
        return _failed(forged_beyond[0], "checkpoint signature is not genuine", position, last_hash)
    if head is not None and head.seq < position:
        return _failed(head.seq + 1, f"events after the recorded chain head (seq {head.seq})", position, last_hash)
    if head is not None and head.hash != last_hash:
        return _failed(position, "the last event's hash differs from the chain head", position, last_hash)
    return Verification(ok=True, events=position - start, head_hash=last_hash)
