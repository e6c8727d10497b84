"""Non-associations and keep-apart groups: create, change, close (never delete), scope, and what a
person merge does to them."""

from __future__ import annotations

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.custody.models import KeepApartMember, NonAssociation
from oms.custody.queries import keep_aparts_for
from oms.custody.queries.non_associations import (
    get_keep_apart_group,
    keep_aparts_of_person,
    non_associations_for_person,
)
from oms.custody.services.non_associations import (
    MERGED_SELF_PAIR,
    add_group_member,
    close_keep_apart_group,
    close_non_association,
    create_keep_apart_group,
    create_non_association,
    remove_group_member,
    update_non_association,
)
from oms.people import services as people_services
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


def pair_of(actor, one, two, **changes):
    fields = {
        "role": "victim",
        "other_role": "perpetrator",
        "reason": "threat",
        "restriction_level": "landing",
        "comment": "Threatened on exercise",
        "authorised_by": "Duty governor",
        **changes,
    }
    return create_non_association(actor, person_id=one.public_id, other_person_id=two.public_id, **fields)


@pytest.fixture
def three(prison_a):
    return [make_person(prison_a, family=name) for name in ("Able", "Baker", "Cole")]


# --- pairs ---------------------------------------------------------------------------------------


def test_a_pair_is_stored_once_lower_id_first_with_roles_following_their_person(sam_actor, three):
    able, baker, _ = three
    pair = pair_of(sam_actor, baker, able)  # asked from the higher id's side

    assert (pair.person_a, pair.person_b) == (able, baker)
    assert (pair.role_a, pair.role_b) == ("perpetrator", "victim")
    event = AuditEvent.objects.get(action="custody.non_association_created")
    assert event.subject_person_id == baker.pk
    assert [(k.person_id, k.other_person_id) for k in keep_aparts_for([able.pk])] == [(able.pk, baker.pk)]


def test_a_self_pair_and_a_second_open_pair_are_refused(sam_actor, three):
    able, baker, _ = three
    with pytest.raises(RuleViolation) as self_pair:
        pair_of(sam_actor, able, able)
    assert self_pair.value.code == "custody.non_association_self"
    pair_of(sam_actor, able, baker)
    with pytest.raises(Conflict) as again:
        pair_of(sam_actor, baker, able)
    assert again.value.code == "custody.non_association_exists"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "boss"}, "role"),
        ({"other_role": ""}, "other_role"),
        ({"reason": "dislike"}, "reason"),
        ({"restriction_level": "estate"}, "restriction_level"),
        ({"comment": "  "}, "comment"),
        ({"authorised_by": ""}, "authorised_by"),
        ({"comment": "x" * 4001}, "comment"),
    ],
)
def test_bad_input_names_its_field(sam_actor, three, changes, field):
    with pytest.raises(RuleViolation) as error:
        pair_of(sam_actor, three[0], three[1], **changes)
    assert error.value.field == field


def test_update_and_close_keep_the_record(sam_actor, three):
    able, baker, _ = three
    pair = pair_of(sam_actor, able, baker)

    update_non_association(
        sam_actor,
        non_association_id=pair.public_id,
        restriction_level="wing",
        roles={str(baker.public_id): "both"},
    )
    pair.refresh_from_db()
    assert pair.restriction_level == "wing" and pair.role_b == "both"
    updated = AuditEvent.objects.get(action="custody.non_association_updated")
    assert updated.changed_fields == ["restriction_level", "role_b"]

    with pytest.raises(RuleViolation) as no_reason:
        close_non_association(sam_actor, non_association_id=pair.public_id, reason=" ")
    assert no_reason.value.field == "reason"
    close_non_association(sam_actor, non_association_id=pair.public_id, reason="Released co-defendant")
    pair.refresh_from_db()
    assert pair.closed_at is not None and pair.closed_reason == "Released co-defendant"
    assert NonAssociation.objects.filter(pk=pair.pk).exists()
    assert keep_aparts_for([able.pk]) == []
    with pytest.raises(Conflict):
        close_non_association(sam_actor, non_association_id=pair.public_id, reason="again")
    with pytest.raises(Conflict):
        update_non_association(sam_actor, non_association_id=pair.public_id, comment="late")
    # A closed pair does not stop a new one.
    pair_of(sam_actor, able, baker)


def test_permissions_and_scope(olive_actor, sam_actor, charlie, three, prison_b):
    able, baker, _ = three
    supervisor_b = actor_of(make_user("sue", roles=("supervisor",), sites=(prison_b,)))
    with pytest.raises(PermissionDenied):
        pair_of(olive_actor, able, baker)  # the floor may read, not manage
    with pytest.raises(PermissionDenied):
        non_associations_for_person(actor_of(charlie), able.public_id)
    with pytest.raises(NotFound):
        pair_of(supervisor_b, able, baker)
    elsewhere = make_person(prison_b, family="Distant")
    with pytest.raises(NotFound) as error:
        pair_of(sam_actor, able, elsewhere)
    assert error.value.field == "other_person_id"
    pair = pair_of(sam_actor, able, baker)
    with pytest.raises(NotFound):
        close_non_association(supervisor_b, non_association_id=pair.public_id, reason="x")
    with pytest.raises(NotFound):
        close_non_association(sam_actor, non_association_id="nope", reason="x")


def test_the_other_side_is_named_only_when_readable(olive_actor, three, prison_b):
    from oms.core.actor import Actor

    able = three[0]
    elsewhere = make_person(prison_b, family="Distant")
    create_non_association(
        Actor.system(),
        person_id=able.public_id,
        other_person_id=elsewhere.public_id,
        role="victim",
        other_role="perpetrator",
        reason="gang_related",
        restriction_level="wing",
        comment="Rival gangs",
        authorised_by="Security",
    )
    person, views = non_associations_for_person(olive_actor, able.public_id)
    assert person == able and len(views) == 1
    assert views[0].this.person == able and views[0].other.person is None
    _, keep = keep_aparts_of_person(olive_actor, able.public_id)
    assert [(k.other, k.restriction_level) for k in keep] == [(None, "wing")]


# --- groups --------------------------------------------------------------------------------------


def test_group_members_are_kept_apart_and_removed_not_deleted(sam_actor, olive_actor, three):
    able, baker, cole = three
    group = create_keep_apart_group(
        sam_actor,
        name="North crew",
        kind="gang",
        restriction_level="wing",
        comment="Intelligence report",
        authorised_by="Security manager",
        member_ids=[able.public_id, baker.public_id],
    )
    add_group_member(sam_actor, group_id=group.public_id, person_id=cole.public_id)
    with pytest.raises(Conflict):
        add_group_member(sam_actor, group_id=group.public_id, person_id=cole.public_id)
    assert {k.other_person_id for k in keep_aparts_for([able.pk])} == {baker.pk, cole.pk}

    remove_group_member(sam_actor, group_id=group.public_id, person_id=cole.public_id, reason="Left the gang")
    assert {k.other_person_id for k in keep_aparts_for([able.pk])} == {baker.pk}
    assert KeepApartMember.objects.filter(group=group).count() == 3
    view = get_keep_apart_group(olive_actor, group.public_id)
    assert [m.person.family_name for m in view.members] == ["Able", "Baker", "Cole"]

    with pytest.raises(PermissionDenied):
        close_keep_apart_group(olive_actor, group_id=group.public_id, reason="x")
    close_keep_apart_group(sam_actor, group_id=group.public_id, reason="Dispersed")
    assert keep_aparts_for([able.pk]) == []
    with pytest.raises(Conflict):
        add_group_member(sam_actor, group_id=group.public_id, person_id=cole.public_id)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "custody.keep_apart_group_created",
        "custody.keep_apart_member_added",
        "custody.keep_apart_member_removed",
        "custody.keep_apart_group_closed",
    } <= actions


# --- person merge --------------------------------------------------------------------------------


def merge(alice, survivor, duplicate):
    people_services.merge_people(
        actor_of(alice), survivor_id=survivor.public_id, duplicate_id=duplicate.public_id, reason="Same fingerprints"
    )


def test_merge_moves_pairs_to_the_survivor_in_order_with_roles(alice, sam_actor, prison_a):
    low = make_person(prison_a, family="Low")
    duplicate = make_person(prison_a, family="Duplicate")
    other = make_person(prison_a, family="Other")
    survivor = make_person(prison_a, family="Survivor")  # the highest id: the pair must be re-ordered
    pair = pair_of(sam_actor, duplicate, other, role="victim", other_role="perpetrator")
    closed = pair_of(sam_actor, duplicate, low, role="both", other_role="unknown")
    close_non_association(sam_actor, non_association_id=closed.public_id, reason="Old")

    merge(alice, survivor, duplicate)

    pair.refresh_from_db()
    assert (pair.person_a, pair.person_b) == (other, survivor)
    assert (pair.role_a, pair.role_b) == ("perpetrator", "victim")
    closed.refresh_from_db()
    assert (closed.person_a, closed.person_b) == (low, survivor) and closed.role_b == "both"
    assert {k.other_person_id for k in keep_aparts_for([survivor.pk])} == {other.pk}
    assert AuditEvent.objects.filter(action="custody.non_association_moved").count() == 2


def test_merge_of_the_two_sides_closes_the_self_pair_and_keeps_it(alice, sam_actor, prison_a):
    survivor = make_person(prison_a, family="Survivor")
    duplicate = make_person(prison_a, family="Duplicate")
    pair = pair_of(sam_actor, survivor, duplicate)

    merge(alice, survivor, duplicate)

    pair.refresh_from_db()
    assert pair.closed_at is not None and pair.closed_reason == MERGED_SELF_PAIR
    assert keep_aparts_for([survivor.pk]) == []


def test_merge_into_an_existing_pair_keeps_the_stronger_level(alice, sam_actor, prison_a):
    survivor = make_person(prison_a, family="Survivor")
    duplicate = make_person(prison_a, family="Duplicate")
    other = make_person(prison_a, family="Other")
    kept = pair_of(sam_actor, survivor, other, restriction_level="cell")
    moved = pair_of(sam_actor, duplicate, other, restriction_level="wing")

    merge(alice, survivor, duplicate)

    kept.refresh_from_db()
    moved.refresh_from_db()
    assert kept.closed_at is None and kept.restriction_level == "wing"
    assert moved.closed_at is not None and {moved.person_a_id, moved.person_b_id} == {survivor.pk, other.pk}
    assert [k.restriction_level for k in keep_aparts_for([survivor.pk])] == ["wing"]


def test_merge_moves_group_memberships_once(alice, sam_actor, prison_a):
    survivor = make_person(prison_a, family="Survivor")
    duplicate = make_person(prison_a, family="Duplicate")
    other = make_person(prison_a, family="Other")
    both_in = create_keep_apart_group(
        sam_actor,
        name="Co-defendants",
        kind="co_defendants",
        restriction_level="landing",
        comment="Same trial",
        authorised_by="Court",
        member_ids=[survivor.public_id, duplicate.public_id, other.public_id],
    )

    merge(alice, survivor, duplicate)

    assert not KeepApartMember.objects.filter(person=duplicate).exists()
    open_members = KeepApartMember.objects.filter(group=both_in, removed_at__isnull=True)
    assert sorted(open_members.values_list("person_id", flat=True)) == sorted([survivor.pk, other.pk])
    assert KeepApartMember.objects.filter(group=both_in, person=survivor).count() == 2
    assert [k.other_person_id for k in keep_aparts_for([survivor.pk])] == [other.pk]


# --- command line --------------------------------------------------------------------------------


def test_command_shows_keep_aparts_and_checks_a_list(sam_actor, three):
    import io

    from django.core.management import CommandError, call_command

    able, baker, cole = three
    pair_of(sam_actor, able, baker, restriction_level="wing")
    out = io.StringIO()
    call_command("custody_keep_aparts", "show", able.system_number, stdout=out)
    assert f"apart from {baker.system_number} BAKER  [wing, non_association: threat]" in out.getvalue()
    out = io.StringIO()
    call_command("custody_keep_aparts", "among", able.system_number, cole.system_number, stdout=out)
    assert "No keep-aparts among these people." in out.getvalue()
    with pytest.raises(CommandError) as found:
        call_command("custody_keep_aparts", "among", able.system_number, baker.system_number, cole.system_number)
    assert "1 keep-apart" in str(found.value)
    with pytest.raises(CommandError):
        call_command("custody_keep_aparts", "show", "Z9999ZZ")
