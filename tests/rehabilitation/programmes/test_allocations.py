"""Allocation: capacity, eligibility (overridable), timetable clashes (overridable) and
non-associations (never overridable here, and never naming the other person to someone who may not
read non-associations); then suspending, reinstating and removing a place."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.rehabilitation.models import Allocation, Referral
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.services import allocations as services
from oms.rehabilitation.services.allocations import AllocationRefused
from tests.custody.factories import make_episode
from tests.factories import actor_of, make_user
from tests.rehabilitation.factories import make_allocation, make_programme, make_referral
from tests.rehabilitation.programmes.conftest import current_assessment, keep_apart, release_on

pytestmark = pytest.mark.django_db


def test_allocating_an_approved_referral_gives_a_place_and_marks_it_allocated(sam, casey, person, tsp):
    referral = make_referral(person, tsp, casey, status="approved")
    allocation = services.allocate(actor_of(sam), referral_id=referral.public_id)
    assert allocation.status == "active" and allocation.referral == referral and allocation.overrides == []
    assert allocation.starts_on == dt.date(2026, 6, 1)
    assert Referral.objects.get(pk=referral.pk).status == "allocated"
    event = AuditEvent.objects.get(action="rehabilitation.allocation_made")
    assert event.subject_person_id == person.pk and event.details["overridden"] == []


def test_allocating_directly_uses_an_open_referral_of_the_same_person(sam, casey, person, tsp):
    referral = make_referral(person, tsp, casey)
    allocation = services.allocate(actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id)
    assert allocation.referral == referral
    assert Referral.objects.get(pk=referral.pk).status == "allocated"
    with pytest.raises(Conflict) as again:
        services.allocate(actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id)
    assert again.value.code == "rehabilitation.already_allocated"


def test_who_may_allocate(casey, charlie, frank, person, tsp, prison_b):
    for user in (casey, charlie, frank):
        with pytest.raises(PermissionDenied):
            services.allocate(actor_of(user), programme_id=tsp.public_id, person_id=person.public_id)
    sam_b = make_user("sam_b", roles=("supervisor",), sites=(prison_b,))
    with pytest.raises(NotFound):
        services.allocate(actor_of(sam_b), programme_id=tsp.public_id, person_id=person.public_id)
    assert not Allocation.objects.exists()


def test_a_full_programme_refuses_and_no_reason_overrides_it(sam, person, other_person, prison_a):
    course = make_programme(prison_a, code="ONE", capacity=1)
    services.allocate(actor_of(sam), programme_id=course.public_id, person_id=person.public_id)
    with pytest.raises(AllocationRefused) as full:
        services.allocate(
            actor_of(sam), programme_id=course.public_id, person_id=other_person.public_id, override_reason="Please"
        )
    assert [p.check for p in full.value.problems] == ["capacity"]
    assert not full.value.overridable
    assert "1 of 1 places" in full.value.detail


def test_a_suspended_place_still_counts_against_capacity(sam, person, other_person, prison_a):
    course = make_programme(prison_a, code="ONE", capacity=1)
    make_allocation(person, course, sam, status="suspended")
    with pytest.raises(AllocationRefused):
        services.allocate(actor_of(sam), programme_id=course.public_id, person_id=other_person.public_id)


def test_an_ineligible_person_needs_an_override_reason_which_is_recorded(sam, person, tsp):
    tsp.eligibility = {"risk_bands": ["high"], "risk_instrument": "ogrs3", "sexes": ["female"]}
    tsp.save()
    current_assessment(person, sam, "ogrs3", band="low")
    with pytest.raises(AllocationRefused) as refused:
        services.allocate(actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id)
    assert [p.check for p in refused.value.problems] == ["eligibility", "eligibility"]
    assert refused.value.overridable and refused.value.field == "override_reason"
    assert "The ogrs3 band is low" in refused.value.detail
    allocation = services.allocate(
        actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id, override_reason="Psychologist agreed"
    )
    assert [o["check"] for o in allocation.overrides] == ["eligibility", "eligibility"]
    assert {o["reason"] for o in allocation.overrides} == {"Psychologist agreed"}


def test_eligibility_reads_the_persons_facts(sam, person, tsp, prison_a):
    tsp.eligibility = {
        "risk_bands": ["medium"],
        "risk_instrument": "ogrs3",
        "needs": ["thinking_behaviour"],
        "needs_level": "standard",
        "min_days_to_serve": 100,
        "sexes": ["male"],
        "security_levels": ["low", "medium"],
    }
    tsp.save()
    person.sex = "male"
    person.save()
    current_assessment(person, sam, "ogrs3", band="medium")
    current_assessment(person, sam, "criminogenic-needs", answers={"thinking_behaviour": "severe"})
    release_on(person, dt.date(2026, 6, 1) + dt.timedelta(days=150))
    make_episode(person, prison_a, security_level="medium")

    facts = queries.eligibility_facts(person)
    assert facts.days_to_serve == 150 and facts.security_level == "medium" and facts.sex == "male"
    assert facts.risk_bands == {"ogrs3": "medium"} and facts.needs == {"thinking_behaviour": "severe"}
    _, _, result = queries.eligibility_of(actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id)
    assert result.eligible, result.findings


def test_a_timetable_clash_needs_an_override_reason(sam, person, prison_a):
    mornings = make_programme(prison_a, code="AM", timetable=[{"weekday": 0, "start": "09:00", "end": "11:30"}])
    kitchen = make_programme(
        prison_a,
        code="KITCHEN",
        title="Kitchen",
        kind="work",
        timetable=[{"weekday": 0, "start": "08:00", "end": "10:00"}],
    )
    services.allocate(actor_of(sam), programme_id=kitchen.public_id, person_id=person.public_id)
    with pytest.raises(AllocationRefused) as clash:
        services.allocate(actor_of(sam), programme_id=mornings.public_id, person_id=person.public_id)
    assert [p.check for p in clash.value.problems] == ["timetable_clash"]
    assert "Clashes with Kitchen (KITCHEN): Monday 09:00-11:30 overlaps Monday 08:00-10:00" in clash.value.detail
    allocation = services.allocate(
        actor_of(sam),
        programme_id=mornings.public_id,
        person_id=person.public_id,
        override_reason="Kitchen mornings off",
    )
    assert allocation.overrides[0]["check"] == "timetable_clash"


def test_no_clash_with_a_place_that_has_ended_or_a_programme_that_has_finished(sam, person, prison_a):
    slot = [{"weekday": 0, "start": "09:00", "end": "11:30"}]
    old = make_programme(prison_a, code="OLD", timetable=slot, ends_on=dt.date(2026, 5, 31))
    ended = make_programme(prison_a, code="ENDED", timetable=slot)
    make_allocation(person, old, sam, starts_on=dt.date(2026, 1, 5))
    make_allocation(person, ended, sam, status="removed", ended_on=dt.date(2026, 5, 1))
    new = make_programme(prison_a, code="NEW", timetable=slot)
    assert services.allocate(actor_of(sam), programme_id=new.public_id, person_id=person.public_id)


def test_a_non_association_refuses_the_place_and_cannot_be_overridden(sam, person, other_person, tsp):
    make_allocation(other_person, tsp, sam)
    keep_apart(person, other_person)
    with pytest.raises(AllocationRefused) as refused:
        services.allocate(
            actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id, override_reason="Needed"
        )
    assert [p.check for p in refused.value.problems] == ["non_association"]
    assert not refused.value.overridable
    # Sam may read non-associations: the other person is named.
    assert "Liam HUGHES" in refused.value.detail
    assert not Allocation.objects.filter(person=person).exists()


def test_the_refusal_does_not_name_the_other_person_without_the_non_association_permission(
    sam, person, other_person, tsp
):
    make_allocation(other_person, tsp, sam)
    keep_apart(person, other_person)
    actor = actor_of(sam)
    blind = dataclasses.replace(actor, permissions=actor.permissions - {"custody.view_non_associations"})
    with pytest.raises(AllocationRefused) as refused:
        services.allocate(blind, programme_id=tsp.public_id, person_id=person.public_id)
    assert "Hughes" not in refused.value.detail.title() and other_person.system_number not in refused.value.detail
    assert "Someone who already has a place" in refused.value.detail


def test_a_closed_non_association_or_another_programme_does_not_refuse(sam, person, other_person, tsp, prison_a):
    pair = keep_apart(person, other_person)
    elsewhere = make_programme(prison_a, code="ELSE", timetable=[])
    make_allocation(other_person, elsewhere, sam)
    assert services.allocate(actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id)
    pair.closed_at = pair.created_at
    pair.save()
    assert services.allocate(actor_of(sam), programme_id=elsewhere.public_id, person_id=person.public_id)


def test_retired_programmes_and_bad_start_dates_are_refused(sam, person, tsp):
    with pytest.raises(RuleViolation) as early:
        services.allocate(
            actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id, starts_on=dt.date(2024, 1, 1)
        )
    assert early.value.field == "starts_on"
    tsp.ends_on = dt.date(2026, 7, 1)
    tsp.save()
    with pytest.raises(RuleViolation) as late:
        services.allocate(
            actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id, starts_on=dt.date(2026, 7, 2)
        )
    assert late.value.code == "rehabilitation.after_programme_end"
    tsp.status = "retired"
    tsp.save()
    with pytest.raises(RuleViolation) as retired:
        services.allocate(actor_of(sam), programme_id=tsp.public_id, person_id=person.public_id)
    assert retired.value.code == "rehabilitation.programme_retired"
    with pytest.raises(RuleViolation) as nobody:
        services.allocate(actor_of(sam), programme_id=tsp.public_id)
    assert nobody.value.field == "person_id"


def test_suspend_reinstate_and_remove(sam, casey, person, tsp):
    actor = actor_of(sam)
    allocation = make_allocation(person, tsp, sam)
    with pytest.raises(PermissionDenied):
        services.suspend_allocation(actor_of(casey), allocation_id=allocation.public_id, reason="Segregation")
    with pytest.raises(RuleViolation):
        services.suspend_allocation(actor, allocation_id=allocation.public_id, reason="")
    suspended = services.suspend_allocation(actor, allocation_id=allocation.public_id, reason="Segregation", version=1)
    assert suspended.status == "suspended" and suspended.version == 2
    with pytest.raises(Conflict) as twice:
        services.suspend_allocation(actor, allocation_id=allocation.public_id, reason="Again")
    assert twice.value.code == "rehabilitation.allocation_status"
    assert services.reinstate_allocation(actor, allocation_id=allocation.public_id).status == "active"
    with pytest.raises(Conflict):
        services.reinstate_allocation(actor, allocation_id=allocation.public_id)
    with pytest.raises(RuleViolation) as completed:
        services.remove_allocation(actor, allocation_id=allocation.public_id, end_reason="completed")
    assert completed.value.field == "end_reason"
    with pytest.raises(RuleViolation) as detail:
        services.remove_allocation(actor, allocation_id=allocation.public_id, end_reason="other")
    assert detail.value.field == "detail"
    removed = services.remove_allocation(actor, allocation_id=allocation.public_id, end_reason="behaviour")
    assert removed.status == "removed" and removed.ended_on == dt.date(2026, 6, 1) and removed.end_reason == "behaviour"
    with pytest.raises(Conflict):
        services.remove_allocation(actor, allocation_id=allocation.public_id, end_reason="security")
    actions = list(
        AuditEvent.objects.filter(action__startswith="rehabilitation.allocation_").values_list("action", flat=True)
    )
    assert actions == [
        "rehabilitation.allocation_suspended",
        "rehabilitation.allocation_reinstated",
        "rehabilitation.allocation_removed",
    ]
    # The place is free again.
    assert queries.live_allocation_count(tsp) == 0
