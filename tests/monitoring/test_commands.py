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


def test_import_zones_adds_each_feature_as_a_zone_in_a_new_version(mona_actor, mona, person, tmp_path):
    import json

    from oms.monitoring.models import Condition
    from tests.monitoring.factories import SQUARE

    order = order_services.make_order(
        mona_actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=[exclusion()]
    )
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Town centre"}, "geometry": SQUARE},
            {
                "type": "Feature",
                "properties": {"name": "Park", "radius_m": 200},
                "geometry": {"type": "Point", "coordinates": [0.02, 51.02]},
            },
        ],
    }
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(collection))
    out = run(
        "monitoring",
        "import-zones",
        str(order.public_id),
        str(path),
        "--kind",
        "exclusion_zone",
        "--reason",
        "Court added two areas",
        "--as",
        mona.username,
    )
    assert "is now version 2" in out
    varied = order_services.find_order(mona_actor, out.split("Order ")[1].split()[0])
    kinds = list(Condition.objects.filter(order=varied).values_list("label", flat=True).order_by("label"))
    assert {"Town centre", "Park"} <= set(kinds)
    bad = tmp_path / "bad.geojson"
    point_without_radius = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 51]}}
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [point_without_radius]}))
    with pytest.raises(CommandError, match="geojson.features"):
        run("monitoring", "import-zones", str(varied.public_id), str(bad), "--kind", "exclusion_zone", "--reason", "x")
    bad.write_text("not json")
    with pytest.raises(CommandError, match="Cannot read"):
        run("monitoring", "import-zones", str(varied.public_id), str(bad), "--kind", "exclusion_zone", "--reason", "x")
