"""Warnings and breach: services with audit (warning, start, advance, recall closing the case, the
compliance period resetting after a resolved breach), the API with its permission matrix, and the pages."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.supervision.models import Breach, SupervisionCase
from oms.supervision.queries import cases as queries
from oms.supervision.services import breach as services
from tests.factories import actor_of, login_verified
from tests.people.test_api import bearer
from tests.supervision.factories import at, make_appointment, make_case

pytestmark = pytest.mark.django_db
BASE = "/api/v1/supervision"
START = dt.date(2026, 4, 1)


@pytest.fixture
def case(person, office_c, frank):
    case = make_case(person, office=office_c, officer=frank, starts_on=START)
    make_appointment(case, at(dt.date(2026, 4, 6)), outcome="attended")
    make_appointment(case, at(dt.date(2026, 4, 13)), outcome="failed_unacceptable")
    make_appointment(case, at(dt.date(2026, 4, 20)), outcome="failed_acceptable")
    make_appointment(case, at(dt.date(2026, 4, 27)), outcome="unacceptable_behaviour")
    make_appointment(case, at(dt.date(2026, 4, 28)), kind="phone", outcome="failed_unacceptable")
    return case


def test_warning_then_breach_then_withdrawn_resets_the_counts(frank_actor, case):
    failed = case.appointments.get(outcome="failed_unacceptable", kind="office")
    summary = queries.detail_of(case).breach
    assert (summary.compliance.failures, summary.warnings, summary.advice.action) == (2, 0, "warning")
    warning = services.issue_warning(
        frank_actor,
        case_id=case.public_id,
        reason="Missed without reason",
        appointment_id=failed.public_id,
        issued_on=dt.date(2026, 4, 14),
    )
    assert warning.issued_on == dt.date(2026, 4, 14) and warning.issued_by_id == frank_actor.user_id
    summary = queries.detail_of(case).breach
    # The phone call does not count: only national-standard appointment types do.
    assert (summary.compliance.failures, summary.warnings, summary.advice.action) == (2, 1, "breach")
    with pytest.raises(Conflict) as again:
        services.issue_warning(frank_actor, case_id=case.public_id, reason="Again", appointment_id=failed.public_id)
    assert again.value.code == "supervision.already_warned"

    breach = services.start_breach(
        frank_actor, case_id=case.public_id, reason="Second failure after a warning", initiated_on=dt.date(2026, 4, 29)
    )
    assert breach.state == "initiated" and breach.steps.count() == 1
    with pytest.raises(Conflict) as second:
        services.start_breach(frank_actor, case_id=case.public_id, reason="Another")
    assert second.value.code == "supervision.breach_open"
    assert queries.detail_of(case).breach.advice.action == "breach_open"

    with pytest.raises(RuleViolation) as illegal:
        services.advance_breach(frank_actor, breach_id=breach.public_id, version=1, state="proven", reason="x")
    assert illegal.value.field == "state"
    breach = services.advance_breach(
        frank_actor,
        breach_id=breach.public_id,
        version=1,
        state="summons",
        reason="Court listed 10 June",
        on=dt.date(2026, 4, 30),
    )
    with pytest.raises(RuleViolation) as backwards:
        services.advance_breach(
            frank_actor, breach_id=breach.public_id, version=2, state="withdrawn", reason="x", on=dt.date(2026, 4, 29)
        )
    assert backwards.value.field == "on"
    with pytest.raises(Conflict):
        services.advance_breach(frank_actor, breach_id=breach.public_id, version=1, state="withdrawn", reason="x")
    breach = services.advance_breach(
        frank_actor,
        breach_id=breach.public_id,
        version=2,
        state="withdrawn",
        reason="CPS withdrew",
        on=dt.date(2026, 5, 1),
    )
    assert (breach.state, breach.resolved_on, breach.outcome) == ("withdrawn", dt.date(2026, 5, 1), "")
    assert [s.to_state for s in breach.steps.all()] == ["initiated", "summons", "withdrawn"]
    summary = queries.detail_of(case).breach
    assert summary.since == dt.date(2026, 5, 1)
    assert (summary.compliance.failures, summary.compliance.attended, summary.warnings) == (0, 0, 0)
    assert summary.open_breach is None and summary.advice.action == "none"
    actions = list(AuditEvent.objects.filter(action__startswith="supervision.").values_list("action", flat=True))
    assert actions.count("supervision.breach_advanced") == 2
    assert {"supervision.warning_issued", "supervision.breach_initiated"} <= set(actions)
    advanced = AuditEvent.objects.filter(action="supervision.breach_advanced").order_by("id").last()
    assert advanced.details["from"] == "summons" and advanced.details["to"] == "withdrawn"
    assert advanced.reason == "CPS withdrew"


def test_a_proven_recall_closes_the_licence_case(frank_actor, person, office_c, frank):
    case = make_case(person, office=office_c, officer=frank, kind="licence", starts_on=START)
    breach = services.start_breach(frank_actor, case_id=case.public_id, reason="Further offence")
    services.advance_breach(frank_actor, breach_id=breach.public_id, version=1, state="warrant", reason="Absconded")
    with pytest.raises(RuleViolation) as wrong:
        services.advance_breach(
            frank_actor, breach_id=breach.public_id, version=2, state="proven", reason="x", outcome="revoked"
        )
    assert wrong.value.field == "outcome"
    services.advance_breach(
        frank_actor, breach_id=breach.public_id, version=2, state="proven", reason="Recall", outcome="recalled"
    )
    case.refresh_from_db()
    assert case.status == SupervisionCase.Status.CLOSED and "recalled to custody" in case.closed_reason
    assert AuditEvent.objects.filter(action="supervision.case_closed", object_id=str(case.public_id)).exists()


def test_a_proven_breach_that_continues_the_order_keeps_it_open(frank_actor, case):
    breach = services.start_breach(frank_actor, case_id=case.public_id, reason="Failures")
    services.advance_breach(frank_actor, breach_id=breach.public_id, version=1, state="summons", reason="Listed")
    services.advance_breach(
        frank_actor, breach_id=breach.public_id, version=2, state="proven", reason="Fined", outcome="continued"
    )
    case.refresh_from_db()
    assert case.status == "open" and Breach.objects.get(pk=breach.pk).outcome == "continued"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda a, c: services.issue_warning(a, case_id=c.public_id, reason=""), "reason"),
        (
            lambda a, c: services.issue_warning(a, case_id=c.public_id, reason="x", issued_on=dt.date(2026, 7, 1)),
            "issued_on",
        ),
        (
            lambda a, c: services.issue_warning(a, case_id=c.public_id, reason="x", issued_on=dt.date(2026, 1, 1)),
            "issued_on",
        ),
        (
            lambda a, c: services.issue_warning(
                a, case_id=c.public_id, reason="x", appointment_id=c.appointments.get(outcome="attended").public_id
            ),
            "appointment_id",
        ),
        (lambda a, c: services.start_breach(a, case_id=c.public_id, reason=" "), "reason"),
    ],
)
def test_bad_input_names_the_field(frank_actor, case, call, field):
    with pytest.raises(RuleViolation) as raised:
        call(frank_actor, case)
    assert raised.value.field == field


def test_scope_and_permission(case, pete, alice, person, office_c):
    with pytest.raises(NotFound):
        services.issue_warning(actor_of(pete), case_id=case.public_id, reason="x")
    with pytest.raises(PermissionDenied):
        services.start_breach(actor_of(alice), case_id=case.public_id, reason="x")


# --- API -----------------------------------------------------------------------------------------


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


def test_breach_through_the_api(client, frank, case):
    warned = post(client, f"/cases/{case.public_id}/warnings", {"reason": "Missed"}, bearer(frank))
    assert warned.status_code == 201, warned.content
    body = warned.json()
    assert body["breach_summary"]["warnings_in_period"] == 1 and body["breach_summary"]["advice"] == "breach"
    started = post(client, f"/cases/{case.public_id}/breaches", {"reason": "Second failure"}, bearer(frank))
    assert started.status_code == 201
    breach = started.json()["breaches"][0]
    assert breach["state"] == "initiated" and breach["allowed_next"] == ["summons", "warrant", "withdrawn"]
    assert started.json()["breach_summary"]["open_breach_id"] == breach["id"]
    again = post(client, f"/cases/{case.public_id}/breaches", {"reason": "Again"}, bearer(frank))
    assert again.status_code == 409
    illegal = post(
        client, f"/breaches/{breach['id']}/advance", {"version": 1, "state": "proven", "reason": "x"}, bearer(frank)
    )
    assert illegal.status_code == 422 and illegal.json()["field"] == "state"
    bad = post(
        client, f"/breaches/{breach['id']}/advance", {"version": 1, "state": "bogus", "reason": "x"}, bearer(frank)
    )
    assert bad.status_code == 422
    summons = post(
        client, f"/breaches/{breach['id']}/advance", {"version": 1, "state": "summons", "reason": "x"}, bearer(frank)
    )
    assert summons.status_code == 200
    proven = post(
        client,
        f"/breaches/{breach['id']}/advance",
        {"version": 2, "state": "proven", "reason": "Order revoked", "outcome": "revoked"},
        bearer(frank),
    )
    assert proven.status_code == 200 and proven.json()["status"] == "closed"
    assert proven.json()["breaches"][0]["steps"][-1]["recorded_by"] == "frank"


def test_api_permission_matrix(client, frank, sue, pete, alice, ann, case):
    path = f"/cases/{case.public_id}/warnings"
    assert client.post(f"{BASE}{path}", {"reason": "x"}, content_type="application/json").status_code == 401
    assert post(client, path, {"reason": "x"}, bearer(alice)).status_code == 403
    assert post(client, path, {"reason": "x"}, bearer(ann)).status_code == 403
    assert post(client, path, {"reason": "x"}, bearer(pete)).status_code == 404
    assert post(client, path, {"reason": "x"}, bearer(sue)).status_code == 201
    started = post(client, f"/cases/{case.public_id}/breaches", {"reason": "x"}, bearer(frank))
    assert started.status_code == 201
    breach_id = started.json()["breaches"][0]["id"]
    move = {"version": 1, "state": "withdrawn", "reason": "x"}
    assert post(client, f"/breaches/{breach_id}/advance", move, bearer(pete)).status_code == 404
    assert post(client, f"/breaches/{breach_id}/advance", move, bearer(alice)).status_code == 403
    assert post(client, "/breaches/not-an-id/advance", move, bearer(frank)).status_code == 404
    assert post(client, f"/breaches/{breach_id}/advance", move, bearer(sue)).status_code == 200


# --- pages ---------------------------------------------------------------------------------------


def test_the_case_page_shows_compliance_and_the_breach_forms(client, frank, case):
    as_frank = login_verified(client, frank)
    page = as_frank.get(f"/supervision/cases/{case.public_id}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Issue a warning" in body and "Start breach proceedings" in body
    assert "A failure to comply is waiting for a warning" in body

    empty = as_frank.post(f"/supervision/cases/{case.public_id}/warnings/new/", {})
    assert empty.status_code == 422 and "Enter the reason for the warning" in empty.content.decode()
    failed = case.appointments.get(outcome="failed_unacceptable", kind="office")
    issued = as_frank.post(
        f"/supervision/cases/{case.public_id}/warnings/new/",
        {"reason": "Missed 13 April", "appointment_id": str(failed.public_id)},
    )
    assert issued.status_code == 302
    started = as_frank.post(f"/supervision/cases/{case.public_id}/breaches/new/", {"reason": "Second failure"})
    assert started.status_code == 302
    breach = Breach.objects.get(case=case)
    form = as_frank.get(f"/supervision/breaches/{breach.public_id}/advance/")
    assert form.status_code == 200 and "Summons issued" in form.content.decode()
    illegal = as_frank.post(
        f"/supervision/breaches/{breach.public_id}/advance/", {"state": "proven", "reason": "x", "version": 1}
    )
    assert illegal.status_code == 422
    moved = as_frank.post(
        f"/supervision/breaches/{breach.public_id}/advance/", {"state": "summons", "reason": "Listed", "version": 1}
    )
    assert moved.status_code == 302
    body = as_frank.get(f"/supervision/cases/{case.public_id}/").content.decode()
    assert "Summons issued" in body and "Missed 13 April" in body and "Move on" in body


def test_pages_refuse_the_wrong_role_and_another_office(client, case, pete, alice):
    assert login_verified(client, alice).get(f"/supervision/cases/{case.public_id}/warnings/new/").status_code == 403
    client.logout()
    assert login_verified(client, pete).get(f"/supervision/cases/{case.public_id}/breaches/new/").status_code == 404
