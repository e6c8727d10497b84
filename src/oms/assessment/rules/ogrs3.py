"""OGRS3: the Offender Group Reconviction Scale, version 3 (a static reconviction predictor).

Source: Howard, Francis, Soothill & Humphreys (2009), "OGRS 3: the revised Offender Group
Reconviction Scale", Ministry of Justice Research Summary 7/09. The coefficients below are the
published ones (as also used by NOMS-DIGITAL-STUDIO/rsr-calculator); nothing here is fitted.

    score  = age/sex term + (any previous sanction ? 0.463062792 : 0.126142106)
             + 1.251124464 * ln((previous sanctions + 1) / (10 + age at conviction - age at first sanction))
             + offence term
    year 1 = logistic(1.402562384 + score);   year 2 = logistic(2.121705678 + score)

Ages are whole years, birthday-aware. The age/sex band uses the age at the assessment date; the
"criminal career length" uses the ages at conviction and at first sanction.

Band (as used by probation, on the 2-year probability as a whole percentage, rounded half up):
0-49 low, 50-74 medium, 75-89 high, 90+ very high. The whole percentages are never shown as 0 or
100: they are held at 1 and 99, as the national risk service does (ministryofjustice/
hmpps-arns-risk-actuarial-api, utils ``asPercentage``/``sanitisePercentage``); the band is unchanged by it.
"""

import math
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

# How a completed assessment records the instrument it used (as the engine's catalogue does).
CODE = "ogrs3"
VERSION = 3

YEAR_1_INTERCEPT = 1.402562384
YEAR_2_INTERCEPT = 2.121705678
ANY_PREVIOUS_SANCTION = 0.463062792
NO_PREVIOUS_SANCTION = 0.126142106
SANCTION_RATE_COEFFICIENT = 1.251124464
# Years added to the criminal career length so that a first offender's rate stays finite.
CAREER_LENGTH_OFFSET = 10

# Upper age (inclusive) of each age band; the last band is 50 and over.
AGE_BAND_UPPER = (11, 13, 15, 17, 20, 24, 29, 34, 39, 49)
AGE_BAND_LABELS = ("10-11", "12-13", "14-15", "16-17", "18-20", "21-24", "25-29", "30-34", "35-39", "40-49", "50+")
MALE_AGE_TERMS = (
    0.0,
    0.083922902,
    0.075775765,
    -0.061594199,
    -0.625103618,
    -1.051515067,
    -1.166679288,
    -1.325976554,
    -1.368045933,
    -1.499690953,
    -2.025261458,
)
# Two published implementations disagree on the sign of the female terms for ages 10-15; these
# follow the oracle README (see docs/assessment-instruments.md).
FEMALE_AGE_TERMS = (
    -0.785038489,
    -0.613852078,
    -0.669521331,
    -0.959179629,
    -0.897480934,
    -1.028488454,
    -1.052777806,
    -1.129127959,
    -1.42187494,
    -1.524652221,
    -2.44983716,
)

OFFENCE_CATEGORIES = (
    "Violence",
    "Robbery",
    "Public order",
    "Sexual (not against child)",
    "Sexual (against child)",
    "Soliciting or prostitution",
    "Burglary (domestic)",
    "Burglary (other)",
    "Theft (non-motor)",
    "Handling stolen goods",
    "Fraud and forgery",
    "Absconding or bail offences",
    "Taking & driving away and related offences",
    "Theft from vehicles",
    "Drink driving",
    "Other motoring",
    "Criminal damage",
    "Drug import/export/production",
    "Drug possession/supply",
    "Other offence",
)
OFFENCE_TERMS = (
    0.0,
    -0.634795912,
    0.181917975,
    0.003276327,
    -0.653434071,
    0.760608858,
    -0.12394352,
    0.240604429,
    0.661244321,
    0.351866973,
    0.159910192,
    0.733378677,
    0.380059431,
    0.427225615,
    0.262228428,
    -0.121439408,
    0.204960477,
    -0.795556373,
    0.077165871,
    -0.060667525,
)

# (lowest whole percentage, band); each band runs up to the next one's lowest value.
BANDS = ((0, "low"), (50, "medium"), (75, "high"), (90, "very high"))

MINIMUM_AGE = 10  # the age of criminal responsibility in England and Wales


class Sex(IntEnum):
    """As coded in the published cases: 0 male, 1 female."""

    MALE = 0
    FEMALE = 1


class Ogrs3Error(ValueError):
    """Input OGRS3 cannot score; ``field`` names the offending input."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class Ogrs3Input:
    sex: Sex
    offence_category: int  # index into OFFENCE_CATEGORIES
    previous_sanctions: int  # sanctions before the current one
    birth_date: date
    conviction_date: date  # of the current offence
    first_sanction_date: date
    assessment_date: date


@dataclass(frozen=True)
class Term:
    """One addend of the linear score, with what it was computed from."""

    name: str
    basis: str
    value: float


@dataclass(frozen=True)
class Ogrs3Result:
    year_1: float  # probability of proven reoffending within one year
    year_2: float  # ... within two years
    percent_1: int  # year_1 as a whole percentage (rounded half up, held within 1-99)
    percent_2: int  # year_2 likewise; the figure the band is read on
    band: str
    score: float  # the linear score both probabilities come from (the sum of ``terms``)
    terms: tuple[Term, ...]


def age_on(birth_date: date, on: date) -> int:
    """Whole years completed on ``on`` (a birthday counts on the day itself; 29 February on 1 March)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_band(age: int) -> int:
    for index, upper in enumerate(AGE_BAND_UPPER):
        if age <= upper:
            return index
    return len(AGE_BAND_UPPER)


def band_for_percent(percent: int) -> str:
    found = BANDS[0][1]
    for lowest, name in BANDS:
        if percent >= lowest:
            found = name
    return found


def whole_percent(probability: float) -> int:
    """Rounded half up, then held within 1-99 (a predictor never claims certainty either way)."""
    return min(99, max(1, math.floor(probability * 100 + 0.5)))


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def validate(given: Ogrs3Input) -> None:
    """Raise Ogrs3Error naming the first input the model cannot use."""
    if not isinstance(given.offence_category, int) or not 0 <= given.offence_category < len(OFFENCE_CATEGORIES):
        raise Ogrs3Error("offence_category", f"must be 0-{len(OFFENCE_CATEGORIES) - 1}, got {given.offence_category!r}")
    if given.sex not in (Sex.MALE, Sex.FEMALE):
        raise Ogrs3Error("sex", f"must be 0 (male) or 1 (female), got {given.sex!r}")
    if not isinstance(given.previous_sanctions, int) or given.previous_sanctions < 0:
        raise Ogrs3Error("previous_sanctions", f"must be a whole number 0 or more, got {given.previous_sanctions!r}")
    if given.first_sanction_date > given.conviction_date:
        raise Ogrs3Error("first_sanction_date", "is after the conviction date")
    if given.conviction_date > given.assessment_date:
        raise Ogrs3Error("conviction_date", "is after the assessment date")
    if age_on(given.birth_date, given.first_sanction_date) < MINIMUM_AGE:
        raise Ogrs3Error("first_sanction_date", f"the person was under {MINIMUM_AGE} then")


def score(given: Ogrs3Input) -> Ogrs3Result:
    """The published OGRS3 model for one person: probabilities, band and the terms that make the score."""
    validate(given)
    age_now = age_on(given.birth_date, given.assessment_date)
    age_at_conviction = age_on(given.birth_date, given.conviction_date)
    age_at_first = age_on(given.birth_date, given.first_sanction_date)
    band_index = age_band(age_now)
    female = given.sex == Sex.FEMALE
    age_term = (FEMALE_AGE_TERMS if female else MALE_AGE_TERMS)[band_index]
    sanctions = given.previous_sanctions
    history_term = ANY_PREVIOUS_SANCTION if sanctions > 0 else NO_PREVIOUS_SANCTION
    career_years = CAREER_LENGTH_OFFSET + age_at_conviction - age_at_first
    rate_term = SANCTION_RATE_COEFFICIENT * math.log((sanctions + 1) / career_years)
    offence_term = OFFENCE_TERMS[given.offence_category]
    terms = (
        Term("age_sex", f"{'female' if female else 'male'} aged {AGE_BAND_LABELS[band_index]} ({age_now})", age_term),
        Term("previous_sanctions", "some" if sanctions > 0 else "none", history_term),
        Term("sanction_rate", f"ln(({sanctions} + 1) / {career_years})", rate_term),
        Term("offence", OFFENCE_CATEGORIES[given.offence_category], offence_term),
    )
    linear = age_term + history_term + rate_term + offence_term
    year_1 = _logistic(YEAR_1_INTERCEPT + linear)
    year_2 = _logistic(YEAR_2_INTERCEPT + linear)
    percent_2 = whole_percent(year_2)
    return Ogrs3Result(year_1, year_2, whole_percent(year_1), percent_2, band_for_percent(percent_2), linear, terms)
