"""Jurisdiction profiles: which rules calculate a request, versioned and effective-dated.

A profile names an engine (a module in this package with ``calculate(request, profile)``) and the
parameters that engine reads. Built-in profiles are defined here; data-defined ones (the
``configurable`` engine) are parsed from YAML/JSON by ``configurable.parse_profile`` and passed in by
the caller, so adding a jurisdiction of that kind needs no code.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from oms.sentencing.rules.types import CalculationError, CalculationRequest, CalculationResult


@dataclass(frozen=True)
class Profile:
    code: str  # stable name chosen per facility, e.g. "england-wales"
    version: str  # e.g. "1"; a calculation records the version it used
    title: str
    engine: str  # "england_wales" | "us_federal" | "configurable"
    effective_from: date
    effective_to: date | None = None  # exclusive; None = still in force
    # Country (and subdivision) whose public holidays the working-day rule uses (``holidays`` package).
    holiday_country: str = ""
    holiday_subdivision: str = ""
    # Date types moved back to the last working day when they fall on a weekend or public holiday.
    move_to_working_day: tuple[str, ...] = ()
    parameters: Mapping[str, object] = field(default_factory=dict)
    source: str = ""  # where the rules come from (statute, instruction)

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)


BUILT_IN: tuple[Profile, ...] = (
    Profile(
        code="england-wales",
        version="1",
        title="England and Wales: standard determinate sentences",
        engine="england_wales",
        effective_from=date(2005, 4, 4),
        holiday_country="GB",
        holiday_subdivision="ENG",
        move_to_working_day=("CRD", "ARD", "HDCED", "PED", "ERSED"),
        source="Criminal Justice Act 2003 Part 12; Sentencing Act 2020; PSI/PI on sentence calculation",
    ),
    Profile(
        code="us-federal",
        version="1",
        title="United States federal: good conduct time and First Step Act credits",
        engine="us_federal",
        effective_from=date(2018, 12, 21),
        holiday_country="US",
        move_to_working_day=("PRD",),
        source="18 U.S.C. 3624(b) and (g); 28 CFR 523.20 and 523.40-44",
    ),
)


def choose(code: str, on: date, extra: Iterable[Profile] = ()) -> Profile:
    """The version of profile ``code`` in force on ``on``, from the built-ins and ``extra``."""
    candidates = [p for p in (*BUILT_IN, *extra) if p.code == code]
    if not candidates:
        raise CalculationError(f"There is no release-date profile called {code!r}.", "profile", "unknown_profile")
    in_force = [p for p in candidates if p.in_force_on(on)]
    if not in_force:
        raise CalculationError(
            f"No version of profile {code!r} is in force on {on.isoformat()}.", "profile", "profile_not_in_force"
        )
    return max(in_force, key=lambda p: p.effective_from)


def calculate(request: CalculationRequest, profile: Profile) -> CalculationResult:
    """Run the profile's engine, then apply the profile's working-day rule."""
    from oms.sentencing.rules import configurable, england_wales, us_federal, working_days

    engines = {
        "england_wales": england_wales.calculate,
        "us_federal": us_federal.calculate,
        "configurable": configurable.calculate,
    }
    if profile.engine not in engines:
        raise CalculationError(f"Profile {profile.code!r} names an unknown engine {profile.engine!r}.", "profile")
    result = engines[profile.engine](request, profile)
    return working_days.apply(result, profile)
