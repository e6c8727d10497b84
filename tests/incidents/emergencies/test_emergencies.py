"""Declaring, standing down, the timeline, notifications, movement blocking through custody's real
movement services, exceptions, incident links and the permission matrix."""

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.custody.services.movements import record_internal, record_movement_batch, record_out
from oms.incidents.models import Emergency, MovementException
from oms.incidents.services import emergencies as svc
from tests.factories import actor_of, make_user

pytestmark = pytest.mark.django_db


def declare(actor, site, **kw):
    kw.setdefault("kind", "lockdown")
    kw.setdefault("instructions", "All prisoners behind doors.")
    return svc.declare_emergency(actor, facility_id=site.public_id, **kw)


def test_sam_declares_a_whole_facility_lockdown_and_staff_on_duty_are_told(
    sam_actor, prison_a, olly, otto, alice, memory_notifications
):
    emergency = declare(sam_actor, prison_a)
    assert emergency.status == "active" and emergency.blocks_movements
    assert emergency.declared_by_id == sam_actor.user_id
    assert [a.kind for a in emergency.actions.all()] == ["declared"]
    assert AuditEvent.objects.filter(action="incidents.emergency_declared").count() == 1
    [message] = memory_notifications
    names = {r.name for r in message.recipients}
    assert "olly" in names and "sam" in names  # both hold incidents.emergency_roll at Prison A
    assert "otto" not in names  # Prison B
    assert "alice" not in names  # no emergency role
    assert message.kind == "incidents.emergency_declared" and str(emergency.public_id) in message.link


def test_disabled_staff_are_not_on_duty(sam_actor, prison_a, olly, memory_notifications):
    from oms.core import clock

    olly.disabled_at = clock.now()
    olly.save()
    declare(sam_actor, prison_a)
    assert "olly" not in {r.name for r in memory_notifications[0].recipients}


def test_same_scope_twice_is_refused_other_scopes_are_allowed(sam_actor, prison_a, estate):
    declare(sam_actor, prison_a)
    with pytest.raises(Conflict) as e:
        declare(sam_actor, prison_a, kind="fire")
    assert e.value.code == "incidents.emergency_already_active"
    declare(sam_actor, prison_a, kind="fire", location_ids=[estate["B"].public_id])


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"kind": "flood"}, "kind"),
        ({"instructions": "  "}, "instructions"),
        ({"instructions": "x" * 5001}, "instructions"),
        ({"location_ids": ["not-a-uuid"]}, None),
    ],
)
def test_bad_input_is_refused_naming_the_field(sam_actor, prison_a, kw, field):
    with pytest.raises((RuleViolation, NotFound)) as e:
        declare(sam_actor, prison_a, **kw)
    if field:
        assert e.value.field == field
    assert not Emergency.objects.exists()


def test_a_location_of_another_facility_is_refused(sam_actor, prison_a, prison_b):
    other = make_user("x", roles=("supervisor",), sites=(prison_b,))
    from tests.custody.factories import make_estate

    b_estate = make_estate(prison_b)
    with pytest.raises(RuleViolation) as e:
        declare(sam_actor, prison_a, location_ids=[b_estate["A"].public_id])
    assert e.value.field == "location_ids"
    assert other


def test_permission_matrix_for_declaring(olly_actor, alice, otto, prison_a):
    with pytest.raises(PermissionDenied):
        declare(olly_actor, prison_a)  # olly marks rolls but does not declare
    with pytest.raises(PermissionDenied):
        declare(actor_of(alice), prison_a)
    otto_supervisor = make_user("otto2", roles=("supervisor",), sites=(otto.sites.first(),))
    with pytest.raises(NotFound):
        declare(actor_of(otto_supervisor), prison_a)


def test_timeline_instructions_log_stand_down_and_review(sam_actor, olly_actor, prison_a, otto):
    emergency = declare(sam_actor, prison_a)
    svc.update_instructions(sam_actor, emergency_id=emergency.public_id, instructions="Count everyone.", version=1)
    with pytest.raises(Conflict):
        svc.update_instructions(sam_actor, emergency_id=emergency.public_id, instructions="Stale", version=1)
    svc.add_log_entry(olly_actor, emergency_id=emergency.public_id, text="Wing A secured")
    with pytest.raises(NotFound):
        svc.add_log_entry(actor_of(otto), emergency_id=emergency.public_id, text="x")
    with pytest.raises(Conflict):
        svc.record_review(sam_actor, emergency_id=emergency.public_id, text="Too early")
    with pytest.raises(PermissionDenied):
        svc.stand_down(olly_actor, emergency_id=emergency.public_id)
    svc.stand_down(sam_actor, emergency_id=emergency.public_id, note="All accounted for")
    with pytest.raises(Conflict) as e:
        svc.stand_down(sam_actor, emergency_id=emergency.public_id)
    assert e.value.code == "incidents.emergency_stood_down"
    svc.record_review(sam_actor, emergency_id=emergency.public_id, text="Response within 4 minutes.")
    emergency.refresh_from_db()
    assert emergency.status == "stood_down" and emergency.stood_down_by_id == sam_actor.user_id
    assert emergency.after_action_review.startswith("Response")
    assert [a.kind for a in emergency.actions.all()] == [
        "declared",
        "instructions_updated",
        "log",
        "stood_down",
        "review_recorded",
    ]


def test_movement_out_of_scope_is_blocked_through_custodys_service(sam_actor, olly_actor, prison_a, housed):
    emergency = declare(sam_actor, prison_a)
    with pytest.raises(Conflict) as e:
        record_out(
            olly_actor, episode_id=housed["a1"].public_id, kind="court", destination="Crown Court", escort="GEOAmey"
        )
    assert e.value.code == "custody.movement_blocked_by_emergency"
    assert str(emergency.public_id) in e.value.detail
    housed["a1"].refresh_from_db()
    assert housed["a1"].in_out == "in"


def test_an_escape_is_still_recorded_during_a_lockdown(sam_actor, olly_actor, prison_a, housed):
    declare(sam_actor, prison_a)
    record_out(olly_actor, episode_id=housed["a1"].public_id, kind="escape")
    housed["a1"].refresh_from_db()
    assert housed["a1"].in_out == "out"


def test_only_the_scope_is_blocked_and_an_exception_allows_one_movement(
    sam_actor, olly_actor, prison_a, estate, housed
):
    emergency = declare(sam_actor, prison_a, location_ids=[estate["A"].public_id])
    # Unit B is not in scope: moves freely.
    record_internal(olly_actor, episode_id=housed["b1"].public_id, to_location_id=estate["EDU"].public_id)
    # Someone housed on unit A may not leave it, even for the classroom outside the scope.
    with pytest.raises(Conflict):
        record_internal(olly_actor, episode_id=housed["a1"].public_id, to_location_id=estate["EDU"].public_id)
    svc.authorise_movement_exception(
        sam_actor, emergency_id=emergency.public_id, person_id=housed["a1"].person.public_id, reason="Chest pains"
    )
    record_out(olly_actor, episode_id=housed["a1"].public_id, kind="hospital", destination="General", escort="Two")
    exception = MovementException.objects.get()
    assert exception.used_at is not None and exception.authorised_by_id == sam_actor.user_id
    # Spent: the next movement of someone else on A is refused.
    with pytest.raises(Conflict):
        record_out(olly_actor, episode_id=housed["a2"].public_id, kind="court", destination="C", escort="E")
    assert "exception_used" in [a.kind for a in emergency.actions.all()]


def test_batch_movements_are_blocked_all_or_nothing_and_free_after_stand_down(
    sam_actor, olly_actor, prison_a, estate, housed
):
    emergency = declare(sam_actor, prison_a, location_ids=[estate["B"].public_id])
    items = [
        {"episode_id": str(housed["a1"].public_id), "kind": "internal", "to_location_id": str(estate["EDU"].public_id)},
        {"episode_id": str(housed["b1"].public_id), "kind": "internal", "to_location_id": str(estate["EDU"].public_id)},
    ]
    with pytest.raises(Conflict) as e:
        record_movement_batch(olly_actor, site_id=prison_a.public_id, items=items)
    assert e.value.code == "custody.movement_blocked_by_emergency"
    housed["a1"].refresh_from_db()
    assert housed["a1"].current_location_id is None  # nothing recorded
    svc.stand_down(sam_actor, emergency_id=emergency.public_id)
    result = record_movement_batch(olly_actor, site_id=prison_a.public_id, items=items)
    assert result


def test_an_emergency_that_does_not_block_movements_lets_them_through(sam_actor, olly_actor, prison_a, housed):
    declare(sam_actor, prison_a, kind="medical", blocks_movements=False)
    record_out(olly_actor, episode_id=housed["a1"].public_id, kind="court", destination="C", escort="E")


def test_exception_needs_a_reason_and_a_person_in_scope(sam_actor, prison_a, housed, prison_b):
    emergency = declare(sam_actor, prison_a)
    with pytest.raises(RuleViolation) as e:
        svc.authorise_movement_exception(
            sam_actor, emergency_id=emergency.public_id, person_id=housed["a1"].person.public_id, reason=""
        )
    assert e.value.field == "reason"
    from tests.custody.factories import make_prisoner

    elsewhere = make_prisoner(prison_b, family="Far")
    with pytest.raises(NotFound):
        svc.authorise_movement_exception(
            sam_actor, emergency_id=emergency.public_id, person_id=elsewhere.person.public_id, reason="x"
        )


def test_link_incident_to_emergency(sam_actor, sam, prison_a):
    from tests.incidents.factories import make_incident

    emergency = declare(sam_actor, prison_a)
    incident = make_incident(prison_a, sam)
    svc.link_incident_to_emergency(sam_actor, emergency_id=emergency.public_id, incident_id=incident.public_id)
    incident.refresh_from_db()
    assert incident.emergency_id == emergency.pk
    with pytest.raises(NotFound):
        svc.link_incident_to_emergency(sam_actor, emergency_id=emergency.public_id, incident_id="nope")
