"""Bad requests fail with a CalculationError that names the offending field."""

import pytest

from oms.sentencing.rules.types import AdjustmentKind as K
from oms.sentencing.rules.types import CalculationError
from tests.sentencing.rules.helpers import adjustment, run, sentence


@pytest.mark.parametrize(
    ("sentences", "adjustments", "field", "code"),
    [
        ([sentence(months=-1)], [], "sentences[0].duration", "negative_length"),
        ([sentence()], [], "sentences[0].duration", "zero_length"),
        (
            [sentence("a", years=1), sentence("b", years=1, after="zz")],
            [],
            "sentences[1].consecutive_to",
            "missing_link",
        ),
        (
            [sentence("a", on="2024-05-01", years=1), sentence("b", on="2024-04-01", years=1, after="a")],
            [],
            "sentences[1].consecutive_to",
            "link_to_later",
        ),
        (
            [sentence("a", years=1, after="b"), sentence("b", years=1, after="a")],
            [],
            "sentences[0].consecutive_to",
            "cycle",
        ),
        ([sentence("a", years=1), sentence("a", years=2)], [], "sentences[1].ref", "duplicate_ref"),
        ([sentence(years=400)], [], "sentences[0].duration", "too_long"),
        ([sentence(years=1)], [adjustment(K.REMAND, -3)], "adjustments[0].days", "negative_adjustment"),
    ],
)
def test_bad_requests_name_the_field(sentences, adjustments, field, code):
    with pytest.raises(CalculationError) as caught:
        run(*sentences, adjustments=adjustments)
    assert caught.value.field == field
    assert caught.value.code == code


def test_a_sentence_following_itself_is_a_cycle():
    with pytest.raises(CalculationError) as caught:
        run(sentence("a", years=1, after="a"))
    assert caught.value.code == "cycle"
