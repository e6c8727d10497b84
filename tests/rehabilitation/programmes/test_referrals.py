"""Referrals and the waiting list: who may refer and decide, and which status moves are allowed."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.rehabilitation.models import Referral
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.services import allocations, referrals
from tests.factories import actor_of
from tests.rehabilitation.factories import make_referral
from tests.rehabilitation.programmes.conftest import current_assessment

pytestmark = pytest.mark.django_db


def test_a_case_manager_refers_and_the_referral_waits_as_pending(casey, person, tsp):
    referral = referrals.refer(
        actor_of(casey),
        person_id=person.public_id,
        programme_id=tsp.public_id,
        reason="Thinking skills need",
        priority=2,
    )
    assert referral.status == "pending" and referral.priority == 2 and referral.referred_by == casey
    event = AuditEvent.objects.get(action="rehabilitation.referral_made")
    assert event.subject_person_id == person.pk


def test_a_probation_officer_refers_their_person_to_a_community_programme(frank, probation_person, community_course):
    referral = referrals.refer(
        actor_of(frank), person_id=probation_person.public_id, programme_id=community_course.public_id, reason="DV"
    )
    assert referral.status == "pending"


def test_the_wrong_role_is_refused_and_another_facility_is_not_found(charlie, bob, alice, person, tsp, course_b):
    for user in (charlie, alice):
        with pytest.raises(PermissionDenied):
            referrals.refer(actor_of(user), person_id=person.public_id, programme_id=tsp.public_id, reason="x")
    from tests.factories import make_user

    casey_b = make_user("casey_b", roles=("case_manager",), sites=(course_b.facility,))
    with pytest.raises(NotFound):
        referrals.refer(actor_of(casey_b), person_id=person.public_id, programme_id=course_b.public_id, reason="x")
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"reason": " "}, "reason", RuleViolation),
        ({"reason": "x" * 1001}, "reason", RuleViolation),
        ({"priority": 9}, "priority", RuleViolation),
        ({"priority": "1"}, "priority", RuleViolation),
        ({"programme_id": "nonsense"}, None, NotFound),
        ({"plan_action_id": "7d3c5b2e-0000-4000-8000-000000000000"}, "plan_action_id", NotFound),
    ],
)
def test_bad_referrals_name_the_field(casey, person, tsp, change, field, error):
    values = {"person_id": person.public_id, "programme_id": tsp.public_id, "reason": "Need", **change}
    with pytest.raises(error) as raised:
        referrals.refer(actor_of(casey), **values)
    if field:
        assert raised.value.field == field


def test_one_open_referral_per_person_and_programme_and_none_to_a_retired_one(casey, sam, person, tsp):
    actor = actor_of(casey)
    first = referrals.refer(actor, person_id=person.public_id, programme_id=tsp.public_id, reason="Need")
    with pytest.raises(Conflict) as duplicate:
        referrals.refer(actor, person_id=person.public_id, programme_id=tsp.public_id, reason="Again")
    assert duplicate.value.code == "rehabilitation.referral_exists"
    referrals.withdraw_referral(actor, referral_id=first.public_id, reason="Changed their mind")
    referrals.refer(actor, person_id=person.public_id, programme_id=tsp.public_id, reason="Asked again")
    tsp.status = "retired"
    tsp.save()
    with pytest.raises(RuleViolation) as retired:
        referrals.refer(actor, person_id=person.public_id, programme_id=tsp.public_id, reason="Need")
    assert retired.value.code == "rehabilitation.programme_retired"


def test_deciding_needs_the_allocate_permission(casey, sam, charlie, person, tsp):
    referral = make_referral(person, tsp, casey)
    for user in (casey, charlie):
        with pytest.raises(PermissionDenied):
            referrals.approve_referral(actor_of(user), referral_id=referral.public_id)
    approved = referrals.approve_referral(actor_of(sam), referral_id=referral.public_id, version=1)
    assert approved.status == "approved" and approved.decided_by == sam and approved.version == 2
    with pytest.raises(Conflict) as stale:
        referrals.remove_referral(actor_of(sam), referral_id=referral.public_id, reason="x", version=1)
    assert stale.value.code == "rehabilitation.version_conflict"


def test_a_referral_out_of_reach_is_not_found(bob, sam, person, tsp, casey):
    referral = make_referral(person, tsp, casey)
    with pytest.raises((NotFound, PermissionDenied)):
        referrals.approve_referral(actor_of(bob), referral_id=referral.public_id)
    with pytest.raises(NotFound):
        queries.get_referral(actor_of(bob), referral.public_id)


def _do(action, actor, referral):
    if action == "approve":
        return referrals.approve_referral(actor, referral_id=referral.public_id)
    if action == "decline":
        return referrals.decline_referral(actor, referral_id=referral.public_id, reason="Not suitable now")
    if action == "remove":
        return referrals.remove_referral(actor, referral_id=referral.public_id, reason="Transferred")
    if action == "withdraw":
        return referrals.withdraw_referral(actor, referral_id=referral.public_id, reason="Declined by the person")
    return allocations.allocate(actor, referral_id=referral.public_id, override_reason="Assessed in person")


OUTCOME = {
    "approve": "approved",
    "decline": "declined",
    "remove": "removed",
    "withdraw": "withdrawn",
    "allocate": "allocated",
}
ALLOWED = {
    "pending": {"approve", "decline", "remove", "withdraw", "allocate"},
    "approved": {"remove", "withdraw", "allocate"},
    "declined": set(),
    "allocated": set(),
    "removed": set(),
    "withdrawn": set(),
}


@pytest.mark.parametrize("start", list(ALLOWED))
@pytest.mark.parametrize("action", list(OUTCOME))
def test_status_moves(sam, person, tsp, start, action):
    referral = make_referral(person, tsp, sam, status=start)
    actor = actor_of(sam)
    if action in ALLOWED[start]:
        _do(action, actor, referral)
        assert Referral.objects.get(pk=referral.pk).status == OUTCOME[action]
    else:
        with pytest.raises(Conflict) as refused:
            _do(action, actor, referral)
        assert refused.value.code == "rehabilitation.referral_status"
        assert Referral.objects.get(pk=referral.pk).status == start


def test_declining_and_removing_need_a_reason(sam, person, tsp):
    referral = make_referral(person, tsp, sam)
    for call in (referrals.decline_referral, referrals.remove_referral, referrals.withdraw_referral):
        with pytest.raises(RuleViolation) as missing:
            call(actor_of(sam), referral_id=referral.public_id, reason="")
        assert missing.value.field == "reason"


def test_the_waiting_list_is_by_priority_then_date_with_eligibility(sam, casey, person, other_person, prison_a, tsp):
    from tests.people.conftest import make_person

    tsp.eligibility = {"risk_bands": ["medium", "high"], "risk_instrument": "ogrs3"}
    tsp.save()
    third = make_person(prison_a, family="Ng", given="Kim")
    early = clock.now() - dt.timedelta(days=3)
    make_referral(person, tsp, casey, priority=3, referred_at=early)
    make_referral(other_person, tsp, casey, priority=3)
    make_referral(third, tsp, casey, priority=1)
    current_assessment(person, casey, "ogrs3", band="high")
    current_assessment(other_person, casey, "ogrs3", band="low")

    programme, entries = queries.waiting_list(actor_of(sam), tsp.public_id)

    assert [e.referral.person for e in entries] == [third, person, other_person]
    assert [e.eligibility.status for e in entries] == ["cannot_check", "eligible", "not_eligible"]


def test_a_persons_referrals_and_allocations(casey, sam, person, tsp, course_b):
    make_referral(person, course_b, casey)  # at Prison B: out of Casey's reach
    make_referral(person, tsp, casey)
    _, found = queries.referrals_of(actor_of(casey), person.public_id)
    assert [r.programme for r in found] == [tsp]
    _, places = queries.allocations_of(actor_of(casey), person.public_id)
    assert places == []
