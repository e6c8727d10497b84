"""Pure rules: the question definition and answers table, and the workflow table."""

import pytest

from oms.incidents.rules import questions as q
from oms.incidents.rules import workflow as wf
from tests.incidents.factories import FIGHT_QUESTIONS

GOOD = {"code": "fight", "title": "Fight", "severity": "medium", "questions": FIGHT_QUESTIONS}


def test_a_good_definition_has_no_problems():
    assert q.validate_definition(GOOD) == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": "Bad Code"}, "code"),
        ({"title": ""}, "title"),
        ({"severity": "dire"}, "severity"),
        ({"notify_immediately": "yes"}, "notify_immediately"),
        ({"colour": "red"}, "definition"),
        ({"questions": "none"}, "questions"),
        ({"questions": [{"code": "a", "label": "A", "kind": "essay"}]}, "questions[0].kind"),
        ({"questions": [{"code": "a", "label": "A", "kind": "choice"}]}, "questions[0].options"),
        ({"questions": [{"code": "a", "label": "A", "kind": "text", "options": ["x"]}]}, "questions[0].options"),
        ({"questions": [{"code": "a", "label": "", "kind": "text"}]}, "questions[0].label"),
        (
            {"questions": [{"code": "a", "label": "A", "kind": "text"}, {"code": "a", "label": "B", "kind": "text"}]},
            "questions[1].code",
        ),
        (
            {
                "questions": [
                    {"code": "a", "label": "A", "kind": "text", "shown_if": {"question": "z", "answers": ["x"]}}
                ]
            },
            "questions[0].shown_if.question",
        ),
        (
            {
                "questions": [
                    {"code": "a", "label": "A", "kind": "yes_no"},
                    {"code": "b", "label": "B", "kind": "text", "shown_if": {"question": "a", "answers": ["maybe"]}},
                ]
            },
            "questions[1].shown_if.answers",
        ),
        (
            {
                "questions": [
                    {"code": "a", "label": "A", "kind": "text"},
                    {"code": "b", "label": "B", "kind": "text", "shown_if": {"question": "a", "answers": ["x"]}},
                ]
            },
            "questions[1].shown_if.question",
        ),
    ],
)
def test_bad_definitions_name_the_field(change, field):
    assert field in [f for f, _ in q.validate_definition({**GOOD, **change})]


MIXED = [
    {"code": "where", "label": "Where", "kind": "choice", "options": ["cell", "yard"], "required": True},
    {"code": "items", "label": "Items", "kind": "multi", "options": ["drugs", "phone"]},
    {"code": "count", "label": "How many", "kind": "number"},
    {"code": "found_on", "label": "Found on", "kind": "date"},
    {"code": "notes", "label": "Notes", "kind": "text"},
    {
        "code": "phone_make",
        "label": "Make",
        "kind": "text",
        "required": True,
        "shown_if": {"question": "items", "answers": ["phone"]},
    },
]


@pytest.mark.parametrize(
    ("answers", "complete", "expected"),
    [
        ({"where": "cell"}, True, []),
        ({}, False, []),
        ({}, True, ["answers.where"]),
        ({"where": "roof"}, False, ["answers.where"]),
        ({"where": "cell", "colour": "red"}, False, ["answers.colour"]),
        ({"where": "cell", "items": ["drugs", "knife"]}, False, ["answers.items"]),
        ({"where": "cell", "items": "drugs"}, False, ["answers.items"]),
        ({"where": "cell", "count": "three"}, False, ["answers.count"]),
        ({"where": "cell", "count": True}, False, ["answers.count"]),
        ({"where": "cell", "found_on": "2026-02-30"}, False, ["answers.found_on"]),
        ({"where": "cell", "notes": 5}, False, ["answers.notes"]),
        ({"where": "cell", "items": ["phone"]}, True, ["answers.phone_make"]),
        ({"where": "cell", "items": ["phone"]}, False, []),
        ({"where": "cell", "items": ["phone"], "phone_make": "Nokia"}, True, []),
        ({"where": "cell", "items": ["drugs"], "phone_make": "Nokia"}, False, ["answers.phone_make"]),
        ({"where": "cell", "phone_make": "Nokia"}, False, ["answers.phone_make"]),
        ("not a dict", False, ["answers"]),
    ],
)
def test_answers_table(answers, complete, expected):
    assert [f for f, _ in q.validate_answers(MIXED, answers, complete=complete)] == expected


def test_yes_no_follow_up():
    assert [f for f, _ in q.validate_answers(FIGHT_QUESTIONS, {"weapon_used": "yes"}, complete=True)] == [
        "answers.weapon_kind"
    ]
    assert q.validate_answers(FIGHT_QUESTIONS, {"weapon_used": "no"}, complete=True) == []
    assert (
        q.validate_answers(FIGHT_QUESTIONS, {"weapon_used": "perhaps"}, complete=False)[0][0] == "answers.weapon_used"
    )


def test_clean_answers_drops_blanks_and_hidden_follow_ups():
    posted = {"weapon_used": "no", "weapon_kind": "bladed", "other": ""}
    assert q.clean_answers(FIGHT_QUESTIONS, posted) == {"weapon_used": "no"}


ALLOWED = [
    ("edit", "draft", "draft"),
    ("submit", "draft", "submitted"),
    ("start_review", "submitted", "under_review"),
    ("request_correction", "submitted", "submitted"),
    ("request_correction", "under_review", "under_review"),
    ("add_addendum", "submitted", "submitted"),
    ("add_addendum", "closed", "closed"),
    ("start_investigation", "under_review", "investigation"),
    ("record_findings", "investigation", "investigation"),
    ("close", "under_review", "closed"),
    ("close", "investigation", "closed"),
]


@pytest.mark.parametrize(("action", "status", "after"), ALLOWED)
def test_allowed_transitions(action, status, after):
    assert wf.refusal(action, status) == ""
    assert wf.next_status(action, status) == after


@pytest.mark.parametrize(
    ("action", "status", "code"),
    [
        ("edit", "submitted", "incidents.not_draft"),
        ("edit", "closed", "incidents.not_draft"),
        ("submit", "submitted", "incidents.already_submitted"),
        ("start_review", "draft", "incidents.cannot_start_review"),
        ("start_review", "closed", "incidents.closed"),
        ("start_investigation", "submitted", "incidents.cannot_start_investigation"),
        ("record_findings", "under_review", "incidents.cannot_record_findings"),
        ("close", "draft", "incidents.cannot_close"),
        ("close", "submitted", "incidents.cannot_close"),
        ("close", "closed", "incidents.closed"),
        ("add_addendum", "draft", "incidents.draft_has_no_addenda"),
        ("request_correction", "closed", "incidents.closed"),
        ("fly", "draft", "incidents.unknown_action"),
    ],
)
def test_refused_transitions(action, status, code):
    assert wf.refusal(action, status) == code


def test_every_status_pair_is_decided():
    statuses = ["draft", "submitted", "under_review", "investigation", "closed"]
    for action in wf.TRANSITIONS:
        for status in statuses:
            allowed = wf.refusal(action, status) == ""
            assert allowed == (status in wf.TRANSITIONS[action][0])
