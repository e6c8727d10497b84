"""Demo incidents, loaded after custody and sentencing: reports in every state, charges that fill the
adjudicator's lists, additional days that reach the person's sentence, and a lockdown stood down after a
completed roll. Loading again adds nothing."""

from __future__ import annotations

import time

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo import services
from oms.demo.custody import load_custody
from oms.demo.incidents import load_incidents
from oms.demo.sentencing import load_sentencing
from oms.incidents.models import (
    Addendum,
    CorrectionRequest,
    DisciplinaryCharge,
    Emergency,
    Hearing,
    Incident,
    Punishment,
    RollEntry,
    UseOfForce,
)
from oms.incidents.queries import adjudications as adjudication_queries
from oms.sentencing.models import Adjustment, Calculation

pytestmark = pytest.mark.django_db
OPERATOR = Actor.system(channel="cli", name="oms demo")


@pytest.fixture
def sentenced():
    services.load_population(OPERATOR, people=600, with_staff=False)
    load_custody(OPERATOR)
    load_sentencing(OPERATOR)


def test_reports_in_every_state_over_six_months_with_people_and_force(sentenced):
    started = time.process_time()
    report = load_incidents(OPERATOR)
    assert time.process_time() - started < 20  # CPU, generous: the whole demo must stay quick
    incidents = Incident.objects.all()
    assert 30 <= incidents.count() == report.incidents <= 60
    assert set(report.by_status) == {"draft", "submitted", "under_review", "investigation", "closed"}
    assert {i.incident_type.code for i in incidents.select_related("incident_type")} >= {
        "fight",
        "assault",
        "self_harm",
        "contraband_find",
        "use_of_force",
        "drone_sighting",
    }
    now = clock.now()
    oldest = min(i.occurred_at for i in incidents)
    assert 100 <= (now - oldest).days <= 181
    for incident in incidents.exclude(status="draft"):
        assert incident.created_at >= incident.occurred_at and incident.submitted_at <= now
        assert incident.involvements.exists()
    closed = incidents.filter(status="closed")
    assert all(i.closing_note and i.closed_at > i.submitted_at for i in closed)
    assert (
        UseOfForce.objects.filter(incident__incident_type__code="use_of_force").count()
        == incidents.filter(incident_type__code="use_of_force").count()
    )
    answered = CorrectionRequest.objects.get()
    assert answered.answered_at and Addendum.objects.get(correction_request=answered)


def test_charges_fill_the_adjudicators_lists_and_additional_days_reach_the_sentence(sentenced):
    report = load_incidents(OPERATOR)
    charges = DisciplinaryCharge.objects.all()
    assert charges.count() == report.charges
    statuses = set(charges.values_list("status", flat=True))
    assert {"proved", "dismissed", "scheduled"} <= statuses
    assert Hearing.objects.filter(outcome="adjourned").exists()
    assert Punishment.objects.filter(status="suspended").exists()
    supervisor = Actor.system(channel="web", name="reader")
    assert adjudication_queries.deadlines_missed(supervisor)
    assert adjudication_queries.hearings_due(supervisor)
    assert Hearing.objects.filter(held_at__isnull=True, scheduled_for__gt=clock.now()).exists()  # upcoming

    award = Punishment.objects.select_related("charge__person").get(kind="additional_days")
    person = award.charge.person
    adjustment = Adjustment.objects.get(public_id=award.adjustment_public_id)
    assert (adjustment.person, adjustment.kind, adjustment.days) == (person, "additional_days", 14)
    assert adjustment.source == f"Adjudication {award.charge.reference}"
    latest = Calculation.objects.get(person=person, is_latest=True)
    assert latest.reason == "additional_days"


def test_a_lockdown_was_stood_down_after_a_completed_roll_and_reviewed(sentenced):
    load_incidents(OPERATOR)
    emergency = Emergency.objects.get()
    assert (emergency.kind, emergency.status) == ("lockdown", "stood_down")
    assert emergency.after_action_review
    roll = emergency.rolls.get()
    assert roll.completed_at and roll.expected > 0
    assert not roll.entries.exclude(status=RollEntry.Status.ACCOUNTED).exists()
    assert emergency.incidents.filter(incident_type__code="drone_sighting").exists()


def test_loading_again_adds_nothing_and_only_the_operator_loads(sentenced):
    first = load_incidents(OPERATOR)
    counts = (Incident.objects.count(), DisciplinaryCharge.objects.count(), Emergency.objects.count())
    again = load_incidents(OPERATOR)
    assert first.incidents > 0 and again.incidents == again.charges == again.emergencies == 0
    assert (Incident.objects.count(), DisciplinaryCharge.objects.count(), Emergency.objects.count()) == counts
    assert AuditEvent.objects.filter(action="incidents.type_version_added").count() == first.types
    with pytest.raises(PermissionDenied):
        load_incidents(Actor(user_id=1, username="someone"))
