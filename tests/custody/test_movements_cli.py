"""``oms custody_movements``: the out list and CSV batch import with its row report."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oms.custody.models import CustodyEpisode, Movement
from tests.custody.factories import make_prisoner

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("custody_movements", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def two(prison_a, estate_a):
    return (
        make_prisoner(prison_a, family="Ames", bed=estate_a["A-1-1-01-1"]),
        make_prisoner(prison_a, family="Boyd", bed=estate_a["A-1-1-01-2"]),
    )


def test_import_then_out_list(tmp_path, olive, two):
    one, other = two
    csv_file = tmp_path / "window.csv"
    csv_file.write_text(
        "booking_number,kind,destination,escort,to_location\n"
        f"{one.booking_number},court,Leeds Crown Court,GEOAmey van 3,\n"
        f"{other.booking_number},internal,,,EDU\n"
    )
    out, _ = run("--as", "olive", "import", "--site", "PRA", str(csv_file))
    assert "Recorded 2 movements" in out
    listing, _ = run("--as", "olive", "out-list", "--site", "pra")
    assert "AMES, John  Court: Leeds Crown Court" in listing and "responsible: GEOAmey van 3" in listing
    assert "BOYD, John  inside at EDU" in listing
    assert "1 out of the establishment, 1 at a place inside" in listing


def test_import_with_bad_rows_reports_each_line_and_records_nothing(tmp_path, two):
    one, _ = two
    csv_file = tmp_path / "window.csv"
    csv_file.write_text(
        "booking_number,kind,destination,escort,to_location\n"
        f"{one.booking_number},court,,,\n"
        "B999999,return,,,\n"
        f"{one.booking_number},internal,,,NOWHERE\n"
    )
    with pytest.raises(CommandError, match="nothing was recorded"):
        call_command(
            "custody_movements", "import", "--site", "PRA", str(csv_file), stdout=StringIO(), stderr=(err := StringIO())
        )
    report = err.getvalue()
    assert "line 2: destination" in report and "line 2: escort" in report
    assert "line 3: episode" in report and "line 4: episode" in report
    assert not Movement.objects.exists() and CustodyEpisode.objects.filter(in_out="out").count() == 0


def test_out_of_reach_site_and_unknown_site(oscar, two):
    with pytest.raises(CommandError, match="not found"):
        run("--as", "oscar", "out-list", "--site", "PRA")
    with pytest.raises(CommandError, match="No site"):
        run("out-list", "--site", "NOPE")
