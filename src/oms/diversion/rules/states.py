"""The participation's legal state transitions."""

from __future__ import annotations

from oms.core.errors import RuleViolation

TRANSITIONS: dict[str, frozenset[str]] = {
    "referred": frozenset({"eligible", "ineligible"}),
    "eligible": frozenset({"agreement_signed", "terminated"}),
    "ineligible": frozenset(),
    "agreement_signed": frozenset({"active", "terminated"}),
    "active": frozenset({"completed", "terminated"}),
    "completed": frozenset(),
    "terminated": frozenset(),
}
FINAL = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)
IN_PROGRAMME = frozenset({"agreement_signed", "active"})


def check_transition(current: str, wanted: str) -> str:
    """``wanted`` when the move is legal, else RuleViolation naming the field ``state``."""
    if current not in TRANSITIONS:
        raise RuleViolation(f"Unknown state '{current}'", code="diversion.unknown_state", field="state")
    if wanted not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (it is final)"
        raise RuleViolation(
            f"A participation that is {current} cannot become {wanted}; allowed: {allowed}",
            code="diversion.illegal_transition",
            field="state",
        )
    return wanted
