"""Properties that hold for any standard determinate request."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from oms.sentencing.rules.types import AdjustmentKind as K
from oms.sentencing.rules.types import Duration, SentenceInput, SentenceKind
from tests.sentencing.rules.helpers import adjustment, dates, run

day = st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 12, 31))
length = st.builds(
    Duration,
    years=st.integers(0, 12),
    months=st.integers(0, 30),
    weeks=st.integers(0, 60),
    days=st.integers(0, 400),
).filter(lambda d: d.years or d.months or d.weeks or d.days)


@st.composite
def concurrent_sentences(draw, max_size=4):
    """Up to four terms over about a year; sometimes a term follows an earlier one (consecutive)."""
    count = draw(st.integers(1, max_size))
    base = draw(day)
    links = draw(st.booleans())
    items: list[SentenceInput] = []
    for index in range(count):
        sentenced = base + timedelta(days=draw(st.integers(0, 400)))
        offence = sentenced - timedelta(days=draw(st.integers(0, 4000)))
        earlier = [s.ref for s in items if s.sentenced_on <= sentenced]
        after = draw(st.sampled_from([None, *earlier])) if links and earlier else None
        items.append(SentenceInput(f"s{index}", SentenceKind.DETERMINATE, sentenced, offence, draw(length), after))
    return items


@settings(max_examples=150, deadline=None)
@given(concurrent_sentences(), st.integers(0, 900), st.integers(0, 200), st.integers(0, 60))
def test_release_is_never_before_the_sentence_date(sentences, remand, added, restored):
    first = min(s.sentenced_on for s in sentences).isoformat()
    adjustments = [
        adjustment(K.REMAND, remand, first),
        adjustment(K.ADDITIONAL_DAYS, added, first),
        adjustment(K.RESTORED_DAYS, restored, first),
    ]
    result = run(*sentences, adjustments=adjustments)
    assert result.release_date is not None
    assert result.release_date >= max(s.sentenced_on for s in sentences)
    for calculated in result.dates.values():
        assert calculated.date >= min(s.sentenced_on for s in sentences)


@st.composite
def same_day_sentences(draw):
    """Terms imposed together, concurrent or as one consecutive chain: one period in custody."""
    items = draw(concurrent_sentences())
    on = items[0].sentenced_on
    chain = draw(st.booleans())
    return [
        SentenceInput(
            s.ref, s.kind, on, min(s.offence_committed_on, on), s.duration, f"s{i - 1}" if chain and i else None
        )
        for i, s in enumerate(items)
    ]


@settings(max_examples=150, deadline=None)
@given(same_day_sentences(), st.integers(0, 500), st.integers(1, 300))
def test_more_remand_never_makes_release_later(sentences, remand, extra):
    first = min(s.sentenced_on for s in sentences).isoformat()
    less = run(*sentences, adjustments=[adjustment(K.REMAND, remand, first)])
    more = run(*sentences, adjustments=[adjustment(K.REMAND, remand + extra, first)])
    assert more.release_date <= less.release_date


def test_known_exception_remand_that_causes_a_release_between_sentences():
    """Terms imposed on different days are grouped by whether the person was released in between
    (as the national calculation service does). Extra remand can bring that release forward to before
    the next sentence; the later term then starts a new group and no longer shares the credit, so
    its release moves later. The monotonic property above therefore holds for one period in custody."""
    first = SentenceInput("a", SentenceKind.DETERMINATE, date(2024, 1, 1), date(2023, 12, 1), Duration(months=2))
    later = SentenceInput("b", SentenceKind.DETERMINATE, date(2024, 1, 20), date(2023, 12, 1), Duration(months=2))
    less = run(first, later, adjustments=[adjustment(K.REMAND, 10, "2024-01-01")])
    more = run(first, later, adjustments=[adjustment(K.REMAND, 20, "2024-01-01")])
    assert less.release_date == date(2024, 2, 8)  # "a" ends its custody on 20 January, as "b" is imposed
    assert more.release_date == date(2024, 2, 18)  # "a" releases on 10 January: "b" stands alone


@settings(max_examples=150, deadline=None)
@given(concurrent_sentences(), st.randoms(use_true_random=False), st.integers(0, 120))
def test_listing_order_of_concurrent_sentences_does_not_matter(sentences, random, remand):
    first = min(s.sentenced_on for s in sentences).isoformat()
    shuffled = list(sentences)
    random.shuffle(shuffled)
    adjustments = [adjustment(K.REMAND, remand, first)]
    original = run(*sentences, adjustments=adjustments)
    reordered = run(*shuffled, adjustments=adjustments)
    assert dates(reordered) == dates(original)
    assert reordered.effective_sentence_length == original.effective_sentence_length
