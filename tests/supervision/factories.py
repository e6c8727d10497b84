"""Plain factory functions for arranging supervision tests. They write rows directly (no audit); call the
service for the behaviour under test."""

from __future__ import annotations

import datetime as dt

from oms.assessment.models import Assessment
from oms.core import clock
from oms.people.models import Person
from oms.sentencing.models import Calculation
from oms.supervision.models import Appointment, SupervisionCase


def make_case(person: Person, *, office=None, officer=None, kind: str = "probation", **fields) -> SupervisionCase:
    now = clock.now()
    values = {"starts_on": clock.today(), "created_at": now, "updated_at": now, **fields}
    return SupervisionCase.objects.create(person=person, kind=kind, office=office, officer=officer, **values)


def make_appointment(case: SupervisionCase, starts_at: dt.datetime, *, kind: str = "office", **fields) -> Appointment:
    values = {
        "counts_toward_compliance": kind != "phone",
        "booked_at": clock.now(),
        **fields,
    }
    return Appointment.objects.create(case=case, kind=kind, starts_at=starts_at, **values)


def make_assessment(person: Person, assessor, *, instrument: str, band: str, override_band: str = "") -> Assessment:
    """A current completed assessment (tiering bands like "B2", OGRS3 bands like "high")."""
    now = clock.now()
    return Assessment.objects.create(
        person=person,
        instrument_code=instrument,
        instrument_version=1,
        status=Assessment.Status.COMPLETED,
        started_at=now,
        assessor=assessor,
        completed_at=now,
        completed_on=now.date(),
        computed_band=band,
        override_band=override_band,
        is_current=True,
    )


def make_calculation(person: Person, dates: dict[str, dt.date], *, release_type: str = "CRD") -> Calculation:
    return Calculation.objects.create(
        person=person,
        profile_code="ew",
        profile_version="1",
        reason=Calculation.Reason.NEW_SENTENCE,
        inputs={},
        inputs_hash="0" * 64,
        result={"dates": {t: {"date": d.isoformat()} for t, d in dates.items()}},
        release_date=dates.get(release_type),
        release_date_type=release_type,
        calculated_at=clock.now(),
    )


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)
