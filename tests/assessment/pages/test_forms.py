"""The answers forms on their own: a catalogue number item renders with its range and its typed value
reaches the service as a number; empty questions are sent as null so clearing an answer removes it."""

from oms.assessment.forms.assessments import CatalogueAnswersForm, Ogrs3AnswersForm, TieringAnswersForm
from oms.assessment.rules.instruments import load_instrument

EXAMPLE = load_instrument(
    {
        "code": "example",
        "version": 1,
        "title": "Example",
        "items": [
            {"code": "housing", "options": [{"value": "ok", "points": 0}, {"value": "none", "points": 3}]},
            {"code": "years", "kind": "number", "coefficient": 0.5, "minimum": 0, "maximum": 10},
        ],
        "bands": [{"name": "low", "from": 0}, {"name": "high", "from": 4}],
    }
)


def test_a_number_item_shows_its_range_and_sends_a_number():
    html = str(CatalogueAnswersForm(definition=EXAMPLE, prefix="answer")["years"])
    assert 'min="0"' in html and 'max="10"' in html
    form = CatalogueAnswersForm({"answer-years": "4", "answer-housing": "none"}, definition=EXAMPLE, prefix="answer")
    assert form.is_valid() and form.answers() == {"housing": "none", "years": 4}
    half = CatalogueAnswersForm({"answer-years": "2.5"}, definition=EXAMPLE, prefix="answer")
    assert half.is_valid() and half.answers() == {"housing": None, "years": 2.5}
    words = CatalogueAnswersForm({"answer-years": "lots"}, definition=EXAMPLE, prefix="answer")
    assert not words.is_valid() and "years" in words.errors


def test_stored_answers_fill_the_ogrs3_and_tiering_forms():
    ogrs3 = Ogrs3AnswersForm(initial=Ogrs3AnswersForm.initial_from({"birth_date": "1990-03-04", "offence_category": 5}))
    assert ogrs3["offence_category"].value() == "5" and ogrs3["birth_date"].value().year == 1990
    stored = {"needs": {"ATTITUDES": "SEVERE"}, "convictions": [{"breached": True}], "assessment_completed": False}
    tiering = TieringAnswersForm(initial=TieringAnswersForm.initial_from(stored))
    assert tiering["need_ATTITUDES"].value() == "SEVERE" and tiering["assessment_completed"].value() == "no"
    assert tiering["convictions"].value() == '[{"breached": true}]'
