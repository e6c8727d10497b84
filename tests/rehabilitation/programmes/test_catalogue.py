"""The programme catalogue: add, change (optimistic version) and retire, with the data checked."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.rehabilitation.models import Programme
from oms.rehabilitation.queries import programmes as queries
from oms.rehabilitation.services import programmes as services
from tests.factories import actor_of
from tests.rehabilitation.factories import make_allocation

pytestmark = pytest.mark.django_db

GOOD = {
    "facility": "PRA",
    "code": "tsp-2",
    "title": "Thinking Skills Programme",
    "kind": "cognitive_behavioural",
    "capacity": 10,
    "eligibility": {"risk_bands": ["medium", "high"], "needs": ["thinking_behaviour"], "sexes": ["male"]},
    "addresses_needs": ["thinking_behaviour"],
    "timetable": [{"weekday": 1, "start": "13:30", "end": "16:00"}, {"weekday": 0, "start": "09:00", "end": "11:30"}],
}


def test_a_supervisor_adds_a_programme_and_it_is_audited(sam):
    programme = services.add_programme(actor_of(sam), **GOOD)
    assert programme.code == "TSP-2" and programme.version == 1 and programme.status == "active"
    assert programme.timetable[0] == {"weekday": 0, "start": "09:00", "end": "11:30"}
    assert programme.eligibility["risk_instrument"] == "ogrs3"
    event = AuditEvent.objects.get(action="rehabilitation.programme_added")
    assert event.object_id == str(programme.public_id)


def test_only_the_catalogue_permission_and_the_facility_in_reach_may_add(charlie, casey, bob, prison_b):
    for user in (charlie, casey):
        with pytest.raises(PermissionDenied):
            services.add_programme(actor_of(user), **GOOD)
    # Bob (records officer at Prison B) lacks the permission anyway; a Prison B supervisor cannot
    # reach Prison A: the facility answers as missing.
    from tests.factories import make_user

    sam_b = make_user("sam_b", roles=("supervisor",), sites=(prison_b,))
    with pytest.raises(NotFound) as missing:
        services.add_programme(actor_of(sam_b), **GOOD)
    assert missing.value.field == "facility"
    with pytest.raises(PermissionDenied):
        services.add_programme(actor_of(bob), **GOOD)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": "ten"}, "capacity"),
        ({"kind": "gardening"}, "kind"),
        ({"title": "  "}, "title"),
        ({"code": ""}, "code"),
        ({"code": "\u00df" * 20}, "code"),
        ({"timetable": [{"weekday": 9, "start": "09:00", "end": "10:00"}]}, "timetable[0].weekday"),
        ({"timetable": [{"weekday": 1, "start": "10:00", "end": "09:00"}]}, "timetable[0].end"),
        ({"eligibility": {"sexes": ["men"]}}, "eligibility.sexes"),
        ({"eligibility": {"needs": ["gambling"]}}, "eligibility.needs"),
        ({"addresses_needs": ["gambling"]}, "addresses_needs"),
        ({"location": "NOWHERE"}, "location"),
        ({"starts_on": dt.date(2026, 9, 1), "ends_on": dt.date(2026, 8, 1)}, "ends_on"),
        ({"sessions_required": 0}, "sessions_required"),
    ],
)
def test_bad_catalogue_data_names_the_field_and_adds_nothing(sam, change, field):
    with pytest.raises(RuleViolation) as error:
        services.add_programme(actor_of(sam), **{**GOOD, **change})
    assert error.value.field == field
    assert not Programme.objects.exists()


def test_a_code_is_unique_per_facility(sam, tsp):
    with pytest.raises(Conflict) as error:
        services.add_programme(actor_of(sam), **{**GOOD, "code": "tsp"})
    assert error.value.code == "rehabilitation.code_taken"


def test_a_change_names_the_version_it_read(sam, tsp):
    actor = actor_of(sam)
    changed = services.change_programme(actor, programme_id=tsp.public_id, version=1, changes={"capacity": 8})
    assert changed.capacity == 8 and changed.version == 2
    event = AuditEvent.objects.get(action="rehabilitation.programme_changed")
    assert event.changed_fields == ["capacity"]
    with pytest.raises(Conflict) as stale:
        services.change_programme(actor, programme_id=tsp.public_id, version=1, changes={"capacity": 9})
    assert stale.value.code == "rehabilitation.version_conflict"
    with pytest.raises(RuleViolation) as unknown:
        services.change_programme(actor, programme_id=tsp.public_id, version=2, changes={"facility": "PRB"})
    assert unknown.value.field == "facility"


def test_capacity_cannot_drop_below_the_places_given(sam, tsp, person, other_person):
    make_allocation(person, tsp, sam)
    make_allocation(other_person, tsp, sam)
    with pytest.raises(RuleViolation) as error:
        services.change_programme(actor_of(sam), programme_id=tsp.public_id, version=None, changes={"capacity": 1})
    assert error.value.code == "rehabilitation.capacity_below_allocated"


def test_retiring_closes_the_programme_and_hides_it_from_the_catalogue(sam, tsp):
    actor = actor_of(sam)
    with pytest.raises(RuleViolation):
        services.retire_programme(actor, programme_id=tsp.public_id, version=1, reason="")
    services.retire_programme(actor, programme_id=tsp.public_id, version=1, reason="Funding ended")
    assert Programme.objects.get(pk=tsp.pk).status == "retired"
    assert queries.list_programmes(actor) == []
    assert [r.programme for r in queries.list_programmes(actor, include_retired=True)] == [tsp]
    with pytest.raises(Conflict):
        services.retire_programme(actor, programme_id=tsp.public_id, version=None, reason="Again")


def test_the_catalogue_is_filtered_by_kind_and_facility_and_scoped(alice, bob, tsp, course_b, prison_a):
    assert [r.programme for r in queries.list_programmes(actor_of(alice))] == [tsp]
    assert [r.programme for r in queries.list_programmes(actor_of(bob))] == [course_b]
    assert queries.list_programmes(actor_of(alice), kind="education") == []
    assert queries.list_programmes(actor_of(alice), facility="PRB") == []
    with pytest.raises(NotFound):
        queries.get_programme(actor_of(bob), tsp.public_id)
    with pytest.raises(NotFound):
        queries.get_programme(actor_of(bob), "not-an-id")
