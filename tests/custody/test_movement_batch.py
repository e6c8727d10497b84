"""Batch recording of a movement window: every bad row reported with nothing written, bulk writes,
keep-aparts among the batch, and the uncleared-count flag checked once per batch."""

from __future__ import annotations

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.core.models import OutboxMessage
from oms.custody.models import Count, CustodyEpisode, Movement, NonAssociation
from oms.custody.services import movements as services
from tests.custody.factories import make_estate, make_prisoner
from tests.factories import actor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def wing(prison_a):
    """Prison A with 8 people housed (4 cells of 2)."""
    estate = make_estate(prison_a, cells=4)
    beds = [loc for key, loc in sorted(estate.items()) if loc.kind == "bed"]
    return estate, [make_prisoner(prison_a, family=f"Person{n}", bed=bed) for n, bed in enumerate(beds)]


def test_unlock_to_education_then_everyone_back(olive_actor, prison_a, wing):
    estate, people = wing
    items = [
        {"episode_id": str(e.public_id), "kind": "internal", "to_location_id": str(estate["EDU"].public_id)}
        for e in people
    ]
    result = services.record_movement_batch(olive_actor, site_id=prison_a.public_id, items=items)
    assert len(result.movements) == 8 and not result.during_uncleared_count
    assert Movement.objects.filter(batch_id=result.batch_id, to_location=estate["EDU"]).count() == 8
    assert set(CustodyEpisode.objects.values_list("current_location_id", flat=True)) == {estate["EDU"].pk}
    assert set(CustodyEpisode.objects.values_list("version", flat=True)) == {2}
    audits = AuditEvent.objects.filter(action="custody.movement_recorded")
    assert audits.count() == 8 and all(a.details["batch_id"] == str(result.batch_id) for a in audits)
    assert OutboxMessage.objects.filter(name="custody.movement_recorded").count() == 8

    back = services.record_movement_batch(
        olive_actor,
        site_id=prison_a.public_id,
        items=[{"episode_id": str(e.public_id), "kind": "return"} for e in people],
    )
    assert set(CustodyEpisode.objects.values_list("current_location_id", flat=True)) == {None}
    firsts = {m.episode_id: m.pk for m in result.movements}
    assert all(m.return_of_id == firsts[m.episode_id] and m.direction == "internal" for m in back.movements)


def test_court_run_by_booking_number_then_returns_close_the_out_movements(olive_actor, prison_a, wing):
    _, people = wing
    items = [
        {
            "booking_number": e.booking_number.lower(),
            "kind": "court",
            "destination": "Leeds Crown",
            "escort": f"Van {n}",
        }
        for n, e in enumerate(people[:3])
    ]
    result = services.record_movement_batch(olive_actor, site_id=prison_a.public_id, items=items)
    assert CustodyEpisode.objects.filter(in_out="out").count() == 3
    back = services.record_movement_batch(
        olive_actor,
        site_id=prison_a.public_id,
        items=[{"booking_number": e.booking_number, "kind": "return"} for e in people[:3]],
    )
    outs = {m.episode_id: m.pk for m in result.movements}
    assert all(m.kind == "return" and m.return_of_id == outs[m.episode_id] for m in back.movements)
    assert CustodyEpisode.objects.filter(in_out="out").count() == 0


def test_a_batch_with_bad_rows_lists_every_error_and_writes_nothing(olive_actor, prison_a, wing):
    estate, people = wing
    services.record_out(olive_actor, episode_id=people[5].public_id, kind="hospital", destination="LGI", escort="A")
    before = (Movement.objects.count(), AuditEvent.objects.count(), OutboxMessage.objects.count())
    items = [
        {"episode_id": str(people[0].public_id), "kind": "court", "destination": "York", "escort": "Van"},  # fine
        {"episode_id": "00000000-0000-0000-0000-000000000000", "kind": "court", "destination": "York", "escort": "Van"},
        {"episode_id": str(people[1].public_id), "kind": "teleport"},
        {"episode_id": str(people[2].public_id), "kind": "court", "destination": "", "escort": ""},
        {
            "episode_id": str(people[3].public_id),
            "kind": "internal",
            "to_location_id": str(estate["A-1-1-01"].public_id),
        },
        {"episode_id": str(people[4].public_id), "kind": "return"},
        {"episode_id": str(people[5].public_id), "kind": "court", "destination": "York", "escort": "Van"},
        {"episode_id": str(people[0].public_id), "kind": "return"},
        {
            "episode_id": str(people[6].public_id),
            "kind": "court",
            "destination": "York",
            "escort": "Van",
            "occurred_at": "soon",
        },
    ]
    with pytest.raises(RuleViolation) as rejected:
        services.record_movement_batch(olive_actor, site_id=prison_a.public_id, items=items)
    found = [(e.row, e.field, e.code) for e in rejected.value.errors]
    assert found == [
        (1, "episode", "custody.episode_not_found"),
        (2, "kind", "custody.invalid_kind"),
        (3, "destination", "custody.required"),
        (3, "escort", "custody.required"),
        (4, "to_location", "custody.unknown_location"),
        (5, "episode", "custody.not_out"),
        (6, "episode", "custody.already_out"),
        (7, "episode", "custody.duplicate_row"),
        (8, "occurred_at", "custody.invalid_time"),
    ]
    assert rejected.value.code == "custody.batch_rejected"
    assert (Movement.objects.count(), AuditEvent.objects.count(), OutboxMessage.objects.count()) == before
    assert CustodyEpisode.objects.filter(in_out="out").count() == 1


def test_keep_aparts_in_one_escort_need_a_supervisors_override(olive_actor, sam_actor, prison_a, wing):
    _, people = wing
    low, high = sorted([people[0].person, people[1].person], key=lambda p: p.pk)
    now = clock.now()
    NonAssociation.objects.create(
        person_a=low,
        person_b=high,
        role_a="victim",
        role_b="perpetrator",
        reason="gang_related",
        restriction_level="landing",
        comment="rival gangs",
        authorised_by="Security",
        created_at=now,
        updated_at=now,
    )
    items = [
        {"episode_id": str(e.public_id), "kind": "court", "destination": f"Court {n}", "escort": "Van 1"}
        for n, e in enumerate(people[:3])
    ]
    with pytest.raises(Conflict) as conflict:
        services.record_movement_batch(olive_actor, site_id=prison_a.public_id, items=items)
    assert "same escort (Van 1)" in conflict.value.detail and len(conflict.value.pairs) == 1
    assert not Movement.objects.exists()
    with pytest.raises(PermissionDenied):
        services.record_movement_batch(
            olive_actor, site_id=prison_a.public_id, items=items, override_reason="cuffed apart"
        )
    result = services.record_movement_batch(
        sam_actor, site_id=prison_a.public_id, items=items, override_reason="Separate cubicles in the van"
    )
    assert result.overridden_keep_aparts[0]["level"] == "landing"
    assert (
        AuditEvent.objects.filter(action="custody.movement_recorded", reason="Separate cubicles in the van").count()
        == 3
    )


def test_movements_in_a_batch_during_an_uncleared_count_are_flagged(olive_actor, prison_a, wing):
    _, people = wing
    Count.objects.create(site=prison_a, kind="scheduled", due_at=clock.now(), started_at=clock.now())
    result = services.record_movement_batch(
        olive_actor,
        site_id=prison_a.public_id,
        items=[
            {"episode_id": str(e.public_id), "kind": "temporary_release", "destination": "Home"} for e in people[:2]
        ],
    )
    assert result.during_uncleared_count
    assert Movement.objects.filter(during_uncleared_count=True).count() == 2


def test_batch_permission_matrix_and_empty_batch(olive_actor, oscar_actor, charlie, prison_a, wing):
    _, people = wing
    items = [{"episode_id": str(people[0].public_id), "kind": "escape"}]
    with pytest.raises(PermissionDenied):
        services.record_movement_batch(actor_of(charlie), site_id=prison_a.public_id, items=items)
    with pytest.raises(NotFound):
        services.record_movement_batch(oscar_actor, site_id=prison_a.public_id, items=items)
    with pytest.raises(RuleViolation) as empty:
        services.record_movement_batch(olive_actor, site_id=prison_a.public_id, items=[])
    assert empty.value.code == "custody.empty_batch"
    assert len(services.record_movement_batch(olive_actor, site_id=prison_a.public_id, items=items).movements) == 1


def test_people_at_another_site_are_not_found_in_a_batch(olive_actor, prison_a, prison_b, wing):
    elsewhere = make_prisoner(prison_b, family="Far")
    with pytest.raises(RuleViolation) as rejected:
        services.record_movement_batch(
            olive_actor, site_id=prison_a.public_id, items=[{"episode_id": str(elsewhere.public_id), "kind": "escape"}]
        )
    assert rejected.value.errors[0].code == "custody.episode_not_found"
