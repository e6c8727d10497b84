"""The bulk path for people: drafts become table rows, written by COPY (PostgreSQL) or executemany
(SQLite), never one ORM save per row (performance.md: keep the ORM out of hot paths).

``prepare`` turns a batch of ``PersonDraft`` into rows for every people table, computing the same
search keys the people app computes (``oms.people.rules.name_keys``), normalised identifiers and
encrypted case notes. ``write`` sends the rows. They are separate so the benchmark can time them
apart and send the very same rows through a raw COPY for comparison (B9).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from operator import attrgetter

from django.db import connection as default_connection
from django.db.models import Model

from oms.core.crypto import encrypt
from oms.demo.generator import PersonDraft
from oms.people.models import (
    Address,
    Alert,
    Allocation,
    CaseNote,
    Contact,
    Identifier,
    Person,
    PersonName,
    PersonSiteLink,
)
from oms.people.rules import NameKeys, name_keys, normalise_identifier

NAME_KEY_FIELDS = [f.name for f in fields(NameKeys)]
_name_key_values = attrgetter(*NAME_KEY_FIELDS)

# Column order of each table's rows (attribute names; a test checks they cover every column).
COLUMNS: dict[type[Model], list[str]] = {
    Person: [
        "id", "public_id", "created_at", "updated_at", "system_number", "family_name", "given_name",
        "middle_names", "date_of_birth", "sex", "gender_identity", "ethnicity", "nationality", "languages",
        "interpreter_required", "status", "legal_status", "merged_into_id", "created_by_id", "version",
    ],
    # The search keys follow ``NameKeys``: a key the people app adds is written here without a change.
    PersonName: ["id", "person_id", "kind", "family_name", "given_name", "date_of_birth", *NAME_KEY_FIELDS],
    Identifier: ["id", "person_id", "kind", "value", "value_norm", "issued_by", "created_at"],
    Address: [
        "id", "created_at", "updated_at", "person_id", "kind", "line1", "line2", "town", "postcode", "country",
        "from_date", "to_date", "is_primary",
    ],
    Contact: [
        "id", "created_at", "updated_at", "person_id", "name", "relationship", "phone", "email", "address",
        "next_of_kin", "emergency_contact",
    ],
    Alert: [
        "id", "created_at", "updated_at", "public_id", "person_id", "type", "level", "description", "starts_on",
        "ends_on", "created_by_id", "closed_at", "closed_by_id", "closed_reason",
    ],
    CaseNote: ["id", "public_id", "person_id", "type", "sensitive", "text", "site_id", "author_id", "created_at"],
    PersonSiteLink: ["id", "person_id", "site_id", "kind", "started_on", "ended_on"],
    Allocation: ["id", "person_id", "staff_id", "site_id", "started_on", "ended_on"],
}  # fmt: skip

# Insert order respects foreign keys (people first).
TABLE_ORDER: list[type[Model]] = list(COLUMNS)


@dataclass
class Rows:
    """One batch's rows per table, in ``COLUMNS`` order, as Python values (not yet database values)."""

    tables: dict[type[Model], list[tuple]] = field(default_factory=lambda: {model: [] for model in TABLE_ORDER})

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def counts(self) -> dict[str, int]:
        return {model._meta.model_name: len(rows) for model, rows in self.tables.items()}


class IdAllocator:
    """Primary keys for rows written outside the ORM, so child rows can point at their parents.

    PostgreSQL draws them from each table's own sequence (safe beside other writers); SQLite has one
    writer at a time, so the next free id is read once inside the load's transaction.
    """

    def __init__(self, connection=default_connection):
        self.connection = connection
        self._next: dict[str, int] = {}

    def take(self, model: type[Model], count: int) -> list[int]:
        if count == 0:
            return []
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
                )
                return [row[0] for row in cursor.fetchall()]
            if table not in self._next:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - table name from model meta
                self._next[table] = cursor.fetchone()[0] + 1
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))


@dataclass
class LoadContext:
    """Where drafts land: site ids by code and the staff whose caseloads take allocations."""

    site_ids: dict[str, int]
    now: dt.datetime
    today: dt.date
    caseload_staff: list[tuple[int, int]] = field(default_factory=list)  # (user id, site id)
    caseload_size: int = 40
    allocated: dict[int, int] = field(default_factory=dict)  # user id -> people allocated so far


def prepare(drafts: Iterable[PersonDraft], context: LoadContext, ids: IdAllocator) -> Rows:
    """Rows for a batch of drafts: ids allocated, search keys computed, case notes encrypted."""
    drafts = list(drafts)
    rows = Rows()
    t = rows.tables
    now = context.now
    person_ids = ids.take(Person, len(drafts))
    name_ids = iter(ids.take(PersonName, sum(len(d.names) for d in drafts)))
    identifier_ids = iter(ids.take(Identifier, sum(len(d.identifiers) for d in drafts)))
    address_ids = iter(ids.take(Address, sum(len(d.addresses) for d in drafts)))
    contact_ids = iter(ids.take(Contact, sum(len(d.contacts) for d in drafts)))
    alert_ids = iter(ids.take(Alert, sum(len(d.alerts) for d in drafts)))
    note_ids = iter(ids.take(CaseNote, sum(len(d.notes) for d in drafts)))
    link_ids = iter(ids.take(PersonSiteLink, sum(len(d.site_links) for d in drafts)))
    allocations: list[tuple] = []
    site_ids = context.site_ids
    for person_id, d in zip(person_ids, drafts, strict=True):
        t[Person].append(
            (person_id, uuid.uuid4(), now, now, d.system_number, d.family_name, d.given_name, d.middle_names,
             d.date_of_birth, d.sex, d.gender_identity, d.ethnicity, d.nationality, d.languages,
             d.interpreter_required, d.status, d.legal_status, None, None, 1)
        )  # fmt: skip
        for name in d.names:
            t[PersonName].append(
                (next(name_ids), person_id, name.kind, name.family_name, name.given_name, name.date_of_birth,
                 *_name_key_values(name_keys(name.family_name, name.given_name)))
            )  # fmt: skip
        seen_identifiers = set()
        for kind, value, issued_by in d.identifiers:
            value_norm = normalise_identifier(value)
            if (kind, value_norm) in seen_identifiers:
                continue
            seen_identifiers.add((kind, value_norm))
            t[Identifier].append((next(identifier_ids), person_id, kind, value, value_norm, issued_by, now))
        for kind, line1, line2, town, postcode, from_date, to_date, primary in d.addresses:
            country = "" if kind == "nfa" else "United Kingdom"
            t[Address].append(
                (next(address_ids), now, now, person_id, kind, line1, line2, town, postcode, country, from_date,
                 to_date, primary)
            )  # fmt: skip
        for name, relationship, phone, next_of_kin in d.contacts:
            t[Contact].append(
                (next(contact_ids), now, now, person_id, name, relationship, phone, "", "", next_of_kin, next_of_kin)
            )
        for alert_type, level, description, starts_on, ends_on in d.alerts:
            t[Alert].append(
                (next(alert_ids), now, now, uuid.uuid4(), person_id, alert_type, level, description, starts_on,
                 ends_on, None, None, None, "")
            )  # fmt: skip
        for note_type, sensitive, text, site_code, days_ago in d.notes:
            t[CaseNote].append(
                (next(note_ids), uuid.uuid4(), person_id, note_type, sensitive, encrypt(text),
                 site_ids.get(site_code) if site_code else None, None, now - dt.timedelta(days=days_ago))
            )  # fmt: skip
        for site_code, kind, started_on, ended_on in d.site_links:
            site_id = site_ids[site_code]
            t[PersonSiteLink].append((next(link_ids), person_id, site_id, kind, started_on, ended_on))
            if kind == "supervision" and ended_on is None:
                allocations.extend(_allocate(context, person_id, site_id, started_on))
    allocation_ids = ids.take(Allocation, len(allocations))
    t[Allocation] = [(allocation_id, *row) for allocation_id, row in zip(allocation_ids, allocations, strict=True)]
    return rows


def _allocate(context: LoadContext, person_id: int, site_id: int, started_on: dt.date) -> list[tuple]:
    """Put a supervised person on the caseload of each demo staff member at that office with room."""
    allocated = []
    for staff_id, staff_site_id in context.caseload_staff:
        if staff_site_id == site_id and context.allocated.get(staff_id, 0) < context.caseload_size:
            context.allocated[staff_id] = context.allocated.get(staff_id, 0) + 1
            allocated.append((person_id, staff_id, site_id, started_on, None))
    return allocated


# --- writing -------------------------------------------------------------------------------------


def _column_converters(model: type[Model], vendor: str, connection) -> list[tuple[int, Callable]]:
    """Python value -> database value, only for the columns whose driver adaptation is not enough."""
    converters = []
    for index, attname in enumerate(COLUMNS[model]):
        kind = _field(model, attname).get_internal_type()
        if kind == "JSONField":
            converters.append((index, json.dumps))
        elif vendor == "sqlite" and kind == "UUIDField":
            converters.append((index, lambda value: value.hex))
        elif vendor == "sqlite" and kind == "DateTimeField":
            converters.append((index, connection.ops.adapt_datetimefield_value))
    return converters


def database_rows(model: type[Model], rows: list[tuple], connection=default_connection) -> list[tuple]:
    """``rows`` as the database driver takes them (JSON as text; UUIDs and instants as SQLite stores them)."""
    converters = _column_converters(model, connection.vendor, connection)
    if not converters:
        return rows
    converted = []
    cache: dict[tuple[int, object], object] = {}
    for row in rows:
        values = list(row)
        for index, convert in converters:
            value = values[index]
            if value is None:
                continue
            if isinstance(value, dt.datetime):  # instants repeat within a batch: convert each once
                key = (index, value)
                if key not in cache:
                    cache[key] = convert(value)
                values[index] = cache[key]
            else:
                values[index] = convert(value)
        converted.append(tuple(values))
    return converted


def insert_sql(model: type[Model], connection=default_connection) -> str:
    """The statement that writes ``COLUMNS[model]`` rows: COPY on PostgreSQL, INSERT elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [_field(model, attname).column for attname in COLUMNS[model]]
    column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
    if connection.vendor == "postgresql":
        return f"COPY {table} ({column_list}) FROM STDIN"
    placeholders = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608 - names from model meta


def _field(model: type[Model], attname: str):
    """The concrete field stored in column ``attname`` (a foreign key's attname ends in ``_id``)."""
    return next(f for f in model._meta.concrete_fields if f.attname == attname)


def write(rows: Rows, connection=default_connection) -> None:
    """Send a prepared batch: COPY per table on PostgreSQL, one executemany per table on SQLite."""
    connection.ensure_connection()
    driver_connection = connection.connection
    for model in TABLE_ORDER:
        table_rows = rows.tables[model]
        if not table_rows:
            continue
        values = database_rows(model, table_rows, connection)
        sql = insert_sql(model, connection)
        if connection.vendor == "postgresql":
            with driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            driver_connection.executemany(sql, values)
    if connection.vendor == "postgresql":
        check_deferred_constraints(connection)


def check_deferred_constraints(connection=default_connection) -> None:
    """Run the foreign-key checks PostgreSQL deferred to commit now, for the rows written so far.

    A million-person load would otherwise queue millions of pending checks in memory until commit;
    checking per batch also makes a batch's cost visible when it is written (and timed).
    """
    with connection.connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
