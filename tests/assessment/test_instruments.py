"""The generic instrument engine: loading checks, scoring, bands, overrides, versions (pure, no database)."""

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oms.assessment.instruments import shipped_catalogue
from oms.assessment.rules.instruments import (
    InstrumentCatalogue,
    InstrumentError,
    ScoringError,
    check_override,
    load_instrument,
    score,
)

NEEDS_DOMAINS = {
    "accommodation",
    "education_training_employment",
    "finance",
    "relationships",
    "lifestyle_associates",
    "drugs",
    "alcohol",
    "emotional_wellbeing",
    "thinking_behaviour",
    "attitudes",
}


def definition(**changes):
    data = {
        "code": "example",
        "version": 1,
        "title": "Example",
        "items": [
            {"code": "housing", "options": [{"value": "ok", "points": 0}, {"value": "none", "points": 3}]},
            {"code": "years", "kind": "number", "coefficient": 0.5, "minimum": 0, "maximum": 10},
        ],
        "bands": [{"name": "low", "from": 0}, {"name": "high", "from": 4}],
        "overrides_allowed": True,
        "reassessment_interval_days": 90,
    }
    data.update(changes)
    return data


# ---- loading -----------------------------------------------------------------------------------


def test_a_good_definition_loads():
    instrument = load_instrument(definition())
    assert instrument.code == "example" and instrument.version == 1
    assert instrument.score_range() == (0.0, 8.0)
    assert instrument.reassessment_due(date(2026, 1, 1)) == date(2026, 4, 1)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"version": 0}, "version"),
        ({"version": "1"}, "version"),
        ({"version": True}, "version"),
        ({"formula": "product"}, "formula"),
        ({"intercept": 2}, "intercept"),
        ({"items": []}, "items"),
        ({"colour": "red"}, "colour"),
        ({"reassessment_interval_days": 0}, "reassessment_interval_days"),
        ({"overrides_allowed": "yes"}, "overrides_allowed"),
        ({"bands": []}, "bands"),
        ({"bands": [{"name": "low", "from": 1}]}, "bands[0].from"),
        ({"bands": [{"name": "low", "from": 0}, {"name": "high", "from": 0}]}, "bands[1].from"),
        ({"bands": [{"name": "low", "from": 0}, {"name": "low", "from": 2}]}, "bands[1].name"),
        ({"bands": [{"name": "low", "from": 0}, {"name": "high", "from": 9}]}, "bands[1].from"),
        ({"bands": [{"name": "low", "from": 0, "to": 3}]}, "bands[0].to"),
    ],
)
def test_bad_instrument_fields_are_named(changes, field):
    with pytest.raises(InstrumentError) as caught:
        load_instrument(definition(**changes))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"code": "x", "options": []}, "items[2].options"),
        ({"code": "x"}, "items[2].options"),
        ({"code": "x", "options": [{"value": "a"}]}, "items[2].options[0].points"),
        ({"code": "x", "options": [{"value": "a", "points": "1"}]}, "items[2].options[0].points"),
        (
            {"code": "x", "options": [{"value": "a", "points": 1}, {"value": "a", "points": 2}]},
            "items[2].options[1].value",
        ),
        ({"code": "x", "kind": "scale", "options": []}, "items[2].kind"),
        ({"code": "x", "kind": "number", "coefficient": 1, "minimum": 3, "maximum": 1}, "items[2].maximum"),
        ({"code": "x", "kind": "number", "minimum": 0, "maximum": 1}, "items[2].coefficient"),
        ({"code": "x", "coefficient": 1, "options": [{"value": "a", "points": 1}]}, "items[2].coefficient"),
        ({"code": "housing", "options": [{"value": "a", "points": 0}]}, "items[2].code"),
    ],
)
def test_bad_item_fields_are_named(item, field):
    data = definition()
    data["items"] = [*data["items"], item]
    with pytest.raises(InstrumentError) as caught:
        load_instrument(data)
    assert caught.value.field == field


# ---- scoring -----------------------------------------------------------------------------------


def test_score_explains_each_item():
    instrument = load_instrument(definition())
    result = score(instrument, {"housing": "none", "years": 4})
    assert result.score == 5.0 and result.band == "high"
    assert [(e.item, e.answer, e.points) for e in result.explanation] == [("housing", "none", 3.0), ("years", 4, 2.0)]


@pytest.mark.parametrize(
    ("answers", "field", "words"),
    [
        ({"housing": "ok", "years": 1, "pets": "cat"}, "pets", "is not an item of example version 1"),
        ({"housing": "maybe", "years": 1}, "housing", "'maybe' is not one of the options (ok, none)"),
        ({"housing": 3, "years": 1}, "housing", "not one of the options"),
        ({"housing": "ok"}, "years", "has no answer"),
        ({"housing": "ok", "years": 11}, "years", "outside 0-10"),
        ({"housing": "ok", "years": "2"}, "years", "must be a number"),
        ({"housing": "ok", "years": True}, "years", "must be a number"),
        ({"housing": "ok", "years": math.nan}, "years", "must be a number"),
    ],
)
def test_bad_answers_are_clear_errors(answers, field, words):
    with pytest.raises(ScoringError) as caught:
        score(load_instrument(definition()), answers)
    assert caught.value.field == field and words in caught.value.detail


def test_answers_for_another_version_are_refused():
    instrument = load_instrument(definition(version=2))
    with pytest.raises(ScoringError, match="answers are for version 1 of example, not version 2"):
        score(instrument, {"housing": "ok", "years": 1}, version=1)
    assert score(instrument, {"housing": "ok", "years": 1}, version=2).version == 2


def test_logistic_formula_gives_a_percentage():
    bands = [{"name": "low", "from": 0}, {"name": "high", "from": 50}]
    data = definition(formula="logistic", intercept=-2, bands=bands)
    instrument = load_instrument(data)
    result = score(instrument, {"housing": "ok", "years": 4})
    assert result.linear == 0.0 and result.score == 50.0 and result.band == "high"


# ---- properties --------------------------------------------------------------------------------

_points = st.integers(min_value=-20, max_value=20)


@st.composite
def instruments_and_answers(draw):
    item_count = draw(st.integers(min_value=1, max_value=6))
    items = []
    answers = {}
    for n in range(item_count):
        if draw(st.booleans()):
            values = draw(st.lists(_points, min_size=1, max_size=4))
            options = [{"value": f"o{k}", "points": p} for k, p in enumerate(values)]
            items.append({"code": f"i{n}", "options": options})
            answers[f"i{n}"] = f"o{draw(st.integers(min_value=0, max_value=len(values) - 1))}"
        else:
            low = draw(st.integers(min_value=-5, max_value=5))
            high = low + draw(st.integers(min_value=0, max_value=10))
            coefficient = draw(st.sampled_from([0.25, 0.5, 1, 2, -1.5]))
            items.append(
                {"code": f"i{n}", "kind": "number", "coefficient": coefficient, "minimum": low, "maximum": high}
            )
            answers[f"i{n}"] = draw(st.integers(min_value=low, max_value=high))
    probe = load_instrument(definition(items=items, bands=[{"name": "b0", "from": -1000}]))
    low, high = probe.score_range()
    whole_cuts = st.integers(min_value=math.floor(low), max_value=math.ceil(high))
    cuts = [c for c in sorted(set(draw(st.lists(whole_cuts, max_size=4)))) if low < c <= high]
    bands = [{"name": "b0", "from": low}] + [{"name": f"b{k + 1}", "from": c} for k, c in enumerate(cuts)]
    return load_instrument(definition(items=items, bands=bands)), answers


@settings(max_examples=200, deadline=None)
@given(instruments_and_answers())
def test_scoring_is_deterministic_and_explained(case):
    instrument, answers = case
    first = score(instrument, answers)
    assert score(instrument, dict(reversed(answers.items()))) == first
    assert math.isclose(math.fsum(e.points for e in first.explanation), first.score, abs_tol=1e-9)
    assert [e.item for e in first.explanation] == [i.code for i in instrument.items]
    low, high = instrument.score_range()
    assert low - 1e-9 <= first.score <= high + 1e-9


@settings(max_examples=200, deadline=None)
@given(instruments_and_answers(), st.data())
def test_bands_cover_the_whole_range_once(case, data):
    instrument, _ = case
    low, high = instrument.score_range()
    value = data.draw(st.floats(min_value=low, max_value=high))
    holding = [
        band.name
        for n, band in enumerate(instrument.bands)
        if band.lowest <= value and (n + 1 == len(instrument.bands) or value < instrument.bands[n + 1].lowest)
    ]
    assert holding == [instrument.band_for(value)]
    # every band is reachable: its lowest score lies within the instrument's range
    assert all(low <= band.lowest <= high for band in instrument.bands[1:])


# ---- overrides and versions --------------------------------------------------------------------


def test_overrides_follow_the_definition():
    instrument = load_instrument(definition())
    check_override(instrument, "low", "high")
    with pytest.raises(ScoringError, match="not a band"):
        check_override(instrument, "low", "extreme")
    with pytest.raises(ScoringError, match="already the computed band"):
        check_override(instrument, "low", "low")
    with pytest.raises(ScoringError, match="does not allow overrides"):
        check_override(load_instrument(definition(overrides_allowed=False)), "low", "high")


def test_catalogue_keeps_old_versions_and_refuses_conflicts():
    first, second = load_instrument(definition()), load_instrument(definition(version=2, title="Example, revised"))
    catalogue = InstrumentCatalogue([first, second])
    assert catalogue.get("example") is second
    assert catalogue.get("example", 1) is first
    catalogue.add(load_instrument(definition()))  # the same definition again is harmless
    with pytest.raises(InstrumentError, match="already defined differently") as caught:
        catalogue.add(load_instrument(definition(title="Example, quietly changed")))
    assert caught.value.field == "version"
    with pytest.raises(ScoringError, match="has no version 3"):
        catalogue.get("example", 3)
    with pytest.raises(ScoringError, match="no instrument"):
        catalogue.get("missing")


def test_shipped_needs_instrument_covers_the_usual_domains():
    needs = shipped_catalogue().get("criminogenic-needs")
    assert {i.code for i in needs.items} == NEEDS_DOMAINS
    assert all([o.value for o in i.options] == ["no_need", "standard", "severe"] for i in needs.items)
    answers = dict.fromkeys(NEEDS_DOMAINS, "no_need") | {"drugs": "severe", "accommodation": "standard"}
    result = score(needs, answers, version=1)
    assert result.score == 3 and result.band == "low"
    assert {e.item: e.basis for e in result.explanation}["drugs"] == "Severe need"
