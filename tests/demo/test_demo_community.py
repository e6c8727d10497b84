"""Demo community supervision, electronic monitoring and diversion: the demo officer's caseload is full
and ranked, monitoring has orders with trails and open alerts, diversion has participations in every
state. Loading again adds nothing, and the same seed gives the same data."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo import services
from oms.demo.diversion import load_diversion
from oms.demo.monitoring import DEVICES, load_monitoring
from oms.demo.supervision import OFFICER_USERNAME, load_supervision
from oms.diversion.models import HoursEntry, LedgerEntry, Participation
from oms.monitoring.models import Alert, Condition, Device, Fix, MonitoringOrder
from oms.monitoring.queries.orders import trail
from oms.supervision.models import Appointment, Breach, CheckIn, ComplianceWarning, DrugTest, SupervisionCase, Violation
from oms.supervision.queries import cases as case_queries

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


@pytest.fixture
def population(settings):
    settings.DEMO_MODE = True
    services.load_population(OPERATOR, people=600, with_staff=True)


def test_supervision_fills_the_officers_caseload(population):
    started = time.process_time()
    report = load_supervision(OPERATOR)
    print("supervision", time.process_time() - started, report)
    officer = User.objects.get(username=OFFICER_USERNAME)
    caseload = case_queries.caseload(actor_for_user(officer, channel="web"))
    assert len(caseload) == SupervisionCase.objects.filter(officer=officer).count() >= 15
    assert caseload[0].urgency != caseload[-1].urgency
    assert Breach.objects.filter(state="summons").count() == 1
    assert ComplianceWarning.objects.exists()
    assert Violation.objects.exclude(response="").exists() and Violation.objects.filter(response="").exists()
    assert DrugTest.objects.filter(result="negative").exists() and DrugTest.objects.filter(result="pending").exists()
    outcomes = set(Appointment.objects.values_list("outcome", flat=True))
    assert {"attended", "failed_unacceptable", "not_recorded"} <= outcomes
    participant = User.objects.get(username=report.participant)
    assert participant.portal_account.person.supervision_cases.get().officer == officer
    assert participant.demo_account.role_code == "participant" and participant.check_password(services.DEMO_PASSWORD)
    assert CheckIn.objects.filter(state="submitted").count() == 1 and CheckIn.objects.filter(state="reviewed").exists()
    assert load_supervision(OPERATOR).cases == 0
    with pytest.raises(PermissionDenied):
        load_supervision(Actor(user_id=1, username="someone"))


def test_monitoring_orders_have_a_day_of_fixes_and_open_alerts(population):
    load_supervision(OPERATOR)
    started = time.process_time()
    report = load_monitoring(OPERATOR)
    print("monitoring", time.process_time() - started, report)
    assert report.orders == 3 and report.devices == len(DEVICES) and report.fixes >= 3 * 280
    kinds = {c.kind for c in Condition.objects.all()}
    assert {"curfew", "inclusion_zone", "exclusion_zone", "trail"} <= kinds
    open_kinds = set(Alert.objects.filter(closed_at__isnull=True).values_list("kind", flat=True))
    assert {"inclusion_left", "low_battery"} <= open_kinds
    assert Alert.objects.filter(kind="exclusion_entered", closed_at__isnull=False, outcome="referred").exists()
    assert Device.objects.filter(status="assigned").count() == 3 and Device.objects.filter(status="faulty").count() == 1
    for order in MonitoringOrder.objects.all():
        assert len(trail(order)) >= 280
    again = load_monitoring(OPERATOR)
    assert again.orders == again.devices == again.fixes == 0


def test_diversion_participations_in_every_state(population):
    started = time.process_time()
    report = load_diversion(OPERATOR)
    print("diversion", time.process_time() - started, report)
    assert report.programmes == 2
    assert {"referred", "eligible", "ineligible", "agreement_signed", "active", "completed", "terminated"} <= set(
        report.by_state
    )
    active_hours = HoursEntry.objects.filter(requirement__participation__state="active")
    assert active_hours.filter(verified_at__isnull=False).exists()
    assert active_hours.filter(verified_at__isnull=True).exists()
    assert LedgerEntry.objects.filter(kind="payment", requirement__isnull=False).exists()
    terminated = Participation.objects.get(state="terminated")
    assert terminated.outcome_reason and terminated.requirements.get(kind="no_new_arrest").breached_on
    participant = User.objects.get(username=report.participant)
    assert participant.portal_account.person.diversion_participations.get().state == "active"
    assert HoursEntry.objects.filter(logged_by=participant, verified_at__isnull=True).count() == 1
    assert load_diversion(OPERATOR).participations == 0


class _Rollback(Exception):
    pass


def _signature() -> dict:
    def rows(queryset, *fields):
        return sorted(tuple(str(v) for v in row) for row in queryset.values_list(*fields))

    return {
        "cases": rows(
            SupervisionCase.objects,
            "person__system_number",
            "kind",
            "starts_on",
            "ends_on",
            "level_override",
            "officer",
        ),
        "appointments": rows(Appointment.objects, "case__person__system_number", "kind", "starts_at", "outcome"),
        "tests": rows(DrugTest.objects, "case__person__system_number", "due_on", "result", "substances"),
        "violations": rows(Violation.objects, "case__person__system_number", "severity", "response"),
        "breaches": rows(Breach.objects, "case__person__system_number", "state"),
        "check_ins": rows(CheckIn.objects, "case__person__system_number", "opens_at", "state"),
        "orders": rows(MonitoringOrder.objects, "reference", "person__system_number", "starts_on", "ends_on"),
        "conditions": rows(Condition.objects, "order__reference", "kind", "zone__geojson", "timetable"),
        "alerts": rows(Alert.objects, "order__reference", "kind", "opened_at", "closed_at", "outcome"),
        "fixes": rows(Fix.objects, "device__serial", "recorded_at", "latitude", "longitude", "battery_pct"),
        "participations": rows(Participation.objects, "person__system_number", "programme__name", "state"),
        "hours": rows(HoursEntry.objects, "requirement__participation__person__system_number", "worked_on", "minutes"),
        "ledger": rows(LedgerEntry.objects, "participation__person__system_number", "kind", "amount_minor", "on"),
    }


def test_the_same_seed_gives_the_same_community_and_a_second_load_adds_nothing(population):
    at = clock.now()
    signatures = []
    for _ in range(2):
        try:
            with transaction.atomic(), clock.freeze(at):
                started = time.process_time()
                load_supervision(OPERATOR, seed=3)
                load_monitoring(OPERATOR, seed=3)
                load_diversion(OPERATOR, seed=3)
                cpu = time.process_time() - started
                assert cpu < 30  # CPU seconds, generous for the shared machine (about 5 s measured)
                signatures.append(_signature())
                counts = {name: len(values) for name, values in signatures[-1].items()}
                load_supervision(OPERATOR, seed=3)
                load_monitoring(OPERATOR, seed=3)
                load_diversion(OPERATOR, seed=3)
                assert {name: len(values) for name, values in _signature().items()} == counts
                raise _Rollback
        except _Rollback:
            pass
    assert signatures[0] == signatures[1]
    assert all(signatures[0].values())
