"""Reading drug tests: one test in scope, the tests due on a day, a case's tests, and recomputing a
stored selection from its seed and roster."""

from __future__ import annotations

import datetime as dt

from oms.core.actor import Actor
from oms.people.queries.records import one_in_scope, rows_in_scope
from oms.supervision.models import DrugTest, TestSelection
from oms.supervision.rules import testing as rules

VIEW = "supervision.view"


def find_test(actor: Actor, public_id, *, for_update: bool = False) -> DrugTest:
    return one_in_scope(
        actor,
        DrugTest.objects.select_related("case__person", "case__office"),
        public_id,
        person_path="case__person",
        code="supervision.test_not_found",
        for_update=for_update,
    )


def tests_due(actor: Actor, on: dt.date) -> list[DrugTest]:
    """Pending tests due on ``on`` for the people the actor can reach (supervision.view)."""
    actor.require(VIEW)
    rows = DrugTest.objects.filter(due_on=on, result=DrugTest.Result.PENDING).select_related(
        "case__person", "case__officer"
    )
    return list(rows_in_scope(actor, rows, "case__person").order_by("case__person__family_name", "id")[:1000])


def verify(selection: TestSelection) -> bool:
    """Whether the stored selection is exactly what its seed, date and roster select."""
    roster = [tuple(r) for r in selection.roster]
    return rules.select(roster, on=selection.on, seed=selection.seed) == list(selection.selected)
