"""Dates of one unit once its adjustments are known.

Only arithmetic happens here; what each date needs for its explanation is noted on the unit
(``unit.notes``) and turned into steps by ``explain`` for the terms that end up governing.

Sources: CJA 2003 s.244 (release at the half-way point), s.240ZA (remand counts towards the sentence),
s.240A (tagged bail, as credited by the court), s.257 and Prison Rules r.55 (additional days awarded,
restorations), Prison Act 1952 s.49 (unlawfully at large adds days), s.256AA (top-up supervision for
ORA 2014 sentences under two years), s.246 (home detention curfew), s.260 (early removal scheme),
CJA 1991 ss.33 and 37 (three-quarter licence under the old scheme).
"""

from datetime import date

from oms.sentencing.rules.england_wales import dates as d
from oms.sentencing.rules.england_wales.units import (
    ERS_MAX_DAYS,
    HDC_2025_COMMENCEMENT,
    HDC_MIN_DAYS_IN_CUSTODY,
    Unit,
)
from oms.sentencing.rules.types import DateType


def date_unit(unit: Unit, date_of_birth: date | None, with_ersed: bool) -> None:
    start, deducted, added, awarded = unit.start, unit.deducted, unit.added, unit.awarded
    notes = unit.notes
    release = d.plus_days(unit.release_unadj, added - deducted)
    expiry_deduction = deducted if deducted < unit.custodial else unit.custodial
    expiry = d.plus_days(unit.expiry_unadj, added - expiry_deduction)
    notes["expiry_deduction"] = expiry_deduction
    if awarded:
        notes["awarded"] = awarded
        room = (expiry - release).days
        if 0 < room < awarded:
            awarded = room  # added days cannot keep anyone in custody past the end of the sentence
        elif awarded > 0 and room <= 0:
            awarded = 0
        release = d.plus_days(release, awarded)
        unit.awarded = awarded
    # Never before the sentence date of any term in the unit (a later link of a chain included).
    latest_start = max(x.sentenced_on for x in unit.sentences) if len(unit.sentences) > 1 else start
    if release < latest_start:
        release = latest_start
        notes["not_before_sentence"] = True
    unit.release = release
    unit.expiry = expiry

    if unit.has_led:
        _licence_expiry(unit)

    if (
        unit.release_type is DateType.CRD
        and date_of_birth is not None
        and d.age_on(date_of_birth, release) < 18
        and unit.shorter_than_months(12)
    ):
        # Under 18 at release on a term under 12 months: released automatically, no licence.
        unit.release_type, unit.expiry_type, unit.has_led, unit.led = DateType.ARD, DateType.SED, False, None
        notes["under_18"] = True
    if unit.tused_possible and unit.release_type is DateType.CRD and unit.length - unit.custodial < 365:
        tused_from = max(start, d.plus_days(unit.release_unadj, added - deducted))
        if date_of_birth is None or d.age_on(date_of_birth, tused_from) >= 18:
            unit.tused = d.add_months(tused_from, 12)
    if unit.hdc_possible and release >= d.plus_days(start, HDC_MIN_DAYS_IN_CUSTODY):
        _home_detention_curfew(unit)
    if with_ersed:
        _early_removal(unit)


def _licence_expiry(unit: Unit) -> None:
    if unit.ora_led_days:
        led = d.plus_days(unit.release, unit.ora_led_days)
    else:
        three_quarters = (3 * unit.length + 3) // 4
        extra = max(0, unit.deducted - unit.custodial)
        led = d.plus_days(unit.start, three_quarters - 1 + extra + unit.added - unit.deducted)
    if led > unit.expiry:
        led = unit.expiry  # the licence cannot outlast the sentence
        unit.notes["led_capped"] = True
    unit.led = led


def _hdc_point(unit: Unit, midpoint: int, before_release: int) -> tuple[date, int, bool]:
    if unit.custodial_exact < midpoint:
        days = max(28, (unit.length + 3) // 4)
    else:
        days = unit.custodial - before_release
    point = d.plus_days(unit.start, days + unit.added - unit.deducted)
    earliest = d.plus_days(unit.start, HDC_MIN_DAYS_IN_CUSTODY)
    if point <= earliest:
        return earliest, days, True
    return point, days, False


def _home_detention_curfew(unit: Unit) -> None:
    point, days, at_minimum = _hdc_point(unit, 360, 180)
    scheme = "2020"
    if point >= HDC_2025_COMMENCEMENT:
        new_point, days, at_minimum = _hdc_point(unit, 730, 365)
        if new_point < HDC_2025_COMMENCEMENT:
            point, scheme = HDC_2025_COMMENCEMENT, "commencement"
        else:
            point, scheme = new_point, "2025"
    unit.notes["hdc"] = (days, at_minimum, scheme)
    unit.hdced = d.plus_days(point, unit.awarded)


def _early_removal(unit: Unit) -> None:
    latest = d.plus_days(unit.release, -ERS_MAX_DAYS)
    half = (unit.custodial + 1) // 2
    earliest = d.plus_days(unit.start, half + unit.added - unit.deducted + unit.awarded)
    if earliest > latest:
        ersed, basis = earliest, "half"
    else:
        ersed, basis = latest, "max"
    if ersed < unit.start:
        ersed, basis = unit.start, "sentence"
    unit.ersed = ersed
    unit.notes["ers"] = (basis, half)
