"""Arranging monitoring tests: GeoJSON shapes, condition specs and fix rows. Behaviour goes through the
services."""

import datetime as dt

from oms.monitoring.services.fixes import FixRow
from oms.monitoring.services.orders import ConditionSpec

HOME = (-0.1, 51.5)  # (lon, lat): the curfew address
AWAY = (-0.2, 51.55)
# An exclusion zone well away from home: a 0.01-degree square with its south-west corner at (0, 51).
SQUARE = {"type": "Polygon", "coordinates": [[[0, 51], [0.01, 51], [0.01, 51.01], [0, 51.01], [0, 51]]]}
IN_SQUARE = (0.005, 51.005)
NIGHTS = [{"days": [0, 1, 2, 3, 4, 5, 6], "start": "19:00", "end": "07:00"}]


def curfew(radius=100) -> ConditionSpec:
    return ConditionSpec(
        kind="curfew",
        label="Home curfew",
        zone={"type": "Point", "coordinates": list(HOME)},
        radius_m=radius,
        timetable=NIGHTS,
    )


def exclusion() -> ConditionSpec:
    return ConditionSpec(kind="exclusion_zone", label="Town centre", zone=SQUARE)


def row(serial: str, at: dt.datetime, where=HOME, *, accuracy=10.0, battery=90, strap="ok") -> FixRow:
    return FixRow(
        device=serial, time=at, latitude=where[1], longitude=where[0], accuracy=accuracy, battery=battery, strap=strap
    )
