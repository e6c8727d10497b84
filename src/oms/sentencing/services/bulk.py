"""Recalculating many people at once: after a profile change, a rules release, or ``oms release_dates
recalculate --all``.

The rules and the stored shape are exactly those of ``calculations.recalculate`` (the same request
builder, engine call, inputs hash and date changes); only the reading and writing are batched:

1. per batch of people, read their active sentences and adjustments, their facility's profile and
   their latest calculation in a handful of queries;
2. run the engine for each person;
3. store a new calculation only when something a reader would care about changed: the inputs, the
   profile version (both in the inputs hash), or a date. An "unchanged" person is counted, not stored,
   so running the job twice does not double the history or bury real changes in noise;
4. flip ``is_latest`` of the replaced calculations in one update, bulk-insert the new ones, append one
   audit event for the batch (``sentencing.release_dates_recalculated_in_bulk``, listing each person
   and calculation it stored), bulk-insert one outbox message per new calculation, and publish one
   ``sentencing.release_dates_calculated_in_bulk`` event so custody updates release dates with one
   statement.

Each batch is its own transaction: a long run that stops part-way keeps the batches already done, and
running it again carries on (the finished people come out "unchanged").
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, JSONField, OuterRef, Q

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event, publish
from oms.core.models import OutboxMessage
from oms.people.models import Person, PersonSiteLink
from oms.people.queries import people_in_scope
from oms.sentencing.models import Calculation, SiteProfile
from oms.sentencing.queries.calculations import people_filter
from oms.sentencing.rules import profiles
from oms.sentencing.rules.types import CalculationError
from oms.sentencing.services.calculations import (
    ADJUSTMENT_FIELDS,
    ADJUSTMENT_ORDER,
    CALCULATED_EVENT,
    SENTENCE_FIELDS,
    SENTENCE_ORDER,
    active_adjustments,
    active_sentences,
    calculate_with,
    choose_profile,
    date_changes,
    event_body,
    inputs_hash,
    request_as_json,
    request_from_values,
)
from oms.sentencing.services.facts import facts_for

BULK_CALCULATED_EVENT = "sentencing.release_dates_calculated_in_bulk"
BULK_AUDIT_EVENT = "sentencing.release_dates_recalculated_in_bulk"
DEFAULT_BATCH_SIZE = 2_000
MAX_ERRORS_KEPT = 100
PARALLEL_FROM = 20_000  # people; below this the engine runs in this process

Progress = Callable[[int, int, float], None]  # (people done, people in all, seconds so far)


@dataclass
class BulkOutcome:
    people: int = 0  # considered (have an active sentence or a calculation)
    stored: int = 0  # new calculations written
    unchanged: int = 0  # same inputs, profile version and dates as the latest: counted, not stored
    failed: int = 0  # the engine refused the records (listed in ``errors``, first 100)
    errors: list[dict] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return {
            "people": self.people,
            "stored": self.stored,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
        }


def people_to_recalculate(actor: Actor, person_ids: Iterable[int] | None = None) -> list[int]:
    """Person keys in reach with an active sentence or a stored calculation, in key order."""
    people = people_in_scope(actor).filter(
        Exists(active_sentences().filter(person_id=OuterRef("pk")))
        | Exists(Calculation.objects.filter(person_id=OuterRef("pk"), is_latest=True))
    )
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    return list(people.order_by("pk").values_list("pk", flat=True))


def recalculate_in_bulk(
    actor: Actor,
    *,
    person_ids: Iterable[int] | None = None,
    reason: str = Calculation.Reason.BULK,
    detail: str = "",
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    workers: int | None = None,
) -> BulkOutcome:
    """Recalculate everyone in reach (or the given person keys) through the bulk path
    (sentencing.calculate). Audited with one event per batch; see the module docstring.

    ``workers`` processes run the engine while this one reads and writes (default: one per CPU but
    one, and none for runs under PARALLEL_FROM people, where starting them costs more than it saves)."""
    actor.require("sentencing.calculate")
    started = time.perf_counter()
    ids = people_to_recalculate(actor, person_ids)
    outcome = BulkOutcome(people=len(ids))
    site_profiles = dict(SiteProfile.objects.values_list("site_id", "profile_code"))
    chosen = _choose_profiles({*site_profiles.values(), settings.RELEASE_PROFILE})
    batches = [ids[offset : offset + batch_size] for offset in range(0, len(ids), batch_size)]
    if workers is None:
        workers = max(1, (os.cpu_count() or 1) - 1) if len(ids) >= PARALLEL_FROM else 0

    done = 0

    def write(read: _BatchRead, computed: list[tuple]) -> None:
        nonlocal done
        with transaction.atomic():
            _write_batch(actor, read, computed, reason, detail[:500], outcome)
        done += len(read.people)
        if progress is not None:
            progress(done, len(ids), time.perf_counter() - started)

    if workers <= 0:
        for batch in batches:
            read = _read_batch(batch, site_profiles)
            write(read, _compute(read.people, chosen))
    else:
        # Pipelined: the pool calculates batch n+1 while this process writes batch n. Workers are forked
        # (inheriting the chosen profiles) and never touch the database: ``_compute`` is pure.
        global _forked_profiles
        _forked_profiles = chosen
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            pending = None
            for batch in batches:
                read = _read_batch(batch, site_profiles)
                futures = [pool.submit(_compute_in_worker, read.people[n::workers]) for n in range(workers)]
                if pending is not None:
                    write(pending[0], [row for future in pending[1] for row in future.result()])
                pending = (read, futures)
            if pending is not None:
                write(pending[0], [row for future in pending[1] for row in future.result()])
    outcome.seconds = time.perf_counter() - started
    return outcome


def _choose_profiles(codes: set[str]) -> dict[str, profiles.Profile | CalculationError]:
    # One choice per profile code for the whole run: every person is calculated under the same version.
    chosen: dict[str, profiles.Profile | CalculationError] = {}
    for code in codes:
        try:
            chosen[code] = choose_profile(code)
        except CalculationError as error:
            chosen[code] = error
    return chosen


def _grouped(rows) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row.pop("person_id")].append(row)
    return grouped


def _site_of(batch: list[int]) -> dict[int, int]:
    """The site of each person's first open custody link (as ``profile_code_for`` chooses)."""
    sites: dict[int, int] = {}
    links = PersonSiteLink.objects.filter(
        kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True, **_of_people(batch)
    ).order_by("pk")
    for person_id, site_id in links.values_list("person_id", "site_id"):
        sites.setdefault(person_id, site_id)
    return sites


@dataclass
class _BatchRead:
    # One tuple per person: (pk, date of birth, sentence rows, adjustment rows, profile code,
    # latest calculation as {"pk", "inputs_hash", "result", "release_date_type"} or None).
    people: list[tuple]
    public_ids: dict[int, object]


def _of_people(batch: list[int], field: str = "person_id") -> dict:
    return people_filter(set(batch), field) if batch else {f"{field}__in": []}


def _read_batch(batch: list[int], site_profiles: dict[int, str]) -> _BatchRead:
    persons = Person.objects.filter(**_of_people(batch, "pk")).values_list("pk", "public_id", "date_of_birth")
    public_ids, births = {}, {}
    for pk, public_id, born in persons:
        public_ids[pk], births[pk] = public_id, born
    sentences = _grouped(
        active_sentences()
        .filter(**_of_people(batch))
        .order_by("person_id", *SENTENCE_ORDER)
        .values("person_id", *SENTENCE_FIELDS)
    )
    adjustments = _grouped(
        active_adjustments()
        .filter(**_of_people(batch))
        .order_by("person_id", *ADJUSTMENT_ORDER)
        .values("person_id", *ADJUSTMENT_FIELDS)
    )
    # Only what the comparison needs travels to the workers: the dates, not their explanations.
    latest = {
        person_id: {
            "pk": pk,
            "inputs_hash": digest,
            "result": {"dates": {t: {"date": d["date"]} for t, d in (dates or {}).items()}},
            "release_date_type": release_type,
        }
        for pk, person_id, digest, dates, release_type in Calculation.objects.filter(
            is_latest=True, **_of_people(batch)
        ).values_list("pk", "person_id", "inputs_hash", "result__dates", "release_date_type")
    }
    sites = _site_of(batch)
    facts = facts_for(batch)
    people = [
        (
            pk,
            births[pk],
            sentences.get(pk, []),
            adjustments.get(pk, []),
            site_profiles.get(sites.get(pk), "") or settings.RELEASE_PROFILE,
            latest.get(pk),
            facts.get(pk, {}),
        )
        for pk in batch
    ]
    return _BatchRead(people, public_ids)


_forked_profiles: dict = {}


def _compute_in_worker(people: list[tuple]) -> list[tuple]:
    return _compute(people, _forked_profiles)


def _compute(people: list[tuple], chosen: dict) -> list[tuple]:
    """The engine for each person, with no database: ("failed", pk, field, detail), ("unchanged", pk) or
    ("new", pk, fields of the new calculation). Runs here or in a worker process."""
    out: list[tuple] = []
    for pk, date_of_birth, sentences, adjustments, code, previous, facts in people:
        request = request_from_values(date_of_birth, sentences, adjustments, facts)
        try:
            profile = chosen[code]
            if isinstance(profile, CalculationError):
                raise profile
            result = calculate_with(request, profile)
        except CalculationError as error:
            out.append(("failed", pk, error.field, error.detail))
            continue
        inputs = request_as_json(request)
        digest = inputs_hash(inputs, profile)
        stored = result.as_dict()
        changes = date_changes(previous["result"] if previous else None, stored)
        release_type = result.release_date_type.value if result.release_date_type else ""
        if (
            previous is not None
            and previous["inputs_hash"] == digest
            and not changes
            and previous["release_date_type"] == release_type
        ):
            out.append(("unchanged", pk))
            continue
        out.append(
            (
                "new",
                pk,
                {
                    "profile_code": profile.code,
                    "profile_version": profile.version,
                    "inputs": inputs,
                    "inputs_hash": digest,
                    "result": stored,
                    "release_date": result.release_date,
                    "release_date_type": release_type,
                    "changes": changes,
                    "previous_id": previous["pk"] if previous else None,
                },
            )
        )
    return out


def _write_batch(
    actor: Actor, read: _BatchRead, computed: list[tuple], reason: str, detail: str, outcome: BulkOutcome
) -> None:
    now = clock.now()
    calculated_by_id = None if actor.is_system else actor.user_id
    new: list[dict] = []
    for row in computed:
        if row[0] == "unchanged":
            outcome.unchanged += 1
        elif row[0] == "failed":
            outcome.failed += 1
            if len(outcome.errors) < MAX_ERRORS_KEPT:
                _, pk, field_path, text = row
                outcome.errors.append({"person_id": str(read.public_ids[pk]), "field": field_path, "detail": text})
        else:
            _, pk, fields = row
            new.append(
                {
                    "public_id": uuid.uuid4(),
                    "person_id": pk,
                    "reason": reason,
                    "reason_detail": detail,
                    "is_latest": True,
                    "calculated_at": now,
                    "calculated_by_id": calculated_by_id,
                    **fields,
                }
            )
    if not new:
        return
    replaced = [c["previous_id"] for c in new if c["previous_id"] is not None]
    if replaced:
        Calculation.objects.filter(pk__in=replaced).update(is_latest=False)
    insert_rows(Calculation, new)
    outcome.stored += len(new)
    public_ids = read.public_ids
    # One audit event per batch, listing every calculation it stored: hashing one event per person
    # cost a sixth of the whole run (B6), and the calculations themselves keep who, when and why.
    record_event(
        actor,
        BULK_AUDIT_EVENT,
        object_type="calculation_batch",
        object_id=str(new[0]["public_id"]),
        details={
            "reason": reason,
            "detail": detail,
            "calculations": [[str(public_ids[c["person_id"]]), str(c["public_id"])] for c in new],
            "profiles": sorted({f"{c['profile_code']} v{c['profile_version']}" for c in new}),
        },
    )
    insert_rows(
        OutboxMessage,
        [
            {
                "name": CALCULATED_EVENT,
                "payload": event_body(public_ids[c["person_id"]], c["public_id"], c["result"]),
                "person_public_id": public_ids[c["person_id"]],
                "site_code": "",
                "created_at": now,
            }
            for c in new
        ],
    )
    # One event for the batch: custody reads the key release dates of these people and updates their
    # open episodes with one statement, instead of one handler call per person.
    publish(actor, Event(BULK_CALCULATED_EVENT, {"person_ids": [c["person_id"] for c in new]}))


def insert_rows(model, rows: list[dict]) -> None:
    """Insert new rows given as {field attribute: value} (every column but the key), whose keys nobody
    reads back: COPY on PostgreSQL, with no model instances (building them and preparing each field
    took a third of B6's writing), ``bulk_create`` elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1_000)
        return
    from psycopg.types.json import Jsonb  # PostgreSQL only

    by_attribute = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attribute[name] for name in rows[0]]
    json_columns = [isinstance(f, JSONField) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [Jsonb(value) if is_json else value for value, is_json in zip(row.values(), json_columns, strict=True)]
            )


def people_held_at(site_id: int) -> list[int]:
    """Keys of the people with an open custody link to the site (a profile change recalculates them)."""
    return list(
        PersonSiteLink.objects.filter(site_id=site_id, kind=PersonSiteLink.Kind.CUSTODY)
        .filter(Q(ended_on__isnull=True))
        .values_list("person_id", flat=True)
        .distinct()
    )
