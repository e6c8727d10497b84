"""Importing historical completed assessments: every row scored by the engine (a supplied score is
only compared), rejected rows reported by number, column and reason, all or nothing unless told,
re-runs skip what is already stored, and the CLI with its progress and exit status."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from oms.assessment.models import Assessment
from oms.assessment.services import imports as services
from oms.audit.models import AuditEvent
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied, RuleViolation
from tests.assessment.records.conftest import actor
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system(channel="cli")


@pytest.fixture
def needs_header(needs_items):
    return ["person_id", "instrument", "version", "completed_on", "assessor", *[f"answer.{i}" for i in needs_items]]


def csv_text(header, *rows):
    return "\n".join(",".join(str(v) for v in line) for line in (header, *rows)) + "\n"


def needs_row(person, needs_items, *, on="2025-03-01", answer="standard", assessor="casey", **changes):
    values = {
        "person_id": person.public_id,
        "instrument": "criminogenic-needs",
        "version": "1",
        "completed_on": on,
        "assessor": assessor,
        **{f"answer.{i}": answer for i in needs_items},
        **changes,
    }
    return list(values.values())


def test_rows_are_scored_by_the_engine_stored_audited_and_current(casey, person, needs_items, needs_header):
    text = csv_text(needs_header, needs_row(person, needs_items))
    report = services.import_assessments(SYSTEM, text=text)
    assert (report.rows_read, report.imported, report.rejected, report.written) == (1, 1, [], True)
    [stored] = Assessment.objects.all()
    assert (stored.status, stored.score, stored.band, stored.is_current) == ("completed", 10, "high", True)
    assert stored.completed_on == dt.date(2025, 3, 1) and stored.assessor == casey
    assert stored.reassessment_due_on == dt.date(2025, 3, 1) + dt.timedelta(days=182)
    assert stored.explanation["import_key"].startswith("sha256:") and len(stored.explanation["items"]) == 10
    [event] = AuditEvent.objects.filter(action="assessment.assessment_imported")
    assert event.subject_person_id == person.pk and event.details["band"] == "high"
    assert event.actor_username == "system"


def test_a_rerun_imports_nothing_twice(casey, person, needs_items, needs_header):
    text = csv_text(needs_header, needs_row(person, needs_items), needs_row(person, needs_items, on="2025-09-01"))
    assert services.import_assessments(SYSTEM, text=text).imported == 2
    again = services.import_assessments(SYSTEM, text=text)
    assert (again.imported, again.already_imported, again.written) == (0, 2, False)
    assert Assessment.objects.count() == 2


def test_an_explicit_key_identifies_the_row(casey, person, needs_items, needs_header):
    header = [*needs_header, "key"]
    first = services.import_assessments(SYSTEM, text=csv_text(header, [*needs_row(person, needs_items), "OLD-1"]))
    # The same key with corrected answers is still the same row: not imported again.
    second = services.import_assessments(
        SYSTEM, text=csv_text(header, [*needs_row(person, needs_items, answer="severe"), "OLD-1"])
    )
    assert (first.imported, second.already_imported) == (1, 1)
    duplicate = services.import_assessments(
        SYSTEM,
        text=csv_text(header, [*needs_row(person, needs_items), "K2"], [*needs_row(person, needs_items), "K2"]),
    )
    assert [(r.row, r.column) for r in duplicate.rejected] == [(3, "key")]


def test_the_newest_is_current_whatever_the_file_order(casey, person, needs_items, needs_header):
    text = csv_text(
        needs_header,
        needs_row(person, needs_items, on="2025-09-01", answer="severe"),
        needs_row(person, needs_items, on="2024-01-01"),
    )
    services.import_assessments(SYSTEM, text=text)
    current = Assessment.objects.get(is_current=True)
    assert current.completed_on == dt.date(2025, 9, 1) and current.band == "high"
    # An older history row never displaces the current assessment.
    services.import_assessments(SYSTEM, text=csv_text(needs_header, needs_row(person, needs_items, on="2023-01-01")))
    assert Assessment.objects.get(is_current=True).pk == current.pk
    older = Assessment.objects.get(completed_on=dt.date(2023, 1, 1))
    assert older.reassessment_due_on is None and not older.is_current


def test_each_bad_row_is_reported_and_nothing_is_imported(casey, person, prison_b, needs_items, needs_header):
    elsewhere = make_person(prison_b, family="Far", given="Away")
    text = csv_text(
        needs_header,
        needs_row(person, needs_items),  # row 2: good
        needs_row(person, needs_items, **{"answer.finance": "lots"}),  # row 3
        needs_row(person, needs_items, on="2027-01-01"),  # row 4: future
        needs_row(person, needs_items, assessor="nobody"),  # row 5
        needs_row(person, needs_items, instrument="astrology"),  # row 6
        needs_row(person, needs_items, version="9"),  # row 7
        needs_row(person, needs_items, person_id="not-an-id"),  # row 8
        needs_row(person, needs_items, **{"answer.finance": ""}),  # row 9: missing answer
        needs_row(person, needs_items, on="1 March 2025"),  # row 10
    )
    report = services.import_assessments(actor(casey), text=text)
    assert [(r.row, r.column) for r in report.rejected] == [
        (3, "answer.finance"),
        (4, "completed_on"),
        (5, "assessor"),
        (6, "instrument"),
        (7, "version"),
        (8, "person_id"),
        (9, "answer.finance"),
        (10, "completed_on"),
    ]
    assert "'lots' is not one of the options" in report.rejected[0].reason
    assert (report.imported, report.written) == (1, False)
    assert not Assessment.objects.exists()
    # Someone out of the importer's scope reads like a missing person.
    hidden = services.import_assessments(actor(casey), text=csv_text(needs_header, needs_row(elsewhere, needs_items)))
    assert [(r.column, r.reason) for r in hidden.rejected] == [("person_id", "no such person in your scope")]


def test_partial_imports_the_good_rows_and_dry_run_nothing(casey, person, needs_items, needs_header):
    text = csv_text(
        needs_header, needs_row(person, needs_items), needs_row(person, needs_items, **{"answer.finance": "lots"})
    )
    dry = services.import_assessments(SYSTEM, text=text, partial=True, dry_run=True)
    assert (dry.imported, len(dry.rejected), dry.written) == (1, 1, False)
    assert not Assessment.objects.exists()
    done = services.import_assessments(SYSTEM, text=text, partial=True)
    assert (done.imported, done.written) == (1, True) and Assessment.objects.count() == 1


def test_a_supplied_score_or_band_is_compared_never_trusted(casey, person, needs_items, needs_header):
    header = [*needs_header, "score", "band"]
    good = [*needs_row(person, needs_items), "10", "high"]
    wrong_score = [*needs_row(person, needs_items, on="2025-01-02"), "99", ""]
    wrong_band = [*needs_row(person, needs_items, on="2025-01-03"), "", "low"]
    report = services.import_assessments(SYSTEM, text=csv_text(header, good, wrong_score, wrong_band), partial=True)
    assert [(r.row, r.column) for r in report.rejected] == [(3, "score"), (4, "band")]
    assert "the file says 99; the answers give a score of 10" in report.rejected[0].reason
    assert Assessment.objects.get().score == 10


def test_people_by_system_number_or_identifier(casey, prison_a, needs_items):
    someone = make_person(prison_a, family="Id", given="Entified", identifiers=[("pnc", "2001/0012345A")])
    header = ["system_number", "identifier_type", "identifier_value", "instrument", "completed_on", "assessor"]
    header += [f"answer.{i}" for i in needs_items]
    answers = ["no_need"] * len(needs_items)
    text = csv_text(
        header,
        [someone.system_number, "", "", "criminogenic-needs", "2025-01-01", "casey", *answers],
        ["", "pnc", "20010012345a", "criminogenic-needs", "2025-02-01", "casey", *answers],
        ["", "pnc", "999", "criminogenic-needs", "2025-02-01", "casey", *answers],
        ["", "shoe_size", "9", "criminogenic-needs", "2025-02-01", "casey", *answers],
        ["", "", "", "criminogenic-needs", "2025-02-01", "casey", *answers],
    )
    report = services.import_assessments(SYSTEM, text=text, partial=True)
    assert report.imported == 2 and Assessment.objects.filter(person=someone).count() == 2
    assert [(r.row, r.column) for r in report.rejected] == [
        (4, "identifier_value"),
        (5, "identifier_type"),
        (6, "person_id"),
    ]


def test_json_lines_with_json_answers_for_ogrs3_and_tiering(casey, person):
    lines = [
        {
            "person_id": str(person.public_id),
            "instrument": "ogrs3",
            "completed_on": "2025-05-01",
            "assessor": "casey",
            "answers": {
                "sex": "male",
                "offence_category": 3,
                "previous_sanctions": 2,
                "birth_date": "1990-03-04",
                "conviction_date": "2025-01-10",
                "first_sanction_date": "2008-05-01",
            },
        },
        {
            "person_id": str(person.public_id),
            "instrument": "tiering",
            "completed_on": "2025-05-01",
            "assessor": "casey",
            "answers": {"rosh": "HIGH"},
        },
        {
            "person_id": str(person.public_id),
            "instrument": "ogrs3",
            "completed_on": "2025-05-01",
            "assessor": "casey",
            "answers": {"sex": "male"},
        },
        ["not", "an", "object"],
    ]
    text = "\n".join(json.dumps(line) for line in lines) + "\n{broken\n"
    report = services.import_assessments(SYSTEM, text=text, fmt="jsonl", partial=True)
    assert report.imported == 2
    assert [(r.row, r.column) for r in report.rejected] == [(3, "answers.offence_category"), (4, ""), (5, "")]
    ogrs = Assessment.objects.get(instrument_code="ogrs3")
    assert ogrs.score is not None and ogrs.explanation["percent_2"] == ogrs.score
    assert Assessment.objects.get(instrument_code="tiering").band[0] == "B"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("person_id,shoe_size\n1,2\n", "Unknown column 'shoe_size'"),
        ("", "The file is empty"),
        ('person_id,instrument\n"unclosed,x\n', "could not be read as CSV"),
    ],
)
def test_an_unreadable_file_is_refused_whole(text, words):
    with pytest.raises(RuleViolation) as error:
        services.import_assessments(SYSTEM, text=text)
    assert words in error.value.detail and error.value.field == "file"


def test_importing_needs_the_assess_permission(alice, person):
    with pytest.raises(PermissionDenied):
        services.import_assessments(actor(alice), text="person_id\n")


# ---- CLI -------------------------------------------------------------------------------------------


def test_the_cli_imports_reports_and_is_idempotent(tmp_path, capsys, casey, person, needs_items, needs_header):
    path = tmp_path / "history.csv"
    path.write_text(csv_text(needs_header, needs_row(person, needs_items)), encoding="utf-8")
    call_command("import_assessments", str(path), "--dry-run")
    out = capsys.readouterr()
    assert "1 rows read, 1 would be imported, 0 already imported, 0 rejected (dry run" in out.out
    assert "checked 1 of 1 rows" in out.err and not Assessment.objects.exists()
    call_command("import_assessments", str(path))
    assert "1 imported" in capsys.readouterr().out and Assessment.objects.count() == 1
    call_command("import_assessments", str(path))
    assert "0 imported, 1 already imported" in capsys.readouterr().out


def test_the_cli_prints_rejected_rows_and_fails_unless_told(tmp_path, capsys, casey, person, needs_items, needs_header):
    path = tmp_path / "history.csv"
    path.write_text(
        csv_text(
            needs_header,
            needs_row(person, needs_items),
            needs_row(person, needs_items, on="2025-01-01", assessor="nobody"),
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="1 rows rejected: nothing imported"):
        call_command("import_assessments", str(path))
    assert "row 3  assessor: there is no user 'nobody'" in capsys.readouterr().out
    assert not Assessment.objects.exists()
    call_command("import_assessments", str(path), "--skip-bad-rows")
    assert Assessment.objects.count() == 1


def test_the_cli_reads_json_lines_by_extension_and_refuses_a_missing_file(tmp_path, casey, person):
    path = tmp_path / "history.jsonl"
    line = {
        "person_id": str(person.public_id),
        "instrument": "tiering",
        "completed_on": "2025-05-01",
        "assessor": "casey",
        "answers": {"rosh": "LOW"},
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    call_command("import_assessments", str(path))
    assert Assessment.objects.get().instrument_code == "tiering"
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_assessments", str(tmp_path / "missing.csv"))
    (tmp_path / "latin1.csv").write_bytes("person_id\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_assessments", str(tmp_path / "latin1.csv"))
