"""Properties both term-based engines keep for any request: release is never before the sentence
begins; more remand never makes release later; the order sentences are listed in does not matter."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.sentencing.rules import configurable, us_federal
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationRequest,
    DateType,
    Duration,
    SentenceInput,
    SentenceKind,
)
from tests.sentencing.engines.builders import US_FEDERAL, percentage_profile

durations = st.builds(
    Duration,
    years=st.integers(0, 25),
    months=st.integers(0, 11),
    days=st.integers(0, 31),
).filter(lambda d: d.years or d.months or d.days)


@st.composite
def sentence_sets(draw) -> tuple[SentenceInput, ...]:
    """1-4 sentences in sentencing order; each may be consecutive to an earlier one."""
    count = draw(st.integers(1, 4))
    day = draw(st.dates(date(2000, 1, 1), date(2035, 12, 31)))
    sentences = []
    for index in range(count):
        day += timedelta(days=draw(st.integers(0, 400)))
        after = draw(st.none() | st.sampled_from([s.ref for s in sentences])) if sentences else None
        sentences.append(
            SentenceInput(f"S{index}", SentenceKind.DETERMINATE, day, day - timedelta(days=30), draw(durations), after)
        )
    return tuple(sentences)


@st.composite
def requests(draw) -> CalculationRequest:
    adjustments = [AdjustmentInput(AdjustmentKind.REMAND, draw(st.integers(0, 2000)))]
    if draw(st.booleans()):
        adjustments.append(AdjustmentInput(AdjustmentKind.GOOD_CONDUCT_FORFEITED, draw(st.integers(0, 200))))
    levels = draw(st.lists(st.sampled_from(["minimum", "low", "medium", "high"]), max_size=3))
    facts = {"programming_days": draw(st.integers(0, 4000)), "risk_levels": levels}
    return CalculationRequest(draw(sentence_sets()), tuple(adjustments), facts=facts)


@st.composite
def percentage_profiles(draw):
    release = draw(st.integers(1, 100))
    parameters: dict = {"release_percent": release, "remand_credit": draw(st.booleans())}
    if draw(st.booleans()):
        parameters["minimum_served_percent"] = draw(st.integers(0, release))
    if draw(st.booleans()):
        parameters["parole_eligibility_percent"] = draw(st.integers(0, 100))
    if draw(st.booleans()):
        good_time = {"days_per_month": draw(st.sampled_from([0, 1, 2.5, 5, 10, 15, 30]))}
        if draw(st.booleans()):
            good_time["cap_days"] = draw(st.integers(0, 1000))
        parameters["good_time"] = good_time
    return percentage_profile(**parameters)


def us_calculate(req, _profile=None):
    return us_federal.calculate(req, US_FEDERAL)


def with_more_remand(req: CalculationRequest, extra: int) -> CalculationRequest:
    first, *rest = req.adjustments
    return replace(req, adjustments=(replace(first, days=first.days + extra), *rest))


@settings(max_examples=300, deadline=None)
@given(requests())
def test_us_federal_dates_are_ordered_and_never_before_the_sentence(req):
    result = us_calculate(req)
    first_day = min(s.sentenced_on for s in req.sentences)

    hced, prd, ftd = (result.dates[t].date for t in (DateType.HCED, DateType.PRD, DateType.FTD))
    assert first_day <= hced <= prd <= ftd


@settings(max_examples=300, deadline=None)
@given(requests(), percentage_profiles())
def test_configurable_dates_are_ordered_and_never_before_the_sentence(req, profile):
    result = configurable.calculate(req, profile)
    first_day = min(s.sentenced_on for s in req.sentences)

    assert first_day <= result.dates[DateType.RD].date <= result.dates[DateType.SED].date
    if DateType.PED in result.dates:
        assert first_day <= result.dates[DateType.PED].date < result.dates[DateType.RD].date


@settings(max_examples=200, deadline=None)
@given(requests(), st.integers(1, 1000), percentage_profiles())
def test_more_remand_never_makes_release_later(req, extra, profile):
    for calculate in (us_calculate, configurable.calculate):
        before = calculate(req, profile).release_date
        after = calculate(with_more_remand(req, extra), profile).release_date
        assert after <= before


@settings(max_examples=200, deadline=None)
@given(requests(), st.randoms(use_true_random=False), percentage_profiles())
def test_the_order_of_sentences_does_not_matter(req, random, profile):
    shuffled = list(req.sentences)
    random.shuffle(shuffled)
    reordered = replace(req, sentences=tuple(shuffled))

    for calculate in (us_calculate, configurable.calculate):
        first = calculate(req, profile)
        second = calculate(reordered, profile)
        assert {t: d.date for t, d in first.dates.items()} == {t: d.date for t, d in second.dates.items()}


@settings(max_examples=200, deadline=None)
@given(requests(), st.integers(1, 400))
def test_more_programming_never_makes_federal_release_later(req, extra):
    more = replace(req, facts={**req.facts, "programming_days": req.facts["programming_days"] + extra})

    assert us_calculate(more).release_date <= us_calculate(req).release_date
