"""OGRS3 scorer: ages, bands, terms, bad input and throughput (pure, no database)."""

import math
import time
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.assessment.rules import ogrs3
from oms.assessment.rules.ogrs3 import Ogrs3Error, Ogrs3Input, Sex

PERSON = Ogrs3Input(
    sex=Sex.MALE,
    offence_category=0,
    previous_sanctions=3,
    birth_date=date(1990, 6, 15),
    conviction_date=date(2020, 1, 10),
    first_sanction_date=date(2008, 6, 14),
    assessment_date=date(2020, 6, 15),
)


@pytest.mark.parametrize(
    ("on", "age"),
    [(date(2020, 6, 14), 29), (date(2020, 6, 15), 30), (date(2021, 2, 28), 30)],
)
def test_age_is_whole_years_birthday_aware(on, age):
    assert ogrs3.age_on(date(1990, 6, 15), on) == age


def test_leap_day_birthday_counts_on_the_first_of_march():
    assert ogrs3.age_on(date(2000, 2, 29), date(2021, 2, 28)) == 20
    assert ogrs3.age_on(date(2000, 2, 29), date(2021, 3, 1)) == 21


@pytest.mark.parametrize(
    ("age", "index"), [(10, 0), (11, 0), (12, 1), (17, 3), (18, 4), (20, 4), (21, 5), (49, 9), (50, 10), (90, 10)]
)
def test_age_bands(age, index):
    assert ogrs3.age_band(age) == index


@pytest.mark.parametrize(
    ("percent", "band"),
    [(0, "low"), (49, "low"), (50, "medium"), (74, "medium"), (75, "high"), (89, "high"), (90, "very high")],
)
def test_bands_on_the_two_year_percentage(percent, band):
    assert ogrs3.band_for_percent(percent) == band


@pytest.mark.parametrize(
    ("probability", "percent"), [(0.0, 1), (0.004, 1), (0.125, 13), (0.4949, 49), (0.495, 50), (0.999, 99), (1.0, 99)]
)
def test_whole_percentages_round_half_up_within_1_to_99(probability, percent):
    assert ogrs3.whole_percent(probability) == percent


def test_age_band_uses_the_age_on_the_assessment_date():
    # 29 the day before the birthday (band 25-29), 30 on it (band 30-34)
    before = ogrs3.score(replace(PERSON, assessment_date=date(2020, 6, 14)))
    on = ogrs3.score(replace(PERSON, assessment_date=date(2020, 6, 15)))
    assert before.terms[0].value == ogrs3.MALE_AGE_TERMS[6]
    assert on.terms[0].value == ogrs3.MALE_AGE_TERMS[7]


def test_worked_example_from_the_published_coefficients():
    # male 30 at assessment, 3 previous sanctions, 29 at conviction and 17 at first sanction, violence
    result = ogrs3.score(PERSON)
    linear = -1.325976554 + 0.463062792 + 1.251124464 * math.log(4 / (10 + 29 - 17)) + 0.0
    assert result.score == pytest.approx(linear, abs=1e-12)
    assert result.year_1 == pytest.approx(1 / (1 + math.exp(-(1.402562384 + linear))), abs=1e-12)
    assert result.year_2 == pytest.approx(1 / (1 + math.exp(-(2.121705678 + linear))), abs=1e-12)
    assert result.percent_2 == math.floor(result.year_2 * 100 + 0.5)
    assert result.percent_1 == math.floor(result.year_1 * 100 + 0.5)
    assert result.band == ogrs3.band_for_percent(result.percent_2)
    assert [t.name for t in result.terms] == ["age_sex", "previous_sanctions", "sanction_rate", "offence"]
    assert result.terms[1].basis == "some" and result.terms[3].basis == "Violence"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"offence_category": 20}, "offence_category"),
        ({"offence_category": -1}, "offence_category"),
        ({"previous_sanctions": -1}, "previous_sanctions"),
        ({"previous_sanctions": 1.5}, "previous_sanctions"),
        ({"sex": 2}, "sex"),
        ({"first_sanction_date": date(2020, 2, 1)}, "first_sanction_date"),
        ({"first_sanction_date": date(1999, 1, 1)}, "first_sanction_date"),  # aged 8
        ({"conviction_date": date(2021, 1, 1)}, "conviction_date"),
    ],
)
def test_bad_input_names_the_field(changes, field):
    with pytest.raises(Ogrs3Error) as caught:
        ogrs3.score(replace(PERSON, **changes))
    assert caught.value.field == field


@st.composite
def people(draw):
    birth = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2005, 1, 1)))
    first = draw(st.dates(min_value=date(birth.year + 11, 1, 1), max_value=date(birth.year + 60, 12, 31)))
    conviction = draw(st.dates(min_value=first, max_value=date(first.year + 30, 12, 31)))
    assessment = draw(st.dates(min_value=conviction, max_value=date(conviction.year + 3, 12, 31)))
    # The sign of the female age terms for 10-15 is disputed between implementations: kept out.
    sex = Sex.MALE if assessment.year - birth.year < 17 else draw(st.sampled_from(Sex))
    return Ogrs3Input(sex, draw(st.integers(0, 19)), draw(st.integers(0, 200)), birth, conviction, first, assessment)


@settings(max_examples=300, deadline=None)
@given(people())
def test_probabilities_are_consistent(person):
    result = ogrs3.score(person)
    assert result == ogrs3.score(person)
    assert 0 < result.year_1 < result.year_2 < 1  # two years always at least as likely as one
    assert math.isclose(math.fsum(t.value for t in result.terms), result.score, abs_tol=1e-12)
    assert result.band == ogrs3.band_for_percent(result.percent_2)
    assert 1 <= result.percent_1 <= result.percent_2 <= 99


def test_more_previous_sanctions_never_lower_the_risk():
    scores = [ogrs3.score(replace(PERSON, previous_sanctions=n)).year_2 for n in range(0, 30)]
    assert scores == sorted(scores)


def test_throughput_100000_scores_under_5_seconds():
    # Pure scoring measured 0.53 s of CPU for 100,000 (2026-11-23). CPU time, not wall time: the machine
    # is shared, and a busy neighbour must not fail a target the code meets.
    inputs = [
        replace(PERSON, previous_sanctions=n % 40, offence_category=n % 20, sex=Sex(n % 2)) for n in range(100_000)
    ]
    started = time.process_time()
    for person in inputs:
        ogrs3.score(person)
    elapsed = time.process_time() - started
    assert elapsed < 5.0, f"100,000 OGRS3 scores took {elapsed:.2f} s"
