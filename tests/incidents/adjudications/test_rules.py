"""Pure rules: the first-hearing deadline, charge transitions, punishment limits and schedules."""

import datetime as dt

import pytest

from oms.incidents.rules import deadlines
from oms.incidents.rules import punishments as rules

UTC = dt.UTC


@pytest.mark.parametrize(
    ("charged_at", "due_by", "why"),
    [
        (
            dt.datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
            dt.datetime(2026, 6, 3, 9, 0, tzinfo=UTC),
            "Monday: plain 48 hours",
        ),
        (
            dt.datetime(2026, 6, 5, 9, 0, tzinfo=UTC),
            dt.datetime(2026, 6, 8, 9, 0, tzinfo=UTC),
            "Friday: Sunday not counted",
        ),
        (
            dt.datetime(2026, 6, 6, 9, 0, tzinfo=UTC),
            dt.datetime(2026, 6, 9, 9, 0, tzinfo=UTC),
            "Saturday: Sunday not counted",
        ),
        (
            dt.datetime(2026, 6, 7, 12, 0, tzinfo=UTC),
            dt.datetime(2026, 6, 9, 23, 0, tzinfo=UTC),
            "Sunday: counting starts at Monday midnight, London time",
        ),
        (
            dt.datetime(2026, 5, 23, 9, 0, tzinfo=UTC),
            dt.datetime(2026, 5, 27, 9, 0, tzinfo=UTC),
            "Saturday before the Spring bank holiday: Sunday and Monday 25 May not counted",
        ),
        (
            dt.datetime(2026, 12, 23, 10, 0, tzinfo=UTC),
            dt.datetime(2026, 12, 29, 10, 0, tzinfo=UTC),
            "Christmas: 25th, Saturday 26th (Boxing Day), Sunday and Monday 28th (substitute day) not counted",
        ),
        (
            dt.datetime(2026, 3, 27, 12, 0, tzinfo=UTC),
            dt.datetime(2026, 3, 30, 11, 0, tzinfo=UTC),
            "clocks go forward on Sunday 29 March: Monday noon on the prison clock is 11:00 UTC",
        ),
    ],
)
def test_first_hearing_deadline(charged_at, due_by, why):
    assert deadlines.first_hearing_due_by(charged_at) == due_by, why


def test_deadline_needs_an_aware_instant():
    with pytest.raises(ValueError):
        deadlines.first_hearing_due_by(dt.datetime(2026, 6, 1, 9, 0))


def test_a_rule_without_holidays_counts_only_sundays_out():
    rule = deadlines.DeadlineRule(holiday_country="")
    assert deadlines.first_hearing_due_by(dt.datetime(2026, 5, 23, 9, 0, tzinfo=UTC), rule) == dt.datetime(
        2026, 5, 26, 9, 0, tzinfo=UTC
    )


ALLOWED = [
    ("awaiting_hearing", "scheduled"),
    ("awaiting_hearing", "not_proceeded"),
    ("scheduled", "adjourned"),
    ("scheduled", "proved"),
    ("scheduled", "dismissed"),
    ("scheduled", "not_proceeded"),
    ("scheduled", "referred_police"),
    ("scheduled", "referred_independent"),
    ("adjourned", "scheduled"),
    ("referred_police", "scheduled"),
    ("referred_independent", "scheduled"),
    ("proved", "quashed"),
]
REFUSED = [
    ("awaiting_hearing", "proved"),
    ("adjourned", "proved"),
    ("proved", "dismissed"),
    ("proved", "scheduled"),
    ("dismissed", "scheduled"),
    ("dismissed", "quashed"),
    ("not_proceeded", "scheduled"),
    ("quashed", "proved"),
    ("quashed", "scheduled"),
]


@pytest.mark.parametrize(("current", "wanted"), ALLOWED)
def test_allowed_transitions(current, wanted):
    assert rules.can_move(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), REFUSED)
def test_refused_transitions(current, wanted):
    assert not rules.can_move(current, wanted)


def problems(**fields):
    values = {
        "adjudicator_kind": "governor",
        "days": None,
        "amount_pence": None,
        "suspended_until": None,
        "awarded_on": dt.date(2026, 6, 1),
        **fields,
    }
    return [p.code for p in rules.check_punishment(**values)]


@pytest.mark.parametrize(
    ("kind", "most"),
    [
        ("loss_of_privileges", 42),
        ("confinement_to_cell", 21),
        ("exclusion_from_work", 21),
        ("removal_from_activity", 21),
    ],
)
def test_governor_maxima(kind, most):
    assert problems(kind=kind, days=most) == []
    assert problems(kind=kind, days=most + 1) == ["incidents.punishment_days_too_many"]
    assert problems(kind=kind) == ["incidents.punishment_days_required"]


def test_stoppage_of_earnings_needs_an_amount_and_at_most_84_days():
    assert problems(kind="stoppage_of_earnings", days=84, amount_pence=500) == []
    assert problems(kind="stoppage_of_earnings", days=85, amount_pence=500) == ["incidents.punishment_days_too_many"]
    assert problems(kind="stoppage_of_earnings", days=10) == ["incidents.punishment_amount_required"]


def test_additional_days_only_by_an_independent_adjudicator_up_to_42():
    assert problems(kind="additional_days", days=10) == ["incidents.punishment_not_allowed"]
    assert problems(kind="additional_days", days=42, adjudicator_kind="independent") == []
    assert problems(kind="additional_days", days=43, adjudicator_kind="independent") == [
        "incidents.punishment_days_too_many"
    ]


def test_caution_has_no_days_and_is_never_suspended():
    assert problems(kind="caution") == []
    assert problems(kind="caution", days=3) == ["incidents.punishment_days_not_allowed"]
    assert problems(kind="caution", suspended_until=dt.date(2026, 7, 1)) == ["incidents.suspension_not_allowed"]
    assert problems(kind="nonsense") == ["incidents.punishment_kind_unknown"]


def test_suspension_up_to_six_months():
    assert problems(kind="loss_of_privileges", days=14, suspended_until=dt.date(2026, 12, 1)) == []
    assert problems(kind="loss_of_privileges", days=14, suspended_until=dt.date(2026, 12, 2)) == [
        "incidents.suspension_too_long"
    ]
    assert problems(kind="loss_of_privileges", days=14, suspended_until=dt.date(2026, 6, 1)) == [
        "incidents.suspension_in_past"
    ]


def test_schedule_counts_the_first_day():
    assert rules.schedule(dt.date(2026, 6, 1), 14) == (dt.date(2026, 6, 1), dt.date(2026, 6, 14))
    assert rules.schedule(dt.date(2026, 6, 1), None) == (dt.date(2026, 6, 1), None)
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_activation_needs_an_offence_while_suspended():
    assert rules.can_activate(suspended_until=dt.date(2026, 7, 1), activating_offence_on=dt.date(2026, 7, 1))
    assert not rules.can_activate(suspended_until=dt.date(2026, 7, 1), activating_offence_on=dt.date(2026, 7, 2))


def test_outcome_checks():
    assert rules.check_outcome(plea="guilty", outcome="proved", adjournment_reason="", has_punishments=True) == []
    codes = [
        p.code
        for p in rules.check_outcome(plea="maybe", outcome="adjourned", adjournment_reason=" ", has_punishments=True)
    ]
    assert codes == [
        "incidents.plea_unknown",
        "incidents.adjournment_reason_required",
        "incidents.punishment_not_proved",
    ]


@pytest.mark.parametrize(
    ("awarded", "restored", "days", "code"),
    [
        (14, 0, 14, None),
        (14, 10, 4, None),
        (14, 10, 5, "incidents.restoration_too_many"),
        (14, 0, 0, "incidents.days_invalid"),
        (14, 0, "3", "incidents.days_invalid"),
        (14, 0, True, "incidents.days_invalid"),
        (None, 0, 1, "incidents.restoration_too_many"),
    ],
)
def test_restoration_never_exceeds_what_is_left(awarded, restored, days, code):
    problems = rules.check_restoration(awarded=awarded, already_restored=restored, days=days)
    assert [p.code for p in problems] == ([code] if code else [])


def test_a_charge_is_late_after_48_elapsed_hours_from_discovery_sundays_included():
    saturday = dt.datetime(2026, 6, 6, 10, 0, tzinfo=dt.UTC)
    assert not deadlines.charge_laid_late(saturday, saturday + dt.timedelta(hours=48))
    assert deadlines.charge_laid_late(saturday, saturday + dt.timedelta(hours=48, seconds=1))
    with pytest.raises(ValueError):
        deadlines.charge_laid_late(dt.datetime(2026, 6, 6), saturday)


def test_additional_days_have_no_end_date_of_their_own():
    start = dt.date(2026, 6, 1)
    assert rules.schedule(start, 14, "confinement_to_cell") == (start, dt.date(2026, 6, 14))
    assert rules.schedule(start, 14, "additional_days") == (start, None)  # they move the release date instead


def test_a_caution_stands_alone():
    assert rules.check_awards_together(["caution"]) == []
    assert rules.check_awards_together(["loss_of_privileges", "confinement_to_cell"]) == []
    assert [p.code for p in rules.check_awards_together(["caution", "loss_of_privileges"])] == [
        "incidents.caution_combined"
    ]


@pytest.mark.parametrize(("already", "days", "ok"), [(0, 42, True), (28, 14, True), (28, 15, False), (42, 1, False)])
def test_additional_days_from_one_incident_total_at_most_42(already, days, ok):
    assert (rules.check_incident_additional_days(already=already, days=days) == []) is ok
