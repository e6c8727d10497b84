"""Remote check-ins: the pure rules (state machine, openings, expiry and reminder times, identity check,
survey flags, review), then the services (schedule, submission with identity check and photo, review,
expiry and reminder jobs, each notice once) and the caseload."""

import datetime as dt

import pytest
from django.utils import timezone

from oms.audit.models import AuditEvent
from oms.core import clock, notifications
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.people.models import Address
from oms.supervision import tasks
from oms.supervision.models import CheckIn
from oms.supervision.queries import cases as case_queries
from oms.supervision.rules import checkins as rules
from oms.supervision.services import checkins as services
from tests.factories import actor_of, make_participant
from tests.people.conftest import make_person
from tests.supervision.factories import make_case

UTC = dt.UTC
MONDAY = dt.date(2026, 6, 1)
GOOD = {"accommodation": "settled", "employment": "working", "substance_use": "none", "wellbeing": "good"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        ("created", "submit", "submitted"),
        ("created", "expire", "expired"),
        ("created", "review", None),
        ("submitted", "review", "reviewed"),
        ("submitted", "submit", None),
        ("submitted", "expire", None),
        ("expired", "submit", None),
        ("expired", "review", None),
        ("reviewed", "review", None),
        ("reviewed", "expire", None),
    ],
)
def test_state_machine(state, action, expected):
    assert rules.next_state(state, action) == expected


@pytest.mark.parametrize(
    ("frequency", "today", "expected"),
    [
        ("weekly", dt.date(2026, 5, 31), None),
        ("weekly", MONDAY, MONDAY),
        ("weekly", dt.date(2026, 6, 7), MONDAY),
        ("weekly", dt.date(2026, 6, 8), dt.date(2026, 6, 8)),
        ("fortnightly", dt.date(2026, 6, 8), MONDAY),
        ("fortnightly", dt.date(2026, 6, 15), dt.date(2026, 6, 15)),
        ("fortnightly", dt.date(2026, 7, 1), dt.date(2026, 6, 29)),
    ],
)
def test_opening_dates(frequency, today, expected):
    assert rules.opening_on(MONDAY, frequency, today) == expected


CLOSES = dt.datetime(2026, 6, 4, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "submit", "expire", "remind"),
    [
        (dt.datetime(2026, 6, 2, 12, tzinfo=UTC), True, False, False),
        (dt.datetime(2026, 6, 3, 0, tzinfo=UTC), True, False, True),  # 24 hours before it closes
        (dt.datetime(2026, 6, 4, 12, tzinfo=UTC), True, False, True),  # late, within the grace period
        (dt.datetime(2026, 6, 5, 0, tzinfo=UTC), False, True, False),  # grace over
    ],
)
def test_window_grace_and_reminder(now, submit, expire, remind):
    opens = dt.datetime(2026, 6, 1, tzinfo=UTC)
    assert rules.can_submit("created", CLOSES, opens, now) is submit
    assert rules.should_expire("created", CLOSES, now) is expire
    assert rules.reminder_due("created", CLOSES, now, False) is remind
    assert rules.reminder_due("created", CLOSES, now, True) is False
    assert rules.can_submit("submitted", CLOSES, opens, now) is False


RECORD = rules.IdentityRecord(dt.date(1985, 7, 9), "SW1A 1AA")


@pytest.mark.parametrize(
    ("record", "dob", "postcode", "failures"),
    [
        (RECORD, dt.date(1985, 7, 9), "SW1A 1AA", []),
        (RECORD, dt.date(1985, 7, 9), " sw1a1aa ", []),
        (RECORD, dt.date(1985, 9, 7), "SW1A 1AA", ["date_of_birth"]),
        (RECORD, dt.date(1985, 7, 9), "SW1A 2AA", ["postcode"]),
        (RECORD, None, "", ["date_of_birth", "postcode"]),
        (rules.IdentityRecord(None, ""), dt.date(1985, 7, 9), "SW1A 1AA", ["date_of_birth", "postcode"]),
    ],
)
def test_identity_check(record, dob, postcode, failures):
    assert rules.identity_failures(record, date_of_birth=dob, postcode=postcode) == failures


@pytest.mark.parametrize(
    ("identity", "answers", "flags"),
    [
        ([], GOOD, []),
        (["postcode"], GOOD, ["identity_postcode"]),
        ([], {**GOOD, "accommodation": "none"}, ["accommodation_none"]),
        ([], {**GOOD, "substance_use": "more", "wellbeing": "crisis"}, ["substance_use_more", "wellbeing_crisis"]),
        ([], {**GOOD, "employment": "not_working"}, []),
    ],
)
def test_flags(identity, answers, flags):
    assert rules.flags_of(identity, answers) == flags
    assert all(f in rules.FLAG_LABELS for f in flags)


def test_survey_problems_name_each_unanswered_question():
    assert rules.survey_problems(GOOD) == {}
    assert set(rules.survey_problems({**GOOD, "wellbeing": "meh", "employment": None})) == {"wellbeing", "employment"}


@pytest.mark.parametrize(
    ("outcome", "note", "ok"),
    [("satisfactory", "", True), ("concerns", "", False), ("concerns", "rent arrears", True), ("x", "n", False)],
)
def test_review_needs_a_note_unless_satisfactory(outcome, note, ok):
    assert (rules.review_problem(outcome, note) is None) is ok


@pytest.mark.parametrize(
    ("key", "to_review", "flagged", "expected"),
    [((2, 1, 9), 0, False, (2, 1, 9)), ((2, 1, 9), 1, False, (1, 1, 9)), ((2, 1, 9), 1, True, (0, 1, 9))],
)
def test_caseload_rank(key, to_review, flagged, expected):
    assert rules.caseload_rank(key, to_review=to_review, flagged=flagged) == expected


# --- services ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def memory_notifier(settings):
    settings.OMS_NOTIFIERS = ["memory"]
    notifications.sent.clear()
    yield
    notifications.sent.clear()


@pytest.fixture
def case(person, office_c, frank):
    Address.objects.create(person=person, postcode="LS1 4AB", is_primary=True)
    Address.objects.create(person=person, kind=Address.Kind.PREVIOUS, postcode="M1 1AA")
    return make_case(person, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1))


@pytest.fixture
def participant(person):
    user = make_participant(person, "ana")
    user.email = "ana@example.test"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def participant_actor(participant):
    return actor_of(participant)


@pytest.fixture
def open_check_in(case, frank_actor):
    services.set_schedule(frank_actor, case_id=case.public_id, frequency="weekly", starts_on=MONDAY)
    return case.check_ins.get()


def submit(actor, check_in, **overrides):
    values = {"date_of_birth": dt.date(1985, 7, 9), "postcode": "ls1 4ab", "answers": dict(GOOD), **overrides}
    return services.submit_check_in(actor, check_in_id=check_in.public_id, **values)


def test_a_schedule_opens_its_current_check_in_at_once(case, frank_actor):
    # Started on Friday 29 May, open 96 hours: Monday 1 June is still inside that first window.
    services.set_schedule(
        frank_actor, case_id=case.public_id, frequency="weekly", starts_on=dt.date(2026, 5, 29), window_hours=96
    )
    (check_in,) = case.check_ins.all()
    assert timezone.localtime(check_in.opens_at).date() == dt.date(2026, 5, 29)
    # A period whose window and grace are already over opens nothing.
    services.set_schedule(
        frank_actor, case_id=case.public_id, frequency="weekly", starts_on=dt.date(2026, 5, 28), window_hours=24
    )
    assert case.check_ins.count() == 1


def test_set_schedule_opens_today_and_replaces_the_old_one(case, frank_actor):
    first = services.set_schedule(frank_actor, case_id=case.public_id, frequency="weekly", starts_on=MONDAY)
    second = services.set_schedule(
        frank_actor, case_id=case.public_id, frequency="fortnightly", starts_on=MONDAY, window_hours=24
    )
    first.refresh_from_db()
    assert not first.active and second.active
    (check_in,) = case.check_ins.all()  # the same opening is not made twice
    assert check_in.state == "created"
    assert check_in.closes_at - check_in.opens_at == dt.timedelta(hours=72)
    assert AuditEvent.objects.filter(action="supervision.check_in_schedule_set").count() == 2
    assert AuditEvent.objects.filter(action="supervision.check_in_opened").count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"frequency": "daily"}, "frequency"),
        ({"starts_on": dt.date(2026, 4, 1)}, "starts_on"),
        ({"window_hours": 0}, "window_hours"),
        ({"window_hours": 169}, "window_hours"),
    ],
)
def test_schedule_checks(case, frank_actor, values, field):
    args = {"frequency": "weekly", "starts_on": MONDAY, **values}
    with pytest.raises(RuleViolation) as error:
        services.set_schedule(frank_actor, case_id=case.public_id, **args)
    assert error.value.field == field


def test_schedule_permissions(case, pete, alice):
    with pytest.raises(NotFound):
        services.set_schedule(actor_of(pete), case_id=case.public_id, frequency="weekly", starts_on=MONDAY)
    with pytest.raises(PermissionDenied):
        services.set_schedule(actor_of(alice), case_id=case.public_id, frequency="weekly", starts_on=MONDAY)


def test_submission_with_matching_identity_is_not_flagged(open_check_in, participant_actor):
    check_in = submit(participant_actor, open_check_in, photo_name="me.png", photo_content=PNG, message=" hello ")
    assert check_in.state == "submitted"
    assert check_in.identity_failures == [] and check_in.flags == [] and not check_in.flagged
    assert check_in.answers == {**GOOD, "message": "hello"}
    assert check_in.photo_content_type == "image/png" and bytes(check_in.photo) == PNG
    event = AuditEvent.objects.get(action="supervision.check_in_submitted")
    assert event.details["identity_confirmed"] is True
    assert "answers" not in event.details and "hello" not in str(event.details)
    assert notifications.sent == []  # nothing flagged: the officer is not told


def test_a_failed_identity_check_is_recorded_flagged_and_the_officer_told(open_check_in, participant_actor):
    check_in = submit(participant_actor, open_check_in, date_of_birth=dt.date(1985, 9, 7), postcode="M1 1AA")
    assert check_in.state == "submitted"  # recorded, never refused
    assert check_in.identity_failures == ["date_of_birth", "postcode"]  # a previous address does not count
    assert check_in.flagged and check_in.flags == ["identity_date_of_birth", "identity_postcode"]
    (message,) = notifications.sent
    assert message.kind == "supervision.check_in_flagged"
    assert message.recipients[0].name == "frank"
    assert check_in.flag_notice_at is not None
    # The job does not tell the officer again.
    assert services.send_reminders(Actor.system())["flagged"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"answers": {**GOOD, "wellbeing": "meh"}}, "wellbeing"),
        ({"postcode": ""}, "postcode"),
        ({"photo_name": "me.png", "photo_content": JPEG}, "photo"),  # a renamed file
        ({"photo_name": "me.gif", "photo_content": b"GIF89a" + b"\x00" * 10}, "photo"),
        ({"photo_name": "me.jpg", "photo_content": JPEG + b"\x00" * (2 * 1024 * 1024)}, "photo"),
    ],
)
def test_submission_checks(open_check_in, participant_actor, overrides, field):
    with pytest.raises(RuleViolation) as error:
        submit(participant_actor, open_check_in, **overrides)
    assert error.value.field == field


def test_a_participant_reaches_only_their_own_check_ins(open_check_in, office_c, frank_actor, other_person):
    other_case = make_case(other_person, office=office_c, starts_on=dt.date(2026, 5, 1))
    services.set_schedule(frank_actor, case_id=other_case.public_id, frequency="weekly", starts_on=MONDAY)
    theirs = other_case.check_ins.get()
    intruder = actor_of(make_participant(other_person, "liam"))
    with pytest.raises(NotFound):
        submit(intruder, open_check_in)
    submit(intruder, theirs, date_of_birth=dt.date(1995, 11, 20))  # their own is fine
    with pytest.raises(PermissionDenied):
        submit(frank_actor, open_check_in)  # staff cannot submit for the person


def test_submit_twice_or_after_expiry_is_refused(open_check_in, participant_actor, case):
    submit(participant_actor, open_check_in)
    with pytest.raises(Conflict):
        submit(participant_actor, open_check_in)
    late = CheckIn.objects.create(
        case=case,
        opens_at=dt.datetime(2026, 5, 20, tzinfo=UTC),
        closes_at=dt.datetime(2026, 5, 23, tzinfo=UTC),
        created_at=clock.now(),
    )
    with pytest.raises(Conflict):
        submit(participant_actor, late)


def test_review(open_check_in, participant_actor, frank_actor, pete):
    with pytest.raises(Conflict):  # nothing to review before it is submitted
        services.review_check_in(frank_actor, check_in_id=open_check_in.public_id, outcome="satisfactory")
    check_in = submit(participant_actor, open_check_in)
    with pytest.raises(NotFound):
        services.review_check_in(actor_of(pete), check_in_id=check_in.public_id, outcome="satisfactory")
    with pytest.raises(RuleViolation) as error:
        services.review_check_in(frank_actor, check_in_id=check_in.public_id, outcome="follow_up")
    assert error.value.field == "note"
    with pytest.raises(Conflict):
        services.review_check_in(frank_actor, check_in_id=check_in.public_id, outcome="satisfactory", version=1)
    reviewed = services.review_check_in(
        frank_actor,
        check_in_id=check_in.public_id,
        outcome="follow_up",
        note="Call about the job interview",
        version=check_in.version,
    )
    assert reviewed.state == "reviewed" and reviewed.reviewed_by_id == frank_actor.user_id
    assert AuditEvent.objects.filter(action="supervision.check_in_reviewed").exists()


def test_expiry_job_is_idempotent(open_check_in):
    with clock.freeze(open_check_in.closes_at + dt.timedelta(hours=23)):  # within the grace period
        assert tasks.expire_check_ins.call() == 0
    with clock.freeze(open_check_in.closes_at + dt.timedelta(hours=24)):
        assert tasks.expire_check_ins.call() == 1
        assert tasks.expire_check_ins.call() == 0
    open_check_in.refresh_from_db()
    assert open_check_in.state == "expired"
    assert AuditEvent.objects.filter(action="supervision.check_in_expired").count() == 1


def test_reminders_each_sent_once(open_check_in, participant):
    assert tasks.send_check_in_reminders.call() == {"opened": 1, "reminders": 0, "flagged": 0}
    assert tasks.send_check_in_reminders.call() == {"opened": 0, "reminders": 0, "flagged": 0}
    (opened,) = notifications.sent
    assert opened.kind == "supervision.check_in_open"
    assert opened.recipients[0].email == "ana@example.test"
    with clock.freeze(open_check_in.closes_at - dt.timedelta(hours=25)):
        assert tasks.send_check_in_reminders.call()["reminders"] == 0  # not yet
    with clock.freeze(open_check_in.closes_at - dt.timedelta(hours=20)):
        assert tasks.send_check_in_reminders.call()["reminders"] == 1
        assert tasks.send_check_in_reminders.call()["reminders"] == 0
    assert [m.kind for m in notifications.sent] == ["supervision.check_in_open", "supervision.check_in_reminder"]
    # The next week's check-in opens on the job's run.
    with clock.freeze(open_check_in.opens_at + dt.timedelta(days=7, hours=1)):
        assert tasks.send_check_in_reminders.call()["opened"] == 1
    assert open_check_in.case.check_ins.count() == 2


def test_no_portal_account_means_no_notice_but_it_is_not_retried(open_check_in):
    assert tasks.send_check_in_reminders.call()["opened"] == 0
    open_check_in.refresh_from_db()
    assert open_check_in.opened_notice_at is not None
    assert notifications.sent == []


def test_caseload_counts_check_ins_to_review(case, open_check_in, participant_actor, frank_actor, office_c, frank):
    calm = make_case(
        make_person(office_c, family="Calm", given="Cal", dob=dt.date(1970, 1, 1)),
        office=office_c,
        officer=frank,
        starts_on=dt.date(2026, 5, 31),
    )
    submit(participant_actor, open_check_in, answers={**GOOD, "wellbeing": "crisis"})
    items = case_queries.caseload(frank_actor)
    by_case = {s.case.pk: s for s in items}
    assert by_case[case.pk].check_ins_to_review == 1 and by_case[case.pk].check_in_flagged
    assert by_case[calm.pk].check_ins_to_review == 0
    assert items[0].case.pk == case.pk
