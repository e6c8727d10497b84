"""Steps for the dates a unit governs, in words a records clerk follows. Rule names are stable: the
screens, stored calculations and tests refer to them."""

from oms.sentencing.rules.england_wales import dates as d
from oms.sentencing.rules.england_wales.units import ERS_MAX_DAYS, Unit
from oms.sentencing.rules.types import DateType, Step


def _term(unit: Unit) -> Step:
    # Several dates open with the same step: build it once per unit.
    step = unit.notes.get("term_step")
    if step is None:
        step = unit.notes["term_step"] = Step(
            "sds.term",
            f"{unit.label}: term from {d.fmt(unit.start)} to {d.fmt(unit.expiry_unadj)} = {unit.length:,} days",
        )
    return step  # type: ignore[return-value]


def _custodial(unit: Unit) -> Step:
    step = unit.notes.get("custodial_step")
    if step is None:
        step = unit.notes["custodial_step"] = Step(
            "sds.custodial_period",
            f"custodial period = half of {unit.length:,} days = {unit.custodial:,} days"
            f" (ends {d.fmt(unit.release_unadj)})",
        )
    return step  # type: ignore[return-value]


def _adjustments(unit: Unit, deducted: int) -> list[Step]:
    steps = []
    if deducted:
        steps.append(Step("sds.deductions", f"minus {deducted} days remand and tagged bail"))
    if unit.added:
        steps.append(Step("sds.unlawfully_at_large", f"plus {unit.added} days unlawfully at large"))
    return steps


def _release(unit: Unit) -> list[Step]:
    steps = [_term(unit), _custodial(unit), *_adjustments(unit, unit.deducted)]
    notes = unit.notes
    awarded = notes.get("awarded", 0)
    if awarded:
        if unit.awarded != awarded:
            steps.append(
                Step(
                    "sds.added_days_capped",
                    f"{awarded} net additional days awarded; only {unit.awarded} fit before the expiry date",
                )
            )
        else:
            verb = "plus" if awarded > 0 else "minus"
            steps.append(Step("sds.added_days", f"{verb} {abs(awarded)} net additional days awarded"))
    if notes.get("not_before_sentence"):
        steps.append(Step("sds.not_before_sentence", "release cannot be before the sentence date"))
    if notes.get("under_18"):
        steps.append(
            Step("sds.under_18_at_release", "under 18 at release on a term under 12 months: automatic release")
        )
    elif unit.release_type is DateType.ARD:
        steps.append(Step("sds.automatic_release", "term under 12 months without licence: automatic release"))
    return steps


def _expiry(unit: Unit) -> list[Step]:
    steps = [_term(unit), *_adjustments(unit, unit.notes.get("expiry_deduction", 0))]
    if unit.notes.get("expiry_deduction", 0) < unit.deducted:
        steps.append(Step("sds.deductions_limit", "deductions beyond the custodial period do not shorten the expiry"))
    return steps


def _licence(unit: Unit) -> list[Step]:
    if unit.expiry_type is DateType.SLED:
        return _expiry(unit)
    if unit.ora_led_days:
        text = f"licence for the ORA terms only: release + half their length = {unit.ora_led_days} days"
    else:
        text = "licence to the three-quarter point of the term (CJA 1991), adjusted like the release date"
    steps = [_term(unit), Step("sds.licence_expiry", text)]
    if unit.notes.get("led_capped"):
        steps.append(Step("sds.licence_capped", "the licence cannot outlast the sentence expiry"))
    return steps


def _top_up(unit: Unit) -> list[Step]:
    return [
        _term(unit),
        _custodial(unit),
        *_adjustments(unit, unit.deducted),
        Step("sds.top_up_supervision", "licence shorter than 12 months: supervision to 12 months after release"),
    ]


def _hdc(unit: Unit) -> list[Step]:
    days, at_minimum, scheme = unit.notes["hdc"]
    if scheme == "commencement":
        steps = [Step("hdc.commencement", "HDC eligibility falls before 3 June 2025 under the new rules: 3 June 2025")]
    else:
        midpoint, less = (730, 365) if scheme == "2025" else (360, 180)
        if unit.custodial_exact < midpoint:
            text = f"custodial period under {midpoint} days: a quarter of the term, at least 28 days = {days} days"
        else:
            text = f"custodial period of {midpoint} days or more: custodial period minus {less} days = {days} days"
        rule = "hdc.eligibility_2025" if scheme == "2025" else "hdc.eligibility"
        steps = [Step(rule, text), *_adjustments(unit, unit.deducted)]
        if at_minimum:
            steps.append(Step("hdc.minimum_14_days", "not earlier than 14 days after sentence"))
    if unit.awarded:
        steps.append(Step("sds.added_days", f"plus {unit.awarded} additional days awarded"))
    return steps


def _ers(unit: Unit) -> list[Step]:
    basis, half = unit.notes["ers"]
    text = {
        "half": f"half of the custodial period ({half} days) must be served first",
        "max": f"{ERS_MAX_DAYS} days before the release date",
        "sentence": "not before the sentence date",
    }[basis]
    return [Step("ers.eligibility", text)]


def explain(unit: Unit, date_type: DateType) -> list[Step]:
    if date_type in (DateType.CRD, DateType.ARD):
        return _release(unit)
    if date_type in (DateType.SLED, DateType.SED):
        return _expiry(unit)
    if date_type is DateType.LED:
        return _licence(unit)
    if date_type is DateType.TUSED:
        return _top_up(unit)
    if date_type is DateType.HDCED:
        return _hdc(unit)
    if date_type is DateType.ERSED:
        return _ers(unit)
    return []
