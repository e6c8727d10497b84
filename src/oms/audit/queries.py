"""Reading the audit trail: verification, search, the person timeline and standard reports (AUD-6).

Reading the audit log is itself audited (AUD-1 "audit-log reads"): every search and report writes an
event before its rows are returned, so if that write fails nothing is returned (AUD-3).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet

from oms.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent, AuditRetentionAnchor
from oms.audit.rules import READ_ACTION_SUFFIXES, STORED_FIELDS, ChainHead, Checkpoint, Verification, verify_chain
from oms.audit.services import record_event
from oms.audit.signing import signing_key
from oms.core.actor import Actor
from oms.core.errors import RuleViolation

STREAM_CHUNK = 5000
MAX_PAGE_SIZE = 200
PAGE_SIZE = 50


# --- verification ----------------------------------------------------------------------------------
def stream_chain_rows(up_to_seq: int) -> Iterator[dict]:
    """Stored rows as plain dicts in position order, fetched in chunks (server-side on PostgreSQL)."""
    rows = (
        AuditEvent.objects.filter(seq__lte=up_to_seq)
        .order_by("seq")
        .values_list(*STORED_FIELDS)
        .iterator(chunk_size=STREAM_CHUNK)
    )
    for row in rows:
        yield dict(zip(STORED_FIELDS, row, strict=True))


def verify_stored_chain(actor: Actor) -> Verification:
    """Verify the stored chain against its head row and signed checkpoints. Permission: audit.verify.

    Read order matters for a live system: the retention anchor, checkpoints, then the head, then
    events up to the head. A checkpoint committed before the head was read names a position the
    head has reached, so events appended meanwhile never look like a truncation and are simply left
    for the next run. After a retention purge the chain is checked from the newest signed retention
    anchor; a purge that commits during the run is seen by reading the anchor again, and the chain
    is then checked once more from the new anchor.
    """
    actor.require("audit.verify")
    anchor = _latest_retention_anchor()
    result = _verify_from(anchor)
    if not result.ok and _latest_retention_anchor() != anchor:
        result = _verify_from(_latest_retention_anchor())
    return result


def _latest_retention_anchor() -> Checkpoint | None:
    row = AuditRetentionAnchor.objects.order_by("-seq").values_list("seq", "hash", "signature").first()
    return Checkpoint(seq=row[0], hash=row[1], signature=row[2]) if row else None


def _verify_from(anchor: Checkpoint | None) -> Verification:
    checkpoints = [
        Checkpoint(seq=seq, hash=hash_, signature=signature)
        for seq, hash_, signature in AuditCheckpoint.objects.values_list("seq", "hash", "signature")
    ]
    head_row = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    if head_row is None:
        highest = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        return Verification(
            ok=False, events=0, head_hash="", position=1 if highest else 0, reason="the chain head row is missing"
        )
    head = ChainHead(seq=head_row[0], hash=head_row[1])
    result = verify_chain(
        stream_chain_rows(head.seq), head=head, checkpoints=checkpoints, signing_key=signing_key(), anchor=anchor
    )
    if not result.ok:
        return result
    # Rows beyond the head mean the head row was moved back. Read the highest position before the
    # head again: an honest append writes its row and the head together, so the head is never behind.
    highest = AuditEvent.objects.aggregate(highest=Max("seq"))["highest"] or 0
    latest_head = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    if highest > latest_head:
        return Verification(
            ok=False,
            events=result.events,
            head_hash=result.head_hash,
            position=latest_head + 1,
            reason=f"events after the recorded chain head (seq {latest_head}): the head row was moved back",
        )
    return result


# --- search ----------------------------------------------------------------------------------------
_person_resolver: Callable[[str], int | None] | None = None


def set_person_resolver(resolver: Callable[[str], int | None]) -> None:
    """Let the people app (above audit) turn a system number into the internal person id, so
    auditors can search by the number they know. Registered in the people app's ``ready``."""
    global _person_resolver
    _person_resolver = resolver


def as_id(text: str) -> int | None:
    """A database id typed by a person: ASCII digits that fit a 64-bit column, else None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def resolve_person(reference: str) -> int | None:
    """A person id from a numeric id or (through the people app, when installed) a system number."""
    reference = reference.strip()
    if as_id(reference) is not None:
        return as_id(reference)
    return _person_resolver(reference) if _person_resolver is not None and reference else None


@dataclass(frozen=True)
class EventPage:
    events: list[AuditEvent]
    number: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _filtered(
    *,
    user_id: int | None,
    username: str | None,
    person_id: int | None,
    object_type: str | None,
    object_id: str | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
) -> QuerySet[AuditEvent]:
    if since and until and since > until:
        raise RuleViolation("The start of the period is after its end.", field="since")
    events = AuditEvent.objects.all()
    if user_id is not None:
        events = events.filter(actor_user_id=user_id)
    if username:
        events = events.filter(actor_username__iexact=username)
    if person_id is not None:
        events = events.filter(subject_person_id=person_id)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if action:
        # An app prefix ("people.") finds all of its actions; anything else is an exact action name.
        events = events.filter(action__startswith=action) if action.endswith(".") else events.filter(action=action)
    if since:
        events = events.filter(occurred_at__gte=since)
    if until:
        events = events.filter(occurred_at__lt=until)
    return events


def search_events(
    actor: Actor,
    *,
    user_id: int | None = None,
    username: str | None = None,
    person_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> EventPage:
    """Search the trail, newest first. Permission: audit.view (national: the trail has no scope).

    ``until`` is exclusive. The search is recorded as "audit.events_searched" with its filters before
    the page is returned; if that cannot be written the search fails (503) and returns nothing.
    """
    actor.require("audit.view")
    if page < 1:
        raise RuleViolation("The page number starts at 1.", field="page")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise RuleViolation(f"The page size is 1 to {MAX_PAGE_SIZE}.", field="page_size")
    filters = {
        "user_id": user_id,
        "username": username or None,
        "person_id": person_id,
        "object_type": object_type or None,
        "object_id": object_id or None,
        "action": action or None,
        "since": since,
        "until": until,
    }
    for name, value in filters.items():
        if isinstance(value, str) and "\x00" in value:
            raise RuleViolation("Remove the null character.", field=name)
    events = _filtered(**filters)
    total = events.count()
    start = (page - 1) * page_size
    rows = list(events.order_by("-seq")[start : start + page_size])
    record_event(
        actor,
        "audit.events_searched",
        object_type="audit_event",
        subject_person_id=person_id,
        details={
            **{name: _plain(value) for name, value in filters.items() if value is not None},
            "page": page,
            "results": total,
        },
    )
    return EventPage(events=rows, number=page, page_size=page_size, total=total)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def events_for_person(
    actor: Actor, person_id: int, *, merged_person_ids: Iterable[int] = (), limit: int = 200
) -> list[AuditEvent]:
    """What happened to one person (changes, merges, alerts, notes), newest first, for the timeline.

    ``merged_person_ids`` adds the events of records merged into this one. Not checked against
    audit.view and not audited here: the people app calls this only after it has checked the actor
    may see this person, and it audits the profile read itself. Read events ("..._viewed",
    searches, exports) and denied attempts are left out: the timeline is about the person.
    """
    read_actions = Q()
    for suffix in READ_ACTION_SUFFIXES:
        read_actions |= Q(action__endswith=suffix)
    return list(
        AuditEvent.objects.filter(
            subject_person_id__in=[person_id, *merged_person_ids], outcome=AuditEvent.Outcome.SUCCESS
        )
        .exclude(read_actions)
        .order_by("-seq")[:limit]
    )


# --- standard reports (AUD-6) ----------------------------------------------------------------------
REPORTS = {
    "lockouts": "Account lockouts and unlocks",
    "denials": "Authorisation denials",
    "high_volume_readers": "Users reading the most person records",
}


def _record_report(actor: Actor, report: str, since: datetime | None, until: datetime | None, rows: int) -> None:
    record_event(
        actor,
        "audit.report_viewed",
        object_type="audit_report",
        object_id=report,
        details={"since": _plain(since), "until": _plain(until), "rows": rows},
    )


def _period(since: datetime | None, until: datetime | None) -> QuerySet[AuditEvent]:
    return _filtered(
        user_id=None,
        username=None,
        person_id=None,
        object_type=None,
        object_id=None,
        action=None,
        since=since,
        until=until,
    )


def lockout_report(
    actor: Actor, *, since: datetime | None = None, until: datetime | None = None, limit: int = 500
) -> list[AuditEvent]:
    """Lockouts, unlocks and requests refused because the account was locked. Permission: audit.view."""
    actor.require("audit.view")
    rows = list(
        _period(since, until)
        .filter(
            Q(action__endswith="_locked")
            | Q(action__endswith="_unlocked")
            | Q(outcome=AuditEvent.Outcome.DENIED, details__code="auth.locked")
        )
        .order_by("-seq")[:limit]
    )
    _record_report(actor, "lockouts", since, until, len(rows))
    return rows


def denial_report(
    actor: Actor, *, since: datetime | None = None, until: datetime | None = None, limit: int = 500
) -> list[AuditEvent]:
    """Every denied outcome (401/403/423 answers, refused actions), newest first. Permission: audit.view."""
    actor.require("audit.view")
    rows = list(_period(since, until).filter(outcome=AuditEvent.Outcome.DENIED).order_by("-seq")[:limit])
    _record_report(actor, "denials", since, until, len(rows))
    return rows


@dataclass(frozen=True)
class ReaderVolume:
    user_id: int | None
    username: str
    reads: int
    people: int


def high_volume_readers(
    actor: Actor, *, since: datetime | None = None, until: datetime | None = None, limit: int = 20
) -> list[ReaderVolume]:
    """Users with the most person-record reads ("..._viewed" events naming a person) in the period.

    Permission: audit.view. ``people`` counts distinct people read, which separates one long case
    from browsing many records.
    """
    actor.require("audit.view")
    rows = (
        _period(since, until)
        .filter(action__endswith="_viewed", subject_person_id__isnull=False, outcome=AuditEvent.Outcome.SUCCESS)
        .values("actor_user_id", "actor_username")
        .annotate(reads=Count("id"), people=Count("subject_person_id", distinct=True))
        .order_by("-reads", "actor_username")[:limit]
    )
    result = [
        ReaderVolume(
            user_id=row["actor_user_id"], username=row["actor_username"], reads=row["reads"], people=row["people"]
        )
        for row in rows
    ]
    _record_report(actor, "high_volume_readers", since, until, len(result))
    return result
