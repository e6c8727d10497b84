"""Court cases, hearings, charges and warrants through their services: who may change them (403 for the
wrong role, 404 for a person out of scope), the checks, and one audit event per change."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.sentencing.models import CourtCase, Warrant
from oms.sentencing.queries import records as queries
from oms.sentencing.services import records as services
from tests.sentencing.factories import make_offence

pytestmark = pytest.mark.django_db
HEARD_AT = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_records_officer_opens_a_court_case_audited(alice_actor, person):
    court_case = services.create_court_case(
        alice_actor, person_id=person.public_id, case_number="t20267777", court_name="Leeds Crown Court"
    )
    assert court_case.case_number == "T20267777" and court_case.person == person
    [event] = events("sentencing.court_case_created")
    assert event.subject_person_id == person.pk and event.object_id == str(court_case.public_id)


def test_wrong_role_is_refused_and_other_site_is_not_found(charlie_actor, bob_actor, person):
    with pytest.raises(PermissionDenied):
        services.create_court_case(charlie_actor, person_id=person.public_id, case_number="X1", court_name="Leeds")
    with pytest.raises(NotFound):
        services.create_court_case(bob_actor, person_id=person.public_id, case_number="X1", court_name="Leeds")
    assert not CourtCase.objects.exists()


def test_other_site_cannot_reach_a_case_by_its_id(bob_actor, court_case):
    with pytest.raises(NotFound):
        queries.get_court_case(bob_actor, court_case.public_id)
    with pytest.raises(NotFound):
        services.add_hearing(bob_actor, court_case_id=court_case.public_id, kind="plea", hearing_at=HEARD_AT)


def test_a_court_cannot_have_two_cases_with_one_number(alice_actor, person, court_case):
    with pytest.raises(Conflict) as refused:
        services.create_court_case(
            alice_actor,
            person_id=person.public_id,
            case_number=court_case.case_number,
            court_name=court_case.court_name,
        )
    assert refused.value.field == "case_number"


def test_court_case_change_needs_the_version_read(alice_actor, court_case):
    changed = services.update_court_case(
        alice_actor, court_case_id=court_case.public_id, version=1, changes={"status": "closed"}
    )
    assert changed.version == 2 and changed.status == "closed"
    with pytest.raises(Conflict):
        services.update_court_case(
            alice_actor, court_case_id=court_case.public_id, version=1, changes={"status": "active"}
        )
    [event] = events("sentencing.court_case_updated")
    assert event.changed_fields == ["status"]


def test_hearing_outcome_and_next_hearing(alice_actor, court_case):
    with pytest.raises(RuleViolation) as refused:
        services.add_hearing(
            alice_actor, court_case_id=court_case.public_id, kind="plea", hearing_at=HEARD_AT, outcome="adjourned"
        )
    assert refused.value.field == "next_hearing_on"
    hearing = services.add_hearing(
        alice_actor,
        court_case_id=court_case.public_id,
        kind="plea",
        hearing_at=HEARD_AT,
        outcome="adjourned",
        next_hearing_on=dt.date(2026, 4, 1),
    )
    updated = services.update_hearing(alice_actor, hearing_id=hearing.public_id, changes={"outcome": "remanded"})
    assert updated.outcome == "remanded"
    with pytest.raises(RuleViolation) as backwards:
        services.update_hearing(
            alice_actor, hearing_id=hearing.public_id, changes={"next_hearing_on": dt.date(2026, 3, 1)}
        )
    assert backwards.value.field == "next_hearing_on"
    assert len(events("sentencing.hearing_recorded")) == 1 and len(events("sentencing.hearing_updated")) == 1


def test_charge_needs_an_active_catalogue_offence(alice_actor, court_case, theft):
    make_offence("OLD01", "Repealed offence", active=False)
    for code, problem in (("NOPE", "sentencing.unknown_offence"), ("OLD01", "sentencing.inactive_offence")):
        with pytest.raises(RuleViolation) as refused:
            services.add_charge(
                alice_actor, court_case_id=court_case.public_id, offence_code=code, committed_from=dt.date(2025, 9, 1)
            )
        assert refused.value.code == problem and refused.value.field == "offence_code"
    charge = services.add_charge(
        alice_actor,
        court_case_id=court_case.public_id,
        offence_code="th68001",
        committed_from=dt.date(2025, 9, 1),
        committed_to=dt.date(2025, 9, 3),
        plea="guilty",
    )
    assert charge.offence == theft
    convicted = services.update_charge(
        alice_actor, charge_id=charge.public_id, changes={"outcome": "convicted", "outcome_on": dt.date(2026, 1, 12)}
    )
    assert convicted.outcome == "convicted"
    assert [e.changed_fields for e in events("sentencing.charge_updated")] == [["outcome", "outcome_on"]]


def test_charge_period_cannot_run_backwards(alice_actor, court_case, theft):
    with pytest.raises(RuleViolation) as refused:
        services.add_charge(
            alice_actor,
            court_case_id=court_case.public_id,
            offence_code=theft.code,
            committed_from=dt.date(2025, 9, 3),
            committed_to=dt.date(2025, 9, 1),
        )
    assert refused.value.field == "committed_to"


def test_warrants_end_once_and_holds_are_listed_for_release(alice_actor, person):
    detainer = services.record_warrant(
        alice_actor,
        person_id=person.public_id,
        kind="detainer",
        reference="HO-123",
        issued_by="Home Office",
        issued_on=dt.date(2026, 2, 1),
    )
    remand = services.record_warrant(
        alice_actor,
        person_id=person.public_id,
        kind="remand",
        reference="R-1",
        issued_by="Leeds",
        issued_on=dt.date(2026, 2, 1),
    )
    arrest = services.record_warrant(
        alice_actor,
        person_id=person.public_id,
        kind="arrest",
        reference="A-9",
        issued_by="York",
        issued_on=dt.date(2026, 2, 2),
    )
    assert queries.open_warrants_and_detainers(person) == [detainer, arrest]
    with pytest.raises(RuleViolation) as early:
        services.end_warrant(alice_actor, warrant_id=arrest.public_id, status="executed", ended_on=dt.date(2026, 1, 1))
    assert early.value.field == "ended_on"
    services.end_warrant(alice_actor, warrant_id=arrest.public_id, status="executed", ended_on=dt.date(2026, 3, 1))
    with pytest.raises(Conflict):
        services.end_warrant(alice_actor, warrant_id=arrest.public_id, status="lifted", ended_on=dt.date(2026, 3, 2))
    services.end_warrant(alice_actor, warrant_id=detainer.public_id, status="lifted", ended_on=dt.date(2026, 3, 1))
    assert queries.open_warrants_and_detainers(person) == []
    assert Warrant.objects.get(pk=remand.pk).status == "active"
    assert len(events("sentencing.warrant_recorded")) == 3
    assert len(events("sentencing.warrant_executed")) == 1 and len(events("sentencing.warrant_lifted")) == 1


def test_legal_record_read_is_audited_and_scoped(alice_actor, bob_actor, charlie_actor, person, court_case):
    record = queries.legal_record(alice_actor, person.public_id)
    assert record.court_cases == [court_case]
    [event] = events("sentencing.legal_record_viewed")
    assert event.subject_person_id == person.pk
    with pytest.raises(NotFound):
        queries.legal_record(bob_actor, person.public_id)
    with pytest.raises(PermissionDenied):
        queries.legal_record(charlie_actor, person.public_id)
