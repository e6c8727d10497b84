"""Drug and alcohol testing: the seeded random selection for a date, an officer's own test order, and
recording results. A positive, refused or missed result raises a violation through the sanctions
service (source ``drug_test``), in the same transaction.

Permission: supervision.manage_testing, on cases whose person is in scope. The selection draws from the
open cases the actor can reach (a system actor: all), leaving out cases that already have a test that
day; it stores the seed, the roster drawn and the cases selected, so ``queries.testing.verify`` can
recompute it. Audited as ``supervision.tests_selected``, ``supervision.test_ordered``,
``supervision.test_result_recorded``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.people.queries.records import rows_in_scope
from oms.supervision.models import DrugTest, SupervisionCase, TestSelection
from oms.supervision.queries import cases as queries
from oms.supervision.queries import testing as testing_queries
from oms.supervision.rules import testing as rules
from oms.supervision.services import sanctions as sanction_services
from oms.supervision.services._common import check_choice, check_date, check_open, clean_text

MANAGE_TESTING = "supervision.manage_testing"
MAX_SEED = 2**62
SUBSTANCES_LIMIT = 20


def select_tests(actor: Actor, *, on: dt.date, seed: int | None = None) -> TestSelection:
    """Select the cases to test on ``on`` (today or later) by the level schedule, with ``seed`` or a new
    random one. Each selected case gets a pending random test due that day."""
    actor.require(MANAGE_TESTING)
    on = check_date(on, "on", label="date", required=True)
    if on < clock.today():
        raise RuleViolation("The date cannot be in the past", code="supervision.date_in_past", field="on")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    elif not 0 <= seed < MAX_SEED:
        raise RuleViolation("The seed must be a whole number from 0", code="supervision.bad_seed", field="seed")
    cases = list(
        rows_in_scope(actor, SupervisionCase.objects.filter(status=SupervisionCase.Status.OPEN), "person")
        .filter(starts_on__lte=on)
        .exclude(ends_on__lt=on)
        .exclude(drug_tests__due_on=on)
        .select_related("person", "office")
        .order_by("id")
    )
    statuses = queries.statuses(cases)
    roster = sorted([str(s.case.public_id), s.level] for s in statuses)
    chosen = rules.select([tuple(r) for r in roster], on=on, seed=seed)
    now = clock.now()
    selection = TestSelection.objects.create(
        on=on, seed=seed, roster=roster, selected=chosen, created_at=now, created_by_id=actor.user_id
    )
    by_id = {str(c.public_id): c for c in cases}
    DrugTest.objects.bulk_create(
        [
            DrugTest(case=by_id[case_id], selection=selection, reason=DrugTest.Reason.RANDOM, due_on=on, created_at=now)
            for case_id in chosen
        ]
    )
    record_event(
        actor,
        "supervision.tests_selected",
        object_type="supervision_test_selection",
        object_id=selection.public_id,
        details={"on": on.isoformat(), "seed": seed, "roster_size": len(roster), "selected": chosen},
    )
    return selection


def order_test(actor: Actor, *, case_id, due_on: dt.date | None = None, notes: str = "") -> DrugTest:
    """An officer's own test order on an open case (default today)."""
    actor.require(MANAGE_TESTING)
    case = queries.find_case(actor, case_id, for_update=True)
    check_open(case)
    due_on = check_date(due_on, "due_on", label="date") or clock.today()
    if due_on < case.starts_on or (case.ends_on and due_on > case.ends_on):
        raise RuleViolation("The date must fall within the case", code="supervision.outside_case", field="due_on")
    notes = clean_text(notes, "notes", 2000)
    if case.drug_tests.filter(due_on=due_on).exists():
        raise Conflict("A test is already due that day", code="supervision.test_exists", field="due_on")
    test = DrugTest.objects.create(
        case=case, reason=DrugTest.Reason.OFFICER, due_on=due_on, notes=notes, created_at=clock.now()
    )
    record_event(
        actor,
        "supervision.test_ordered",
        object_type="supervision_drug_test",
        object_id=test.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        details={"case_id": str(case.public_id), "due_on": due_on.isoformat()},
    )
    return test


def record_result(actor: Actor, *, test_id, result: str, substances=(), notes: str = "") -> DrugTest:
    """Record a test's result once (Conflict after). Positive needs the substances found. Positive,
    refused or missed raise a violation (source drug_test, severity from ``rules.RESULT_SEVERITY``)."""
    actor.require(MANAGE_TESTING)
    test = testing_queries.find_test(actor, test_id, for_update=True)
    case = test.case
    if test.result != DrugTest.Result.PENDING:
        raise Conflict("The result has already been recorded", code="supervision.result_recorded", field="result")
    result = check_choice(result, rules.RESULTS, "result")
    if test.due_on > clock.today():
        raise RuleViolation("The test is not due yet", code="supervision.test_not_due", field="result")
    found = [clean_text(s, "substances", 60) for s in (substances or [])]
    found = sorted({s for s in found if s})
    if len(found) > SUBSTANCES_LIMIT:
        raise RuleViolation("Name at most 20 substances", code="supervision.too_many", field="substances")
    if result == "positive" and not found:
        raise RuleViolation("Enter the substances found", code="supervision.missing", field="substances")
    if result != "positive":
        found = []
    test.result, test.substances = result, found
    test.notes = clean_text(notes, "notes", 2000) or test.notes
    test.recorded_at, test.recorded_by_id = clock.now(), actor.user_id
    if result in rules.VIOLATING_RESULTS and case.status == SupervisionCase.Status.OPEN:
        what = f"{DrugTest.Result(result).label} drug test due {test.due_on:%d %B %Y}"
        test.violation = sanction_services.record_violation_on(
            actor.lent(sanction_services.MANAGE_BREACH),
            case,
            source="drug_test",
            severity=rules.RESULT_SEVERITY[result],
            description=f"{what}: {', '.join(found)}" if found else what,
            occurred_on=test.due_on,
            details={"trigger": "supervision.test_result_recorded", "test_id": str(test.public_id)},
        )
    test.save()
    record_event(
        actor,
        "supervision.test_result_recorded",
        object_type="supervision_drug_test",
        object_id=test.public_id,
        subject_person_id=case.person_id,
        site_id=case.office_id,
        changed_fields=["result", "substances"],
        details={
            "case_id": str(case.public_id),
            "result": result,
            "substances": found,
            "violation_id": str(test.violation.public_id) if test.violation_id else None,
        },
    )
    return test
