"""The emergency roll: contents frozen at start, marking with compare-and-set, the unaccounted count."""

import pytest

from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.custody.services.movements import record_internal, record_out
from oms.incidents.models import RollEntry
from oms.incidents.queries.emergencies import roll_summary
from oms.incidents.services import emergencies as svc
from oms.incidents.services.emergency_roll import mark_person, start_roll
from tests.custody.factories import make_prisoner
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


def test_roll_lists_everyone_expected_in_scope_with_where_frozen_at_start(
    sam_actor, olly_actor, prison_a, estate, housed
):
    record_out(olly_actor, episode_id=housed["a2"].public_id, kind="court", destination="Crown Court", escort="E")
    record_internal(olly_actor, episode_id=housed["b1"].public_id, to_location_id=estate["EDU"].public_id)
    unhoused = make_prisoner(prison_a, family="Evans")
    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    where = {e.person_id: e.expected_where for e in roll.entries.all()}
    assert roll.expected == 5
    assert where[housed["a1"].person_id] == "A-1-1-01"
    assert where[housed["a2"].person_id] == "Out: Crown Court"
    assert where[housed["b1"].person_id] == "EDU (from B-1-1-01)"
    assert where[unhoused.person_id] == "Not housed (reception)"
    assert [a.kind for a in emergency.actions.all()][-1] == "roll_started"
    # Frozen: someone received later is not added.
    make_prisoner(prison_a, family="Late", bed=estate["A-1-1-01-2"])
    assert roll.entries.count() == 5


def test_a_scoped_roll_lists_only_people_under_the_scope(sam_actor, olly_actor, prison_a, estate, housed):
    emergency = svc.declare_emergency(
        sam_actor, facility_id=prison_a.public_id, kind="fire", instructions="x", location_ids=[estate["B"].public_id]
    )
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    assert {e.person_id for e in roll.entries.all()} == {housed["b1"].person_id, housed["b2"].person_id}


def test_marking_accounted_missing_found_and_the_count(sam_actor, olly_actor, prison_a, housed):
    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    assert roll_summary(roll)["unaccounted"] == 4
    p = {k: v.person.public_id for k, v in housed.items()}
    mark_person(olly_actor, roll_id=roll.public_id, person_id=p["a1"], mark="accounted")
    entry = mark_person(olly_actor, roll_id=roll.public_id, person_id=p["a2"], mark="missing")
    assert entry.status == "missing" and entry.version == 2
    with pytest.raises(RuleViolation) as e:
        mark_person(olly_actor, roll_id=roll.public_id, person_id=p["a2"], mark="found")
    assert e.value.field == "found_at"
    mark_person(olly_actor, roll_id=roll.public_id, person_id=p["a2"], mark="found", found_at="Gym", version=2)
    summary = roll_summary(roll)
    assert (summary["unaccounted"], summary["missing"], summary["accounted"]) == (2, 0, 2)
    assert {row["expected_where"] for row in summary["by_place"]} == {"B-1-1-01", "B-1-1-02"}
    kinds = [a.kind for a in emergency.actions.all()]
    assert "person_missing" in kinds and "person_found" in kinds
    found = RollEntry.objects.get(roll=roll, person__public_id=p["a2"])
    assert found.found_at_text == "Gym" and found.marked_by_id == olly_actor.user_id


def test_a_stale_mark_is_refused_not_lost(sam_actor, olly_actor, prison_a, housed):
    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    person = housed["a1"].person.public_id
    mark_person(olly_actor, roll_id=roll.public_id, person_id=person, mark="missing", version=1)
    with pytest.raises(Conflict) as e:
        mark_person(sam_actor, roll_id=roll.public_id, person_id=person, mark="accounted", version=1)
    assert e.value.code == "incidents.roll_entry_changed" and "missing" in e.value.detail


def test_roll_permissions_and_bad_input(sam_actor, olly_actor, alice, otto, prison_a, housed):
    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    with pytest.raises(PermissionDenied):
        start_roll(actor_of(alice), emergency_id=emergency.public_id)
    with pytest.raises(NotFound):
        start_roll(actor_of(otto), emergency_id=emergency.public_id)
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    person = housed["a1"].person.public_id
    with pytest.raises(PermissionDenied):
        mark_person(actor_of(alice), roll_id=roll.public_id, person_id=person, mark="accounted")
    with pytest.raises(NotFound):
        mark_person(actor_of(otto), roll_id=roll.public_id, person_id=person, mark="accounted")
    with pytest.raises(RuleViolation):
        mark_person(olly_actor, roll_id=roll.public_id, person_id=person, mark="asleep")
    with pytest.raises(NotFound):
        mark_person(olly_actor, roll_id=roll.public_id, person_id="garbage", mark="accounted")
    svc.stand_down(sam_actor, emergency_id=emergency.public_id)
    with pytest.raises(Conflict):
        mark_person(olly_actor, roll_id=roll.public_id, person_id=person, mark="accounted")


def test_finishing_a_roll_stops_marks_and_puts_the_result_on_the_timeline(
    sam_actor, olly_actor, alice, prison_a, housed
):
    from oms.incidents.services.emergency_roll import finish_roll

    emergency = svc.declare_emergency(sam_actor, facility_id=prison_a.public_id, kind="lockdown", instructions="x")
    roll = start_roll(olly_actor, emergency_id=emergency.public_id)
    p = {k: v.person.public_id for k, v in housed.items()}
    for key in ("a1", "a2", "b1"):
        mark_person(olly_actor, roll_id=roll.public_id, person_id=p[key], mark="accounted")
    mark_person(olly_actor, roll_id=roll.public_id, person_id=p["b2"], mark="missing")
    with pytest.raises(PermissionDenied):
        finish_roll(actor_of(alice), roll_id=roll.public_id)
    finished = finish_roll(olly_actor, roll_id=roll.public_id)
    assert finished.completed_at is not None
    last = emergency.actions.order_by("-id").first()
    assert (last.kind, last.text) == ("roll_finished", "Roll finished: 3 of 4 accounted for, 1 missing, 0 not checked.")
    with pytest.raises(Conflict) as again:
        finish_roll(olly_actor, roll_id=roll.public_id)
    assert again.value.code == "incidents.roll_completed"
    with pytest.raises(Conflict):
        mark_person(olly_actor, roll_id=roll.public_id, person_id=p["b2"], mark="found", found_at="Gym")
