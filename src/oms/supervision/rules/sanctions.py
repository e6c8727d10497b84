"""Graduated sanctions: the ordered scale of responses to a violation, the default matrix (violation
severity x supervision level -> the band of responses allowed), and the suggestion rule. Pure: the
matrix in force is stored as data (``models.SanctionBand``) and passed in as plain tuples.

The default and its reasoning are in docs/supervision-sanctions.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oms.core.errors import RuleViolation

# Least to most severe. "recall" is open only to a licence case (an order is revoked through breach).
RESPONSES = (
    "verbal_warning",
    "written_warning",
    "increased_contact",
    "treatment_referral",
    "curfew",
    "breach",
    "recall",
)
RESPONSE_LABELS = {
    "verbal_warning": "Verbal warning",
    "written_warning": "Written warning",
    "increased_contact": "Increased reporting",
    "treatment_referral": "Referral to treatment or a programme",
    "curfew": "Curfew or added restriction",
    "breach": "Breach action (return to court)",
    "recall": "Recall to custody",
}
SEVERITIES = ("low", "medium", "high")

# (severity, level) -> (least, most) response allowed. OMS default: the higher the severity and the level,
# the further up the scale the band starts and ends.
DEFAULT_MATRIX: dict[tuple[str, str], tuple[str, str]] = {
    ("low", "low"): ("verbal_warning", "written_warning"),
    ("low", "medium"): ("verbal_warning", "written_warning"),
    ("low", "high"): ("verbal_warning", "increased_contact"),
    ("low", "very_high"): ("written_warning", "increased_contact"),
    ("medium", "low"): ("written_warning", "treatment_referral"),
    ("medium", "medium"): ("written_warning", "curfew"),
    ("medium", "high"): ("increased_contact", "curfew"),
    ("medium", "very_high"): ("increased_contact", "breach"),
    ("high", "low"): ("increased_contact", "breach"),
    ("high", "medium"): ("treatment_referral", "breach"),
    ("high", "high"): ("curfew", "recall"),
    ("high", "very_high"): ("breach", "recall"),
}


def check_band(least: str, most: str) -> tuple[str, str]:
    if least not in RESPONSES:
        raise RuleViolation("Select the least response", code="supervision.bad_choice", field="least")
    if most not in RESPONSES:
        raise RuleViolation("Select the most severe response", code="supervision.bad_choice", field="most")
    if RESPONSES.index(least) > RESPONSES.index(most):
        raise RuleViolation(
            "The least response must come before the most severe one on the scale",
            code="supervision.band_reversed",
            field="most",
        )
    return least, most


def allowed_responses(
    matrix: Mapping[tuple[str, str], tuple[str, str]], *, severity: str, level: str, case_kind: str
) -> tuple[str, ...]:
    """The responses the matrix allows for a violation of this severity at this level, least first.
    Recall is dropped unless the case is a licence. A missing cell falls back to the default."""
    least, most = matrix.get((severity, level)) or DEFAULT_MATRIX[(severity, level)]
    band = RESPONSES[RESPONSES.index(least) : RESPONSES.index(most) + 1]
    return tuple(r for r in band if r != "recall" or case_kind == "licence")


@dataclass(frozen=True)
class ResponseCheck:
    response: str
    within_matrix: bool


def check_response(response: str, allowed: Iterable[str], *, override_reason: str, case_kind: str) -> ResponseCheck:
    """A chosen response: on the scale; recall only on licence; outside the allowed set only with an
    override reason (RuleViolation on ``override_reason`` without one)."""
    if response not in RESPONSES:
        raise RuleViolation("Select the response", code="supervision.bad_choice", field="response")
    if response == "recall" and case_kind != "licence":
        raise RuleViolation(
            "Recall applies only to a licence: start breach action instead",
            code="supervision.recall_not_licence",
            field="response",
        )
    within = response in tuple(allowed)
    if not within and not (override_reason or "").strip():
        raise RuleViolation(
            "This response is outside what the sanctions matrix allows: enter the reason for the override",
            code="supervision.override_reason_required",
            field="override_reason",
        )
    return ResponseCheck(response, within)
