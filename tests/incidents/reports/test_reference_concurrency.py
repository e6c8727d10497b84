"""Reference numbers stay unique when several officers create reports at one site at once (PostgreSQL:
the site row lock serialises the numbering; SQLite has one writer and is covered by the retry)."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from oms.core import clock
from oms.incidents.models import Incident
from oms.incidents.services import reports as services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_parallel_drafts_get_distinct_references(shipped_types, olly_actor, prison_a):
    from django.db import transaction

    start = threading.Barrier(6)
    errors = []

    def create():
        try:
            start.wait()
            with clock.freeze(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)), transaction.atomic():
                services.create_report(
                    olly_actor,
                    type_code="fight",
                    facility_id=prison_a.public_id,
                    occurred_at=dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC),
                    description="A fight",
                )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = sorted(Incident.objects.values_list("reference", flat=True))
    assert references == [f"IR-PRA-2026-{n:06d}" for n in range(1, 7)]
