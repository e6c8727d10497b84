"""The participant portal's services: own requirements only, hours logged for a coordinator to verify
(never by the participant), the daily check-in, and the permission cases (a coordinator has no portal:
403; another participant's requirement or message: 404)."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.diversion.models import ClassAttendance, HoursEntry, PortalCheckIn
from oms.diversion.queries import participations as staff_queries
from oms.diversion.queries import portal as queries
from oms.diversion.services import portal, progress
from tests.diversion.test_services import REQUIREMENTS, active, reqs
from tests.factories import actor_of, make_participant
from tests.people.conftest import make_person

D = dt.date
pytestmark = pytest.mark.django_db

PORTAL_REQUIREMENTS = [*REQUIREMENTS, {"kind": "check_ins", "target": 2, "due_on": D(2026, 8, 1)}]


@pytest.fixture
def participation(cora_actor, person, programme):
    return active(cora_actor, person, programme, PORTAL_REQUIREMENTS)


@pytest.fixture
def jade(person, participation):
    user = make_participant(person, "jade")
    user.email = "jade@example.test"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def jade_actor(jade):
    return actor_of(jade)


@pytest.fixture
def other(cora_actor, dv1, programme):
    """Another participant on the same programme, with their own portal account."""
    someone = make_person(dv1, family="Mensah", given="Kofi", dob=dt.date(1999, 2, 2))
    p = active(cora_actor, someone, programme, PORTAL_REQUIREMENTS)
    return p, make_participant(someone, "kofi")


def log(actor, requirement, **kw):
    values = {
        "worked_on": D(2026, 6, 1),
        "minutes": 150,
        "place": "Northtown food bank",
        "supervisor_name": "Ruth Adeyemi",
        **kw,
    }
    return portal.log_own_hours(actor, requirement_id=requirement.public_id, **values)


def test_overview_shows_own_requirements_with_due_dates(jade_actor, participation):
    o = queries.overview(jade_actor)
    assert o.detail.participation == participation
    kinds = {i.requirement.kind: i for i in o.detail.requirements}
    assert set(kinds) == {"community_service", "classes", "restitution", "no_new_arrest", "check_ins"}
    assert kinds["community_service"].requirement.due_on == D(2026, 8, 1)
    assert (o.checked_in_today, o.unread) == (False, 0)


def test_participant_logs_hours_and_a_coordinator_verifies_them(
    jade, jade_actor, participation, dan_actor, memory_notifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry = log(jade_actor, reqs(participation)["community_service"])
    assert (entry.place, entry.supervisor_name, entry.logged_by_id, entry.verified_at) == (
        "Northtown food bank",
        "Ruth Adeyemi",
        jade.pk,
        None,
    )
    event = AuditEvent.objects.filter(action="diversion.hours_logged").last()
    assert event.details["logged_by"] == "participant" and event.actor_user_id == jade.pk
    assert [m.kind for m in memory_notifier] == ["diversion.hours_to_verify"]
    assert {r.name for r in memory_notifier[0].recipients} == {"cora", "dan"}

    item = next(
        i for i in queries.overview(jade_actor).detail.requirements if i.requirement.kind == "community_service"
    )
    assert (item.facts.done, item.facts.pending) == (0, 2)  # awaiting verification: not counted

    with pytest.raises(PermissionDenied):  # the participant cannot verify, their own or any
        progress.verify_hours(jade_actor, entry_id=entry.public_id)
    progress.verify_hours(dan_actor, entry_id=entry.public_id)
    item = next(
        i for i in queries.overview(jade_actor).detail.requirements if i.requirement.kind == "community_service"
    )
    assert (item.facts.done, item.facts.pending) == (2, 0)


def test_hours_need_place_and_supervisor_and_a_sensible_date(jade_actor, participation):
    cs = reqs(participation)["community_service"]
    with pytest.raises(RuleViolation) as caught:
        log(jade_actor, cs, place="")
    assert caught.value.field == "place"
    with pytest.raises(RuleViolation) as caught:
        log(jade_actor, cs, supervisor_name=" ")
    assert caught.value.field == "supervisor_name"
    with pytest.raises(RuleViolation) as caught:
        log(jade_actor, cs, worked_on=D(2026, 6, 2))
    assert caught.value.code == "diversion.in_future"
    with pytest.raises(RuleViolation) as caught:
        log(jade_actor, reqs(participation)["classes"])
    assert caught.value.code == "diversion.wrong_requirement_kind"
    assert HoursEntry.objects.count() == 0


def test_check_in_once_a_day_counts_toward_the_check_ins_requirement(
    jade_actor, participation, memory_notifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = portal.check_in(jade_actor, wellbeing="well", note="Started my new job")
    assert made.attendance is not None and made.attendance.requirement.kind == "check_ins"
    assert made.attendance.outcome == ClassAttendance.Outcome.ATTENDED
    assert memory_notifier == []  # doing well, no contact asked: nothing to tell the coordinator
    with pytest.raises(Conflict) as caught:
        portal.check_in(jade_actor, wellbeing="okay")
    assert caught.value.code == "diversion.already_checked_in"
    o = queries.overview(jade_actor)
    assert o.checked_in_today
    item = next(i for i in o.detail.requirements if i.requirement.kind == "check_ins")
    assert item.facts.done == 1
    assert "diversion.portal_checked_in" in AuditEvent.objects.values_list("action", flat=True)


def test_a_struggling_check_in_is_passed_to_the_coordinators(
    jade_actor, participation, memory_notifier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        portal.check_in(jade_actor, wellbeing="struggling", wants_contact=True)
    assert [m.kind for m in memory_notifier] == ["diversion.check_in_needs_contact"]
    assert "asked to be contacted" in memory_notifier[0].body


def test_check_in_without_a_check_ins_requirement_is_still_recorded(cora_actor, person, programme):
    p = active(cora_actor, person, programme)
    made = portal.check_in(actor_of(make_participant(person)), wellbeing="okay")
    assert made.attendance is None and PortalCheckIn.objects.get().participation == p


def test_bad_wellbeing_names_the_field(jade_actor, participation):
    with pytest.raises(RuleViolation) as caught:
        portal.check_in(jade_actor, wellbeing="great")
    assert caught.value.field == "wellbeing"


def test_nothing_to_do_before_the_programme_starts(cora_actor, person, programme):
    from tests.diversion.test_services import refer

    refer(cora_actor, person, programme)
    actor = actor_of(make_participant(person))
    assert queries.overview(actor).detail.participation.state == "referred"
    with pytest.raises(RuleViolation) as caught:
        portal.check_in(actor, wellbeing="well")
    assert caught.value.code == "diversion.not_active"


def test_another_participants_requirement_is_not_found(jade_actor, participation, other):
    theirs, _ = other
    with pytest.raises(NotFound):
        log(jade_actor, reqs(theirs)["community_service"])
    assert HoursEntry.objects.count() == 0


def test_staff_have_no_portal_and_participants_no_staff_records(cora_actor, jade_actor, participation):
    with pytest.raises(PermissionDenied):
        queries.overview(cora_actor)
    with pytest.raises(PermissionDenied):
        portal.check_in(cora_actor, wellbeing="well")
    with pytest.raises(PermissionDenied):
        staff_queries.get_participation(jade_actor, participation.public_id)
    with pytest.raises(PermissionDenied):
        progress.log_hours(
            jade_actor,
            requirement_id=reqs(participation)["community_service"].public_id,
            worked_on=D(2026, 6, 1),
            minutes=60,
        )


def test_a_person_without_a_portal_account_is_not_found(person, participation):
    from tests.factories import make_user

    # A user with the participant role but no portal account (or a closed one) reaches nothing.
    loose = make_user("loose", roles=("participant",), scope="self")
    with pytest.raises(NotFound):
        queries.overview(actor_of(loose))
