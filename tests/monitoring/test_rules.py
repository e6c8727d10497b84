"""Pure monitoring rules: curfew timetables (midnight, Europe/London daylight-saving days), zones (edges,
circles in metres), device states, the no-fix gap and alert episodes."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.monitoring.rules import curfew, zones
from oms.monitoring.rules.episodes import changes, transitions
from oms.monitoring.rules.evaluation import (
    CompiledOrder,
    FixBatch,
    Series,
    Settings,
    State,
    TimetableRule,
    ZoneRule,
    evaluate,
    silent,
)

LONDON = "Europe/London"
UK = ZoneInfo(LONDON)

# Monday-to-Sunday 19:00-07:00 (crosses midnight), and a weekday daytime window.
NIGHTS = curfew.parse_timetable([{"days": [0, 1, 2, 3, 4, 5, 6], "start": "19:00", "end": "07:00"}])
FRIDAY_NIGHT = curfew.parse_timetable([{"days": [4], "start": "21:00", "end": "06:00"}])
WEEKDAY_DAYS = curfew.parse_timetable([{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}])


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UK)


CURFEW_CASES = [
    # (windows, instant, in force?, why)
    (NIGHTS, local(2026, 6, 3, 18, 59, 59), False, "one second before the start"),
    (NIGHTS, local(2026, 6, 3, 19, 0), True, "start is inclusive"),
    (NIGHTS, local(2026, 6, 3, 23, 59), True, "before midnight"),
    (NIGHTS, local(2026, 6, 4, 0, 0), True, "midnight"),
    (NIGHTS, local(2026, 6, 4, 6, 59, 59), True, "last second"),
    (NIGHTS, local(2026, 6, 4, 7, 0), False, "end is exclusive"),
    (NIGHTS, local(2026, 6, 4, 12, 0), False, "midday"),
    (FRIDAY_NIGHT, local(2026, 6, 5, 21, 0), True, "Friday night starts"),
    (FRIDAY_NIGHT, local(2026, 6, 6, 5, 59), True, "runs into Saturday morning"),
    (FRIDAY_NIGHT, local(2026, 6, 6, 21, 30), False, "Saturday night is not a curfew night"),
    (FRIDAY_NIGHT, local(2026, 6, 5, 5, 0), False, "Friday early morning belongs to Thursday's window: none"),
    (WEEKDAY_DAYS, local(2026, 6, 6, 10, 0), False, "Saturday"),
    (WEEKDAY_DAYS, local(2026, 6, 5, 16, 59), True, "Friday afternoon"),
    # BST: 19:00 local in summer is 18:00 UTC.
    (NIGHTS, utc(2026, 6, 3, 18, 0), True, "19:00 BST is 18:00 UTC"),
    (NIGHTS, utc(2026, 6, 3, 17, 59), False, "18:59 BST"),
    (NIGHTS, utc(2026, 6, 4, 6, 0), False, "07:00 BST is 06:00 UTC"),
    (NIGHTS, utc(2026, 12, 3, 19, 0), True, "19:00 GMT is 19:00 UTC in winter"),
    (NIGHTS, utc(2026, 12, 4, 6, 59), True, "06:59 GMT"),
    # Clocks go forward at 01:00 UTC on Sunday 29 March 2026 (01:00 GMT -> 02:00 BST).
    (NIGHTS, utc(2026, 3, 29, 0, 59), True, "00:59 GMT on the spring-forward night"),
    (NIGHTS, utc(2026, 3, 29, 1, 0), True, "02:00 BST straight after the change"),
    (NIGHTS, utc(2026, 3, 29, 5, 59), True, "06:59 BST"),
    (NIGHTS, utc(2026, 3, 29, 6, 0), False, "07:00 BST = 06:00 UTC: the night was eleven hours"),
    (NIGHTS, utc(2026, 3, 29, 18, 0), True, "19:00 BST on the change day"),
    (NIGHTS, utc(2026, 3, 28, 19, 0), True, "19:00 GMT the evening before"),
    # Clocks go back at 01:00 UTC on Sunday 25 October 2026 (02:00 BST -> 01:00 GMT).
    (NIGHTS, utc(2026, 10, 25, 0, 30), True, "01:30 BST, first time round"),
    (NIGHTS, utc(2026, 10, 25, 1, 30), True, "01:30 GMT, second time round"),
    (NIGHTS, utc(2026, 10, 25, 6, 59), True, "06:59 GMT: the night was thirteen hours"),
    (NIGHTS, utc(2026, 10, 25, 7, 0), False, "07:00 GMT"),
    (NIGHTS, utc(2026, 10, 24, 18, 0), True, "19:00 BST on the Saturday"),
    (NIGHTS, utc(2026, 10, 25, 18, 59), False, "18:59 GMT on the change day"),
    (NIGHTS, utc(2026, 10, 25, 19, 0), True, "19:00 GMT on the change day"),
]


@pytest.mark.parametrize(("windows", "instant", "expected", "why"), CURFEW_CASES, ids=[c[3] for c in CURFEW_CASES])
def test_curfew_in_force(windows, instant, expected, why):
    assert curfew.in_force(windows, instant, LONDON) is expected
    epoch = np.array([int(instant.timestamp())])
    assert bool(curfew.in_force_many(windows, epoch, LONDON)[0]) is expected


@given(
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2060, 1, 1), timezones=st.just(dt.UTC)),
    st.sampled_from([NIGHTS, FRIDAY_NIGHT, WEEKDAY_DAYS]),
    st.sampled_from([LONDON, "UTC", "America/New_York", "Australia/Lord_Howe"]),
)
def test_vectorised_curfew_agrees_with_the_scalar_rule(instant, windows, zone):
    instant = instant.replace(microsecond=0)
    epoch = np.array([int(instant.timestamp())])
    assert bool(curfew.in_force_many(windows, epoch, zone)[0]) is curfew.in_force(windows, instant, zone)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "timetable"),
        ("19:00", "timetable"),
        ([{"days": [7], "start": "19:00", "end": "07:00"}], "timetable[0].days"),
        ([{"days": [], "start": "19:00", "end": "07:00"}], "timetable[0].days"),
        ([{"days": [True], "start": "19:00", "end": "07:00"}], "timetable[0].days"),
        ([{"days": [1], "start": "25:00", "end": "07:00"}], "timetable[0].start"),
        ([{"days": [1], "start": "7pm", "end": "07:00"}], "timetable[0].start"),
        ([{"days": [1], "start": "19:00", "end": "19:00"}], "timetable[0].end"),
        ([{"days": [1], "start": "19:00", "end": "07:00"}, 3], "timetable[1]"),
    ],
)
def test_bad_timetables_name_the_field(raw, field):
    with pytest.raises(curfew.TimetableError) as caught:
        curfew.parse_timetable(raw)
    assert caught.value.field == field


# --- zones -----------------------------------------------------------------------------------------

SQUARE = {"type": "Polygon", "coordinates": [[[0, 51], [0.01, 51], [0.01, 51.01], [0, 51.01], [0, 51]]]}


def square_zone():
    geometry, radius = zones.parse_zone(SQUARE)
    return zones.compile_zone(json.dumps(geometry), radius)


ZONE_CASES = [
    # (lon, lat, inside?, why)
    (0.005, 51.005, True, "centre"),
    (0.02, 51.005, False, "east of it"),
    (0.0, 51.005, True, "exactly on the west edge"),
    (0.005, 51.01, True, "exactly on the north edge"),
    (0.0, 51.0, True, "exactly on a corner"),
    (-0.0000001, 51.005, False, "just outside the west edge"),
]


@pytest.mark.parametrize(("lon", "lat", "expected", "why"), ZONE_CASES, ids=[c[3] for c in ZONE_CASES])
def test_polygon_zone_counts_the_boundary_as_inside(lon, lat, expected, why):
    assert bool(square_zone().contains(np.array([lon]), np.array([lat]))[0]) is expected


# A circle of 100 m at 51.5 N: one metre north is 1/111195 degrees of latitude; east, scaled by cos(lat).
M_LAT = 1 / 111_195.08
M_LON = M_LAT / np.cos(np.radians(51.5))
CIRCLE_CASES = [
    (0, 0, True, "centre"),
    (0, 99.9, True, "99.9 m north"),
    (0, 100, True, "exactly 100 m north: the edge is inside"),
    (0, 100.1, False, "100.1 m north"),
    (99.9, 0, True, "99.9 m east"),
    (100.1, 0, False, "100.1 m east (longitude scaled by latitude)"),
    (70, 70, True, "99 m north-east"),
    (71, 71, False, "100.4 m north-east"),
]


@pytest.mark.parametrize(("east", "north", "expected", "why"), CIRCLE_CASES, ids=[c[3] for c in CIRCLE_CASES])
def test_circle_radius_is_measured_in_metres(east, north, expected, why):
    geometry, radius = zones.parse_zone({"type": "Point", "coordinates": [-0.1, 51.5]}, radius_m=100)
    zone = zones.compile_zone(json.dumps(geometry), radius)
    lon = np.array([-0.1 + east * M_LON])
    lat = np.array([51.5 + north * M_LAT])
    assert bool(zone.contains(lon, lat)[0]) is expected


def test_a_feature_carries_its_circle_radius():
    feature = {"type": "Feature", "properties": {"radius_m": 250}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
    assert zones.parse_zone(feature) == ({"type": "Point", "coordinates": (1.0, 2.0)}, 250)


@pytest.mark.parametrize(
    ("data", "radius", "field"),
    [
        ([1, 2], None, "geojson"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, None, "geojson"),
        ({"type": "Point", "coordinates": [0, 0]}, None, "radius_m"),
        ({"type": "Point", "coordinates": [0, 0]}, 0, "radius_m"),
        ({"type": "Point", "coordinates": [0, 0]}, 60_000, "radius_m"),
        ({"type": "Point", "coordinates": [200, 0]}, 10, "geojson"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, None, "geojson"),
        ({"type": "Polygon", "coordinates": "nonsense"}, None, "geojson"),
        ({"type": "FeatureCollection", "features": []}, None, "geojson"),
    ],
)
def test_bad_zones_are_refused(data, radius, field):
    with pytest.raises(zones.ZoneError) as caught:
        zones.parse_zone(data, radius)
    assert caught.value.field == field


# --- evaluation ------------------------------------------------------------------------------------

HOME = (-0.1, 51.5)
SETTINGS = Settings(max_gap_s=900, low_battery_pct=20, battery_recovery_pct=5, max_accuracy_m=200)


def order_with(*, exclusion=False, inclusion=False, curfew_windows=None):
    square = square_zone()
    home = zones.compile_zone(zones.circle_geojson(*HOME), 100)
    return CompiledOrder(
        time_zone=LONDON,
        zones=tuple(
            [ZoneRule("ex", "exclusion_entered", square)] * exclusion
            + [ZoneRule("in", "inclusion_left", square)] * inclusion
        ),
        timetables=(TimetableRule("cf", "curfew_breached", home, tuple(curfew_windows)),) if curfew_windows else (),
    )


def fix(at: dt.datetime, lon, lat, accuracy=10, battery=90, tampered=False):
    return (int(at.timestamp()), lon, lat, accuracy, battery, tampered)


def states_for(order, rows, kind, previous=None):
    series = evaluate(order, FixBatch.of(rows), SETTINGS, previous_fix_s=previous)
    return [(s.at, s.breached) for one in series if one.key[1] == kind for s in one.states()]


def test_exclusion_and_inclusion_zones():
    order = order_with(exclusion=True, inclusion=True)
    t = utc(2026, 6, 1, 12)
    rows = [
        fix(t, 0.005, 51.005),
        fix(t + dt.timedelta(minutes=1), 0.5, 51.5),
        fix(t + dt.timedelta(minutes=2), 0.5, 51.5, accuracy=500),
    ]
    assert [b for _, b in states_for(order, rows, "exclusion_entered")] == [True, False, None]
    assert [b for _, b in states_for(order, rows, "inclusion_left")] == [False, True, None]


def test_curfew_breached_only_inside_the_window_and_away_from_home():
    order = order_with(curfew_windows=NIGHTS)
    away = (0.5, 51.5)
    rows = [
        fix(utc(2026, 6, 1, 17, 30), *away),  # 18:30 BST: before the curfew
        fix(utc(2026, 6, 1, 18, 30), *away),  # 19:30 BST: breached
        fix(utc(2026, 6, 1, 18, 40), *HOME),  # home: cleared
        fix(utc(2026, 6, 1, 18, 50), *away, accuracy=1000),  # too vague to say
    ]
    assert [b for _, b in states_for(order, rows, "curfew_breached")] == [False, True, False, None]


def test_device_states_strap_battery_hysteresis_and_gap():
    order = order_with()
    t = utc(2026, 6, 1, 12)
    minute = dt.timedelta(minutes=1)
    rows = [
        fix(t, *HOME, battery=19, tampered=True),
        fix(t + minute, *HOME, battery=22),
        fix(t + 2 * minute, *HOME, battery=25),
        fix(t + 30 * minute, *HOME, battery=90),
    ]
    assert [b for _, b in states_for(order, rows, "strap_tamper")] == [True, False, False, False]
    assert [b for _, b in states_for(order, rows, "low_battery")] == [True, None, False, False]
    gap = states_for(order, rows, "no_fix", previous=int((t - 20 * minute).timestamp()))
    start = int(t.timestamp())
    assert gap == [
        (start - 5 * 60, True),  # 20 minutes silent before the first fix: breached 15 minutes in
        (start, False),
        (start + 60, False),
        (start + 120, False),
        (start + 17 * 60, True),
        (start + 30 * 60, False),
    ]


def test_silent_device():
    assert silent(1000, 0, 1000 + 901, 900) == 1900
    assert silent(1000, 0, 1000 + 900, 900) is None
    assert silent(None, 5000, 5000 + 1000, 900) == 5900


# --- episodes --------------------------------------------------------------------------------------

K = ("c", "exclusion_entered")


@pytest.mark.parametrize(
    ("open_keys", "stream", "expected"),
    [
        ([], [True, True, True], [("open", 0)]),
        ([], [True, False, True, False], [("open", 0), ("close", 1), ("open", 2), ("close", 3)]),
        ([K], [True, True], []),
        ([K], [None, False], [("close", 1)]),
        ([], [False, None, False], []),
        ([], [True, None, None, False], [("open", 0), ("close", 3)]),
    ],
)
def test_one_alert_per_episode(open_keys, stream, expected):
    states = [State(K, i, b) for i, b in enumerate(stream)]
    assert [(t.action, t.at) for t in transitions(open_keys, states)] == expected


@given(st.lists(st.sampled_from([True, False, None]), max_size=60))
def test_episodes_alternate_and_never_storm(stream):
    out = transitions([], [State(K, i, b) for i, b in enumerate(stream)])
    assert [t.action for t in out] == ["open", "close"] * (len(out) // 2) + ["open"] * (len(out) % 2)
    assert len([t for t in out if t.action == "open"]) <= max(1, stream.count(True))


@given(st.lists(st.sampled_from([True, False, None]), max_size=60), st.booleans())
def test_vectorised_episodes_agree_with_the_sequential_rule(stream, already_open):
    open_keys = [K] if already_open else []
    series = Series(
        K,
        np.arange(len(stream), dtype=np.int64),
        np.array([bool(b) for b in stream], dtype=bool),
        np.array([b is not None for b in stream], dtype=bool),
    )
    assert changes(open_keys, [series]) == transitions(open_keys, series.states())
