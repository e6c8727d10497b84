"""England and Wales: standard determinate sentences (release at the half-way point).

``calculate(request, profile)`` identifies each unit (a concurrent sentence or a consecutive chain),
applies the adjustments that belong to it, dates it, then combines the units into one set of dates:
the latest release governs, expiry is the latest expiry, and licence, top-up supervision, HDC and
early removal dates are chosen as the prison service's sentence-calculation instruction sets out.
See docs/sentencing-england-wales.md for the rules and their sources.
"""

from datetime import date

from oms.sentencing.rules.england_wales import dates as d
from oms.sentencing.rules.england_wales.dating import date_unit
from oms.sentencing.rules.england_wales.explain import explain
from oms.sentencing.rules.england_wales.units import HDC_MIN_DAYS_IN_CUSTODY, Unit, identify
from oms.sentencing.rules.profiles import Profile
from oms.sentencing.rules.types import (
    AdjustmentKind,
    CalculatedDate,
    CalculationRequest,
    CalculationResult,
    DateType,
    SentenceInput,
    SentenceKind,
    Step,
)
from oms.sentencing.rules.validation import validate

__all__ = ["calculate"]

_DEDUCTIONS = (AdjustmentKind.REMAND, AdjustmentKind.TAGGED_BAIL)


def calculate(request: CalculationRequest, profile: Profile) -> CalculationResult:
    validate(request)
    warnings: list[str] = []
    custodial = [s for s in request.sentences if s.kind is SentenceKind.DETERMINATE]
    if any(s.kind is SentenceKind.INDETERMINATE for s in request.sentences):
        warnings.append("An indeterminate sentence has no release date: release is decided by the Parole Board.")
        return _empty(profile, warnings)
    if not custodial:
        warnings.append("No custodial sentence: there are no release dates to calculate.")
        return _empty(profile, warnings)

    units = [Unit(chain) for chain in _chains(custodial)]
    # A full sort key, so the order in which the request lists concurrent sentences never matters.
    units.sort(key=lambda u: (u.start, u.expiry_unadj, [(s.offence_committed_on, s.ref) for s in u.sentences]))
    for unit in units:
        identify(unit, request.date_of_birth)
    _apply_adjustments(units, request)
    with_ersed = bool(request.facts.get("calculate_ersed", False))
    for unit in units:
        date_unit(unit, request.date_of_birth, with_ersed)
    return _combine(units, profile, warnings)


def _empty(profile: Profile, warnings: list[str]) -> CalculationResult:
    return CalculationResult(profile.code, profile.version, {}, None, "", (), tuple(warnings))


def _chains(sentences: list[SentenceInput]) -> list[tuple[SentenceInput, ...]]:
    """Every path from a sentence that follows none to a sentence that nothing follows."""
    followers: dict[str, list[SentenceInput]] = {}
    for s in sentences:
        if s.consecutive_to is not None:
            followers.setdefault(s.consecutive_to, []).append(s)
    known = {s.ref for s in sentences}
    chains: list[tuple[SentenceInput, ...]] = []
    stack = [(s,) for s in sentences if s.consecutive_to is None or s.consecutive_to not in known]
    while stack:
        path = stack.pop()
        nexts = followers.get(path[-1].ref)
        if nexts:
            stack.extend(path + (n,) for n in sorted(nexts, key=lambda n: (n.sentenced_on, n.ref)))
        else:
            chains.append(path)
    return chains


def _apply_adjustments(units: list[Unit], request: CalculationRequest) -> None:
    """Give each unit the adjustments that belong to it.

    Terms whose custodial periods overlap or touch form a group; a release between groups wipes
    earlier credit. Remand, tagged bail and additional days belong to a whole group (they apply from a
    date after the previous group's release and before the next group starts). Unlawfully-at-large days
    belong to the terms being served when they happened. Additional days already served in a gap
    between two terms fill that gap and are not counted again."""
    adjustments = request.adjustments
    group_kinds = (*_DEDUCTIONS, AdjustmentKind.ADDITIONAL_DAYS, AdjustmentKind.RESTORED_DAYS)
    group_level = [a for a in adjustments if a.kind in group_kinds]
    at_large = [a for a in adjustments if a.kind is AdjustmentKind.UNLAWFULLY_AT_LARGE]

    def net_awarded(items: list) -> int:
        # Restorations give back added days; they can never take the total below nothing.
        return max(
            0,
            sum(
                a.days if a.kind is AdjustmentKind.ADDITIONAL_DAYS else -a.days
                for a in items
                if a.kind in (AdjustmentKind.ADDITIONAL_DAYS, AdjustmentKind.RESTORED_DAYS)
            ),
        )

    groups: list[list[Unit]] = []
    lower_bounds: list[date | None] = []
    previous_release: date | None = None
    group_end: date | None = None
    served_at: list[tuple[date, int]] = []
    for unit in units:
        in_window = [
            a
            for a in group_level
            if a.applies_to_sentences_from is None
            or (
                (previous_release is None or a.applies_to_sentences_from > previous_release)
                and a.applies_to_sentences_from <= unit.start
            )
        ]
        deducted = sum(a.days for a in in_window if a.kind in _DEDUCTIONS)
        before_deduction = max(unit.start, d.plus_days(unit.release_unadj, -deducted))
        unit.added = sum(
            a.days
            for a in at_large
            if a.applies_to_sentences_from is None or unit.start <= a.applies_to_sentences_from <= before_deduction
        )
        release_before_awarded = max(unit.start, d.plus_days(before_deduction, unit.added))
        joined = group_end is not None and unit.start <= group_end
        if group_end is not None and not joined:
            gap = (unit.start - group_end).days
            # All the group's added days may have been served in the gap, whenever they were awarded.
            group_awarded = net_awarded(
                [
                    a
                    for a in group_level
                    if a.applies_to_sentences_from is None
                    or previous_release is None
                    or a.applies_to_sentences_from > previous_release
                ]
            )
            served = max(0, min(gap - 1, group_awarded))
            if gap - served <= 1:
                joined = True
                served_at.append((unit.start, served))
        if not joined:
            if groups:
                previous_release = group_end
            groups.append([])
            lower_bounds.append(previous_release)
            group_end = release_before_awarded
        groups[-1].append(unit)
        unit.group = len(groups) - 1
        group_end = max(group_end, release_before_awarded)  # type: ignore[type-var]
    for index, members in enumerate(groups):
        lower = lower_bounds[index]
        upper = groups[index + 1][0].start if index + 1 < len(groups) else None
        belongs = [
            a
            for a in group_level
            if a.applies_to_sentences_from is None
            or (
                (lower is None or a.applies_to_sentences_from > lower)
                and (upper is None or a.applies_to_sentences_from < upper)
            )
        ]
        deducted = sum(a.days for a in belongs if a.kind in _DEDUCTIONS)
        awarded = net_awarded(belongs)
        for unit in members:
            unit.deducted = deducted
            served = sum(days for when, days in served_at if when <= unit.start and when >= members[0].start)
            unit.awarded = max(0, awarded - served)


def _latest(units: list[Unit], attr: str) -> Unit | None:
    best = None
    for unit in units:
        value = getattr(unit, attr)
        if value is not None and (best is None or value > getattr(best, attr)):
            best = unit
    return best


def _licence_end(unit: Unit) -> date | None:
    if unit.expiry_type is DateType.SLED:
        return unit.expiry
    return unit.led if unit.has_led else None


def _combine(units: list[Unit], profile: Profile, warnings: list[str]) -> CalculationResult:
    result: dict[DateType, CalculatedDate] = {}
    overall: list[Step] = []
    count = len(units)
    several = count > 1

    def put(date_type: DateType, day: date, unit: Unit, steps: list[Step] | None = None, source=None) -> None:
        steps = steps if steps is not None else explain(unit, source or date_type)
        if several:
            steps.append(Step("sds.latest_governs", f"the latest of the {count} terms governs: {unit.label}"))
        result[date_type] = CalculatedDate(date_type, day, tuple(steps))

    releasing = _latest(units, "release")
    assert releasing is not None
    latest_release = releasing.release
    expiring = _latest(units, "expiry")
    assert expiring is not None
    licensed = [u for u in units if _licence_end(u) is not None]
    licence_unit = max(licensed, key=_licence_end) if licensed else None  # type: ignore[arg-type]
    latest_licence = _licence_end(licence_unit) if licence_unit else None

    # Release is on licence when any term's licence runs to or past the latest release (PSI 03/2015:
    # concurrent ORA and non-ORA terms).
    conditional = latest_licence is not None and latest_licence >= latest_release
    release_type = DateType.CRD if conditional else DateType.ARD
    put(release_type, latest_release, releasing, source=releasing.release_type)

    if expiring.expiry_type is DateType.SLED and latest_licence == expiring.expiry:
        put(DateType.SLED, expiring.expiry, expiring)
    else:
        put(DateType.SED, expiring.expiry, expiring)
        if licence_unit is not None and latest_licence is not None and latest_licence >= latest_release:
            put(DateType.LED, latest_licence, licence_unit)

    tused_unit = _latest(units, "tused")
    if tused_unit is not None and (latest_licence is None or tused_unit.tused > latest_licence):
        put(DateType.TUSED, tused_unit.tused, tused_unit)

    hdc = _combined_hdc(units, releasing)
    if hdc is not None:
        day, unit, steps = hdc
        put(DateType.HDCED, day, unit, steps)

    ersed_unit = _latest(units, "ersed")
    if ersed_unit is not None:
        put(DateType.ERSED, ersed_unit.ersed, ersed_unit)

    latest_unadjusted = max(u.expiry_unadj for u in units)
    earliest_start = min(u.start for u in units)
    ended_by = max((u for u in units), key=lambda u: u.expiry_unadj)
    result[DateType.ESED] = CalculatedDate(
        DateType.ESED,
        latest_unadjusted,
        (Step("sds.effective_sentence_end", f"latest unadjusted end of term: {ended_by.label}"),),
    )
    years, months, days = d.period_between(earliest_start, d.plus_days(latest_unadjusted, 1))
    length = d.iso_period(years, months, days)
    if several:
        overall.append(
            Step(
                "sds.effective_sentence_length",
                f"from {d.fmt(earliest_start)} to {d.fmt(latest_unadjusted)}:"
                f" {years} years, {months} months, {days} days",
            )
        )
    return CalculationResult(
        profile.code, profile.version, result, release_type, length, tuple(overall), tuple(warnings)
    )


def _combined_hdc(units: list[Unit], releasing: Unit) -> tuple[date, Unit, list[Step]] | None:
    """HDC eligibility of the whole sentence: the term that releases last must be eligible; the latest
    eligibility date of the terms that leave time for HDC is taken, but not before the release of an
    overlapping term that has no HDC."""
    latest_release = releasing.release
    if releasing.hdced is None:
        return None
    candidates = [
        u for u in units if u.hdced is not None and latest_release >= d.plus_days(u.start, HDC_MIN_DAYS_IN_CUSTODY)
    ]
    if not candidates:
        return None
    chosen = max(candidates, key=lambda u: u.hdced)  # type: ignore[arg-type,return-value]
    day = chosen.hdced
    assert day is not None
    blockers = [
        u for u in units if u.group == releasing.group and u.hdced is None and u is not chosen and u.release > day
    ]
    if blockers and not all(u.release == u.start for u in blockers):
        blocker = max(blockers, key=lambda u: u.release)
        return (
            blocker.release,
            chosen,
            explain(chosen, DateType.HDCED)
            + [
                Step(
                    "hdc.concurrent_release", f"{blocker.label} has no HDC and is released on {d.fmt(blocker.release)}"
                )
            ],
        )
    return day, chosen, explain(chosen, DateType.HDCED)
