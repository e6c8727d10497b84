"""Bulk import of a location tree from CSV: good rows created, bad rows reported with row, column and
reason, children of rejected rows rejected too, dry runs write nothing, unreadable files create
nothing, and export -> import rebuilds the same tree (also through the CLI)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.facilities import queries, services
from oms.facilities.models import Location

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(channel="cli")

GOOD = """parent_key,code,kind,name,sex,security_level,certified_capacity,working_capacity,maximum_capacity
,A,unit,Houseblock A,male,medium,,,
A,1,wing,,,,,,
A-1,1,landing,,,,,,
A-1-1,01,cell,,,,2,2,2
A-1-1-01,1,bed,,,,,,
A-1-1-01,2,bed,,,,,,
A-1,02,cell,,,,1,1,1
A-1-02,1,bed,,,,,,
,VIS,visits_hall,Visits hall,,,,40,60
"""


def _import(actor, site, text, **kwargs):
    return services.import_locations(actor, site_id=site.public_id, csv_text=text, **kwargs)


def test_a_good_file_builds_the_tree_and_is_audited_once(ada_actor, prison_a):
    report = _import(ada_actor, prison_a, GOOD)
    assert (report.rows_read, report.created, report.rejected) == (9, 9, [])
    locations = {loc.key: loc for loc in Location.objects.filter(site=prison_a)}
    assert sorted(locations) == [
        "A",
        "A-1",
        "A-1-02",
        "A-1-02-1",
        "A-1-1",
        "A-1-1-01",
        "A-1-1-01-1",
        "A-1-1-01-2",
        "VIS",
    ]
    bed = locations["A-1-1-01-2"]
    assert (
        bed.path == "/" + "/".join(str(locations[k].pk) for k in ("A", "A-1", "A-1-1", "A-1-1-01", "A-1-1-01-2")) + "/"
    )
    assert bed.depth == 4 and bed.residential and not locations["VIS"].residential
    assert locations["A-1-02"].parent_id == locations["A-1"].pk  # a cell straight off a wing
    assert locations["A"].name == "Houseblock A" and locations["A"].sex == "male"
    assert queries.bookable_beds(prison_a).count() == 3
    events = list(AuditEvent.objects.filter(action="facilities.locations_imported"))
    assert len(events) == 1 and events[0].site_id == prison_a.pk
    assert events[0].details == {"rows_read": 9, "created": 9, "rejected": 0}
    assert not AuditEvent.objects.filter(action="facilities.location_created").exists()


BAD = """parent_key,code,kind,working_capacity,maximum_capacity,accessible
,A,unit,,,
A,1,wing,,,
A-1,01,cell,1,1,
A-1-01,1,bed,,,
A-1,02,cell,3,2,
A-1-02,1,bed,,,
A-1,03,cell,,,perhaps
A-1,04,spaceship,,,
A-9,01,cell,,,
A-1-05,1,bed,,,
A-1,05,cell,,,
A-1,01,cell,,,
A,1-2,wing,,,
A-1,06,cell,3,3,
A-1-06,1,bed,,,
A-1-06,2,bed,,,
A-1,07,bed,,,
,RECP,reception,,,
a,2,wing,,,,extra
a,3,wing,,,,,
"""


def test_bad_rows_are_reported_with_row_column_and_reason_and_good_rows_created(ada_actor, prison_a):
    Location.objects.create(site=prison_a, kind="reception", code="RECP", key="RECP", residential=False)
    report = _import(ada_actor, prison_a, BAD)
    rejected = {r.row: (r.column, r.reason) for r in report.rejected}
    assert report.rows_read == 20
    assert rejected[6][0] == "working_capacity" and "maximum" in rejected[6][1]
    assert rejected[7][0] == "parent_key" and "A-1-02 (row 6) was rejected" in rejected[7][1]
    assert rejected[8] == ("accessible", "accessible must be yes or no, not 'perhaps'")
    assert rejected[9][0] == "kind" and "spaceship" in rejected[9][1]
    assert rejected[10][0] == "parent_key" and "no location A-9" in rejected[10][1]
    assert rejected[11][0] == "parent_key" and "later row (12)" in rejected[11][1]
    assert rejected[13][0] == "code" and "also on row 4" in rejected[13][1]
    assert rejected[14][0] == "code" and "hyphens" in rejected[14][1]
    # Cell 06 has two beds in the file but a working capacity of 3: the cell and so its beds are refused.
    assert rejected[15][0] == "working_capacity" and "2 active beds" in rejected[15][1]
    assert rejected[16][0] == rejected[17][0] == "parent_key"
    assert rejected[18][0] == "kind" and "A bed cannot go under a wing" in rejected[18][1]
    assert rejected[19][0] == "code" and "already exists" in rejected[19][1]
    assert rejected[20][0] == "" and "7 values" in rejected[20][1]
    assert report.created == 20 - len(rejected) == 6
    created = set(Location.objects.filter(site=prison_a).values_list("key", flat=True))
    assert created == {"RECP", "A", "A-1", "A-1-01", "A-1-01-1", "A-1-05", "A-3"}  # trailing empty cells are harmless
    assert [r.row for r in report.rejected] == sorted(r.row for r in report.rejected)


def test_a_dry_run_reports_the_same_and_writes_nothing(ada_actor, prison_a):
    report = _import(ada_actor, prison_a, BAD, dry_run=True)
    assert report.dry_run and report.created == 7 and len(report.rejected) == 13  # RECP is new here
    assert not Location.objects.filter(site=prison_a).exists()
    assert not AuditEvent.objects.filter(action="facilities.locations_imported").exists()


def test_parents_may_already_be_in_the_site(ada_actor, prison_a, estate_a):
    report = _import(
        ada_actor,
        prison_a,
        "parent_key,code,kind,working_capacity,maximum_capacity\nA-1-1,03,cell,1,1\nA-1-1-03,1,bed,,\n",
    )
    assert report.created == 2 and not report.rejected
    bed = Location.objects.get(site=prison_a, key="A-1-1-03-1")
    assert bed.path.startswith(estate_a["A-1-1"].path) and bed.depth == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("code,kind\nA,unit\n", "parent_key"),
        ("parent_key,code,kind,colour\n,A,unit,red\n", "Unknown column 'colour'"),
        ("parent_key,code,kind\n,A,unit\x00\n", "NUL"),
        ('parent_key,code,kind\n,"A,unit\n', None),  # an unclosed quote swallows the rest: one bad row
    ],
)
def test_unreadable_files_create_nothing(ada_actor, prison_a, text, message):
    if message is None:
        report = _import(ada_actor, prison_a, text)
        assert report.created == 0 and len(report.rejected) == 1
        return
    with pytest.raises(RuleViolation) as refused:
        _import(ada_actor, prison_a, text)
    assert message in refused.value.detail and refused.value.field == "csv"
    assert not Location.objects.filter(site=prison_a).exists()


def test_files_over_the_row_limit_are_refused_before_anything_is_written(ada_actor, prison_a):
    rows = "".join(f",U{n},unit\n" for n in range(20_001))
    with pytest.raises(RuleViolation) as refused:
        _import(ada_actor, prison_a, "parent_key,code,kind\n" + rows)
    assert refused.value.code == "facilities.import_too_large" and "20,000" in refused.value.detail
    assert not Location.objects.filter(site=prison_a).exists()


def test_a_large_tree_is_created_in_bulk(ada_actor, prison_a, django_assert_max_num_queries):
    lines = ["parent_key,code,kind,working_capacity,maximum_capacity"]
    for u in "AB":
        lines.append(f",{u},unit,,")
        for w in range(1, 5):
            lines.append(f"{u},{w},wing,,")
            for c in range(1, 101):
                lines.append(f"{u}-{w},{c:03d},cell,2,2")
                lines.extend(f"{u}-{w}-{c:03d},{b},bed,," for b in (1, 2))
    with django_assert_max_num_queries(200):
        report = _import(ada_actor, prison_a, "\n".join(lines))
    assert report.created == 2 + 8 + 800 + 1600 and not report.rejected
    assert queries.bookable_beds(prison_a).count() == 1600
    bed = Location.objects.get(site=prison_a, key="B-4-100-2")
    assert bed.path.count("/") == 5 and Location.objects.filter(site=prison_a, path="").count() == 0


def test_import_permission_matrix(prison_a, ada_actor, charlie_actor, bea_actor):
    with pytest.raises(PermissionDenied):
        _import(charlie_actor, prison_a, GOOD, dry_run=True)
    with pytest.raises(NotFound):
        _import(bea_actor, prison_a, GOOD)
    assert not Location.objects.filter(site=prison_a).exists()


def _tree(site):
    return [
        (
            x.key,
            x.kind,
            x.name,
            x.sex,
            x.security_level,
            x.accessible,
            x.specialist_type,
            x.in_count,
            x.certified_capacity,
            x.working_capacity,
            x.maximum_capacity,
            x.active,
            x.deactivated_reason,
            x.expected_return_on,
            x.depth,
        )
        for x in sorted(Location.objects.filter(site=site), key=lambda x: x.key)
    ]


def test_export_then_import_rebuilds_the_same_tree(ada_actor, prison_a, prison_b, estate_a):
    back = clock.today() + dt.timedelta(days=10)
    services.deactivate_location(
        ada_actor, location_id=estate_a["A-1-1-02"].public_id, reason="Flood, again", expected_return_on=back
    )
    services.update_location(
        ada_actor, location_id=estate_a["A"].public_id, version=1, in_count=False, name='Block "A"'
    )
    services.update_location(
        ada_actor, location_id=estate_a["A-1-1-01"].public_id, version=1, accessible=True, specialist_type="safe_cell"
    )
    exported = queries.locations_csv(ada_actor, prison_a)
    report = _import(SYSTEM, prison_b, exported)
    assert not report.rejected and report.created == len(estate_a)
    assert _tree(prison_b) == _tree(prison_a)
    assert queries.locations_csv(SYSTEM, prison_b) == exported


def test_the_cli_round_trip(prison_a, prison_b, estate_a, tmp_path):
    out = StringIO()
    call_command("export_locations", "--site", prison_a.code, stdout=out)
    exported = out.getvalue()
    assert exported.splitlines()[0].startswith("parent_key,code,kind,")
    path = tmp_path / "tree.csv"
    path.write_bytes(b"\xef\xbb\xbf" + exported.encode())
    dry = StringIO()
    call_command("import_locations", "--site", prison_b.code, str(path), "--dry-run", stdout=dry, stderr=StringIO())
    assert "11 rows read, 11 would be created, 0 rejected (dry run: nothing written)" in dry.getvalue()
    assert not Location.objects.filter(site=prison_b).exists()
    done = StringIO()
    call_command("import_locations", "--site", prison_b.code, str(path), stdout=done, stderr=StringIO())
    assert "11 rows read, 11 created, 0 rejected" in done.getvalue()
    assert _tree(prison_b) == _tree(prison_a)
    again = StringIO()
    call_command("import_locations", "--site", prison_b.code, str(path), stdout=again, stderr=StringIO())
    assert "row 2  A  code: A location A already exists in this site" in again.getvalue()
    assert "0 created, 11 rejected" in again.getvalue()
    exported_b = tmp_path / "b.csv"
    call_command("export_locations", "--site", prison_b.code, "--output", str(exported_b))
    assert exported_b.read_text() == exported


def test_the_cli_reports_progress_and_refuses_unreadable_files(prison_a, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("parent_key,code,kind\n" + "".join(f",U{n},unit\n" for n in range(2500)))
    err = StringIO()
    call_command("import_locations", "--site", prison_a.code, str(big), stdout=StringIO(), stderr=err)
    assert "checked 1,000 of 2,500" in err.getvalue() and "created 2,500 of 2,500" in err.getvalue()
    latin = tmp_path / "latin.csv"
    latin.write_bytes("parent_key,code,kind,name\n,Z,unit,Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_locations", "--site", prison_a.code, str(latin))
    with pytest.raises(CommandError, match="No site"):
        call_command("import_locations", "--site", "NOPE", str(big))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_locations", "--site", prison_a.code, str(tmp_path / "missing.csv"))
