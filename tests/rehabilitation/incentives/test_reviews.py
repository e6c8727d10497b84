"""Recording incentive reviews: outcome, next review date, one current review, permission and scope, and
bad input that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.custody.models import CustodyEpisode
from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.queries import incentives as queries
from oms.rehabilitation.services import incentives as services
from tests.custody.factories import make_episode
from tests.factories import actor_of, make_user

pytestmark = pytest.mark.django_db
D = dt.date


def review(actor, person, level, on=None, reasons="Good behaviour on the wing"):
    return services.record_review(actor, person_id=person.public_id, level=level, reasons=reasons, reviewed_on=on)


def test_placed_on_basic_then_kept_then_raised(olly_actor, casey_actor, held):
    first = review(olly_actor, held, "basic", reasons="Assaulted a member of staff")
    assert (first.outcome, first.next_review_on, first.on_basic_since) == ("placed", D(2026, 6, 8), D(2026, 6, 1))
    assert first.reviewed_on == D(2026, 6, 1) and first.is_current

    with clock.freeze(dt.datetime(2026, 6, 7, 10, tzinfo=dt.UTC)):
        kept = review(casey_actor, held, "basic", reasons="Still refusing to engage")
    assert (kept.outcome, kept.next_review_on, kept.on_basic_since) == ("maintained", D(2026, 7, 5), D(2026, 6, 1))

    with clock.freeze(dt.datetime(2026, 7, 3, 10, tzinfo=dt.UTC)):
        raised = review(olly_actor, held, "standard")
    assert (raised.outcome, raised.next_review_on, raised.on_basic_since) == ("raised", D(2027, 7, 3), None)
    assert raised.previous_level.code == "basic"

    currents = IncentiveReview.objects.filter(person=held, is_current=True)
    assert list(currents) == [raised] and IncentiveReview.objects.filter(person=held).count() == 3
    event = AuditEvent.objects.filter(action="rehabilitation.incentive_reviewed").latest("seq")
    assert event.details["outcome"] == "raised" and event.details["level"] == "standard"
    assert event.subject_person_id == held.pk


def test_lowered_from_enhanced_to_standard(casey_actor, held):
    review(casey_actor, held, "enhanced")
    lowered = review(casey_actor, held, "standard", reasons="Found with a mobile phone")
    assert lowered.outcome == "lowered" and lowered.next_review_on == D(2027, 6, 1)


def test_backdated_review_counts_from_its_own_date(olly_actor, held):
    made = review(olly_actor, held, "basic", on=D(2026, 5, 30))
    assert made.next_review_on == D(2026, 6, 6)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"level": "platinum"}, "level", "rehabilitation.unknown_level"),
        ({"level": ""}, "level", "rehabilitation.unknown_level"),
        ({"reasons": "   "}, "reasons", "rehabilitation.required"),
        ({"reasons": "x" * 5001}, "reasons", "rehabilitation.too_long"),
        ({"reviewed_on": D(2026, 6, 2)}, "reviewed_on", "rehabilitation.date_in_future"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(olly_actor, held, changes, field, code):
    values = {"person_id": held.public_id, "level": "standard", "reasons": "Fine", **changes}
    with pytest.raises(RuleViolation) as refused:
        services.record_review(olly_actor, **values)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not IncentiveReview.objects.exists()


def test_a_review_cannot_predate_the_current_one(olly_actor, held):
    review(olly_actor, held, "standard", on=D(2026, 5, 20))
    with pytest.raises(RuleViolation) as refused:
        review(olly_actor, held, "enhanced", on=D(2026, 5, 19))
    assert refused.value.field == "reviewed_on" and refused.value.code == "rehabilitation.before_last_review"


def test_a_retired_level_cannot_be_chosen(olly_actor, held, levels_a):
    IncentiveLevel.objects.filter(pk=levels_a["enhanced"].pk).update(active=False)
    with pytest.raises(RuleViolation) as refused:
        review(olly_actor, held, "enhanced")
    assert refused.value.field == "level"


def test_person_must_be_in_custody_at_a_facility_with_levels(olly_actor, person, prison_a, levels_a):
    with pytest.raises(NotFound) as not_held:
        review(olly_actor, person, "standard")  # a record at Prison A, not in custody
    assert not_held.value.code == "rehabilitation.not_in_custody"
    make_episode(person, prison_a)
    IncentiveLevel.objects.filter(facility=prison_a).delete()
    with pytest.raises(RuleViolation) as no_levels:
        review(olly_actor, person, "standard")
    assert no_levels.value.code == "rehabilitation.no_incentive_levels"


def test_released_person_cannot_be_reviewed(olly_actor, held):
    CustodyEpisode.objects.filter(person=held).update(status="released")
    with pytest.raises(NotFound):
        review(olly_actor, held, "standard")


@pytest.mark.parametrize("who", ["olly", "casey", "sam"])
def test_reviewers_may_review(request, held, who):
    made = review(actor_of(request.getfixturevalue(who)), held, "standard")
    assert made.reviewed_by.username == who


def test_a_viewer_without_the_permission_is_refused(charlie, alice, held):
    for user in (charlie, alice):
        with pytest.raises(PermissionDenied):
            review(actor_of(user), held, "standard")
    assert not IncentiveReview.objects.exists()


def test_staff_of_another_facility_do_not_find_the_person(prison_b, bob, held):
    officer_at_b = make_user("oscar", roles=("custody_officer",), sites=(prison_b,))
    with pytest.raises(NotFound):
        review(actor_of(officer_at_b), held, "standard")
    with pytest.raises(NotFound):  # bob may view incentives, but not of Prison A's people
        queries.incentives_of(actor_of(bob), held.public_id)
    assert not IncentiveReview.objects.exists()


def test_a_person_merge_keeps_one_current_review_the_most_recent(olly_actor, held, other_person, prison_a, alice):
    from oms.people import services as people_services

    make_episode(other_person, prison_a)
    review(olly_actor, held, "enhanced", on=D(2026, 5, 1))
    review(olly_actor, held, "standard", on=D(2026, 5, 20))
    newer = review(olly_actor, other_person, "basic", on=D(2026, 5, 28))
    CustodyEpisode.objects.filter(person=other_person).update(status="released")  # one active episode survives

    people_services.merge_people(
        actor_of(alice), survivor_id=held.public_id, duplicate_id=other_person.public_id, reason="Same person"
    )

    reviews = IncentiveReview.objects.filter(person=held)
    assert reviews.count() == 3 and list(reviews.filter(is_current=True)) == [newer]
    assert AuditEvent.objects.filter(action="rehabilitation.incentive_reviews_moved").count() == 1
