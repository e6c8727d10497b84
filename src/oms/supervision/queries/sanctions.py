"""Reading the sanctions matrix in force and the violations of a case with the responses allowed."""

from __future__ import annotations

from dataclasses import dataclass

from oms.core.actor import Actor
from oms.people.queries.records import one_in_scope
from oms.supervision.models import SanctionBand, SupervisionCase, Violation
from oms.supervision.rules import sanctions as rules

VIEW = "supervision.view"


def matrix() -> dict[tuple[str, str], tuple[str, str]]:
    """The stored bands, over the default for any cell not stored."""
    stored = {(b.severity, b.level): (b.least, b.most) for b in SanctionBand.objects.all()}
    return {**rules.DEFAULT_MATRIX, **stored}


def bands(actor: Actor) -> list[SanctionBand]:
    actor.require(VIEW)
    return list(SanctionBand.objects.select_related("updated_by").order_by("severity", "level"))


def find_violation(actor: Actor, public_id, *, for_update: bool = False) -> Violation:
    return one_in_scope(
        actor,
        Violation.objects.select_related("case__person", "case__office"),
        public_id,
        person_path="case__person",
        code="supervision.violation_not_found",
        for_update=for_update,
    )


def allowed_for(violation: Violation, case_kind: str, current=None) -> tuple[str, ...]:
    return rules.allowed_responses(
        current or matrix(), severity=violation.severity, level=violation.level_at_record, case_kind=case_kind
    )


@dataclass
class ViolationView:
    violation: Violation
    allowed: tuple[str, ...]

    @property
    def allowed_labels(self) -> list[str]:
        return [rules.RESPONSE_LABELS[r] for r in self.allowed]


def violations_of(case: SupervisionCase) -> list[ViolationView]:
    current = matrix()
    rows = case.violations.select_related("recorded_by", "responded_by", "appointment")
    return [ViolationView(v, allowed_for(v, case.kind, current)) for v in rows]
