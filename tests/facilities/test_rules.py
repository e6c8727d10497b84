"""The estate's pure rules, table-driven: where kinds may sit, codes, capacities, the CSV format."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.facilities import rules
from oms.facilities.models import Location


def test_the_rules_name_the_same_choices_as_the_model():
    assert set(rules.KINDS) == set(Location.Kind.values)
    assert rules.RESIDENTIAL_KINDS == Location.RESIDENTIAL_KINDS
    assert set(rules.SECURITY_LEVELS) == set(Location.SecurityLevel.values)
    assert set(rules.SEXES) == set(Location.SexAccommodated.values)
    assert set(rules.SPECIALIST_TYPES) | {""} == set(Location.SpecialistType.values)


@pytest.mark.parametrize(
    ("kind", "parent", "allowed"),
    [
        ("unit", None, True),
        ("reception", None, True),
        ("visits_hall", None, True),
        ("wing", None, False),
        ("cell", None, False),
        ("bed", None, False),
        ("wing", "unit", True),
        ("cell", "unit", True),  # a small site without wings or landings
        ("landing", "unit", False),
        ("classroom", "unit", True),
        ("landing", "wing", True),
        ("cell", "wing", True),  # a wing without landings
        ("workshop", "wing", True),
        ("unit", "wing", False),
        ("cell", "landing", True),
        ("bed", "landing", False),
        ("classroom", "landing", False),
        ("bed", "cell", True),
        ("cell", "cell", False),
        ("bed", "bed", False),
        ("cell", "healthcare", False),  # non-residential places hold nothing
        ("nonsense", None, False),
    ],
)
def test_which_kinds_may_sit_under_which(kind, parent, allowed):
    assert rules.may_sit_under(kind, parent) is allowed


@pytest.mark.parametrize(
    ("raw", "normalised", "problem"),
    [
        ("A", "A", None),
        (" 01 ", "01", None),
        ("b2", "B2", None),
        ("ABCDEFGHIJ", "ABCDEFGHIJ", None),
        ("", "", "Enter a code"),
        ("ABCDEFGHIJK", "ABCDEFGHIJK", "1 to 10 letters or digits"),
        ("A-1", "A-1", "without spaces or hyphens"),
        ("A 1", "A 1", "without spaces or hyphens"),
        ("É", "É", "letters or digits"),
    ],
)
def test_codes(raw, normalised, problem):
    assert rules.normalise_code(raw) == normalised
    found = rules.code_problem(normalised)
    assert (found is None) if problem is None else (problem in found)


def _attrs(kind="cell", **values):
    return rules.LocationAttributes(kind=kind, **values)


@pytest.mark.parametrize(
    ("attrs", "fields"),
    [
        (_attrs(certified_capacity=2, working_capacity=2, maximum_capacity=3), []),
        (_attrs(certified_capacity=0, working_capacity=0, maximum_capacity=0), []),
        (_attrs(working_capacity=3, maximum_capacity=2), ["working_capacity"]),
        (_attrs(certified_capacity=3, working_capacity=1, maximum_capacity=2), ["certified_capacity"]),
        (_attrs(working_capacity=-1, maximum_capacity=2), ["working_capacity"]),
        (_attrs(maximum_capacity=rules.CAPACITY_LIMIT + 1), ["maximum_capacity"]),
        (_attrs(kind="bed", working_capacity=1, maximum_capacity=1), ["working_capacity", "maximum_capacity"]),
        (_attrs(kind="wing", certified_capacity=40), ["certified_capacity"]),
        (_attrs(kind="classroom", working_capacity=12, maximum_capacity=15), []),
        (_attrs(security_level="extreme"), ["security_level"]),
        (_attrs(sex="both"), ["sex"]),
        (_attrs(specialist_type="spa"), ["specialist_type"]),
        (_attrs(kind="bed", specialist_type="safe_cell"), ["specialist_type"]),
        (_attrs(kind="cell", specialist_type="safe_cell"), []),
        (_attrs(kind="wing", in_count=False), ["in_count"]),
        (_attrs(kind="unit", in_count=False), []),
        (_attrs(name="x" * 201), ["name"]),
        (_attrs(kind="spaceship"), ["kind"]),
    ],
)
def test_attribute_and_capacity_rules(attrs, fields):
    assert [p.field for p in rules.attribute_problems(attrs)] == fields


@pytest.mark.parametrize(
    ("working", "active", "total", "refused"),
    [
        (2, 2, 2, False),
        (1, 1, 2, False),
        (2, 1, 2, True),  # one bed out of use: the cell cannot be worked at 2
        (3, 2, 2, True),
        (2, 0, 0, False),  # beds not laid out yet (an import creates the cell first)
        (0, 0, 1, False),
    ],
)
def test_a_cell_is_not_worked_above_its_active_beds(working, active, total, refused):
    problem = rules.cell_bed_problem(working_capacity=working, active_beds=active, total_beds=total)
    assert (problem is not None) is refused
    if refused:
        assert problem.field == "working_capacity"


@pytest.mark.parametrize(
    ("reason", "expected", "fields"),
    [
        ("Broken window", None, []),
        ("Broken window", dt.date(2026, 1, 2), []),
        ("Broken window", dt.date(2026, 1, 1), ["expected_return_on"]),
        ("  ", None, ["reason"]),
        ("x" * 201, None, ["reason"]),
    ],
)
def test_deactivation_needs_a_reason_and_a_future_return(reason, expected, fields):
    problems = rules.deactivation_problems(reason=reason, expected_return_on=expected, today=dt.date(2026, 1, 2))
    assert [p.field for p in problems] == fields


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["parent_key", "code", "kind"], None),
        ([" Parent_Key", "CODE ", "kind", "working_capacity"], None),
        (list(rules.CSV_COLUMNS), None),
        (None, "empty"),
        (["code", "kind"], "parent_key"),
        (["parent_key", "code", "kind", "working_capcity"], "Unknown column 'working_capcity'"),
        (["parent_key", "code", "code", "kind"], "appears more than once"),
    ],
)
def test_csv_headers(header, message):
    found = rules.header_problem(header)
    assert (found is None) if message is None else (message in found)


ROW = {"parent_key": "a-1", "code": "01", "kind": "cell", "working_capacity": "2", "maximum_capacity": "2"}


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({}, None),
        ({"kind": "CELL", "accessible": "Yes", "in_count": ""}, None),
        ({"code": ""}, "code"),
        ({"code": "0-1"}, "code"),
        ({"kind": "dungeon"}, "kind"),
        ({"accessible": "maybe"}, "accessible"),
        ({"working_capacity": "two"}, "working_capacity"),
        ({"working_capacity": "-1"}, "working_capacity"),
        ({"working_capacity": "3"}, "working_capacity"),  # above maximum
        ({"working_capacity": "9999999"}, "working_capacity"),
        ({"sex": "both"}, "sex"),
        ({"active": "no"}, "deactivated_reason"),
        ({"active": "no", "deactivated_reason": "Flood", "expected_return_on": "2027-02-30"}, "expected_return_on"),
        ({"active": "no", "deactivated_reason": "Flood", "expected_return_on": "1/2/2027"}, "expected_return_on"),
        ({"active": "no", "deactivated_reason": "Flood", "expected_return_on": "2027-02-03"}, None),
        ({"deactivated_reason": "Flood"}, "active"),
    ],
)
def test_csv_rows(changes, column):
    parsed, problem = rules.parse_csv_row({**ROW, **changes})
    if column is None:
        assert problem is None
        assert parsed.parent_key == "A-1" and parsed.code == "01"
    else:
        assert parsed is None and problem.field == column and problem.message


@pytest.mark.parametrize(
    ("data", "text", "error"),
    [
        (b"code,kind\n", "code,kind\n", None),
        (b"\xef\xbb\xbfcode,kind\n", "code,kind\n", None),  # spreadsheets' byte-order mark
        ("code,kind\nCaf\u00e9,cell\n".encode("latin-1"), None, "not UTF-8"),
        (b"code\x00,kind", None, "NUL"),
    ],
)
def test_decoding_an_uploaded_file(data, text, error):
    if error is None:
        assert rules.decode_csv_bytes(data) == text
    else:
        with pytest.raises(ValueError, match=error):
            rules.decode_csv_bytes(data)


def test_deactivation_is_inherited():
    assert rules.is_usable(active=True, ancestors_active=True)
    assert not rules.is_usable(active=True, ancestors_active=False)
    assert not rules.is_usable(active=False, ancestors_active=True)
