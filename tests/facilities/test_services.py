"""Creating, changing, deactivating and reactivating locations, the permission matrix, the occupancy
hook and the availability queries housing will use."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.facilities import queries, services
from oms.facilities.models import Location

pytestmark = pytest.mark.django_db


def _create(actor, site, parent=None, **fields):
    return services.create_location(
        actor, site_id=site.public_id, parent_id=parent.public_id if parent else None, **fields
    )


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- create ----------------------------------------------------------------------------------------


def test_an_administrator_builds_a_tree_with_keys_depths_and_paths(ada_actor, prison_a):
    unit = _create(ada_actor, prison_a, kind="unit", code="a", name="Houseblock A", sex="male")
    wing = _create(ada_actor, prison_a, unit, kind="wing", code="1")
    landing = _create(ada_actor, prison_a, wing, kind="landing", code="2")
    cell = _create(
        ada_actor,
        prison_a,
        landing,
        kind="cell",
        code="01",
        certified_capacity=1,
        working_capacity=2,
        maximum_capacity=2,
        specialist_type="safe_cell",
    )
    bed = _create(ada_actor, prison_a, cell, kind="bed", code="1")
    assert [x.key for x in (unit, wing, landing, cell, bed)] == ["A", "A-1", "A-1-2", "A-1-2-01", "A-1-2-01-1"]
    assert [x.depth for x in (unit, wing, landing, cell, bed)] == [0, 1, 2, 3, 4]
    assert bed.path == f"/{unit.pk}/{wing.pk}/{landing.pk}/{cell.pk}/{bed.pk}/"
    assert bed.residential and unit.sex == "male"
    created = _events("facilities.location_created")
    assert len(created) == 5
    assert created[0].object_id == str(unit.public_id) and created[0].site_id == prison_a.pk
    assert created[0].actor_username == "ada"
    assert {"kind", "code", "name", "sex"} <= set(created[0].changed_fields)
    assert {"working_capacity", "specialist_type"} <= set(created[3].changed_fields)


def test_cells_may_hang_off_a_wing_or_unit_and_non_residential_places_off_the_top(ada_actor, prison_a):
    unit = _create(ada_actor, prison_a, kind="unit", code="B")
    wing = _create(ada_actor, prison_a, unit, kind="wing", code="1")
    assert _create(ada_actor, prison_a, unit, kind="cell", code="01").key == "B-01"
    assert _create(ada_actor, prison_a, wing, kind="cell", code="01").key == "B-1-01"
    visits = _create(ada_actor, prison_a, kind="visits_hall", code="VIS", maximum_capacity=60, working_capacity=40)
    assert not visits.residential and visits.maximum_capacity == 60


@pytest.mark.parametrize(
    ("fields", "error", "field"),
    [
        ({"kind": "bed", "code": "1"}, "facilities.kind_not_allowed", "kind"),  # a bed under a wing
        ({"kind": "unit", "code": "2"}, "facilities.kind_not_allowed", "kind"),
        ({"kind": "cell", "code": "0-1"}, "facilities.invalid_code", "code"),
        ({"kind": "cell", "code": ""}, "facilities.invalid_code", "code"),
        (
            {"kind": "cell", "code": "9", "working_capacity": 3, "maximum_capacity": 2},
            "facilities.working_above_maximum",
            "working_capacity",
        ),
        (
            {"kind": "landing", "code": "9", "certified_capacity": 30},
            "facilities.capacity_not_allowed",
            "certified_capacity",
        ),
        ({"kind": "landing", "code": "9", "in_count": False}, "facilities.in_count_units_only", "in_count"),
        ({"kind": "landing", "code": "9", "security_level": "extreme"}, "facilities.invalid_choice", "security_level"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(ada_actor, prison_a, estate_a, fields, error, field):
    with pytest.raises(RuleViolation) as refused:
        _create(ada_actor, prison_a, estate_a["A-1"], **fields)
    assert refused.value.code == error and refused.value.field == field
    assert not _events("facilities.location_created")


def test_a_key_is_used_once_per_site(ada_actor, prison_a, estate_a):
    with pytest.raises(Conflict) as refused:
        _create(ada_actor, prison_a, estate_a["A-1-1"], kind="cell", code="01")
    assert refused.value.code == "facilities.duplicate_key" and refused.value.field == "code"


def test_a_parent_in_another_site_is_not_found(ada_actor, prison_a, prison_b):
    other = _create(Actor.system(), prison_b, kind="unit", code="Z")
    with pytest.raises(NotFound) as refused:
        _create(ada_actor, prison_a, other, kind="wing", code="1")
    assert refused.value.field == "parent_id"


def test_create_permission_matrix(prison_a, ada_actor, charlie_actor, bea_actor, olive_actor):
    assert _create(ada_actor, prison_a, kind="unit", code="C").key == "C"
    with pytest.raises(PermissionDenied):
        _create(charlie_actor, prison_a, kind="unit", code="D")
    with pytest.raises(PermissionDenied):
        _create(olive_actor, prison_a, kind="unit", code="D")  # custody officers run the floor, not the estate
    with pytest.raises(NotFound):
        _create(bea_actor, prison_a, kind="unit", code="D")


@pytest.fixture
def olive_actor(prison_a):
    from tests.factories import actor_of, make_user

    return actor_of(make_user("olive", roles=("custody_officer",), sites=(prison_a,)))


# --- update ----------------------------------------------------------------------------------------


def test_update_changes_attributes_bumps_the_version_and_audits_the_fields(ada_actor, estate_a):
    cell = estate_a["A-1-1-01"]
    updated = services.update_location(
        ada_actor,
        location_id=cell.public_id,
        version=1,
        name="Safe cell",
        specialist_type="safe_cell",
        working_capacity=1,
    )
    assert updated.version == 2 and updated.working_capacity == 1 and updated.specialist_type == "safe_cell"
    event = _events("facilities.location_updated")[-1]
    assert set(event.changed_fields) == {"name", "specialist_type", "working_capacity"}
    assert event.details["working_capacity"] == {"from": 2, "to": 1}
    # Nothing changed: no new version, no event.
    again = services.update_location(ada_actor, location_id=cell.public_id, version=2, working_capacity=1)
    assert again.version == 2 and len(_events("facilities.location_updated")) == 1


def test_a_stale_version_is_a_conflict(ada_actor, estate_a):
    unit = estate_a["A"]
    services.update_location(ada_actor, location_id=unit.public_id, version=1, name="Houseblock A")
    with pytest.raises(Conflict) as refused:
        services.update_location(ada_actor, location_id=unit.public_id, version=1, name="Old name")
    assert refused.value.code == "facilities.version_conflict" and refused.value.field == "version"
    assert Location.objects.get(pk=unit.pk).name == "Houseblock A"


def test_a_cell_is_not_worked_above_its_active_beds_nor_below_its_occupants(ada_actor, estate_a, occupancy):
    cell = estate_a["A-1-1-01"]
    with pytest.raises(RuleViolation) as refused:
        services.update_location(
            ada_actor, location_id=cell.public_id, version=1, working_capacity=3, maximum_capacity=3
        )
    assert refused.value.code == "facilities.working_above_beds"
    occupancy["A-1-1-01-1"] = 1
    occupancy["A-1-1-01-2"] = 1
    with pytest.raises(Conflict) as refused:
        services.update_location(ada_actor, location_id=cell.public_id, version=1, working_capacity=1)
    assert refused.value.code == "facilities.capacity_below_occupancy"


def test_update_permission_matrix(estate_a, ada_actor, charlie_actor, bea_actor):
    unit = estate_a["A"]
    with pytest.raises(PermissionDenied):
        services.update_location(charlie_actor, location_id=unit.public_id, version=1, name="X")
    with pytest.raises(NotFound):
        services.update_location(bea_actor, location_id=unit.public_id, version=1, name="X")
    with pytest.raises(NotFound):
        services.update_location(ada_actor, location_id="not-a-uuid", version=1, name="X")
    with pytest.raises(RuleViolation) as refused:
        services.update_location(ada_actor, location_id=unit.public_id, version=1, code="Z")
    assert refused.value.field == "code"  # codes, and so keys, never change


# --- deactivate and reactivate ---------------------------------------------------------------------


def test_deactivating_a_wing_puts_its_subtree_out_of_use_and_reactivating_restores_it(ada_actor, prison_a, estate_a):
    wing, cell, bed = estate_a["A-1"], estate_a["A-1-1-02"], estate_a["A-1-1-01-1"]
    assert queries.bookable_beds(prison_a).count() == 4
    services.deactivate_location(ada_actor, location_id=cell.public_id, reason="Broken window")
    assert queries.bookable_beds(prison_a).count() == 2
    returning = clock.today() + dt.timedelta(days=30)
    closed = services.deactivate_location(
        ada_actor, location_id=wing.public_id, reason="Refurbishment", expected_return_on=returning, version=1
    )
    assert not closed.active and closed.deactivated_on == clock.today() and closed.expected_return_on == returning
    assert closed.version == 2
    assert Location.objects.get(pk=bed.pk).active  # only the wing's own row changes...
    assert not queries.location_is_usable(Location.objects.get(pk=bed.pk))  # ...the subtree inherits
    assert queries.inactive_ancestor(bed).pk == wing.pk
    assert queries.bookable_beds(prison_a).count() == 0
    event = _events("facilities.location_deactivated")[-1]
    assert event.reason == "Refurbishment" and "active" in event.changed_fields

    services.reactivate_location(ada_actor, location_id=wing.public_id, version=2)
    assert queries.location_is_usable(Location.objects.get(pk=bed.pk))
    # The cell closed on its own stays closed.
    assert not queries.location_is_usable(Location.objects.get(pk=cell.pk))
    assert sorted(queries.bookable_beds(prison_a).values_list("key", flat=True)) == ["A-1-1-01-1", "A-1-1-01-2"]
    reopened = Location.objects.get(pk=wing.pk)
    assert reopened.deactivated_reason == "" and reopened.expected_return_on is None
    assert _events("facilities.location_reactivated")[-1].object_id == str(wing.public_id)


def test_deactivating_a_bed_lowers_its_cells_working_capacity(ada_actor, estate_a):
    bed, cell = estate_a["A-1-1-01-2"], estate_a["A-1-1-01"]
    services.deactivate_location(ada_actor, location_id=bed.public_id, reason="Broken bunk")
    cell.refresh_from_db()
    assert cell.working_capacity == 1 and cell.version == 2
    assert _events("facilities.location_deactivated")[-1].details["cell_working_capacity"] == {
        "cell": "A-1-1-01",
        "from": 2,
        "to": 1,
    }
    services.reactivate_location(ada_actor, location_id=bed.public_id)
    cell.refresh_from_db()
    assert cell.working_capacity == 1  # raised again by a person, not automatically


def test_an_occupied_location_cannot_be_deactivated(ada_actor, estate_a, occupancy):
    occupancy["A-1-1-01-1"] = 1
    for key in ("A-1-1-01-1", "A-1-1-01", "A"):
        with pytest.raises(Conflict) as refused:
            services.deactivate_location(ada_actor, location_id=estate_a[key].public_id, reason="Flood")
        assert refused.value.code == "facilities.location_occupied"
    services.deactivate_location(ada_actor, location_id=estate_a["A-1-1-02"].public_id, reason="Flood")


def test_without_a_registered_counter_every_location_is_empty(estate_a):
    queries.set_occupancy_counter(None)
    assert queries.occupants_in(estate_a["A"]) == 0


@pytest.mark.parametrize(
    ("reason", "days", "field"),
    [("", None, "reason"), ("   ", None, "reason"), ("Flood", -1, "expected_return_on")],
)
def test_deactivation_needs_a_reason_and_a_future_date(ada_actor, estate_a, reason, days, field):
    expected = clock.today() + dt.timedelta(days=days) if days is not None else None
    with pytest.raises(RuleViolation) as refused:
        services.deactivate_location(
            ada_actor, location_id=estate_a["A-1"].public_id, reason=reason, expected_return_on=expected
        )
    assert refused.value.field == field
    assert Location.objects.get(pk=estate_a["A-1"].pk).active


def test_deactivate_and_reactivate_twice_are_conflicts(ada_actor, estate_a):
    unit = estate_a["A"]
    with pytest.raises(Conflict) as refused:
        services.reactivate_location(ada_actor, location_id=unit.public_id)
    assert refused.value.code == "facilities.already_active"
    services.deactivate_location(ada_actor, location_id=unit.public_id, reason="Closed")
    with pytest.raises(Conflict) as refused:
        services.deactivate_location(ada_actor, location_id=unit.public_id, reason="Closed again")
    assert refused.value.code == "facilities.already_inactive"


def test_deactivation_permission_matrix(estate_a, charlie_actor, bea_actor, ada_actor):
    wing = estate_a["A-1"]
    for verb in (services.deactivate_location, services.reactivate_location):
        kwargs = {"reason": "Flood"} if verb is services.deactivate_location else {}
        with pytest.raises(PermissionDenied):
            verb(charlie_actor, location_id=wing.public_id, **kwargs)
        with pytest.raises(NotFound):
            verb(bea_actor, location_id=wing.public_id, **kwargs)
    services.deactivate_location(ada_actor, location_id=wing.public_id, reason="Flood")
    with pytest.raises(PermissionDenied):
        services.reactivate_location(charlie_actor, location_id=wing.public_id)


def test_a_closed_site_has_no_bookable_beds(prison_a, estate_a):
    prison_a.active = False
    prison_a.save()
    assert queries.bookable_beds(prison_a).count() == 0
    assert not queries.location_is_usable(estate_a["A-1-1-01-1"])


# --- reads -----------------------------------------------------------------------------------------


def test_sites_in_view_follow_scope(prison_a, prison_b, ada_actor, bea_actor, charlie_actor):
    assert queries.sites_in_view(ada_actor) == [prison_a]
    assert queries.sites_in_view(charlie_actor) == [prison_a]
    assert queries.sites_in_view(bea_actor) == [prison_b]
    assert set(queries.sites_in_view(Actor.system())) >= {prison_a, prison_b}


def test_reads_need_facilities_view_and_scope(prison_a, estate_a, bea_actor):
    with pytest.raises(NotFound):
        queries.get_site(bea_actor, prison_a.public_id)
    with pytest.raises(NotFound):
        queries.get_location(bea_actor, estate_a["A"].public_id)
    with pytest.raises(PermissionDenied):
        queries.site_tree(Actor(user_id=None, username="nobody"), prison_a)
    with pytest.raises(NotFound):
        queries.site_tree(bea_actor, prison_a)


def test_the_tree_is_one_query_in_key_order_with_totals_and_inherited_state(
    ada_actor, prison_a, estate_a, django_assert_num_queries
):
    services.deactivate_location(ada_actor, location_id=estate_a["A-1-1"].public_id, reason="Painting")
    with django_assert_num_queries(1):
        nodes = queries.site_tree(ada_actor, prison_a)
    keys = [n.location.key for n in nodes]
    assert keys == sorted(keys) and keys[0] == "A" and len(keys) == len(estate_a)
    by_key = {n.location.key: n for n in nodes}
    assert by_key["A"].totals == {"certified_capacity": 4, "working_capacity": 4, "maximum_capacity": 4}
    assert by_key["A"].beds == 4 and by_key["A"].active_beds == 0
    assert not by_key["A-1-1-01-1"].usable and by_key["A-1-1-01-1"].inherited_from == "A-1-1"
    assert by_key["A-1"].usable and by_key["A-1-1-01"].parent_public_id == estate_a["A-1-1"].public_id
    only_unit = queries.site_tree(ada_actor, prison_a, under=estate_a["A-1-1-01"])
    assert [n.location.key for n in only_unit] == ["A-1-1-01", "A-1-1-01-1", "A-1-1-01-2"]
    assert not only_unit[0].usable and only_unit[0].inherited_from == "A-1-1"


def test_keys_sort_so_each_subtree_stays_together(ada_actor, prison_a):
    unit = _create(ada_actor, prison_a, kind="unit", code="A")
    wing1 = _create(ada_actor, prison_a, unit, kind="wing", code="1")
    _create(ada_actor, prison_a, unit, kind="wing", code="10")
    _create(ada_actor, prison_a, wing1, kind="cell", code="01")
    keys = [n.location.key for n in queries.site_tree(ada_actor, prison_a)]
    assert keys == ["A", "A-1", "A-1-01", "A-10"]


def test_the_custody_test_estate_satisfies_every_estate_rule(prison_a):
    """tests/custody/factories.make_estate writes rows directly; the trees it makes must be ones the
    services would accept, so custody tests and estate behaviour agree."""
    from oms.facilities import rules
    from tests.custody.factories import make_estate

    made = make_estate(prison_a, units=2, wings=2, landings=2, cells=2, beds_per_cell=3)
    for location in made.values():
        parent_kind = location.parent.kind if location.parent_id else None
        assert rules.may_sit_under(location.kind, parent_kind), location.key
        attrs = rules.LocationAttributes(
            kind=location.kind, **{f: getattr(location, f) for f in services.EDITABLE_FIELDS}
        )
        assert rules.attribute_problems(attrs) == [], location.key
        assert rules.code_problem(location.code) is None
    assert queries.bookable_beds(prison_a).count() == 2 * 2 * 2 * 2 * 3
