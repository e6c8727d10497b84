"""The pure supervision rules: contact standards per level, the level from tier or risk, the next contact
due, urgency, compliance counts since a date, and repeat bookings."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.supervision.rules import contact as rules

D = dt.date


def test_every_level_has_one_standard_with_its_source():
    assert set(rules.CONTACT_STANDARDS) == set(rules.LEVELS)
    assert [rules.CONTACT_STANDARDS[lv].every_days for lv in ("very_high", "high", "medium", "low")] == [7, 7, 14, 28]
    assert all(s.source for s in rules.CONTACT_STANDARDS.values())


@pytest.mark.parametrize(
    ("kind", "phone_counts", "counts"),
    [
        ("office", False, True),
        ("video", False, True),
        ("home_visit", False, True),
        ("phone", False, False),
        ("phone", True, True),
    ],
)
def test_national_standard_types_count(kind, phone_counts, counts):
    assert rules.counts_toward_compliance(kind, phone_counts=phone_counts) is counts


@pytest.mark.parametrize(
    ("override", "tier", "risk", "expected"),
    [
        ("", "A3", "low", ("very_high", "tier")),
        ("", "B0", "", ("high", "tier")),
        ("", "C2", "very high", ("medium", "tier")),
        ("", "D1", "", ("low", "tier")),
        ("", "", "very high", ("very_high", "risk")),
        ("", "", "medium", ("medium", "risk")),
        ("", "Z9", "low", ("low", "risk")),  # a tier the mapping does not know falls through to risk
        ("", "", "", ("high", "unassessed")),
        ("low", "A3", "very high", ("low", "override")),
    ],
)
def test_effective_level(override, tier, risk, expected):
    assert rules.effective_level(override=override, tier=tier, risk_band=risk) == expected


@pytest.mark.parametrize(
    ("level", "last", "expected"),
    [
        ("high", None, D(2026, 6, 1)),  # no contact yet: the induction is due at the start
        ("very_high", D(2026, 6, 3), D(2026, 6, 10)),
        ("high", D(2026, 6, 3), D(2026, 6, 10)),
        ("medium", D(2026, 6, 3), D(2026, 6, 17)),
        ("low", D(2026, 6, 3), D(2026, 7, 1)),
    ],
)
def test_next_contact_due(level, last, expected):
    assert rules.next_contact_due(level=level, starts_on=D(2026, 6, 1), last_attended_on=last) == expected


@pytest.mark.parametrize(
    ("due", "rank", "days"),
    [(D(2026, 5, 28), 0, 4), (D(2026, 6, 1), 1, 0), (D(2026, 6, 8), 1, 7), (D(2026, 6, 9), 2, 8)],
)
def test_urgency_against_today(due, rank, days):
    assert rules.urgency(due, D(2026, 6, 1)) == rules.Urgency(rank, days)


def test_urgency_sorts_most_overdue_first_then_soonest():
    today = D(2026, 6, 1)
    dues = [D(2026, 6, 20), D(2026, 6, 3), D(2026, 5, 31), D(2026, 5, 20), D(2026, 6, 1)]
    assert sorted(dues, key=lambda d: rules.urgency_key(d, today)) == [
        D(2026, 5, 20),
        D(2026, 5, 31),
        D(2026, 6, 1),
        D(2026, 6, 3),
        D(2026, 6, 20),
    ]


def test_compliance_counts_only_countable_contacts_since_the_reset_date_up_to_today():
    C = rules.Contact
    contacts = [
        C(D(2026, 5, 1), True, "failed_unacceptable"),  # before the reset date
        C(D(2026, 5, 10), True, "attended"),
        C(D(2026, 5, 11), True, "failed_acceptable"),
        C(D(2026, 5, 12), True, "failed_unacceptable"),
        C(D(2026, 5, 13), True, "unacceptable_behaviour"),
        C(D(2026, 5, 14), False, "failed_unacceptable"),  # a phone call: does not count
        C(D(2026, 5, 15), True, "not_recorded"),
        C(D(2026, 6, 5), True, "not_recorded"),  # in the future
    ]
    counted = rules.compliance(contacts, since=D(2026, 5, 10), today=D(2026, 6, 1))
    assert (counted.attended, counted.acceptable_absences, counted.unacceptable_absences) == (1, 1, 1)
    assert (counted.unacceptable_behaviour, counted.failures, counted.not_recorded) == (1, 2, 1)
    assert rules.compliance(contacts, since=D(2026, 4, 1), today=D(2026, 6, 1)).failures == 3


@pytest.mark.parametrize(
    ("repeat", "weeks", "count", "gap"),
    [
        ("none", 8, 1, None),
        ("weekly", 4, 4, 7),
        ("fortnightly", 4, 2, 14),
        ("fortnightly", 5, 3, 14),
        ("weekly", 1, 1, None),
    ],
)
def test_repeat_times(repeat, weeks, count, gap):
    first = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    times = rules.repeat_times(first, repeat=repeat, weeks=weeks)
    assert len(times) == count and times[0] == first
    assert all((b - a).days == gap for a, b in zip(times, times[1:], strict=False))


def test_a_weekly_series_keeps_the_local_time_across_the_clock_change():
    london = ZoneInfo("Europe/London")
    first = dt.datetime(2026, 10, 19, 10, 0, tzinfo=london)  # BST; the clocks go back on 25 October
    times = rules.repeat_times(first, repeat="weekly", weeks=2)
    assert [t.hour for t in times] == [10, 10]
    assert times[1].astimezone(dt.UTC).hour == 10 and times[0].astimezone(dt.UTC).hour == 9


@given(weeks=st.integers(1, rules.MAX_REPEAT_WEEKS), repeat=st.sampled_from(["weekly", "fortnightly"]))
def test_a_series_stays_within_its_weeks(weeks, repeat):
    first = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    times = rules.repeat_times(first, repeat=repeat, weeks=weeks)
    assert times[-1] < first + dt.timedelta(weeks=weeks)
    assert times[-1] + dt.timedelta(days=rules.REPEATS[repeat]) >= first + dt.timedelta(weeks=weeks)
