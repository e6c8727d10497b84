"""England & Wales probation tiering: protect level A-D and change level 0-3.

The Probation Service's tiering framework (HMPPS, "Tiering framework", the case allocation tool that
replaced the 2012-era tiering in 2021) places each person on two axes:

* **protect** (risk of harm): points from risk of serious harm (ROSH) or RSR, whichever is higher,
  MAPPA, complexity registrations and, for women only, breach/recall and two OASys complexity answers.
  A >= 150, B 20-149, C 10-19, D 0-9.
* **change** (likelihood of reoffending and needs): points from OGRS (one per 10%), criminogenic needs
  and IOM. 3 >= 20, 2 >= 10, otherwise 1; 0 when there is no mandate for change (nothing but
  restrictive requirements), 2 with no points when there is no completed OASys layer 3 assessment.

The points and thresholds follow the public behavioural scenarios of the HMPPS tier service
(ministryofjustice/hmpps-tier, MIT, Crown Copyright) which the tests transcribe; see
docs/assessment-tiering.md. Everything here is pure: a `TieringInput` in, a `TierResult` out, with one
`Step` per rule that awarded (or deliberately did not award) points.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

ROSH_POINTS = {"LOW": 0, "MEDIUM": 10, "HIGH": 20, "VERY_HIGH": 150}
MAPPA_POINTS = {1: 5, 2: 150, 3: 150}
RSR_HIGH, RSR_MEDIUM = 7.0, 3.0
RSR_MAX = 100.0

# Registrations that each add 2 protect points, for men and women alike (framework 6.9).
COMPLEXITY_REGISTRATIONS = {
    "RCCO": "Child Concerns",
    "RCPR": "Child Protection",
    "RCHD": "Risk to Children",
    "RPIR": "Public Interest Case",
    "RTAO": "Terrorism Act Offender",
    "RVAD": "Safeguarding - Adult at Risk",
    "STRG": "Street Gangs",
    "RMDO": "Mental Health issues",
    "ALSH": "Attempted Suicide and self-harm",
    "RVLN": "Vulnerability",
}
COMPLEXITY_POINTS = 2
IOM_REGISTRATION = "IIOM"
IOM_POINTS = 2
KNOWN_REGISTRATIONS = frozenset(COMPLEXITY_REGISTRATIONS) | {IOM_REGISTRATION}

FEMALE_FACTOR_POINTS = 2
SEXES = frozenset({"MALE", "FEMALE"})
COMPLEXITY_ANSWER_RANGE = range(0, 3)  # OASys 11.2 impulsivity / 11.4 temper control: 0, 1 or 2

# Change points per need: standard need scores the weight, severe need twice the weight (framework 8.4).
NEED_WEIGHTS = {
    "ACCOMMODATION": 1,
    "EDUCATION_TRAINING_AND_EMPLOYABILITY": 1,
    "RELATIONSHIPS": 1,
    "LIFESTYLE_AND_ASSOCIATES": 1,
    "DRUG_MISUSE": 1,
    "ALCOHOL_MISUSE": 1,
    "THINKING_AND_BEHAVIOUR": 2,
    "ATTITUDES": 2,
    "FINANCIAL_MANAGEMENT_AND_INCOME": 0,
    "EMOTIONAL_WELL_BEING": 0,
}
NEED_SEVERITY = {"NO_NEED": 0, "STANDARD": 1, "SEVERE": 2}

# Requirements that punish or restrict rather than rehabilitate: a community sentence made only of
# these gives no mandate for change (framework 9.5).
RESTRICTIVE_REQUIREMENTS = frozenset({"UNPAID_WORK", "ORDER_EXTENDED", "CURFEW", "EXCLUSION", "PROHIBITED_ACTIVITY"})
REHABILITATIVE_REQUIREMENTS = frozenset(
    {
        "REHABILITATION_ACTIVITY",
        "ACCREDITED_PROGRAMME",
        "DRUG_REHABILITATION",
        "ALCOHOL_TREATMENT",
        "MENTAL_HEALTH_TREATMENT",
        "RESIDENCE",
        "SUPERVISION",
    }
)


class TieringInputError(ValueError):
    """An input the tiering rules cannot score; `field` names it."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name


@dataclass(frozen=True)
class Step:
    code: str
    text: str
    protect_points: int = 0
    change_points: int = 0


@dataclass(frozen=True)
class Conviction:
    """An active conviction; only previous enforcement activity counts, breach alone does not."""

    breached: bool = False
    previous_enforcement_activity: bool = False


@dataclass(frozen=True)
class Sentence:
    custodial: bool = True
    requirements: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TieringInput:
    sex: str = "MALE"
    rosh: str | None = None
    rsr_percentage: float | None = None
    mappa_level: int | None = None
    registrations: frozenset[str] = frozenset()
    convictions: tuple[Conviction, ...] = ()
    parenting_responsibilities: bool = False
    impulsivity: int | None = None
    temper_control: int | None = None
    sentences: tuple[Sentence, ...] = (Sentence(),)
    assessment_completed: bool = True
    ogrs_percentage: float | None = None
    needs: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TierResult:
    protect_points: int
    protect_level: str
    change_points: int
    change_level: int
    mandate_for_change: bool
    steps: tuple[Step, ...]

    @property
    def tier(self) -> str:
        return f"{self.protect_level}{self.change_level}"


def protect_level(points: int) -> str:
    if points >= 150:
        return "A"
    if points >= 20:
        return "B"
    if points >= 10:
        return "C"
    return "D"


def change_level(points: int) -> int:
    if points >= 20:
        return 3
    if points >= 10:
        return 2
    return 1


def calculate_tier(data: TieringInput) -> TierResult:
    _validate(data)
    protect = _protect_steps(data)
    mandate = has_mandate_for_change(data.sentences)
    change = _change_steps(data, mandate)
    protect_points = sum(s.protect_points for s in protect)
    change_points = sum(s.change_points for s in change)
    if not mandate:
        level = 0
    elif not data.assessment_completed:
        level = 2
    else:
        level = change_level(change_points)
    return TierResult(
        protect_points=protect_points,
        protect_level=protect_level(protect_points),
        change_points=change_points,
        change_level=level,
        mandate_for_change=mandate,
        steps=tuple(protect) + tuple(change),
    )


def has_mandate_for_change(sentences: tuple[Sentence, ...]) -> bool:
    """Custody always gives a mandate; a community sentence needs one rehabilitative requirement."""
    return any(sentence.custodial or (sentence.requirements - RESTRICTIVE_REQUIREMENTS) for sentence in sentences)


def rsr_points(rsr: float) -> int:
    if rsr > RSR_MAX:
        return 0
    if rsr >= RSR_HIGH:
        return 20
    if rsr >= RSR_MEDIUM:
        return 10
    return 0


def ogrs_points(percentage: float) -> int:
    """One change point per whole 10% of the OGRS 2-year reoffending probability (59% -> 5)."""
    return int(percentage // 10)


def _protect_steps(data: TieringInput) -> list[Step]:
    steps = [_rosh_or_rsr_step(data)]
    if data.mappa_level is not None:
        points = MAPPA_POINTS[data.mappa_level]
        steps.append(Step("tier.mappa", f"MAPPA level {data.mappa_level} = {points} protect points", points))
    for code in sorted(set(data.registrations) & COMPLEXITY_REGISTRATIONS.keys()):
        name = COMPLEXITY_REGISTRATIONS[code]
        steps.append(
            Step(
                "tier.complexity",
                f"registration {name} ({code}) = {COMPLEXITY_POINTS} protect points",
                COMPLEXITY_POINTS,
            )
        )
    if data.sex == "FEMALE":
        steps.extend(_female_steps(data))
    return [s for s in steps if s is not None]


def _rosh_or_rsr_step(data: TieringInput) -> Step | None:
    rosh = ROSH_POINTS[data.rosh] if data.rosh is not None else None
    rsr = rsr_points(data.rsr_percentage) if data.rsr_percentage is not None else None
    if rosh is None and rsr is None:
        return None
    rosh_text = f"risk of serious harm {data.rosh.lower().replace('_', ' ')}" if rosh is not None else ""
    rsr_text = f"RSR {data.rsr_percentage}%" if rsr is not None else ""
    if rsr is not None and data.rsr_percentage > RSR_MAX:
        rsr_text += " (above 100%, not a usable score)"
    if rosh is not None and (rsr is None or rosh >= rsr):
        text = f"{rosh_text} = {rosh} protect points"
        if rsr is not None:
            text += f" (the higher of it and {rsr_text} = {rsr})"
        return Step("tier.rosh", text, rosh)
    text = f"{rsr_text} = {rsr} protect points"
    if rosh is not None:
        text += f" (the higher of it and {rosh_text} = {rosh})"
    return Step("tier.rsr", text, rsr)


def _female_steps(data: TieringInput) -> list[Step]:
    steps = []
    if any(c.previous_enforcement_activity for c in data.convictions):
        steps.append(
            Step(
                "tier.breach_recall",
                f"woman with breach or recall (previous enforcement activity) = {FEMALE_FACTOR_POINTS}"
                " protect points, once however many convictions",
                FEMALE_FACTOR_POINTS,
            )
        )
    if data.parenting_responsibilities:
        steps.append(
            Step(
                "tier.parenting",
                f"woman with parenting or caring responsibilities (OASys 6.9) = {FEMALE_FACTOR_POINTS} protect points",
                FEMALE_FACTOR_POINTS,
            )
        )
    if (data.impulsivity or 0) > 0 or (data.temper_control or 0) > 0:
        steps.append(
            Step(
                "tier.self_control",
                f"woman with impulsivity {data.impulsivity} (OASys 11.2) / temper control "
                f"{data.temper_control} (OASys 11.4) = {FEMALE_FACTOR_POINTS} protect points, once",
                FEMALE_FACTOR_POINTS,
            )
        )
    return steps


def _change_steps(data: TieringInput, mandate: bool) -> list[Step]:
    if not mandate:
        return [Step("tier.no_mandate", "no mandate for change (only restrictive requirements): change level 0")]
    if not data.assessment_completed:
        return [
            Step(
                "tier.no_assessment",
                "no completed OASys layer 3 assessment: change level 2, no change points counted",
            )
        ]
    steps = []
    if data.ogrs_percentage is not None:
        points = ogrs_points(data.ogrs_percentage)
        steps.append(
            Step(
                "tier.ogrs",
                f"OGRS {data.ogrs_percentage}% = {points} change points (one per whole 10%)",
                change_points=points,
            )
        )
    for need, severity in sorted(data.needs.items()):
        points = NEED_WEIGHTS[need] * NEED_SEVERITY[severity]
        steps.append(
            Step(
                "tier.need",
                f"{severity.lower().replace('_', ' ')} need for {need.lower().replace('_', ' ')}"
                f" = {points} change points",
                change_points=points,
            )
        )
    if IOM_REGISTRATION in data.registrations:
        steps.append(
            Step(
                "tier.iom",
                f"Integrated Offender Management (IIOM) = {IOM_POINTS} change points",
                change_points=IOM_POINTS,
            )
        )
    return steps


def _validate(data: TieringInput) -> None:
    if data.sex not in SEXES:
        raise TieringInputError("sex", f"unknown sex {data.sex!r}; expected one of {sorted(SEXES)}")
    if data.rosh is not None and data.rosh not in ROSH_POINTS:
        raise TieringInputError(
            "rosh", f"unknown risk of serious harm level {data.rosh!r}; expected {list(ROSH_POINTS)}"
        )
    if data.rsr_percentage is not None and (
        isinstance(data.rsr_percentage, bool)
        or not isinstance(data.rsr_percentage, int | float)
        or not data.rsr_percentage >= 0  # also rejects NaN
    ):
        raise TieringInputError("rsr_percentage", f"RSR must be a number >= 0, got {data.rsr_percentage!r}")
    if data.ogrs_percentage is not None and (
        isinstance(data.ogrs_percentage, bool)
        or not isinstance(data.ogrs_percentage, int | float)
        or not 0 <= data.ogrs_percentage <= 100  # also rejects NaN
    ):
        raise TieringInputError("ogrs_percentage", f"OGRS must be a percentage 0-100, got {data.ogrs_percentage!r}")
    if data.mappa_level is not None and (isinstance(data.mappa_level, bool) or data.mappa_level not in MAPPA_POINTS):
        raise TieringInputError("mappa_level", f"MAPPA level must be 1, 2 or 3, got {data.mappa_level!r}")
    if isinstance(data.registrations, str):
        raise TieringInputError("registrations", "expected a set of registration codes, not one string")
    unknown = set(data.registrations) - KNOWN_REGISTRATIONS
    if unknown:
        raise TieringInputError(
            "registrations", f"unknown registration code(s) {sorted(unknown)}; expected {sorted(KNOWN_REGISTRATIONS)}"
        )
    for name in ("impulsivity", "temper_control"):
        answer = getattr(data, name)
        if answer is not None and answer not in COMPLEXITY_ANSWER_RANGE:
            raise TieringInputError(name, f"OASys answer must be 0, 1 or 2, got {answer!r}")
    if not isinstance(data.needs, Mapping):
        raise TieringInputError("needs", "expected a mapping of need to severity")
    for need, severity in data.needs.items():
        if need not in NEED_WEIGHTS:
            raise TieringInputError("needs", f"unknown criminogenic need {need!r}")
        if severity not in NEED_SEVERITY:
            raise TieringInputError("needs", f"unknown severity {severity!r} for {need}")
    known_requirements = RESTRICTIVE_REQUIREMENTS | REHABILITATIVE_REQUIREMENTS
    for sentence in data.sentences:
        unknown = set(sentence.requirements) - known_requirements
        if unknown:
            raise TieringInputError("sentences", f"unknown requirement type(s) {sorted(unknown)}")
