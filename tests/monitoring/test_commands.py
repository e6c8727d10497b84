"""The monitoring CLI verbs: the simulator feeds fixes through the ingest (idempotent on a second run
with the same seed and clock) and the retention purge."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from oms.monitoring.models import Device, Fix
from oms.monitoring.services import orders as order_services
from tests.monitoring.factories import exclusion

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_simulator_feeds_the_ingest_and_fits_devices(mona_actor, person):
    order_services.make_order(
        mona_actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=[exclusion()]
    )
    first = run("monitoring", "simulate", "--devices", "3", "--rate", "6", "--seconds", "2", "--fit")
    assert "3 devices (1 newly fitted): 12 fixes accepted, 0 duplicates, 0 rejected" in first
    assert Device.objects.filter(serial__startswith="SIM-", status="assigned").count() == 1
    assert Fix.objects.exclude(lineage=None).count() == 4  # the fitted device's fixes are evaluated
    again = run("monitoring", "simulate", "--devices", "3", "--rate", "6", "--seconds", "2")
    assert "0 fixes accepted, 12 duplicates" in again
    backfill = run("monitoring", "simulate", "--devices", "3", "--rate", "0.3", "--seconds", "60", "--backfill")
    assert "18 fixes accepted" in backfill


def test_the_issue_s_example_rate_is_fixes_per_second_across_the_fleet(db):
    # `oms monitoring simulate --devices 1000 --rate 1000`: each device once a second (here 2 seconds backfilled).
    out = run("monitoring", "simulate", "--devices", "1000", "--rate", "1000", "--seconds", "2", "--backfill")
    assert "1000 devices (0 newly fitted): 2000 fixes accepted, 0 duplicates, 0 rejected" in out


def test_simulator_refuses_silly_arguments(db):
    with pytest.raises(CommandError):
        run("monitoring", "simulate", "--rate", "0")
    with pytest.raises(CommandError, match="at most 10 fixes a second per device"):
        run("monitoring", "simulate", "--devices", "2", "--rate", "21")


def test_purge_command(db):
    assert run("monitoring", "purge-fixes", "--days", "30") == "Deleted 0 fixes.\n"
    with pytest.raises(CommandError):
        run("monitoring", "purge-fixes", "--days", "0")
