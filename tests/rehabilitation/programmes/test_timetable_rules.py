"""The weekly timetable: data checked with the part at fault named, and clashes between two places."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.rehabilitation.rules.timetable import (
    Slot,
    TimetableError,
    clashes,
    date_overlap,
    describe,
    parse_timetable,
    weekdays_between,
)

MONDAY = dt.date(2026, 6, 1)


def slot(weekday, start, end):
    return Slot(weekday, dt.time.fromisoformat(start), dt.time.fromisoformat(end))


def test_a_timetable_is_parsed_sorted_and_described():
    slots = parse_timetable(
        [{"weekday": 2, "start": "14:00", "end": "16:00"}, {"weekday": 0, "start": "09:00", "end": "11:30"}]
    )
    assert slots == [slot(0, "09:00", "11:30"), slot(2, "14:00", "16:00")]
    assert describe(slots) == "Monday 09:00-11:30; Wednesday 14:00-16:00"
    assert describe([]) == "No timetable"
    assert parse_timetable(None) == []


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ("Mondays", "timetable", "list"),
        ([7], "timetable[0]", "weekday"),
        ([{"weekday": 7, "start": "09:00", "end": "10:00"}], "timetable[0].weekday", "0 (Monday) to 6"),
        ([{"weekday": -1, "start": "09:00", "end": "10:00"}], "timetable[0].weekday", "0 (Monday)"),
        ([{"weekday": True, "start": "09:00", "end": "10:00"}], "timetable[0].weekday", "whole number"),
        ([{"weekday": "1", "start": "09:00", "end": "10:00"}], "timetable[0].weekday", "whole number"),
        ([{"weekday": 1, "start": "9:00", "end": "10:00"}], "timetable[0].start", "HH:MM"),
        ([{"weekday": 1, "start": "24:00", "end": "10:00"}], "timetable[0].start", "HH:MM"),
        ([{"weekday": 1, "start": "09:00", "end": "09:60"}], "timetable[0].end", "HH:MM"),
        ([{"weekday": 1, "start": "09:00"}], "timetable[0].end", "HH:MM"),
        ([{"weekday": 1, "start": "09:00\n", "end": "10:00"}], "timetable[0].start", "HH:MM"),
        ([{"weekday": 1, "start": "0\u0669:00", "end": "10:00"}], "timetable[0].start", "HH:MM"),
        ([{"weekday": 1, "start": "10:00", "end": "10:00"}], "timetable[0].end", "after the start"),
        ([{"weekday": 1, "start": "11:00", "end": "10:00"}], "timetable[0].end", "after the start"),
        ([{"weekday": 1, "start": "09:00", "end": "10:00", "room": "B"}], "timetable[0].room", "Unknown"),
        (
            [{"weekday": 1, "start": "09:00", "end": "11:00"}, {"weekday": 1, "start": "10:30", "end": "12:00"}],
            "timetable",
            "overlap",
        ),
        ([{"weekday": 1, "start": "09:00", "end": "10:00"}] * 51, "timetable", "at most 50"),
    ],
)
def test_bad_timetables_name_the_part_at_fault(raw, field, words):
    with pytest.raises(TimetableError) as error:
        parse_timetable(raw)
    assert error.value.field == field
    assert words in error.value.detail


def test_touching_slots_do_not_clash_and_overlapping_ones_do():
    morning = [slot(0, "09:00", "11:00")]
    runs = (MONDAY, None)
    assert clashes(morning, runs, [slot(0, "11:00", "12:00")], runs) == []
    assert clashes(morning, runs, [slot(1, "09:00", "11:00")], runs) == []
    found = clashes(morning, runs, [slot(0, "10:59", "12:00")], runs)
    assert len(found) == 1
    assert "Monday 09:00-11:00 overlaps Monday 10:59-12:00" in found[0].explanation


def test_places_that_never_run_at_the_same_time_do_not_clash():
    monday = [slot(0, "09:00", "11:00")]
    june = (MONDAY, dt.date(2026, 6, 30))
    july = (dt.date(2026, 7, 1), None)
    assert clashes(monday, june, monday, july) == []
    # A two-day overlap (Tuesday and Wednesday) holds no Monday.
    assert clashes(monday, (MONDAY, dt.date(2026, 6, 3)), monday, (dt.date(2026, 6, 2), None)) == []
    # ... but one that includes the Monday does.
    assert clashes(monday, (MONDAY, dt.date(2026, 6, 3)), monday, (MONDAY, None))


def test_weekdays_between_and_date_overlap():
    assert weekdays_between(MONDAY, MONDAY) == {0}
    assert weekdays_between(MONDAY, MONDAY + dt.timedelta(days=6)) == set(range(7))
    assert weekdays_between(MONDAY, MONDAY - dt.timedelta(days=1)) == set()
    assert date_overlap(MONDAY, None, MONDAY, None) == (MONDAY, None)
    assert date_overlap(MONDAY, MONDAY, MONDAY + dt.timedelta(days=1), None) is None


times = st.integers(0, 23 * 60 + 58).flatmap(
    lambda start: st.tuples(st.just(start), st.integers(start + 1, 23 * 60 + 59))
)
slots = st.builds(
    lambda weekday, span: Slot(weekday, dt.time(*divmod(span[0], 60)), dt.time(*divmod(span[1], 60))),
    st.integers(0, 6),
    times,
)
dates = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
ranges = st.tuples(dates, st.one_of(st.none(), st.integers(0, 400))).map(
    lambda pair: (pair[0], None if pair[1] is None else pair[0] + dt.timedelta(days=pair[1]))
)


@given(st.lists(slots, max_size=5), ranges, st.lists(slots, max_size=5), ranges)
def test_clashing_is_symmetric(a, a_runs, b, b_runs):
    assert bool(clashes(a, a_runs, b, b_runs)) == bool(clashes(b, b_runs, a, a_runs))


@given(slots, ranges)
def test_a_slot_always_clashes_with_itself_over_a_week(one, runs):
    start = runs[0]
    week = (start, start + dt.timedelta(days=6))
    assert clashes([one], week, [one], week)


@given(st.lists(slots, max_size=5), ranges, st.lists(slots, max_size=5), ranges)
def test_a_clash_is_only_ever_on_one_weekday_at_overlapping_times(a, a_runs, b, b_runs):
    for clash in clashes(a, a_runs, b, b_runs):
        assert clash.slot.weekday == clash.other_slot.weekday
        assert clash.slot.start < clash.other_slot.end and clash.other_slot.start < clash.slot.end
        assert clash.first_day >= max(a_runs[0], b_runs[0])


@given(st.lists(slots, min_size=1, max_size=5))
def test_valid_slots_survive_a_round_trip(parsed):
    distinct = sorted(set(parsed))
    tidy = [
        s for i, s in enumerate(distinct) if all(not (p.weekday == s.weekday and s.start < p.end) for p in distinct[:i])
    ]
    assert parse_timetable([s.as_dict() for s in tidy]) == tidy
