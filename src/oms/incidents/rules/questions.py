"""Incident type definitions and the answers given against them (pure: no Django, no I/O).

A type's questions are a list of dicts::

    {"code": "weapon_used", "label": "Was a weapon used?", "kind": "yes_no", "required": true,
     "options": [...],                                    # choice and multi only
     "shown_if": {"question": "other_code", "answers": ["yes"]}}   # optional follow-up condition

Kinds: choice (one of options), multi (a list of options), text, number, date (ISO "YYYY-MM-DD"),
yes_no ("yes" or "no"). A follow-up is shown when the question it depends on (defined earlier) was
answered with one of ``answers`` (for a multi question: when any selected option is among them).
Every problem is returned as ``(field, message)`` so callers can name the field: the definition's
fields are ``questions[<i>].<key>``, the answers' fields ``answers.<code>``.
"""

from __future__ import annotations

import datetime as dt
import re

KINDS = ("choice", "multi", "text", "number", "date", "yes_no")
OPTION_KINDS = ("choice", "multi")
YES_NO = ("yes", "no")
SEVERITIES = ("low", "medium", "high", "critical")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
TEXT_LIMIT = 2000

Problem = tuple[str, str]


def validate_definition(definition: dict) -> list[Problem]:
    """Problems with a whole type definition (code, title, severity, notify_immediately, questions)."""
    problems: list[Problem] = []
    if not isinstance(definition, dict):
        return [("definition", "A type definition must be an object")]
    if not isinstance(definition.get("code"), str) or not CODE_RE.match(definition["code"]):
        problems.append(("code", "Give a code of lower-case letters, digits and underscores"))
    title = definition.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.append(("title", "Give a title of 200 characters or less"))
    if definition.get("severity") not in SEVERITIES:
        problems.append(("severity", f"Severity must be one of {', '.join(SEVERITIES)}"))
    if not isinstance(definition.get("notify_immediately", False), bool):
        problems.append(("notify_immediately", "notify_immediately must be true or false"))
    if not isinstance(definition.get("description", ""), str):
        problems.append(("description", "The description must be text"))
    unknown = set(definition) - {"code", "title", "severity", "notify_immediately", "description", "questions"}
    if unknown:
        problems.append(("definition", f"Unknown keys: {', '.join(sorted(unknown))}"))
    problems.extend(validate_questions(definition.get("questions", [])))
    return problems


def validate_questions(questions) -> list[Problem]:
    if not isinstance(questions, list):
        return [("questions", "Questions must be a list")]
    problems: list[Problem] = []
    seen: dict[str, dict] = {}
    for i, question in enumerate(questions):
        at = f"questions[{i}]"
        if not isinstance(question, dict):
            problems.append((at, "A question must be an object"))
            continue
        unknown = set(question) - {"code", "label", "kind", "options", "required", "shown_if", "hint"}
        if unknown:
            problems.append((at, f"Unknown keys: {', '.join(sorted(unknown))}"))
        code = question.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            problems.append((f"{at}.code", "Give a code of lower-case letters, digits and underscores"))
        elif code in seen:
            problems.append((f"{at}.code", f"The code '{code}' is used twice"))
        label = question.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append((f"{at}.label", "Give the question's label"))
        kind = question.get("kind")
        if kind not in KINDS:
            problems.append((f"{at}.kind", f"Kind must be one of {', '.join(KINDS)}"))
        options = question.get("options")
        if kind in OPTION_KINDS:
            if (
                not isinstance(options, list)
                or not options
                or not all(isinstance(o, str) and o for o in options)
                or len(set(options)) != len(options)
            ):
                problems.append((f"{at}.options", "Give a list of distinct options"))
        elif options is not None:
            problems.append((f"{at}.options", "Only choice and multi questions have options"))
        if not isinstance(question.get("required", False), bool):
            problems.append((f"{at}.required", "required must be true or false"))
        condition = question.get("shown_if")
        if condition is not None:
            problems.extend(_condition_problems(f"{at}.shown_if", condition, seen))
        if isinstance(code, str) and code not in seen:
            seen[code] = question
    return problems


def _condition_problems(at: str, condition, earlier: dict[str, dict]) -> list[Problem]:
    if not isinstance(condition, dict) or set(condition) != {"question", "answers"}:
        return [(at, "shown_if needs exactly 'question' and 'answers'")]
    parent = earlier.get(condition["question"])
    if parent is None:
        return [(f"{at}.question", "shown_if must name a question defined before this one")]
    answers = condition["answers"]
    if not isinstance(answers, list) or not answers:
        return [(f"{at}.answers", "Give the answers that show this question")]
    allowed = _allowed_values(parent)
    if allowed is None:
        return [(f"{at}.question", "A follow-up can only depend on a choice, multi or yes/no question")]
    wrong = [a for a in answers if a not in allowed]
    if wrong:
        return [(f"{at}.answers", f"Not options of '{condition['question']}': {', '.join(map(str, wrong))}")]
    return []


def _allowed_values(question: dict) -> tuple | None:
    if question.get("kind") == "yes_no":
        return YES_NO
    if question.get("kind") in OPTION_KINDS:
        return tuple(question.get("options") or ())
    return None


def is_shown(question: dict, answers: dict) -> bool:
    """Whether a question applies given the answers (a follow-up of a hidden question is hidden too:
    its parent then has no answer)."""
    condition = question.get("shown_if")
    if not condition:
        return True
    given = answers.get(condition["question"])
    if isinstance(given, list):
        return any(value in condition["answers"] for value in given)
    return given in condition["answers"]


def _is_blank(value) -> bool:
    return value is None or value == "" or value == []


def validate_answers(questions: list[dict], answers, *, complete: bool) -> list[Problem]:
    """Problems with ``answers`` (code -> value) for a type version's ``questions``.

    Always: an unknown question, an answer of the wrong shape or outside the options, an answer to a
    question hidden by its condition. With ``complete`` (on submit) also: a required question that is
    shown but unanswered. A draft may be incomplete.
    """
    if not isinstance(answers, dict):
        return [("answers", "Answers must be an object of question code to answer")]
    by_code = {q["code"]: q for q in questions}
    problems: list[Problem] = []
    for code in answers:
        if code not in by_code:
            problems.append((f"answers.{code}", f"'{code}' is not a question of this incident type"))
    for question in questions:
        code = question["code"]
        field = f"answers.{code}"
        value = answers.get(code)
        shown = is_shown(question, answers)
        if not shown:
            if not _is_blank(value):
                problems.append((field, f"'{question['label']}' does not apply given the other answers"))
            continue
        if _is_blank(value):
            if complete and question.get("required"):
                problems.append((field, f"Answer '{question['label']}'"))
            continue
        if message := _value_problem(question, value):
            problems.append((field, message))
    return problems


def _value_problem(question: dict, value) -> str:
    kind = question["kind"]
    if kind == "yes_no":
        return "" if value in YES_NO else "Answer yes or no"
    if kind == "choice":
        return "" if isinstance(value, str) and value in question["options"] else "Select one of the options"
    if kind == "multi":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return "Select from the options"
        wrong = [v for v in value if v not in question["options"]]
        if wrong or len(set(value)) != len(value):
            return "Select from the options, each once"
        return ""
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "Enter a number"
        return "" if abs(value) < 1e9 else "Enter a smaller number"
    if kind == "date":
        try:
            dt.date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            return "Enter a real date (YYYY-MM-DD)"
        return ""
    if kind == "text":
        if not isinstance(value, str):
            return "Enter text"
        return "" if len(value) <= TEXT_LIMIT else f"Enter {TEXT_LIMIT} characters or less"
    return "Unknown question kind"


def clean_answers(questions: list[dict], answers: dict) -> dict:
    """The answers without blanks and without answers to questions now hidden: a form posts every
    field, and the server, not the browser, decides which follow-ups apply."""
    cleaned = {k: v for k, v in answers.items() if not _is_blank(v)}
    changed = True
    while changed:  # hiding a parent hides its follow-ups in turn
        changed = False
        for question in questions:
            if question["code"] in cleaned and not is_shown(question, cleaned):
                del cleaned[question["code"]]
                changed = True
    return cleaned
