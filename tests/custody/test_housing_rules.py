"""The housing checks as pure rules: every check, whether it may be overridden, and the ranking."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.custody.rules import housing as rules
from oms.custody.rules.housing import BedFacts, KeptApartFrom, LocationFacts, Occupant, PersonFacts

SITE = 1
UNIT = LocationFacts(10, "unit", "A", SITE, None, sex="male", security_level="medium")
WING = LocationFacts(11, "wing", "A-1", SITE, 10)
LANDING = LocationFacts(12, "landing", "A-1-1", SITE, 11)
CELL = LocationFacts(13, "cell", "A-1-1-01", SITE, 12, working_capacity=2, maximum_capacity=3)
BED1 = LocationFacts(14, "bed", "A-1-1-01-1", SITE, 13)
BED2 = LocationFacts(15, "bed", "A-1-1-01-2", SITE, 13)
ANCESTORS = (CELL, LANDING, WING, UNIT)
ME = PersonFacts(person_id=100, site_id=SITE, sex="male", security_level="medium", cell_sharing="standard")


def bed(location=BED1, *, occupants=(), **changes) -> BedFacts:
    """BED1 with changes applied to one of its ancestors: cell=..., landing=..., wing=..., unit=..."""
    chain = {"cell": CELL, "landing": LANDING, "wing": WING, "unit": UNIT}
    for kind, fields in changes.items():
        chain[kind] = dataclasses.replace(chain[kind], **fields)
    return BedFacts(location, tuple(chain.values()), tuple(occupants))


def codes(conflicts) -> list[tuple[str, bool]]:
    return sorted((c.code, c.overridable) for c in conflicts)


def test_a_fitting_empty_bed_has_no_conflicts():
    assert rules.bed_conflicts(ME, bed()) == []


SHARER = Occupant(200, 15, "standard")

CASES = [
    # (name, person changes, bed facts, keep-aparts, expected (code, overridable))
    ("unknown bed", {}, None, [], [("housing.bed_not_found", False)]),
    ("not a bed", {}, BedFacts(CELL, (LANDING, WING, UNIT)), [], [("housing.not_a_bed", False)]),
    ("other site", {"site_id": 2}, bed(), [], [("housing.other_site", False)]),
    ("bed out of use", {}, bed(dataclasses.replace(BED1, active=False)), [], [("housing.location_inactive", False)]),
    (
        "wing out of use",
        {},
        bed(wing={"active": False, "deactivated_reason": "Fire"}),
        [],
        [("housing.location_inactive", False)],
    ),
    ("occupied", {}, bed(occupants=[Occupant(200, 14, "standard")]), [], [("housing.bed_occupied", False)]),
    (
        "already there",
        {"current_bed_id": 14},
        bed(occupants=[Occupant(100, 14, "standard")]),
        [],
        [("housing.already_in_bed", False)],
    ),
    ("released", {"episode_active": False}, bed(), [], [("housing.episode_not_active", False)]),
    (
        "over working capacity",
        {},
        bed(cell={"working_capacity": 1}, occupants=[SHARER]),
        [],
        [("housing.over_working_capacity", True)],
    ),
    (
        "over maximum capacity",
        {},
        bed(cell={"working_capacity": 1, "maximum_capacity": 1}, occupants=[SHARER]),
        [],
        [("housing.over_maximum_capacity", False)],
    ),
    (
        "no maximum set: working is the ceiling",
        {},
        bed(cell={"working_capacity": 1, "maximum_capacity": 0}, occupants=[SHARER]),
        [],
        [("housing.over_maximum_capacity", False)],
    ),
    ("sex mismatch", {"sex": "female"}, bed(), [], [("housing.sex_mismatch", True)]),
    ("sex not recorded", {"sex": "not_known"}, bed(), [], [("housing.sex_not_recorded", True)]),
    ("mixed location", {"sex": "female"}, bed(unit={"sex": "any"}), [], []),
    ("nearest sex wins", {"sex": "female"}, bed(wing={"sex": "female"}), [], []),
    ("security too low", {"security_level": "high"}, bed(), [], [("housing.security_too_low", False)]),
    ("higher security is fine", {"security_level": "low"}, bed(), [], []),
    ("nearest security wins", {"security_level": "high"}, bed(landing={"security_level": "high"}), [], []),
    ("unclassified at medium", {"security_level": ""}, bed(), [], []),
    (
        "unclassified in open",
        {"security_level": ""},
        bed(unit={"security_level": "open"}),
        [],
        [("housing.unclassified_low_security", True)],
    ),
    (
        "single cell into occupied",
        {"cell_sharing": "single_cell"},
        bed(occupants=[SHARER]),
        [],
        [("housing.single_cell_only", False)],
    ),
    ("single cell into empty", {"cell_sharing": "single_cell"}, bed(), [], []),
    (
        "join a single-cell occupant",
        {},
        bed(occupants=[Occupant(200, 15, "single_cell")]),
        [],
        [("housing.occupant_single_cell", False)],
    ),
    (
        "share with care",
        {"cell_sharing": "share_with_care"},
        bed(occupants=[SHARER]),
        [],
        [("housing.share_with_care", True)],
    ),
    (
        "join a share-with-care occupant",
        {},
        bed(occupants=[Occupant(200, 15, "share_with_care")]),
        [],
        [("housing.occupant_share_with_care", True)],
    ),
    (
        "not assessed into occupied",
        {"cell_sharing": "not_assessed"},
        bed(occupants=[SHARER]),
        [],
        [("housing.cell_sharing_not_assessed", True)],
    ),
    ("needs accessible", {"needs_accessible_cell": True}, bed(), [], [("housing.not_accessible", True)]),
    ("accessible cell", {"needs_accessible_cell": True}, bed(cell={"accessible": True}), [], []),
    ("specialist cell", {}, bed(cell={"specialist_type": "segregation"}), [], [("housing.specialist_cell", True)]),
    (
        "keep apart, same cell",
        {},
        bed(),
        [KeptApartFrom(300, "cell", cell_id=13, landing_id=12, wing_id=11)],
        [("housing.keep_apart_cell", False)],
    ),
    ("cell level, same landing", {}, bed(), [KeptApartFrom(300, "cell", cell_id=99, landing_id=12, wing_id=11)], []),
    (
        "landing level, same landing",
        {},
        bed(),
        [KeptApartFrom(300, "landing", cell_id=99, landing_id=12, wing_id=11)],
        [("housing.keep_apart_landing", True)],
    ),
    ("landing level, same wing", {}, bed(), [KeptApartFrom(300, "landing", cell_id=99, landing_id=98, wing_id=11)], []),
    (
        "wing level, same wing",
        {},
        bed(),
        [KeptApartFrom(300, "wing", source="group", cell_id=99, landing_id=98, wing_id=11)],
        [("housing.keep_apart_wing", True)],
    ),
    ("keep apart, not housed", {}, bed(), [KeptApartFrom(300, "wing")], []),
]


@pytest.mark.parametrize(("name", "person", "bed_facts", "keep_aparts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_check(name, person, bed_facts, keep_aparts, expected):
    conflicts = rules.bed_conflicts(dataclasses.replace(ME, **person), bed_facts, keep_aparts)
    assert codes(conflicts) == sorted(expected)
    for conflict in conflicts:
        assert conflict.check and conflict.explanation.endswith((".", ")"))


def test_explanations_name_the_place_and_the_numbers():
    (over,) = rules.bed_conflicts(ME, bed(cell={"working_capacity": 1}, occupants=[SHARER]))
    assert "A-1-1-01" in over.explanation and "working capacity of 1" in over.explanation
    (closed,) = rules.bed_conflicts(ME, bed(wing={"active": False, "deactivated_reason": "Fire damage"}))
    assert closed.explanation == "Wing A-1 is out of use: Fire damage."
    (kept,) = rules.bed_conflicts(ME, bed(), [KeptApartFrom(300, "cell", cell_id=13)])
    assert kept.other_person_id == 300  # the page names them only if the reader may see them


@pytest.mark.parametrize(
    ("conflicts", "override_reason", "expected"),
    [
        ([], "", (True, [])),
        ([rules.Conflict("housing.share_with_care", "Cell sharing", "x.", True)], "", (False, [])),
        ([rules.Conflict("housing.share_with_care", "Cell sharing", "x.", True)], "  ", (False, [])),
        (
            [rules.Conflict("housing.share_with_care", "Cell sharing", "x.", True)],
            "Board",
            (True, ["housing.share_with_care"]),
        ),
        (
            [
                rules.Conflict("housing.share_with_care", "Cell sharing", "x.", True),
                rules.Conflict("housing.over_maximum_capacity", "Capacity", "x.", False),
            ],
            "Board",
            (False, []),
        ),
    ],
)
def test_override_decision(conflicts, override_reason, expected):
    assert rules.decide_override(conflicts, override_reason=override_reason) == expected


def _checked(location, person=ME, **changes):
    facts = bed(location, **changes)
    return rules.Checked(facts, tuple(rules.bed_conflicts(person, facts)))


def test_ranking_best_first():
    exact = _checked(BED1)
    higher = _checked(dataclasses.replace(BED1, id=21, key="B-1", security_level="high"))
    accessible = _checked(dataclasses.replace(BED1, id=22, key="C-1"), cell={"accessible": True})
    shared = _checked(dataclasses.replace(BED1, id=23, key="D-1"), occupants=[SHARER])
    specialist = _checked(dataclasses.replace(BED1, id=24, key="E-1"), cell={"specialist_type": "medical"})
    ranked = rules.rank(ME, [specialist, shared, accessible, higher, exact])
    assert [c.bed.bed.key for c in ranked] == ["A-1-1-01-1", "D-1", "C-1", "B-1", "E-1"]
    assert ranked[-1].overridable and not ranked[-1].valid


def test_someone_who_needs_an_accessible_cell_gets_it_first():
    person = dataclasses.replace(ME, needs_accessible_cell=True)
    plain = _checked(BED1, person)
    accessible = _checked(dataclasses.replace(BED1, id=22, key="Z-1"), person, cell={"accessible": True})
    assert rules.rank(person, [plain, accessible])[0] is accessible


security = st.sampled_from(["", *rules.SECURITY_ORDER])


@given(person_level=security, location_level=st.sampled_from(rules.SECURITY_ORDER))
def test_security_never_lets_someone_sleep_below_their_classification(person_level, location_level):
    person = dataclasses.replace(ME, security_level=person_level)
    conflicts = rules.bed_conflicts(person, bed(unit={"security_level": location_level}))
    below = rules.security_rank(location_level) < rules.security_rank(person_level or rules.UNCLASSIFIED_TREATED_AS)
    assert bool(conflicts) == below
    assert all(c.overridable == (person_level == "") for c in conflicts)


@given(
    working=st.integers(0, 6),
    extra=st.integers(0, 3),
    occupants=st.integers(0, 6),
    sharing=st.sampled_from(["standard", "share_with_care", "single_cell", "not_assessed"]),
)
def test_nothing_overrides_the_maximum_or_a_single_cell(working, extra, occupants, sharing):
    maximum = working + extra
    person = dataclasses.replace(ME, cell_sharing=sharing)
    others = [Occupant(500 + i, 900 + i, "standard") for i in range(occupants)]
    conflicts = rules.bed_conflicts(
        person, bed(cell={"working_capacity": working, "maximum_capacity": maximum}, occupants=others)
    )
    allowed, _ = rules.decide_override(conflicts, override_reason="Authorised by the duty governor")
    ceiling = maximum or working
    if occupants + 1 > ceiling or (sharing == "single_cell" and occupants):
        assert not allowed
    if allowed:
        assert occupants + 1 <= ceiling
