"""Assigning and moving people to beds, overrides, and bed suggestions (services and queries)."""

from __future__ import annotations

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.core.models import OutboxMessage
from oms.custody.models import BedAssignment, IntakeScreening, NonAssociation
from oms.custody.queries.housing import bed_history, check_bed, suggest_beds
from oms.custody.services.housing import HousingConflict, assign_bed
from oms.facilities.models import Location
from tests.custody.factories import make_episode, make_estate
from tests.factories import actor_of
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def prisoner(site, family="Able", *, bed=None, sharing="standard", sex="male", accessible=False, **fields):
    """A man in custody at ``site`` with a cell-sharing assessment (arranged directly)."""
    person = make_person(site, family=family, sex=sex)
    episode = make_episode(person, site, bed=bed, **fields)
    if sharing is not None:
        IntakeScreening.objects.create(
            episode=episode, cell_sharing=sharing, needs_accessible_cell=accessible, screened_at=clock.now()
        )
    return episode


def codes(error) -> list[str]:
    return sorted(c.code for c in error.value.conflicts)


def keep_apart(one, two, level="landing"):
    low, high = sorted([one.person, two.person], key=lambda p: p.pk)
    now = clock.now()
    return NonAssociation.objects.create(
        person_a=low,
        person_b=high,
        role_a="victim",
        role_b="perpetrator",
        reason="threat",
        restriction_level=level,
        comment="Threats on the wing",
        authorised_by="Duty governor",
        created_at=now,
        updated_at=now,
    )


# --- placing and moving --------------------------------------------------------------------------


def test_first_placement_houses_the_person_and_is_audited(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a)
    bed = estate_a["A-1-1-01-1"]

    assignment = assign_bed(olive_actor, episode_id=episode.public_id, bed_id=bed.public_id, reason="First night")

    assert assignment.bed == bed and assignment.cell == bed.parent and assignment.ended_at is None
    episode.refresh_from_db()
    assert episode.in_reception is False and episode.current_location is None
    event = AuditEvent.objects.get(action="custody.bed_assigned")
    assert event.subject_person_id == episode.person_id and event.site_id == prison_a.pk
    assert event.details["bed"] == "A-1-1-01-1" and event.reason == "First night"
    assert not OutboxMessage.objects.filter(name="custody.cell_moved").exists()


def test_a_move_ends_the_old_bed_opens_the_new_and_tells_the_outbox(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a, bed=estate_a["A-1-1-01-1"])

    assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-02-1"].public_id)

    rows = list(BedAssignment.objects.filter(episode=episode).order_by("id"))
    assert [r.bed.key for r in rows] == ["A-1-1-01-1", "A-1-1-02-1"]
    assert rows[0].ended_at is not None and rows[1].ended_at is None
    event = AuditEvent.objects.get(action="custody.cell_moved")
    assert event.details["from_bed"] == "A-1-1-01-1" and event.details["bed"] == "A-1-1-02-1"
    message = OutboxMessage.objects.get(name="custody.cell_moved")
    assert message.payload["from_bed"] == "A-1-1-01-1" and message.payload["to_bed"] == "A-1-1-02-1"
    assert [a.bed.key for a in bed_history(episode)] == ["A-1-1-02-1", "A-1-1-01-1"]


def test_the_same_bed_again_is_a_conflict(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a, bed=estate_a["A-1-1-01-1"])
    with pytest.raises(HousingConflict) as error:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id)
    assert codes(error) == ["housing.already_in_bed"]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("bed_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", ""])
def test_unknown_bed_is_not_found(olive_actor, prison_a, estate_a, bed_id):
    episode = prisoner(prison_a)
    with pytest.raises(NotFound) as error:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=bed_id)
    assert error.value.code == "custody.bed_not_found" and error.value.field == "bed_id"


def test_a_closed_location_is_a_conflict_that_says_why(olive_actor, sam_actor, prison_a, estate_a):
    Location.objects.filter(pk=estate_a["A-1-1-01"].pk).update(active=False, deactivated_reason="Broken window")
    episode = prisoner(prison_a)
    with pytest.raises(HousingConflict) as error:
        assign_bed(
            sam_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id, override_reason="x"
        )
    assert codes(error) == ["housing.location_inactive"]
    assert "Cell A-1-1-01 is out of use: Broken window." in error.value.detail
    assert error.value.status == 409 and error.value.code == "custody.housing_conflict"


def test_a_cell_is_not_a_bed(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a)
    with pytest.raises(HousingConflict) as error:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01"].public_id)
    assert codes(error) == ["housing.not_a_bed"]


def test_an_occupied_bed_is_refused_even_with_an_override(sam_actor, prison_a, estate_a):
    prisoner(prison_a, "Baker", bed=estate_a["A-1-1-01-1"])
    episode = prisoner(prison_a)
    with pytest.raises(HousingConflict) as error:
        assign_bed(
            sam_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id, override_reason="x"
        )
    assert codes(error) == ["housing.bed_occupied"]


def test_a_reason_that_is_too_long_is_refused_on_its_field(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a)
    with pytest.raises(RuleViolation) as error:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id, reason="x" * 201)
    assert error.value.field == "reason"


def test_a_released_person_cannot_be_housed(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a, status="released")
    with pytest.raises(Conflict) as error:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id)
    assert error.value.code == "custody.episode_not_active"


# --- each check, through the service -------------------------------------------------------------


def test_sex_security_accessibility_and_cell_sharing_are_checked(olive_actor, prison_a, estate_a):
    bed = estate_a["A-1-1-01-1"].public_id
    woman = prisoner(prison_a, "Cole", sex="female")
    high = prisoner(prison_a, "Dunn", security_level="high")
    wheelchair = prisoner(prison_a, "Eyre", accessible=True)
    single = prisoner(prison_a, "Fox", sharing="single_cell")
    prisoner(prison_a, "Gray", bed=estate_a["A-1-1-01-2"])  # shares cell 01
    expected = {
        woman: ["housing.sex_mismatch"],
        high: ["housing.security_too_low"],
        wheelchair: ["housing.not_accessible"],
        single: ["housing.single_cell_only"],
    }
    for episode, wanted in expected.items():
        with pytest.raises(HousingConflict) as error:
            assign_bed(olive_actor, episode_id=episode.public_id, bed_id=bed)
        assert codes(error) == wanted


def test_capacity_over_working_is_overridable_over_maximum_never(sam_actor, prison_a, estate_a):
    Location.objects.filter(pk=estate_a["A-1-1-01"].pk).update(working_capacity=1, maximum_capacity=2)
    prisoner(prison_a, "Baker", bed=estate_a["A-1-1-01-1"])
    episode = prisoner(prison_a)
    assignment = assign_bed(
        sam_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-2"].public_id, override_reason="Roll full"
    )
    assert assignment.overridden_checks == ["housing.over_working_capacity"]

    # A cell whose capacity is taken down to 0 takes nobody, whatever the override.
    Location.objects.filter(pk=estate_a["A-1-1-02"].pk).update(working_capacity=0, maximum_capacity=0)
    third = prisoner(prison_a, "Cole")
    with pytest.raises(HousingConflict) as error:
        assign_bed(sam_actor, episode_id=third.public_id, bed_id=estate_a["A-1-1-02-1"].public_id, override_reason="x")
    assert codes(error) == ["housing.over_maximum_capacity"]


def test_keep_aparts_at_cell_landing_and_wing(olive_actor, sam_actor, prison_a):
    estate = make_estate(prison_a, wings=2, landings=2, cells=2)
    enemy = prisoner(prison_a, "Enemy", bed=estate["A-1-1-01-1"])
    episode = prisoner(prison_a)
    pair = keep_apart(episode, enemy, level="landing")

    with pytest.raises(HousingConflict) as same_cell:
        assign_bed(sam_actor, episode_id=episode.public_id, bed_id=estate["A-1-1-01-2"].public_id, override_reason="x")
    assert codes(same_cell) == ["housing.keep_apart_cell"]
    with pytest.raises(HousingConflict) as same_landing:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate["A-1-1-02-1"].public_id)
    assert codes(same_landing) == ["housing.keep_apart_landing"]
    # Landing level allows the other landing of the same wing.
    assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate["A-1-2-01-1"].public_id)

    NonAssociation.objects.filter(pk=pair.pk).update(restriction_level="wing")
    with pytest.raises(HousingConflict) as same_wing:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate["A-1-2-02-1"].public_id)
    assert codes(same_wing) == ["housing.keep_apart_wing"]
    assign_bed(olive_actor, episode_id=episode.public_id, bed_id=estate["A-2-1-01-1"].public_id)


# --- override matrix and scope -------------------------------------------------------------------


def test_override_matrix(olive_actor, sam_actor, prison_a, estate_a):
    prisoner(prison_a, "Baker", bed=estate_a["A-1-1-01-1"])
    episode = prisoner(prison_a, sharing="share_with_care")
    bed = estate_a["A-1-1-01-2"].public_id

    with pytest.raises(HousingConflict) as refused:
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=bed)
    assert codes(refused) == ["housing.share_with_care"] and refused.value.conflicts[0].overridable
    with pytest.raises(PermissionDenied):
        assign_bed(olive_actor, episode_id=episode.public_id, bed_id=bed, override_reason="I think it is fine")
    with pytest.raises(HousingConflict):
        assign_bed(sam_actor, episode_id=episode.public_id, bed_id=bed, override_reason="   ")

    assignment = assign_bed(sam_actor, episode_id=episode.public_id, bed_id=bed, override_reason="Case review agreed")

    assert assignment.overridden_checks == ["housing.share_with_care"]
    assert assignment.override_reason == "Case review agreed"
    event = AuditEvent.objects.get(action="custody.bed_assigned")
    assert event.details["overridden_checks"] == ["housing.share_with_care"] and event.reason == "Case review agreed"


def test_wrong_role_is_refused(charlie, prison_a, estate_a):
    episode = prisoner(prison_a)
    with pytest.raises(PermissionDenied):
        assign_bed(actor_of(charlie), episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id)
    with pytest.raises(PermissionDenied):
        suggest_beds(actor_of(charlie), episode_id=episode.public_id)


def test_other_facility_is_not_found(oscar_actor, olive_actor, prison_a, prison_b, estate_a):
    here = prisoner(prison_a)
    with pytest.raises(NotFound):
        assign_bed(oscar_actor, episode_id=here.public_id, bed_id=estate_a["A-1-1-01-1"].public_id)
    with pytest.raises(NotFound):
        suggest_beds(oscar_actor, episode_id=here.public_id)
    there = prisoner(prison_b, "Baker")
    with pytest.raises(NotFound) as error:
        assign_bed(oscar_actor, episode_id=there.public_id, bed_id=estate_a["A-1-1-01-1"].public_id)
    assert error.value.code == "custody.bed_not_found"


def test_a_bed_at_another_site_the_actor_reaches_is_a_conflict(prison_a, prison_b, estate_a):
    from oms.core.actor import Actor

    estate_b = make_estate(prison_b)
    episode = prisoner(prison_a)
    with pytest.raises(HousingConflict) as error:
        assign_bed(Actor.system(), episode_id=episode.public_id, bed_id=estate_b["A-1-1-01-1"].public_id)
    assert codes(error) == ["housing.other_site"]


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_rank_valid_beds_first_and_mark_overridable_ones(olive_actor, prison_a):
    estate = make_estate(prison_a, cells=4)
    Location.objects.filter(pk=estate["A-1-1-04"].pk).update(specialist_type="segregation")
    Location.objects.filter(pk=estate["A-1-1-03"].pk).update(accessible=True)
    Location.objects.filter(pk=estate["A-1-1-02"].pk).update(security_level="high")
    prisoner(prison_a, "Baker", bed=estate["A-1-1-01-1"], sharing="single_cell")
    episode = prisoner(prison_a)

    found = suggest_beds(olive_actor, episode_id=episode.public_id)

    keys = [s.bed_key for s in found]
    # Cell 01 holds a single-cell man: never suggested. Medium first, then accessible (kept for those
    # who need it), then high, then the segregation cell only as an override.
    assert keys == ["A-1-1-03-1", "A-1-1-03-2", "A-1-1-02-1", "A-1-1-02-2", "A-1-1-04-1", "A-1-1-04-2"]
    assert [s.valid for s in found] == [True, True, True, True, False, False]
    assert [c.code for c in found[-1].conflicts] == ["housing.specialist_cell"]
    only_valid = suggest_beds(olive_actor, episode_id=episode.public_id, limit=3)
    assert len(only_valid) == 3


def test_suggestions_prefer_emptier_cells_and_avoid_keep_aparts(olive_actor, prison_a):
    estate = make_estate(prison_a, landings=2, cells=2)
    prisoner(prison_a, "Baker", bed=estate["A-1-1-01-1"])
    enemy = prisoner(prison_a, "Enemy", bed=estate["A-1-2-01-1"])
    episode = prisoner(prison_a)
    keep_apart(episode, enemy, level="landing")

    found = suggest_beds(olive_actor, episode_id=episode.public_id, include_overridable=False)

    assert [s.bed_key for s in found] == ["A-1-1-02-1", "A-1-1-02-2", "A-1-1-01-2"]


def test_suggestions_read_the_estate_in_a_fixed_number_of_queries(olive_actor, prison_a, django_assert_max_num_queries):
    estate = make_estate(prison_a, wings=3, landings=3, cells=6)
    prisoner(prison_a, "Baker", bed=estate["A-1-1-01-1"])
    episode = prisoner(prison_a)
    with django_assert_max_num_queries(8):
        found = suggest_beds(olive_actor, episode_id=episode.public_id, limit=200)
    assert len(found) == 3 * 3 * 6 * 2 - 1


def test_check_bed_explains_without_changing_anything(olive_actor, prison_a, estate_a):
    episode = prisoner(prison_a, sex="female")
    conflicts = check_bed(olive_actor, episode_id=episode.public_id, bed_id=estate_a["A-1-1-01-1"].public_id)
    assert [c.code for c in conflicts] == ["housing.sex_mismatch"]
    assert not BedAssignment.objects.filter(episode=episode).exists()
