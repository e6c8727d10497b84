"""Movement services: the state machine (out, back, internal, transfer), keep-aparts when travelling
together, scheduling, the uncleared-count flag and the permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.core.models import OutboxMessage
from oms.custody.models import BedAssignment, Count, CustodyEpisode, Movement, NonAssociation
from oms.custody.services import movements as services
from oms.people.models import PersonSiteLink
from tests.custody.factories import make_location, make_prisoner
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def housed(prison_a, estate_a):
    return make_prisoner(prison_a, family="Hale", bed=estate_a["A-1-1-01-1"])


def _refresh(episode: CustodyEpisode) -> CustodyEpisode:
    episode.refresh_from_db()
    return episode


def _keep_apart(one, other, level="cell"):
    low, high = sorted([one.person, other.person], key=lambda p: p.pk)
    now = clock.now()
    return NonAssociation.objects.create(
        person_a=low,
        person_b=high,
        role_a="victim",
        role_b="perpetrator",
        reason="violence",
        restriction_level=level,
        comment="assault on the wing",
        authorised_by="Governor",
        created_at=now,
        updated_at=now,
    )


# --- out and back ------------------------------------------------------------------------------------


def test_court_out_keeps_the_bed_and_return_closes_the_out_movement(olive_actor, housed):
    out = services.record_out(
        olive_actor, episode_id=housed.public_id, kind="court", destination="Leeds Crown Court", escort="GEOAmey van 3"
    )
    episode = _refresh(housed)
    assert episode.in_out == "out" and episode.current_location is None
    assert out.status == "completed" and out.direction == "out" and out.occurred_at is not None
    assert out.escort == "GEOAmey van 3" and out.recorded_by_id == olive_actor.user_id
    assert BedAssignment.objects.filter(episode=housed, ended_at__isnull=True).exists(), "the bed is kept"
    back = services.record_return(olive_actor, episode_id=housed.public_id)
    assert _refresh(housed).in_out == "in"
    assert back.return_of == out and back.direction == "in" and back.kind == "return"
    actions = list(AuditEvent.objects.filter(object_type="movement").values_list("action", flat=True))
    assert actions == ["custody.movement_recorded", "custody.movement_recorded"]
    assert OutboxMessage.objects.filter(name="custody.movement_recorded").count() == 2


def test_state_checks_say_what_is_wrong(olive_actor, housed):
    with pytest.raises(Conflict) as not_out:
        services.record_return(olive_actor, episode_id=housed.public_id)
    assert not_out.value.code == "custody.not_out"
    services.record_out(
        olive_actor, episode_id=housed.public_id, kind="hospital", destination="LGI", escort="Two officers"
    )
    with pytest.raises(Conflict) as already:
        services.record_out(olive_actor, episode_id=housed.public_id, kind="court", destination="X", escort="Y")
    assert already.value.code == "custody.already_out"
    with pytest.raises(Conflict) as internal:
        services.record_internal(
            olive_actor, episode_id=housed.public_id, to_location_id=housed.site.locations.get(key="EDU").public_id
        )
    assert internal.value.code == "custody.not_in"


def test_bad_input_names_the_field(olive_actor, housed):
    cases = [
        ({"kind": "holiday", "destination": "x", "escort": "y"}, "kind", "custody.invalid_kind"),
        ({"kind": "court", "destination": "", "escort": "y"}, "destination", "custody.required"),
        ({"kind": "court", "destination": "Court", "escort": ""}, "escort", "custody.required"),
        ({"kind": "court", "destination": "C" * 201, "escort": "y"}, "destination", "custody.too_long"),
        (
            {"kind": "court", "destination": "C", "escort": "y", "occurred_at": clock.now() + dt.timedelta(hours=2)},
            "occurred_at",
            "custody.future_time",
        ),
    ]
    for fields, field, code in cases:
        with pytest.raises(RuleViolation) as error:
            services.record_out(olive_actor, episode_id=housed.public_id, **fields)
        assert (error.value.field, error.value.code) == (field, code)
    assert not Movement.objects.exists()


def test_escape_needs_no_destination_or_escort(olive_actor, housed):
    movement = services.record_out(
        olive_actor, episode_id=housed.public_id, kind="escape", reason="Absconded from work party"
    )
    assert movement.kind == "escape" and _refresh(housed).in_out == "out"


def test_a_released_person_cannot_move(olive_actor, housed):
    CustodyEpisode.objects.filter(pk=housed.pk).update(status="released")
    with pytest.raises(Conflict) as error:
        services.record_out(olive_actor, episode_id=housed.public_id, kind="court", destination="C", escort="E")
    assert error.value.code == "custody.episode_not_active"


def test_an_unknown_episode_is_not_found(olive_actor):
    for episode_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            services.record_out(olive_actor, episode_id=episode_id, kind="escape")


# --- internal ------------------------------------------------------------------------------------------


def test_internal_move_sets_and_clears_the_current_location(olive_actor, housed, estate_a):
    classroom = estate_a["EDU"]
    went = services.record_internal(olive_actor, episode_id=housed.public_id, to_location_id=classroom.public_id)
    assert _refresh(housed).current_location == classroom and housed.in_out == "in"
    assert went.direction == "internal" and went.to_location == classroom
    back = services.record_internal_return(olive_actor, episode_id=housed.public_id)
    assert _refresh(housed).current_location is None and back.return_of == went
    with pytest.raises(Conflict) as error:
        services.record_internal_return(olive_actor, episode_id=housed.public_id)
    assert error.value.code == "custody.not_at_internal_location"


def test_internal_move_refuses_unknown_closed_residential_and_other_site_locations(
    olive_actor, housed, estate_a, prison_b
):
    closed = make_location(housed.site, None, "workshop", "WS1", active=False, deactivated_reason="flood")
    elsewhere = make_location(prison_b, None, "workshop", "WS9")
    cases = [
        ("00000000-0000-0000-0000-000000000000", "custody.unknown_location"),
        (estate_a["A-1-1-01"].public_id, "custody.unknown_location"),
        (elsewhere.public_id, "custody.unknown_location"),
        (closed.public_id, "custody.location_closed"),
    ]
    for location_id, code in cases:
        with pytest.raises(RuleViolation) as error:
            services.record_internal(olive_actor, episode_id=housed.public_id, to_location_id=location_id)
        assert (error.value.code, error.value.field) == (code, "to_location")


# --- scheduling ---------------------------------------------------------------------------------------


def test_scheduled_then_actual_and_cancel(olive_actor, housed):
    planned_for = clock.now() + dt.timedelta(hours=3)
    planned = services.schedule_movement(
        olive_actor,
        episode_id=housed.public_id,
        kind="court",
        scheduled_at=planned_for,
        destination="Leeds Magistrates",
        escort="Van 1",
    )
    assert planned.status == "scheduled" and planned.occurred_at is None
    done = services.record_out(
        olive_actor, episode_id=housed.public_id, kind="court", scheduled_movement_id=planned.public_id
    )
    assert done.pk == planned.pk and done.status == "completed"
    assert done.scheduled_at == planned_for and done.occurred_at is not None and done.destination == "Leeds Magistrates"
    with pytest.raises(Conflict):
        services.cancel_movement(olive_actor, movement_id=done.public_id, reason="no longer needed")
    services.record_return(olive_actor, episode_id=housed.public_id)
    other = services.schedule_movement(
        olive_actor, episode_id=housed.public_id, kind="hospital", scheduled_at=planned_for, destination="LGI"
    )
    with pytest.raises(RuleViolation) as missing_reason:
        services.cancel_movement(olive_actor, movement_id=other.public_id, reason=" ")
    assert missing_reason.value.field == "reason"
    cancelled = services.cancel_movement(olive_actor, movement_id=other.public_id, reason="Appointment moved")
    assert cancelled.status == "cancelled"
    assert AuditEvent.objects.filter(action="custody.movement_cancelled", reason="Appointment moved").count() == 1


def test_escape_cannot_be_scheduled(olive_actor, housed):
    with pytest.raises(RuleViolation) as error:
        services.schedule_movement(
            olive_actor, episode_id=housed.public_id, kind="escape", scheduled_at=clock.now(), destination="x"
        )
    assert error.value.field == "kind"


# --- transfers -----------------------------------------------------------------------------------------


def test_transfer_end_to_end_from_prison_a_to_prison_b(olive_actor, oscar_actor, housed, prison_a, prison_b):
    sent = services.send_transfer(
        olive_actor, episode_id=housed.public_id, to_site_id=prison_b.public_id, escort="Serco van 12"
    )
    episode = _refresh(housed)
    assert sent.status == "en_route" and episode.in_out == "transfer" and episode.site == prison_a
    assert not BedAssignment.objects.filter(episode=housed, ended_at__isnull=True).exists(), "the bed is freed"
    with pytest.raises(Conflict) as twice:
        services.send_transfer(olive_actor, episode_id=housed.public_id, to_site_id=prison_b.public_id, escort="x")
    assert twice.value.code == "custody.en_route"
    with pytest.raises(NotFound):
        services.receive_transfer(olive_actor, movement_id=sent.public_id)  # only the receiving site receives

    arrived = services.receive_transfer(oscar_actor, movement_id=sent.public_id)
    episode = _refresh(housed)
    assert episode.site == prison_b and episode.in_out == "in" and episode.in_reception
    sent.refresh_from_db()
    assert sent.status == "completed"
    assert arrived.site == prison_b and arrived.direction == "in" and arrived.return_of == sent
    links = PersonSiteLink.objects.filter(person=housed.person, kind="custody")
    assert links.get(site=prison_a).ended_on == clock.today()
    assert links.get(site=prison_b).ended_on is None
    audit = AuditEvent.objects.get(action="custody.person_transferred")
    assert audit.site_id == prison_b.pk and audit.details["from_site"] == "PRA"
    message = OutboxMessage.objects.get(name="custody.person_transferred")
    assert message.payload["to_site"] == "PRB" and message.payload["from_site"] == "PRA"
    with pytest.raises(Conflict) as again:
        services.receive_transfer(oscar_actor, movement_id=sent.public_id)
    assert again.value.code == "custody.transfer_not_en_route"
    # Prison A's officer can no longer reach the person; Prison B's can move them.
    with pytest.raises(NotFound):
        services.record_out(olive_actor, episode_id=housed.public_id, kind="escape")
    services.record_out(oscar_actor, episode_id=housed.public_id, kind="hospital", destination="LGI", escort="Two")


def test_transfer_needs_a_different_open_establishment(olive_actor, housed, prison_a):
    for to_site, code in (
        (None, "custody.required"),
        (prison_a.public_id, "custody.same_site_transfer"),
        ("00000000-0000-0000-0000-000000000000", "custody.unknown_site"),
    ):
        with pytest.raises(RuleViolation) as error:
            services.send_transfer(olive_actor, episode_id=housed.public_id, to_site_id=to_site, escort="Van")
        assert (error.value.code, error.value.field) == (code, "to_site")


# --- keep-aparts while travelling ---------------------------------------------------------------------


def test_same_court_on_the_same_day_is_a_keep_apart_conflict(olive_actor, sam_actor, prison_a, estate_a):
    first = make_prisoner(prison_a, family="Ames", bed=estate_a["A-1-1-01-1"])
    second = make_prisoner(prison_a, family="Boyd", bed=estate_a["A-1-1-02-1"])
    _keep_apart(first, second, level="wing")
    services.record_out(
        olive_actor, episode_id=first.public_id, kind="court", destination="Leeds Crown Court", escort="Van 1"
    )
    with pytest.raises(Conflict) as conflict:
        services.record_out(
            olive_actor, episode_id=second.public_id, kind="court", destination="leeds crown court", escort="Van 2"
        )
    assert conflict.value.code == "custody.keep_apart_conflict"
    assert "court holding" in conflict.value.detail and first.person.system_number in conflict.value.detail
    with pytest.raises(PermissionDenied):  # an officer cannot override
        services.record_out(
            olive_actor,
            episode_id=second.public_id,
            kind="court",
            destination="Leeds Crown Court",
            escort="Van 2",
            override_reason="separate cells at court",
        )
    movement = services.record_out(
        sam_actor,
        episode_id=second.public_id,
        kind="court",
        destination="Leeds Crown Court",
        escort="Van 2",
        override_reason="Court has agreed separate holding cells",
    )
    audit = AuditEvent.objects.get(object_id=str(movement.public_id))
    assert audit.reason == "Court has agreed separate holding cells"
    assert audit.details["overridden_keep_aparts"][0]["level"] == "wing"


def test_same_escort_to_different_places_is_a_conflict_but_different_escorts_are_not(olive_actor, prison_a, estate_a):
    first = make_prisoner(prison_a, family="Ames", bed=estate_a["A-1-1-01-1"])
    second = make_prisoner(prison_a, family="Boyd", bed=estate_a["A-1-1-02-1"])
    _keep_apart(first, second)
    services.record_out(olive_actor, episode_id=first.public_id, kind="hospital", destination="LGI", escort="Van 7")
    with pytest.raises(Conflict) as conflict:
        services.record_out(olive_actor, episode_id=second.public_id, kind="court", destination="York", escort="van 7")
    assert "same escort" in conflict.value.detail
    services.record_out(olive_actor, episode_id=second.public_id, kind="court", destination="York", escort="Van 8")


# --- uncleared count ------------------------------------------------------------------------------------


def test_movements_during_an_uncleared_count_are_flagged(olive_actor, housed, prison_a):
    services.record_out(olive_actor, episode_id=housed.public_id, kind="court", destination="C", escort="E")
    assert not Movement.objects.get().during_uncleared_count
    Count.objects.create(site=prison_a, kind="emergency", due_at=clock.now(), started_at=clock.now())
    back = services.record_return(olive_actor, episode_id=housed.public_id)
    assert back.during_uncleared_count
    assert AuditEvent.objects.get(object_id=str(back.public_id)).details["during_uncleared_count"] is True


# --- permission matrix ------------------------------------------------------------------------------------


def test_permission_matrix(olive_actor, oscar_actor, charlie, housed, estate_a):
    charlie_actor = actor_of(charlie)
    calls = {
        "out": lambda actor: services.record_out(
            actor, episode_id=housed.public_id, kind="court", destination="C", escort="E"
        ),
        "internal": lambda actor: services.record_internal(
            actor, episode_id=housed.public_id, to_location_id=estate_a["EDU"].public_id
        ),
        "schedule": lambda actor: services.schedule_movement(
            actor, episode_id=housed.public_id, kind="court", scheduled_at=clock.now(), destination="C"
        ),
    }
    for name, call in calls.items():
        with pytest.raises(PermissionDenied):
            call(charlie_actor)
        with pytest.raises(NotFound):
            call(oscar_actor)
        assert call(olive_actor).pk, name
        if name == "out":
            services.record_return(olive_actor, episode_id=housed.public_id)
    with pytest.raises(PermissionDenied):
        services.record_return(charlie_actor, episode_id=housed.public_id)
    with pytest.raises(NotFound):
        services.record_return(oscar_actor, episode_id=housed.public_id)


def test_carrying_out_scheduled_movements_of_each_kind(olive_actor, housed, estate_a, prison_b):
    later = clock.now() + dt.timedelta(hours=1)
    internal = services.schedule_movement(
        olive_actor,
        episode_id=housed.public_id,
        kind="internal",
        scheduled_at=later,
        to_location_id=estate_a["EDU"].public_id,
    )
    done = services.carry_out_movement(olive_actor, movement_id=internal.public_id)
    assert (
        done.pk == internal.pk and done.status == "completed" and _refresh(housed).current_location == estate_a["EDU"]
    )
    services.record_internal_return(olive_actor, episode_id=housed.public_id)
    transfer = services.schedule_movement(
        olive_actor, episode_id=housed.public_id, kind="transfer", scheduled_at=later, to_site_id=prison_b.public_id
    )
    with pytest.raises(RuleViolation) as no_escort:
        services.carry_out_movement(olive_actor, movement_id=transfer.public_id)
    assert no_escort.value.field == "escort"
    court = services.schedule_movement(
        olive_actor, episode_id=housed.public_id, kind="court", scheduled_at=later, destination="York", escort="Van"
    )
    assert services.carry_out_movement(olive_actor, movement_id=court.public_id).status == "completed"
    with pytest.raises(Conflict) as twice:
        services.carry_out_movement(olive_actor, movement_id=court.public_id)
    assert twice.value.code == "custody.not_scheduled"
