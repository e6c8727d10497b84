"""Supervision cases through their services: opening (one open case of each kind), allocation, the level
and its override, closing, requirements, appointments and outcomes, compliance and the caseload order;
each allowed and refused, with its audit event."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.people.models import PersonSiteLink
from oms.supervision.models import Appointment, SupervisionCase
from oms.supervision.queries import cases as queries
from oms.supervision.services import appointments as appointments
from oms.supervision.services import cases as services
from oms.supervision.services import requirements as requirements
from tests.factories import actor_of, make_user
from tests.supervision.factories import at, make_appointment, make_assessment, make_case

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def open_probation(actor, person, office, officer=None, **changes):
    values = {
        "person_id": person.public_id,
        "kind": "probation",
        "starts_on": TODAY,
        "ends_on": dt.date(2027, 5, 31),
        "reference": "CO-2026-118",
        "office_id": office.public_id,
        "officer_id": officer.public_id if officer else None,
        **changes,
    }
    return services.open_case(actor, **values)


# --- opening -------------------------------------------------------------------------------------


def test_an_officer_opens_a_case_at_their_office(frank_actor, frank, person, office_c):
    case = open_probation(frank_actor, person, office_c, frank)
    assert (case.status, case.version, case.officer, case.office) == ("open", 1, frank, office_c)
    event = AuditEvent.objects.get(action="supervision.case_opened", object_id=str(case.public_id))
    assert event.details["officer"] == "frank" and event.details["office"] == "OFC"
    assert PersonSiteLink.objects.filter(person=person, site=office_c, kind="supervision", ended_on=None).exists()


def test_one_open_case_of_each_kind(frank_actor, person, office_c):
    open_probation(frank_actor, person, office_c)
    with pytest.raises(Conflict) as refused:
        open_probation(frank_actor, person, office_c)
    assert refused.value.code == "supervision.case_exists" and refused.value.field == "kind"
    # A different kind is allowed, and so is a new case once the first is closed.
    open_probation(frank_actor, person, office_c, kind="pretrial")
    first = SupervisionCase.objects.get(person=person, kind="probation")
    services.close_case(frank_actor, case_id=first.public_id, version=1, reason="Order completed")
    assert open_probation(frank_actor, person, office_c).status == "open"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "bail"}, "kind"),
        ({"ends_on": dt.date(2026, 5, 1)}, "ends_on"),
        ({"starts_on": dt.date(1066, 10, 14)}, "starts_on"),
        ({"reference": "x" * 61}, "reference"),
        ({"office_id": "not-an-id"}, None),
    ],
)
def test_bad_input_names_the_field(frank_actor, person, office_c, changes, field):
    with pytest.raises((RuleViolation, NotFound)) as refused:
        open_probation(frank_actor, person, office_c, **changes)
    if field:
        assert refused.value.field == field


def test_the_officer_must_record_contacts_and_work_at_the_office(frank_actor, person, office_c, alice, pete):
    records_officer = make_user("rory", roles=("records_officer",), sites=(office_c,))
    with pytest.raises(RuleViolation) as refused:
        open_probation(frank_actor, person, office_c, records_officer)
    assert refused.value.code == "supervision.not_an_officer"
    with pytest.raises(RuleViolation) as refused:
        open_probation(frank_actor, person, office_c, pete)
    assert refused.value.code == "supervision.officer_not_at_office"
    with pytest.raises(NotFound):  # another organisation's user is not offered, and not found
        open_probation(frank_actor, person, office_c, alice)


def test_permission_matrix_for_opening(person, office_c, alice, ann, pete):
    with pytest.raises(PermissionDenied):
        open_probation(actor_of(alice), person, office_c)
    with pytest.raises(PermissionDenied):
        open_probation(actor_of(ann), person, office_c)
    with pytest.raises(NotFound):
        open_probation(actor_of(pete), person, office_c)


# --- allocation, level, closing ------------------------------------------------------------------


def test_allocation_moves_the_office_link_and_keeps_the_previous_in_the_audit(
    frank_actor, frank, sue, person, office_c, probation_service
):
    case = open_probation(frank_actor, person, office_c, frank)
    moved = services.allocate_case(
        frank_actor, case_id=case.public_id, version=1, office_id=office_c.public_id, officer_id=sue.public_id
    )
    assert (moved.officer, moved.version) == (sue, 2)
    event = AuditEvent.objects.get(action="supervision.case_allocated")
    assert event.details["before"]["officer"] == "frank" and event.details["after"]["officer"] == "sue"
    with pytest.raises(Conflict) as stale:
        services.allocate_case(frank_actor, case_id=case.public_id, version=1, office_id=None, officer_id=None)
    assert stale.value.code == "supervision.case_version_conflict"
    services.allocate_case(frank_actor, case_id=case.public_id, version=2, office_id=None, officer_id=None)
    assert not PersonSiteLink.objects.filter(person=person, site=office_c, kind="supervision", ended_on=None).exists()


def test_the_level_comes_from_the_tier_then_the_risk_band(frank_actor, frank, person, office_c):
    case = open_probation(frank_actor, person, office_c, frank)
    assert (queries.statuses([case])[0].level, queries.statuses([case])[0].level_source) == ("high", "unassessed")
    make_assessment(person, frank, instrument="ogrs3", band="low")
    assert queries.statuses([case])[0].level == "low"
    make_assessment(person, frank, instrument="tiering", band="C1", override_band="A1")
    status = queries.statuses([case])[0]
    assert (status.level, status.level_source, status.assessed.tier) == ("very_high", "tier", "A1")


def test_only_a_supervisor_overrides_the_level_with_a_reason(frank_actor, sue_actor, frank, person, office_c):
    case = open_probation(frank_actor, person, office_c, frank)
    with pytest.raises(PermissionDenied):
        services.override_level(frank_actor, case_id=case.public_id, version=1, level="low", reason="Stable")
    with pytest.raises(RuleViolation) as refused:
        services.override_level(sue_actor, case_id=case.public_id, version=1, level="low", reason=" ")
    assert refused.value.field == "reason"
    with pytest.raises(RuleViolation) as refused:
        services.override_level(sue_actor, case_id=case.public_id, version=1, level="extreme", reason="x")
    assert refused.value.field == "level"
    done = services.override_level(
        sue_actor, case_id=case.public_id, version=1, level="low", reason="Stable housing and work"
    )
    status = queries.statuses([done])[0]
    assert (status.level, status.level_source, done.level_overridden_by.username) == ("low", "override", "sue")
    event = AuditEvent.objects.get(action="supervision.case_level_overridden")
    assert event.reason == "Stable housing and work" and event.details["after"] == "low"
    removed = services.override_level(sue_actor, case_id=case.public_id, version=2, level=None, reason="Reassessed")
    assert removed.level_override == "" and AuditEvent.objects.filter(action="supervision.case_level_override_removed")


def test_closing_needs_a_reason_and_ends_the_office_link(frank_actor, person, office_c):
    case = open_probation(frank_actor, person, office_c)
    with pytest.raises(RuleViolation):
        services.close_case(frank_actor, case_id=case.public_id, version=1, reason="")
    with pytest.raises(RuleViolation) as refused:
        services.close_case(
            frank_actor, case_id=case.public_id, version=1, reason="Done", closed_on=TODAY + dt.timedelta(days=1)
        )
    assert refused.value.field == "closed_on"
    closed = services.close_case(frank_actor, case_id=case.public_id, version=1, reason="Order completed")
    assert (closed.status, closed.closed_on, closed.closed_reason) == ("closed", TODAY, "Order completed")
    assert not PersonSiteLink.objects.filter(person=person, site=office_c, kind="supervision", ended_on=None).exists()
    assert AuditEvent.objects.filter(action="supervision.case_closed", reason="Order completed").exists()
    with pytest.raises(Conflict):
        services.close_case(frank_actor, case_id=case.public_id, version=2, reason="Again")


# --- requirements --------------------------------------------------------------------------------


def test_requirements_from_the_menu(frank_actor, person, office_c):
    case = open_probation(frank_actor, person, office_c)
    hours = requirements.add_requirement(frank_actor, case_id=case.public_id, kind="unpaid_work", amount=120)
    assert (hours.amount, hours.starts_on, hours.status) == (120, TODAY, "active")
    condition = requirements.add_requirement(
        frank_actor, case_id=case.public_id, kind="licence_condition", detail="Not to contact the victim"
    )
    assert condition.detail == "Not to contact the victim"
    for kind, values, field in [
        ("unpaid_work", {}, "amount"),
        ("unpaid_work", {"amount": 301}, "amount"),
        ("curfew", {"amount": 5}, "amount"),
        ("licence_condition", {}, "detail"),
        ("curfew", {"starts_on": dt.date(2026, 5, 1)}, "starts_on"),
        ("curfew", {"ends_on": dt.date(2028, 1, 1)}, "ends_on"),
        ("tagging", {}, "kind"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            requirements.add_requirement(frank_actor, case_id=case.public_id, kind=kind, **values)
        assert refused.value.field == field, kind
    with pytest.raises(RuleViolation) as refused:
        requirements.end_requirement(frank_actor, requirement_id=hours.public_id, status="terminated")
    assert refused.value.field == "reason"
    ended = requirements.end_requirement(frank_actor, requirement_id=hours.public_id, status="completed")
    assert (ended.status, ended.ended_on) == ("completed", TODAY)
    with pytest.raises(Conflict):
        requirements.end_requirement(frank_actor, requirement_id=hours.public_id, status="completed")
    assert AuditEvent.objects.filter(action="supervision.requirement_added").count() == 2
    assert AuditEvent.objects.filter(action="supervision.requirement_ended").count() == 1


def test_requirement_permissions(frank_actor, person, office_c, alice, pete):
    case = open_probation(frank_actor, person, office_c)
    with pytest.raises(PermissionDenied):
        requirements.add_requirement(actor_of(alice), case_id=case.public_id, kind="curfew")
    with pytest.raises(NotFound):
        requirements.add_requirement(actor_of(pete), case_id=case.public_id, kind="curfew")


# --- appointments --------------------------------------------------------------------------------


def test_booking_one_and_a_series(frank_actor, person, office_c):
    case = open_probation(frank_actor, person, office_c)
    one = appointments.book_appointments(frank_actor, case_id=case.public_id, kind="office", starts_at=at(TODAY, 14))
    assert len(one) == 1 and one[0].counts_toward_compliance and one[0].series is None
    series = appointments.book_appointments(
        frank_actor,
        case_id=case.public_id,
        kind="video",
        starts_at=at(TODAY + dt.timedelta(days=2)),
        repeat="fortnightly",
        weeks=6,
    )
    assert [a.starts_at.date() for a in series] == [dt.date(2026, 6, 3), dt.date(2026, 6, 17), dt.date(2026, 7, 1)]
    assert len({a.series for a in series}) == 1
    phone = appointments.book_appointments(frank_actor, case_id=case.public_id, kind="phone", starts_at=at(TODAY, 16))
    assert not phone[0].counts_toward_compliance
    event = AuditEvent.objects.filter(action="supervision.appointments_booked").order_by("id")[1]
    assert event.details["count"] == 3 and event.details["repeat"] == "fortnightly"


def test_a_phone_call_counts_where_configured(frank_actor, person, office_c, settings):
    settings.OMS_SUPERVISION_PHONE_COUNTS = True
    case = open_probation(frank_actor, person, office_c)
    phone = appointments.book_appointments(frank_actor, case_id=case.public_id, kind="phone", starts_at=at(TODAY, 16))
    assert phone[0].counts_toward_compliance


def test_a_naive_time_is_the_offices_local_time(frank_actor, person, office_c):
    case = open_probation(frank_actor, person, office_c)
    booked = appointments.book_appointments(
        frank_actor, case_id=case.public_id, kind="office", starts_at=dt.datetime(2026, 6, 2, 10, 0)
    )
    assert booked[0].starts_at == dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)  # 10:00 BST


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"starts_at": dt.datetime(2026, 5, 31, 10, tzinfo=dt.UTC)}, "starts_at"),  # before the case
        ({"starts_at": dt.datetime(2027, 5, 20, 10, tzinfo=dt.UTC), "repeat": "weekly", "weeks": 4}, "starts_at"),
        ({"weeks": 53, "repeat": "weekly"}, "weeks"),
        ({"repeat": "daily"}, "repeat"),
        ({"kind": "letter"}, "kind"),
        ({"starts_at": dt.datetime(9999, 12, 30, tzinfo=dt.UTC), "repeat": "weekly", "weeks": 52}, "starts_at"),
    ],
)
def test_booking_refusals_name_the_field(frank_actor, person, office_c, values, field):
    case = open_probation(frank_actor, person, office_c)
    values = {"kind": "office", "starts_at": at(TODAY, 14), **values}
    with pytest.raises(RuleViolation) as refused:
        appointments.book_appointments(frank_actor, case_id=case.public_id, **values)
    assert refused.value.field == field


def test_recording_and_correcting_an_outcome(frank_actor, person, office_c):
    case = open_probation(frank_actor, person, office_c)
    later, earlier = (
        make_appointment(case, at(TODAY, 15)),
        make_appointment(case, at(TODAY, 8)),
    )
    with pytest.raises(RuleViolation) as refused:
        appointments.record_outcome(frank_actor, appointment_id=later.public_id, outcome="attended")
    assert refused.value.code == "supervision.appointment_in_future"
    with pytest.raises(RuleViolation):
        appointments.record_outcome(frank_actor, appointment_id=earlier.public_id, outcome="not_recorded")
    recorded = appointments.record_outcome(
        frank_actor, appointment_id=earlier.public_id, outcome="failed_unacceptable", notes="No contact"
    )
    assert (recorded.outcome, recorded.recorded_by.username) == ("failed_unacceptable", "frank")
    first = AuditEvent.objects.get(action="supervision.appointment_outcome_recorded")
    assert first.details["failure_to_comply"] is True and first.details["previous_outcome"] == "not_recorded"
    with pytest.raises(RuleViolation) as refused:
        appointments.record_outcome(frank_actor, appointment_id=earlier.public_id, outcome="failed_acceptable")
    assert refused.value.field == "reason"
    appointments.record_outcome(
        frank_actor, appointment_id=earlier.public_id, outcome="failed_acceptable", reason="Hospital letter seen"
    )
    correction = AuditEvent.objects.filter(action="supervision.appointment_outcome_recorded").order_by("-id").first()
    assert correction.details["previous_outcome"] == "failed_unacceptable" and correction.details["corrected"]
    assert correction.reason == "Hospital letter seen"
    compliance = queries.compliance_of(SupervisionCase.objects.get(pk=case.pk))
    assert (compliance.acceptable_absences, compliance.failures) == (1, 0)


def test_contact_permissions(frank_actor, person, office_c, alice, pete, ann):
    case = open_probation(frank_actor, person, office_c)
    appointment = make_appointment(case, at(TODAY, 8))
    for actor, error in (
        (actor_of(alice), PermissionDenied),
        (actor_of(ann), PermissionDenied),
        (actor_of(pete), NotFound),
    ):
        with pytest.raises(error):
            appointments.book_appointments(actor, case_id=case.public_id, kind="office", starts_at=at(TODAY, 14))
        with pytest.raises(error):
            appointments.record_outcome(actor, appointment_id=appointment.public_id, outcome="attended")


def test_a_closed_case_takes_no_bookings(frank_actor, person, office_c):
    case = open_probation(frank_actor, person, office_c)
    services.close_case(frank_actor, case_id=case.public_id, version=1, reason="Revoked")
    with pytest.raises(Conflict):
        appointments.book_appointments(frank_actor, case_id=case.public_id, kind="office", starts_at=at(TODAY, 14))


# --- compliance and the caseload -----------------------------------------------------------------


def test_compliance_counts_failures_from_the_reset_date(frank, person, office_c):
    case = make_case(person, office=office_c, officer=frank, starts_on=dt.date(2026, 4, 1))
    for day, outcome in [
        (2, "failed_unacceptable"),
        (9, "attended"),
        (16, "unacceptable_behaviour"),
        (23, "failed_acceptable"),
    ]:
        make_appointment(case, at(dt.date(2026, 4, day)), outcome=outcome)
    make_appointment(case, at(dt.date(2026, 4, 30)), kind="phone", outcome="failed_unacceptable")
    whole = queries.compliance_of(case)
    assert (whole.attended, whole.failures, whole.acceptable_absences) == (2 - 1, 2, 1)
    assert queries.compliance_of(case, since=dt.date(2026, 4, 10)).failures == 1


def test_the_caseload_puts_overdue_first_then_due_soon(frank_actor, frank, sue, person, other_person, office_c):
    from tests.people.conftest import make_person

    third = make_person(office_c, family="Abbott", given="Ray")
    overdue = make_case(person, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1))
    make_appointment(overdue, at(dt.date(2026, 5, 4)), outcome="attended")  # high: due 11 May
    soon = make_case(other_person, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1))
    make_assessment(other_person, frank, instrument="ogrs3", band="medium")
    make_appointment(soon, at(dt.date(2026, 5, 22)), outcome="attended")  # medium: due 5 June
    later = make_case(third, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1))
    make_assessment(third, frank, instrument="tiering", band="D0")
    make_appointment(later, at(dt.date(2026, 5, 29)), kind="video", outcome="attended")  # low: due 26 June
    make_case(third, office=office_c, officer=sue, kind="pretrial")  # someone else's
    make_case(person, office=office_c, officer=frank, kind="licence", status="closed")  # closed
    items = queries.caseload(frank_actor)
    assert [i.case for i in items] == [overdue, soon, later]
    assert [(i.next_due_on, i.urgency.rank) for i in items] == [
        (dt.date(2026, 5, 11), 0),
        (dt.date(2026, 6, 5), 1),
        (dt.date(2026, 6, 26), 2),
    ]
    with pytest.raises(PermissionDenied):
        queries.caseload(actor_of(make_user("ivy", roles=("analyst",))))


def test_reading_a_case_is_audited_and_scoped(frank_actor, person, office_c, pete, alice):
    case = open_probation(frank_actor, person, office_c)
    detail = queries.get_case(frank_actor, case.public_id)
    assert detail.case == case and detail.status.next_due_on == TODAY
    assert AuditEvent.objects.filter(action="supervision.case_viewed", object_id=str(case.public_id)).exists()
    with pytest.raises(NotFound):
        queries.get_case(actor_of(pete), case.public_id)
    with pytest.raises(PermissionDenied):
        queries.get_case(actor_of(alice), case.public_id)
    assert Appointment.objects.count() == 0 and clock.today() == TODAY
