"""Drug and alcohol testing: the seeded selection (reproducible whatever the roster order, rates by
level), the selection service storing seed and roster, results raising violations through the
sanctions service, the API with its permission matrix, the pages and the CLI command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.supervision.models import DrugTest, TestSelection, Violation
from oms.supervision.queries import testing as testing_queries
from oms.supervision.rules import testing as rules
from oms.supervision.services import testing as services
from tests.factories import actor_of, login_verified
from tests.people.conftest import make_person
from tests.people.test_api import bearer
from tests.supervision.factories import make_case

BASE = "/api/v1/supervision"
DAY = dt.date(2026, 6, 1)


# --- rules ---------------------------------------------------------------------------------------


def roster(n: int, level: str = "high") -> list[tuple[str, str]]:
    return [(f"case-{i:04d}", level) for i in range(n)]


def test_the_same_seed_and_roster_select_the_same_cases_in_any_order():
    people = roster(400)
    first = rules.select(people, on=DAY, seed=42)
    assert first == rules.select(list(reversed(people)), on=DAY, seed=42)
    assert first != rules.select(people, on=DAY, seed=43)
    assert first != rules.select(people, on=DAY + dt.timedelta(days=1), seed=42)
    # One case's draw does not depend on the others on the roster.
    assert [c for c in first if c != "case-0000"] == rules.select(people[1:], on=DAY, seed=42)


@pytest.mark.parametrize(("level", "probability"), [(s.level, s.probability) for s in rules.SCHEDULES.values()])
def test_selection_rates_follow_the_schedule(level, probability):
    people = roster(4000, level)
    chosen = sum(len(rules.select(people, on=DAY + dt.timedelta(days=d), seed=7)) for d in range(5))
    rate = chosen / (len(people) * 5)
    assert abs(rate - probability) < 0.02


def test_unknown_levels_are_never_selected_and_draws_are_in_range():
    assert rules.select([("x", "extreme")], on=DAY, seed=1) == []
    assert all(0 <= rules.draw(s, DAY, "c") < 1 for s in range(100))


@pytest.mark.parametrize(
    ("result", "violation", "severity"),
    [
        ("negative", False, None),
        ("dilute", False, None),
        ("positive", True, "medium"),
        ("refused", True, "medium"),
        ("missed", True, "low"),
    ],
)
def test_which_results_are_violations(result, violation, severity):
    assert (result in rules.VIOLATING_RESULTS) is violation
    assert rules.RESULT_SEVERITY.get(result) == severity


# --- services ------------------------------------------------------------------------------------


@pytest.fixture
def cases(office_c, frank):
    made = []
    for i in range(40):
        person = make_person(office_c, family=f"Tested{i}", given="Pat", dob=dt.date(1990, 1, 1 + i % 28))
        made.append(make_case(person, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1)))
    return made


@pytest.mark.django_db
def test_selection_stores_seed_and_roster_and_is_reproducible(frank_actor, cases):
    selection = services.select_tests(frank_actor, on=DAY, seed=2026)
    assert len(selection.roster) == 40 and selection.seed == 2026
    assert selection.selected == rules.select([tuple(r) for r in selection.roster], on=DAY, seed=2026)
    assert testing_queries.verify(selection)
    assert DrugTest.objects.filter(selection=selection).count() == len(selection.selected)
    event = AuditEvent.objects.get(action="supervision.tests_selected")
    assert event.details["seed"] == 2026 and event.details["selected"] == selection.selected
    # A second run the same day leaves out those already selected.
    again = services.select_tests(frank_actor, on=DAY, seed=2026)
    assert len(again.roster) == 40 - len(selection.selected)
    assert not set(again.selected) & set(selection.selected)
    # Same seed on a fresh day with an identical roster: the same as the pure rule.
    later = services.select_tests(frank_actor, on=DAY + dt.timedelta(days=3), seed=99)
    assert later.selected == rules.select([tuple(r) for r in later.roster], on=later.on, seed=99)


@pytest.mark.django_db
def test_a_random_seed_is_stored_when_none_is_given(frank_actor, cases):
    selection = services.select_tests(frank_actor, on=DAY)
    assert 0 <= selection.seed < services.MAX_SEED and testing_queries.verify(selection)
    with pytest.raises(RuleViolation) as past:
        services.select_tests(frank_actor, on=DAY - dt.timedelta(days=1))
    assert past.value.field == "on"


@pytest.mark.django_db
def test_results_raise_violations(frank_actor, cases):
    case = cases[0]
    test = services.order_test(frank_actor, case_id=case.public_id)
    with pytest.raises(Conflict):
        services.order_test(frank_actor, case_id=case.public_id)
    with pytest.raises(RuleViolation) as no_substance:
        services.record_result(frank_actor, test_id=test.public_id, result="positive")
    assert no_substance.value.field == "substances"
    done = services.record_result(
        frank_actor, test_id=test.public_id, result="positive", substances=["Cocaine", "cannabis", "Cocaine"]
    )
    assert done.substances == ["Cocaine", "cannabis"] and done.violation is not None
    violation = Violation.objects.get(pk=done.violation_id)
    assert (violation.source, violation.severity, violation.case_id) == ("drug_test", "medium", case.pk)
    assert violation.awaiting_response
    assert AuditEvent.objects.filter(action="supervision.violation_recorded").count() == 1
    with pytest.raises(Conflict):
        services.record_result(frank_actor, test_id=test.public_id, result="negative")

    negative = services.order_test(frank_actor, case_id=cases[1].public_id)
    assert services.record_result(frank_actor, test_id=negative.public_id, result="negative").violation is None
    dilute = services.order_test(frank_actor, case_id=cases[2].public_id)
    assert services.record_result(frank_actor, test_id=dilute.public_id, result="dilute").violation is None
    missed = services.order_test(frank_actor, case_id=cases[3].public_id)
    assert services.record_result(frank_actor, test_id=missed.public_id, result="missed").violation.severity == "low"
    future = services.order_test(frank_actor, case_id=cases[4].public_id, due_on=DAY + dt.timedelta(days=2))
    with pytest.raises(RuleViolation):
        services.record_result(frank_actor, test_id=future.public_id, result="negative")


@pytest.mark.django_db
def test_scope_and_permission(cases, pete, alice, frank_actor):
    test = services.order_test(frank_actor, case_id=cases[0].public_id)
    with pytest.raises(NotFound):
        services.record_result(actor_of(pete), test_id=test.public_id, result="negative")
    with pytest.raises(PermissionDenied):
        services.order_test(actor_of(alice), case_id=cases[0].public_id)
    # Pete's office reaches none of Office C's cases: his selection draws from an empty roster.
    assert services.select_tests(actor_of(pete), on=DAY, seed=1).roster == []


@pytest.mark.django_db
def test_the_cli_command(cases):
    out = io.StringIO()
    call_command("supervision_select_tests", "--date", "2026-06-02", "--seed", "5", stdout=out)
    selection = TestSelection.objects.get()
    assert selection.seed == 5 and "reproducible" in out.getvalue() and "seed 5" in out.getvalue()
    assert selection.selected == rules.select([tuple(r) for r in selection.roster], on=dt.date(2026, 6, 2), seed=5)


# --- API and pages -------------------------------------------------------------------------------


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


@pytest.mark.django_db
def test_testing_through_the_api(client, frank, pete, alice, cases):
    assert post(client, "/tests/selections", {"on": "2026-06-01", "seed": 3}, bearer(alice)).status_code == 403
    assert post(client, "/tests/selections", {"on": "2026-06-01", "seed": -1}, bearer(frank)).status_code == 422
    made = post(client, "/tests/selections", {"on": "2026-06-01", "seed": 3}, bearer(frank))
    assert made.status_code == 201 and made.json()["reproducible"] and made.json()["roster_size"] == 40
    due = client.get(f"{BASE}/tests/due", {"on": "2026-06-01"}, **bearer(frank))
    assert due.status_code == 200 and len(due.json()) == len(made.json()["selected"])
    assert client.get(f"{BASE}/tests/due", **bearer(pete)).json() == []
    spare = next(c for c in cases if str(c.public_id) not in made.json()["selected"])
    path = f"/cases/{spare.public_id}/tests"
    assert post(client, path, {}, bearer(pete)).status_code == 404
    assert post(client, path, {}, bearer(alice)).status_code == 403
    ordered = post(client, path, {}, bearer(frank))
    assert ordered.status_code == 201
    test_id = ordered.json()["drug_tests"][0]["id"]
    assert post(client, f"/tests/{test_id}/result", {"result": "bogus"}, bearer(frank)).status_code == 422
    assert post(client, f"/tests/{test_id}/result", {"result": "refused"}, bearer(pete)).status_code == 404
    refused = post(client, f"/tests/{test_id}/result", {"result": "refused"}, bearer(frank))
    assert refused.status_code == 200
    body = refused.json()
    assert body["drug_tests"][0]["violation_id"] == body["violations"][0]["id"]
    assert body["violations"][0]["source"] == "drug_test"


@pytest.mark.django_db
def test_testing_pages(client, frank, alice, cases):
    as_frank = login_verified(client, frank)
    page = as_frank.get("/supervision/tests/")
    assert page.status_code == 200 and "Run the selection" in page.content.decode()
    bad = as_frank.post("/supervision/tests/", {"seed": "x"})
    assert bad.status_code == 422
    ran = as_frank.post("/supervision/tests/", {"on_day": 1, "on_month": 6, "on_year": 2026, "seed": 11})
    assert ran.status_code == 302
    selected = TestSelection.objects.get().selected
    listing = as_frank.get("/supervision/tests/?on=2026-06-01").content.decode()
    assert listing.count("Record result") == len(selected)
    case = cases[0]
    test = DrugTest.objects.filter(case=case).first() or services.order_test(actor_of(frank), case_id=case.public_id)
    url = f"/supervision/tests/{test.public_id}/result/"
    empty = as_frank.post(url, {"result": "positive"})
    assert empty.status_code == 422 and "Enter the substances found" in empty.content.decode()
    assert as_frank.post(url, {"result": "positive", "substances": "heroin, cocaine"}).status_code == 302
    body = as_frank.get(f"/supervision/cases/{case.public_id}/").content.decode()
    assert "cocaine, heroin" in body and "Violation" in body
    assert as_frank.get(f"/supervision/cases/{case.public_id}/tests/new/").status_code == 200
    client.logout()
    assert login_verified(client, alice).get("/supervision/tests/").status_code == 403
