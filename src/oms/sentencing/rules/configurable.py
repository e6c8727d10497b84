"""Data-defined profiles for jurisdictions that release at a share of the term, with good time earned
per month served and parole eligibility at a share of the term. docs/sentencing-profiles.md
describes the file format; a new jurisdiction of this kind needs only a YAML file.

Dates: SED (sentence end: the whole term, less credited remand), RD (release date) and PED (parole
eligibility, when the profile sets a percentage).

Release: the person serves ``release_percent`` of the term, rounded up to a whole day, less good
time. Good time is ``days_per_month`` for each whole month served (a month served is 30 days in
custody, credited remand included; fractions of a day are not credited), up to ``cap_days``, less
days forfeited (``GOOD_CONDUCT_FORFEITED``). Because good time shortens the time served, the
release day is the first day on which time served plus the good time earned by then reaches the
share. ``minimum_served_percent`` puts a floor under that (e.g. truth-in-sentencing 85%).
"""

import re
from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

import holidays

from oms.sentencing.rules.calendar import fmt
from oms.sentencing.rules.custodial_terms import aggregate, credited_days, iso_period
from oms.sentencing.rules.profiles import Profile
from oms.sentencing.rules.types import (
    AdjustmentKind,
    CalculatedDate,
    CalculationError,
    CalculationRequest,
    CalculationResult,
    DateType,
    Step,
)

ENGINE = "configurable"
DATE_TYPES = ("RD", "PED", "SED")
MONTH_SERVED_DAYS = 30
_TOP_KEYS = set(
    "code version title engine effective_from effective_to holiday_country holiday_subdivision "
    "move_to_working_day parameters source".split()
)
_REQUIRED_TOP = ("code", "version", "title", "effective_from", "source", "parameters")
_PARAMETER_KEYS = set(
    "release_percent minimum_served_percent parole_eligibility_percent good_time remand_credit".split()
)
_GOOD_TIME_KEYS = {"days_per_month", "cap_days"}
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_IGNORED_ADJUSTMENTS = (
    AdjustmentKind.TAGGED_BAIL,
    AdjustmentKind.ADDITIONAL_DAYS,
    AdjustmentKind.RESTORED_DAYS,
    AdjustmentKind.GOOD_CONDUCT_CREDIT,
    AdjustmentKind.EARNED_TIME_CREDIT,
)


class ProfileError(CalculationError):
    """A profile file is invalid. ``source`` names the file, ``field`` the dotted path in it."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        where = f"{source}: {field}" if field else source
        super().__init__(f"{where}: {problem}", field, "invalid_profile")
        self.source = source


# --- parsing -------------------------------------------------------------------------------------


def _check_keys(data: Mapping, allowed: set[str], source: str, prefix: str) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ProfileError(
            source, f"{prefix}{unknown[0]}", f"unknown key; allowed keys are {', '.join(sorted(allowed))}"
        )


def _text(data: Mapping, key: str, source: str, *, required: bool, prefix: str = "") -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ProfileError(source, f"{prefix}{key}", "is required")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ProfileError(source, f"{prefix}{key}", "must be text")
    return str(value).strip()


def _date(value: object, source: str, field: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ProfileError(source, field, f"must be a date written YYYY-MM-DD, not {value!r}")


def _number(value: object, source: str, field: str, *, most: int | None = None, whole: bool = False) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ProfileError(source, field, f"must be a number, not {value!r}")
    try:
        number = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ProfileError(source, field, f"must be a number, not {value!r}")
    if number < 0:
        raise ProfileError(source, field, "must not be negative")
    if most is not None and number > most:
        raise ProfileError(source, field, f"must be between 0 and {most}")
    if whole and number.denominator != 1:
        raise ProfileError(source, field, "must be a whole number")
    return number


def _plain(number: Fraction) -> int | float:
    return int(number) if number.denominator == 1 else float(number)


def _parameters(data: object, source: str) -> dict[str, object]:
    if not isinstance(data, Mapping):
        raise ProfileError(source, "parameters", "must be a mapping of parameter names to values")
    _check_keys(data, _PARAMETER_KEYS, source, "parameters.")
    if "release_percent" not in data:
        raise ProfileError(source, "parameters.release_percent", "is required")
    release = _number(data["release_percent"], source, "parameters.release_percent", most=100)
    if release == 0:
        raise ProfileError(source, "parameters.release_percent", "must be more than 0")
    parsed: dict[str, object] = {"release_percent": _plain(release)}
    for key in ("minimum_served_percent", "parole_eligibility_percent"):
        if data.get(key) is not None:
            parsed[key] = _plain(_number(data[key], source, f"parameters.{key}", most=100))
    if parsed.get("minimum_served_percent", 0) > parsed["release_percent"]:  # type: ignore[operator]
        raise ProfileError(source, "parameters.minimum_served_percent", "must not be more than release_percent")
    remand = data.get("remand_credit", True)
    if not isinstance(remand, bool):
        raise ProfileError(source, "parameters.remand_credit", "must be true or false")
    parsed["remand_credit"] = remand
    good_time = data.get("good_time")
    if good_time is not None:
        if not isinstance(good_time, Mapping):
            raise ProfileError(source, "parameters.good_time", "must be a mapping with days_per_month and cap_days")
        _check_keys(good_time, _GOOD_TIME_KEYS, source, "parameters.good_time.")
        if "days_per_month" not in good_time:
            raise ProfileError(source, "parameters.good_time.days_per_month", "is required")
        rate = _number(good_time["days_per_month"], source, "parameters.good_time.days_per_month", most=30)
        parsed_good_time: dict[str, object] = {"days_per_month": _plain(rate)}
        if good_time.get("cap_days") is not None:
            cap = _number(good_time["cap_days"], source, "parameters.good_time.cap_days", whole=True)
            parsed_good_time["cap_days"] = int(cap)
        parsed["good_time"] = parsed_good_time
    return parsed


@lru_cache(maxsize=1)
def _supported_countries() -> Mapping[str, list[str]]:
    return holidays.list_supported_countries()


def parse_profile(data: dict, source: str) -> Profile:
    """One profile version from a mapping (a parsed YAML/JSON document), validated; ``source`` names
    the file in error messages. Raises ProfileError naming the field."""
    if not isinstance(data, Mapping):
        raise ProfileError(source, "", "a profile must be a mapping of keys to values")
    _check_keys(data, _TOP_KEYS, source, "")
    for key in _REQUIRED_TOP:
        if data.get(key) in (None, ""):
            raise ProfileError(source, key, "is required")
    engine = data.get("engine", ENGINE)
    if engine != ENGINE:
        raise ProfileError(source, "engine", f"data-defined profiles use the {ENGINE!r} engine, not {engine!r}")
    code = _text(data, "code", source, required=True)
    if not _CODE.match(code):
        raise ProfileError(source, "code", "use lower-case letters, digits and hyphens, e.g. 'example-85-percent'")
    effective_from = _date(data["effective_from"], source, "effective_from")
    effective_to = None
    if data.get("effective_to") is not None:
        effective_to = _date(data["effective_to"], source, "effective_to")
        if effective_to <= effective_from:
            raise ProfileError(
                source, "effective_to", "must be after effective_from (it is the first day not in force)"
            )
    country = _text(data, "holiday_country", source, required=False).upper()
    subdivision = _text(data, "holiday_subdivision", source, required=False).upper()
    if country and country not in _supported_countries():
        raise ProfileError(source, "holiday_country", f"{country!r} is not a country the holidays package knows")
    if subdivision and (not country or subdivision not in _supported_countries()[country]):
        raise ProfileError(source, "holiday_subdivision", f"{subdivision!r} is not a subdivision of {country or '?'}")
    moves = data.get("move_to_working_day") or []
    if isinstance(moves, str) or not isinstance(moves, list):
        raise ProfileError(source, "move_to_working_day", f"must be a list of date types from {', '.join(DATE_TYPES)}")
    for index, item in enumerate(moves):
        if item not in DATE_TYPES:
            raise ProfileError(
                source, f"move_to_working_day[{index}]", f"{item!r} is not one of {', '.join(DATE_TYPES)}"
            )
    return Profile(
        code=code,
        version=_text(data, "version", source, required=True),
        title=_text(data, "title", source, required=True),
        engine=ENGINE,
        effective_from=effective_from,
        effective_to=effective_to,
        holiday_country=country,
        holiday_subdivision=subdivision,
        move_to_working_day=tuple(moves),
        parameters=_parameters(data["parameters"], source),
        source=_text(data, "source", source, required=True),
    )


def parse_profiles(data: object, source: str) -> tuple[Profile, ...]:
    """Every version in a document: a single profile, or shared keys plus a ``versions`` list whose
    items override them (``versions[1].parameters.release_percent`` in errors)."""
    if not isinstance(data, Mapping):
        raise ProfileError(source, "", "a profile file must hold a mapping of keys to values")
    if "versions" not in data:
        return (parse_profile(dict(data), source),)
    versions = data["versions"]
    if not isinstance(versions, list) or not versions:
        raise ProfileError(source, "versions", "must be a non-empty list of profile versions")
    shared = {k: v for k, v in data.items() if k != "versions"}
    profiles = []
    for index, item in enumerate(versions):
        if not isinstance(item, Mapping):
            raise ProfileError(source, f"versions[{index}]", "must be a mapping")
        try:
            profiles.append(parse_profile({**shared, **item}, source))
        except ProfileError as error:
            raise ProfileError(source, f"versions[{index}].{error.field}".rstrip("."), _problem(error))
    check_versions(profiles, source)
    return tuple(profiles)


def _problem(error: ProfileError) -> str:
    return error.detail.split(": ", 2)[-1]


def check_versions(profiles: list[Profile], source: str) -> None:
    """Versions of one code must have distinct names and must not be in force at the same time."""
    by_code: dict[str, list[Profile]] = {}
    for profile in profiles:
        by_code.setdefault(profile.code, []).append(profile)
    for code, versions in by_code.items():
        names = [p.version for p in versions]
        if len(set(names)) != len(names):
            raise ProfileError(source, "version", f"profile {code!r} has two versions called the same")
        ordered = sorted(versions, key=lambda p: p.effective_from)
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if earlier.effective_to is None or earlier.effective_to > later.effective_from:
                raise ProfileError(
                    source,
                    "effective_to",
                    f"versions {earlier.version!r} and {later.version!r} of {code!r} are in force at the same time",
                )


# --- calculation ---------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _ratio(value: object) -> tuple[int, int]:
    """An exact numerator and denominator for a parameter (87.5 -> 175/2), so the arithmetic below
    stays in integers: no float rounding, and no Fraction objects on the hot path."""
    exact = Fraction(str(value))
    return exact.numerator, exact.denominator


def _share(days: int, percent: object) -> int:
    """``percent`` of ``days``, rounded up to a whole day."""
    numerator, denominator = _ratio(percent)
    return -(-days * numerator // (100 * denominator))


def _days_to_serve(target: int, rate: object, cap: int | None, forfeited: int) -> tuple[int, int]:
    """The fewest days served ``d`` with d + good time earned by then >= ``target``; and that good time."""
    numerator, denominator = _ratio(rate)

    def earned(served: int) -> int:
        raw = numerator * (served // MONTH_SERVED_DAYS) // denominator
        if cap is not None:
            raw = min(raw, cap)
        return max(raw - forfeited, 0)

    if not numerator:
        return target, 0
    low, high = 1, target
    while low < high:
        middle = (low + high) // 2
        if middle + earned(middle) >= target:
            high = middle
        else:
            low = middle + 1
    return low, earned(low)


def calculate(request: CalculationRequest, profile: Profile) -> CalculationResult:
    params = profile.parameters
    if "release_percent" not in params:
        raise CalculationError(f"Profile {profile.code!r} has no release_percent.", "profile", "invalid_profile")
    term = aggregate(request, "configurable", "concurrent sentences overlap, consecutive ones follow")
    if term is None:
        return CalculationResult(
            profile.code, profile.version, {}, None, warnings=("No custodial sentence: there is no release date.",)
        )
    warnings = list(term.warnings)
    for adjustment in request.adjustments:
        if adjustment.kind in _IGNORED_ADJUSTMENTS:
            warnings.append(f"{adjustment.kind.value} ({adjustment.days} days) is not used by this profile.")
    start, total = term.start, term.days
    base: list[Step] = []
    remand, left_out = credited_days(request.adjustments, AdjustmentKind.REMAND, term)
    if not params.get("remand_credit", True) and remand:
        warnings.append(f"Remand of {remand} days is not credited under this profile.")
        remand = 0
    elif remand:
        base.append(Step("configurable.remand", f"remand credited = {remand} days"))
    for adjustment in left_out:
        warnings.append(f"Remand of {adjustment.days} days is for later sentences than these: not credited.")
    inoperative, _ = credited_days(request.adjustments, AdjustmentKind.UNLAWFULLY_AT_LARGE, term)
    if inoperative:
        base.append(Step("configurable.ual", f"unlawfully at large = {inoperative} days, added to every date"))
    shift = inoperative - remand
    shift_text = (f" - {remand} days remand" if remand else "") + (
        f" + {inoperative} days at large" if inoperative else ""
    )

    def place(days_served: int) -> date:
        moved = start + timedelta(days=days_served - 1 + shift)
        return moved if moved >= start else start

    sed = place(total)
    dates = {
        DateType.SED: CalculatedDate(
            DateType.SED,
            sed,
            (
                *base,
                Step("configurable.sed", f"sentence end = day {total:,} of the term{shift_text} = {fmt(sed)}"),
            ),
        )
    }

    target = _share(total, params["release_percent"])
    rd_steps = [
        *base,
        Step(
            "configurable.release_share",
            f"share to serve = {params['release_percent']}% of {total:,} days, rounded up = {target:,} days",
        ),
    ]
    good_time = params.get("good_time") or {}
    rate = good_time.get("days_per_month", 0)
    forfeited = sum(a.days for a in request.adjustments if a.kind is AdjustmentKind.GOOD_CONDUCT_FORFEITED)
    served, earned = _days_to_serve(target, rate, good_time.get("cap_days"), forfeited)
    if rate:
        cap = f", capped at {good_time['cap_days']} days" if "cap_days" in good_time else ""
        lost = f", less {forfeited} days forfeited" if forfeited else ""
        rd_steps.append(
            Step(
                "configurable.good_time",
                f"good time = {good_time['days_per_month']} days x {served // MONTH_SERVED_DAYS} months of 30 days "
                f"served{cap}{lost} = {earned} days; days to serve = {served:,} ({served:,} + {earned} >= {target:,})",
            )
        )
    if "minimum_served_percent" in params:
        least = _share(total, params["minimum_served_percent"])
        if served < least:
            rd_steps.append(
                Step(
                    "configurable.minimum_served",
                    f"at least {params['minimum_served_percent']}% of the term must be served = {least:,} days",
                )
            )
            served = least
    release = place(served)
    rd_steps.append(Step("configurable.rd", f"release date = day {served:,}{shift_text} = {fmt(release)}"))
    dates[DateType.RD] = CalculatedDate(DateType.RD, release, tuple(rd_steps))

    if "parole_eligibility_percent" in params:
        ped_days = _share(total, params["parole_eligibility_percent"])
        parole = place(ped_days)
        if parole < release:
            text = (
                f"parole eligibility = {params['parole_eligibility_percent']}% of {total:,} days, rounded up = "
                f"day {ped_days:,}{shift_text} = {fmt(parole)}"
            )
            dates[DateType.PED] = CalculatedDate(DateType.PED, parole, (*base, Step("configurable.ped", text)))
        else:
            warnings.append("Parole eligibility would fall on or after the release date: no PED.")
    years, months, days = term.parts
    return CalculationResult(
        profile=profile.code,
        profile_version=profile.version,
        dates=dates,
        release_date_type=DateType.RD,
        effective_sentence_length=iso_period(years, months, days),
        steps=term.steps,
        warnings=tuple(warnings),
    )
