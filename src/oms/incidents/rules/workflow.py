"""The incident report workflow as a table (pure).

draft -> submitted -> under_review -> (investigation) -> closed (domain-rules.md "Incidents";
hmpps-incident-reporting-api). A submitted report is never edited: corrections are requested by a
reviewer and answered by the reporter with addenda, which are allowed at any status after draft.
"""

from __future__ import annotations

DRAFT = "draft"
SUBMITTED = "submitted"
UNDER_REVIEW = "under_review"
INVESTIGATION = "investigation"
CLOSED = "closed"

# action -> (statuses it may start from, status it leads to, permission needed)
TRANSITIONS: dict[str, tuple[frozenset[str], str | None, str]] = {
    "edit": (frozenset({DRAFT}), DRAFT, "incidents.report"),
    "submit": (frozenset({DRAFT}), SUBMITTED, "incidents.report"),
    "start_review": (frozenset({SUBMITTED}), UNDER_REVIEW, "incidents.review"),
    "request_correction": (frozenset({SUBMITTED, UNDER_REVIEW, INVESTIGATION}), None, "incidents.review"),
    "add_addendum": (frozenset({SUBMITTED, UNDER_REVIEW, INVESTIGATION, CLOSED}), None, "incidents.report"),
    "start_investigation": (frozenset({UNDER_REVIEW}), INVESTIGATION, "incidents.review"),
    "record_findings": (frozenset({INVESTIGATION}), None, "incidents.investigate"),
    "close": (frozenset({UNDER_REVIEW, INVESTIGATION}), CLOSED, "incidents.review"),
}


def refusal(action: str, status: str) -> str:
    """Empty when ``action`` is allowed from ``status``; otherwise a stable code naming why."""
    if action not in TRANSITIONS:
        return "incidents.unknown_action"
    allowed_from, _, _ = TRANSITIONS[action]
    if status in allowed_from:
        return ""
    if action == "edit" or (action == "submit" and status != DRAFT):
        return "incidents.not_draft" if action == "edit" else "incidents.already_submitted"
    if action == "add_addendum" and status == DRAFT:
        return "incidents.draft_has_no_addenda"
    if status == CLOSED:
        return "incidents.closed"
    return f"incidents.cannot_{action}"


def next_status(action: str, status: str) -> str:
    """The status after ``action`` (unchanged for actions that do not move the report)."""
    return TRANSITIONS[action][1] or status


def permission_for(action: str) -> str:
    return TRANSITIONS[action][2]


def available_actions(status: str) -> list[str]:
    return [action for action, (allowed_from, _, _) in TRANSITIONS.items() if status in allowed_from]
