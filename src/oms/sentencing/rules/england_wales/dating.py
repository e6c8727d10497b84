"""Dates of one unit once its adjustments are known, each with the steps a records clerk can follow.

Sources: CJA 2003 s.244 (release at the half-way point), s.240ZA (remand counts towards the sentence),
s.240A (tagged bail counts at half its days, as credited by the court), s.257 and Prison Rules r.55
(additional days awarded, restorations), s.49 Prison Act 1952 (unlawfully at large adds days),
s.256AA (top-up supervision for ORA 2014 sentences under two years), s.246 (home detention curfew),
s.260 (early removal scheme), CJA 1991 ss.33 and 37 (three-quarter licence for the old scheme).
"""

from datetime import date

from oms.sentencing.rules.england_wales import dates as d
from oms.sentencing.rules.england_wales.units import (
    ERS_MAX_DAYS,
    HDC_2025_COMMENCEMENT,
    HDC_MIN_DAYS_IN_CUSTODY,
    Unit,
)
from oms.sentencing.rules.types import DateType, Step


def date_unit(unit: Unit, date_of_birth: date | None, with_ersed: bool) -> None:
    start, deducted, added, awarded = unit.start, unit.deducted, unit.added, unit.awarded
    base_steps = [
        Step(
            "sds.term", f"{unit.label}: term from {d.fmt(start)} to {d.fmt(unit.expiry_unadj)} = {unit.length:,} days"
        ),
        Step(
            "sds.custodial_period",
            f"custodial period = half of {unit.length:,} days = {unit.custodial:,} days"
            f" (ends {d.fmt(unit.release_unadj)})",
        ),
    ]
    deduction_steps = []
    if deducted:
        deduction_steps.append(Step("sds.deductions", f"minus {deducted} days remand and tagged bail"))
    if added:
        deduction_steps.append(Step("sds.unlawfully_at_large", f"plus {added} days unlawfully at large"))

    release = d.plus_days(unit.release_unadj, added - deducted)
    expiry_deduction = min(deducted, unit.custodial)
    expiry = d.plus_days(unit.expiry_unadj, added - expiry_deduction)
    release_steps = base_steps + deduction_steps
    if awarded:
        used = awarded
        room = (expiry - release).days
        if awarded > 0 and awarded > room:
            # Added days cannot keep someone in custody past the end of the sentence (unused days).
            used = max(0, room)
            release_steps.append(
                Step(
                    "sds.added_days_capped", f"{awarded} added days, {awarded - used} of them past expiry: {used} used"
                )
            )
        else:
            verb = "plus" if awarded > 0 else "minus"
            release_steps.append(Step("sds.added_days", f"{verb} {abs(awarded)} net additional days awarded"))
        release = d.plus_days(release, used)
        unit.awarded = used
    if release < start:
        release = start
        release_steps.append(Step("sds.not_before_sentence", "release cannot be before the sentence date"))
    unit.release = release
    unit.steps[unit.release_type] = release_steps

    expiry_steps = [base_steps[0]]
    if expiry_deduction:
        expiry_steps.append(Step("sds.deductions", f"minus {expiry_deduction} days remand and tagged bail"))
    if added:
        expiry_steps.append(Step("sds.unlawfully_at_large", f"plus {added} days unlawfully at large"))
    unit.expiry = expiry
    unit.steps[unit.expiry_type] = expiry_steps

    if unit.has_led:
        _licence_expiry(unit)
        if unit.led > expiry:
            unit.led = expiry  # the licence cannot outlast the sentence

    adult_at_release = date_of_birth is None or d.age_on(date_of_birth, release) >= 18
    if unit.release_type is DateType.CRD and not adult_at_release and unit.shorter_than_months(12):
        # Under 18 at release on a term under 12 months: released automatically, no licence.
        unit.release_type, unit.expiry_type, unit.has_led = DateType.ARD, DateType.SED, False
        unit.steps[DateType.ARD] = unit.steps.pop(DateType.CRD) + [
            Step("sds.under_18_at_release", "under 18 at release on a term under 12 months: automatic release")
        ]
        unit.steps[DateType.SED] = unit.steps.pop(DateType.SLED)
        unit.led = None
    if unit.tused_possible and unit.release_type is DateType.CRD and unit.length - unit.custodial < 365:
        tused_from = max(start, d.plus_days(unit.release_unadj, added - deducted))
        if date_of_birth is None or d.age_on(date_of_birth, tused_from) >= 18:
            unit.tused = d.add_months(tused_from, 12)
            unit.steps[DateType.TUSED] = (
                base_steps
                + deduction_steps
                + [
                    Step(
                        "sds.top_up_supervision",
                        "licence under 12 months: top-up supervision for 12 months after release",
                    )
                ]
            )
    if unit.hdc_possible:
        _home_detention_curfew(unit)
    if with_ersed:
        _early_removal(unit)


def _licence_expiry(unit: Unit) -> None:
    if unit.ora_led_days:
        unit.led = d.plus_days(unit.release, unit.ora_led_days)
        text = f"licence = half of the ORA terms = {unit.ora_led_days} days after release"
    else:
        three_quarters = (3 * unit.length + 3) // 4
        extra = max(0, unit.deducted - unit.custodial)
        unit.led = d.plus_days(unit.start, three_quarters - 1 + extra + unit.added - unit.deducted)
        text = f"licence to the three-quarter point = {three_quarters:,} days, adjusted as the release date"
    unit.steps[DateType.LED] = [unit.steps[unit.expiry_type][0], Step("sds.licence_expiry", text)]


def _hdc_point(unit: Unit, midpoint: int, before_release: int) -> tuple[date, str]:
    if unit.custodial_exact < midpoint:
        days = max(28, (unit.length + 3) // 4)
        text = f"quarter of the term, at least 28 days = {days} days"
    else:
        days = unit.custodial - before_release
        text = f"custodial period minus {before_release} days = {days} days"
    point = d.plus_days(unit.start, days + unit.added - unit.deducted)
    earliest = d.plus_days(unit.start, HDC_MIN_DAYS_IN_CUSTODY)
    if point <= earliest:
        return earliest, text + "; not earlier than 14 days after sentence"
    return point, text


def _home_detention_curfew(unit: Unit) -> None:
    if unit.release < d.plus_days(unit.start, HDC_MIN_DAYS_IN_CUSTODY):
        return  # release falls within 14 days of sentence: no time for HDC
    point, text = _hdc_point(unit, 360, 180)
    rule = "hdc.eligibility"
    if point >= HDC_2025_COMMENCEMENT:
        new_point, new_text = _hdc_point(unit, 730, 365)
        if new_point < HDC_2025_COMMENCEMENT:
            point, text = HDC_2025_COMMENCEMENT, "the 2025 rules would give a date before 3 June 2025: 3 June 2025"
        else:
            point, text = new_point, new_text + " (rules from 3 June 2025)"
        rule = "hdc.eligibility_2025"
    steps = [Step(rule, text)]
    if unit.deducted:
        steps.append(Step("sds.deductions", f"minus {unit.deducted} days remand and tagged bail"))
    if unit.added:
        steps.append(Step("sds.unlawfully_at_large", f"plus {unit.added} days unlawfully at large"))
    if unit.awarded:
        point = d.plus_days(point, unit.awarded)
        steps.append(Step("sds.added_days", f"plus {unit.awarded} net additional days awarded"))
    unit.hdced = point
    unit.steps[DateType.HDCED] = steps


def _early_removal(unit: Unit) -> None:
    latest = d.plus_days(unit.release, -ERS_MAX_DAYS)
    half = (unit.custodial + 1) // 2
    earliest = d.plus_days(unit.start, half + unit.added - unit.deducted + unit.awarded)
    if earliest > latest:
        ersed, text = earliest, f"half of the custodial period ({half} days) must be served first"
    else:
        ersed, text = latest, f"{ERS_MAX_DAYS} days before the release date"
    if ersed < unit.start:
        ersed, text = unit.start, "not before the sentence date"
    unit.ersed = ersed
    unit.steps[DateType.ERSED] = [Step("ers.eligibility", text)]
