"""The offence catalogue's CSV import (service and CLI): good rows in, each bad row reported with its
number, column and reason; existing codes updated, never deleted; export then import changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from oms.audit.models import AuditEvent
from oms.core.errors import PermissionDenied, RuleViolation
from oms.sentencing.models import Offence
from oms.sentencing.services import offences as services

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = """code,title,category,severity,flags
TH68001,Theft from a shop,Theft,3,acquisitive
CJ88116,Possessing a knife blade in a public place,Weapons,6,weapon;violent
,No code,Other,1,
XX1,Bad severity,Other,eleven,
XX2,Bad flag,Other,2,sparkly
TH68001,Duplicate,Theft,3,
XX3,Too many,Other,2,,surplus
"""


def test_good_rows_imported_bad_rows_reported(ada_actor):
    report = services.import_offences(ada_actor, csv_text=GOOD_AND_BAD)
    assert (report.rows_read, report.created, report.updated) == (7, 2, 0)
    assert [(r.row, r.column) for r in report.rejected] == [
        (4, "code"),
        (5, "severity"),
        (6, "flags"),
        (7, "code"),
        (8, ""),
    ]
    assert "also on row 2" in report.rejected[3].reason and "sparkly" in report.rejected[2].reason
    knife = Offence.objects.get(code="CJ88116")
    assert knife.flags == ["violent", "weapon"] and knife.severity == 6
    [event] = AuditEvent.objects.filter(action="sentencing.offences_imported")
    assert event.details["created"] == 2 and event.details["rejected"] == 5


def test_existing_codes_are_updated_and_never_deleted(ada_actor, theft):
    csv_text = "code,title,active\nTH68001,Theft from a shop (retail),no\nNEW01,New offence,\n"
    report = services.import_offences(ada_actor, csv_text=csv_text)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    theft.refresh_from_db()
    assert theft.title == "Theft from a shop (retail)" and theft.active is False
    # Columns left out keep their values; importing the same file again changes nothing.
    assert theft.flags == ["acquisitive"]
    again = services.import_offences(ada_actor, csv_text=csv_text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_dry_run_writes_nothing(ada_actor):
    report = services.import_offences(ada_actor, csv_text=GOOD_AND_BAD, dry_run=True)
    assert report.created == 2 and not Offence.objects.exists()
    assert not AuditEvent.objects.filter(action="sentencing.offences_imported").exists()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("title\nTheft\n", "must include the column code"),
        ("code,title,colour\nA,B,red\n", "Unknown column 'colour'"),
        ("code,title,code\nA,B,C\n", "more than once"),
        ('code,title\n"A,B\n', "could not be read"),
    ],
)
def test_unreadable_files_import_nothing(ada_actor, text, fragment):
    with pytest.raises(RuleViolation) as refused:
        services.import_offences(ada_actor, csv_text=text)
    assert fragment in refused.value.detail and refused.value.field == "csv"


def test_only_catalogue_maintainers_import(alice_actor):
    with pytest.raises(PermissionDenied):
        services.import_offences(alice_actor, csv_text="code,title\nA1,B\n")


def test_cli_import_and_export_round_trip(tmp_path, capsys, db):
    source = tmp_path / "offences.csv"
    source.write_text(GOOD_AND_BAD, encoding="utf-8")
    call_command("import_offences", str(source), "--dry-run")
    out = capsys.readouterr().out
    assert "row 5  XX1  severity:" in out and "2 would be created" in out and not Offence.objects.exists()
    call_command("import_offences", str(source))
    assert "2 created" in capsys.readouterr().out
    Offence.objects.filter(code="TH68001").update(active=False)
    exported = tmp_path / "export.csv"
    call_command("export_offences", "--output", str(exported))
    text = exported.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "code,title,category,severity,flags,active"
    assert "CJ88116,Possessing a knife blade in a public place,Weapons,6,violent;weapon,yes" in text
    call_command("import_offences", str(exported))
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in capsys.readouterr().out
    assert Offence.objects.get(code="TH68001").active is False
    call_command("export_offences")
    assert capsys.readouterr().out == text


def test_cli_refuses_missing_and_non_utf8_files(tmp_path, db):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_offences", str(tmp_path / "missing.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code,title\nA1,Caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_offences", str(latin))
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("name\nx\n", encoding="utf-8")
    with pytest.raises(CommandError, match="import_bad_header"):
        call_command("import_offences", str(bad_header))
