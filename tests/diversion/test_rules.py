"""Pure diversion rules: eligibility with explanations, the sliding-scale fee, requirement status,
progress summary, ledger balance, notices owed, and the legal state transitions."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.core.errors import RuleViolation
from oms.diversion.rules import eligibility, fees, progress, states

D = dt.date
TODAY = D(2026, 6, 1)
CRITERIA = {
    "min_age": 18,
    "max_age": 25,
    "max_prior_convictions": 0,
    "excluded_offence_categories": ["Violence", "sexual"],
    "allow_pending_charges": False,
    "referrer_kinds": ["prosecutor"],
}


def facts(**kw):
    values = {
        "referred_on": TODAY,
        "referrer_kind": "prosecutor",
        "date_of_birth": D(2005, 6, 1),
        "prior_convictions": 0,
        "offence_category": "theft",
        "pending_charges": False,
    }
    return eligibility.Facts(**{**values, **kw})


# --- eligibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, criterion, outcome, words",
    [
        ({}, None, "met", ""),
        ({"date_of_birth": D(2008, 6, 2)}, "min_age", "not_met", "Age on referral 17; must be at least 18"),
        ({"date_of_birth": D(2008, 6, 1)}, "min_age", "met", "Age on referral 18"),
        ({"date_of_birth": D(2000, 5, 31)}, "max_age", "not_met", "Age on referral 26; must be at most 25"),
        ({"date_of_birth": None}, "min_age", "unknown", "date of birth is not recorded"),
        ({"prior_convictions": 2}, "max_prior_convictions", "not_met", "2 prior conviction(s); at most 0"),
        ({"prior_convictions": None}, "max_prior_convictions", "unknown", "not given"),
        ({"offence_category": "VIOLENCE"}, "excluded_offence_categories", "not_met", "'violence' is excluded"),
        ({"offence_category": ""}, "excluded_offence_categories", "unknown", "not given"),
        ({"pending_charges": True}, "allow_pending_charges", "not_met", "Other charges are pending"),
        ({"pending_charges": None}, "allow_pending_charges", "unknown", "not known"),
        ({"referrer_kind": "police"}, "referrer_kinds", "not_met", "Referred by police"),
    ],
)
def test_each_criterion_is_explained(change, criterion, outcome, words):
    criteria = eligibility.check_criteria(CRITERIA)
    results = eligibility.check_eligibility(criteria, facts(**change))
    assert [r.criterion for r in results] == [
        "min_age",
        "max_age",
        "max_prior_convictions",
        "excluded_offence_categories",
        "allow_pending_charges",
        "referrer_kinds",
    ]
    if criterion is None:
        assert eligibility.is_eligible(results)
        return
    result = next(r for r in results if r.criterion == criterion)
    assert result.outcome == outcome
    assert words in result.explanation
    assert not eligibility.is_eligible(results) or outcome == "met"


def test_no_criteria_admits_everyone():
    assert eligibility.is_eligible(eligibility.check_eligibility({}, facts(date_of_birth=None)))


@pytest.mark.parametrize(
    "criteria, field",
    [
        ([], "eligibility"),
        ({"shoe_size": 9}, "eligibility.shoe_size"),
        ({"min_age": "18"}, "eligibility.min_age"),
        ({"min_age": True}, "eligibility.min_age"),
        ({"min_age": 30, "max_age": 20}, "eligibility.max_age"),
        ({"max_prior_convictions": -1}, "eligibility.max_prior_convictions"),
        ({"excluded_offence_categories": "violence"}, "eligibility.excluded_offence_categories"),
        ({"excluded_offence_categories": [""]}, "eligibility.excluded_offence_categories"),
        ({"allow_pending_charges": "no"}, "eligibility.allow_pending_charges"),
        ({"referrer_kinds": ["court"]}, "eligibility.referrer_kinds"),
        ({"referrer_kinds": []}, "eligibility.referrer_kinds"),
    ],
)
def test_bad_criteria_name_the_field(criteria, field):
    with pytest.raises(RuleViolation) as caught:
        eligibility.check_criteria(criteria)
    assert caught.value.field == field
    assert caught.value.code == "diversion.bad_criteria"


def test_criteria_are_cleaned():
    assert eligibility.check_criteria({"excluded_offence_categories": [" Violence", "violence", "arson"]}) == {
        "excluded_offence_categories": ["arson", "violence"]
    }


# --- fees ----------------------------------------------------------------------------------------

GUIDE_1 = 1_506_000  # one person, cents
GUIDE_4 = 1_506_000 + 3 * 538_000


@pytest.mark.parametrize(
    "income, size, benefit, fee, band, waived",
    [
        (0, 1, False, 0, "indigent", True),
        (GUIDE_1 * 125 // 100, 1, False, 0, "indigent", True),  # exactly 125%: still indigent
        (GUIDE_1 * 125 // 100 + 1, 1, False, 5_000, "25%", False),
        (GUIDE_1 * 2, 1, False, 5_000, "25%", False),
        (GUIDE_1 * 2 + 1, 1, False, 10_000, "50%", False),
        (GUIDE_1 * 3, 1, False, 10_000, "50%", False),
        (GUIDE_1 * 4, 1, False, 15_000, "75%", False),
        (GUIDE_1 * 4 + 1, 1, False, 20_000, "full", False),
        (GUIDE_1 * 3, 4, False, 5_000, "25%", False),  # the same income is poorer in a bigger household
        (GUIDE_4 * 5, 4, True, 0, "indigent", True),  # a means-tested benefit waives whatever the income
    ],
)
def test_sliding_scale(income, size, benefit, fee, band, waived):
    result = fees.assess_fee(20_000, household_income_minor=income, household_size=size, means_tested_benefit=benefit)
    assert (result.fee_minor, result.band, result.waived) == (fee, band, waived)
    assert result.explanation


def test_fee_share_rounds_down_to_whole_minor_units():
    assert fees.assess_fee(999, household_income_minor=GUIDE_1 * 2, household_size=1).fee_minor == 249


@pytest.mark.parametrize(
    "income, size, field",
    [
        (-1, 1, "household_income_minor"),
        (100, 0, "household_size"),
        (100, 31, "household_size"),
        (1.5, 1, "household_income_minor"),
    ],
)
def test_bad_fee_input_names_the_field(income, size, field):
    with pytest.raises(RuleViolation) as caught:
        fees.assess_fee(100, household_income_minor=income, household_size=size)
    assert caught.value.field == field


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.integers(1, 12))
def test_fee_never_rises_as_income_falls(a, b, size):
    low, high = sorted((a, b))
    fee_low = fees.assess_fee(50_000, household_income_minor=low, household_size=size).fee_minor
    fee_high = fees.assess_fee(50_000, household_income_minor=high, household_size=size).fee_minor
    assert 0 <= fee_low <= fee_high <= 50_000


# --- requirement status --------------------------------------------------------------------------

R = progress.RequirementFacts


@pytest.mark.parametrize(
    "req, status, next_due",
    [
        (R("community_service", D(2026, 7, 1), target=40, done=40), "met", None),
        (R("community_service", D(2026, 7, 1), target=40, done=10, pending=30), "on_track", D(2026, 7, 1)),
        (R("community_service", D(2026, 6, 8), target=40, done=10), "due_soon", D(2026, 6, 8)),
        (R("community_service", D(2026, 6, 1), target=40, done=10), "due_soon", D(2026, 6, 1)),  # due today
        (R("classes", D(2026, 5, 31), target=6, done=5), "overdue", D(2026, 5, 31)),
        (R("classes", D(2026, 5, 31), target=6, done=6), "met", None),
        (R("no_new_arrest", D(2026, 9, 1)), "on_track", D(2026, 9, 1)),
        (R("no_new_arrest", D(2026, 5, 31)), "met", None),
        (R("no_new_arrest", D(2026, 9, 1), breached_on=D(2026, 5, 20)), "failed", None),
        # Restitution of 300.00 in 3 instalments of 100.00 every 30 days from 1 May (due 1 May, 31 May, 30 June).
        (
            R(
                "restitution",
                D(2026, 8, 1),
                target=30_000,
                done=20_000,
                instalment_minor=10_000,
                instalment_every_days=30,
                first_instalment_on=D(2026, 5, 1),
            ),
            "on_track",
            D(2026, 6, 30),
        ),
        (
            R(
                "restitution",
                D(2026, 8, 1),
                target=30_000,
                done=10_000,
                instalment_minor=10_000,
                instalment_every_days=30,
                first_instalment_on=D(2026, 5, 5),
            ),
            "due_soon",
            D(2026, 6, 4),
        ),
        (  # paid ahead: the next instalment is already covered
            R(
                "restitution",
                D(2026, 8, 1),
                target=30_000,
                done=20_000,
                instalment_minor=10_000,
                instalment_every_days=30,
                first_instalment_on=D(2026, 5, 5),
            ),
            "on_track",
            D(2026, 6, 4),
        ),
        (
            R(
                "restitution",
                D(2026, 8, 1),
                target=30_000,
                done=10_000,
                instalment_minor=10_000,
                instalment_every_days=30,
                first_instalment_on=D(2026, 5, 1),
            ),
            "overdue",
            D(2026, 6, 30),
        ),
        (
            R(
                "restitution",
                D(2026, 8, 1),
                target=30_000,
                done=0,
                instalment_minor=10_000,
                instalment_every_days=30,
                first_instalment_on=D(2026, 7, 1),
            ),
            "on_track",
            D(2026, 7, 1),
        ),
        (R("restitution", D(2026, 8, 1), target=30_000, done=30_000), "met", None),
    ],
)
def test_requirement_status(req, status, next_due):
    result = progress.requirement_status(req, TODAY)
    assert result.status == status, result.explanation
    assert result.next_due_on == next_due


def test_plan_status_names_the_missed_instalment():
    req = R(
        "restitution",
        D(2026, 12, 1),
        target=30_000,
        done=10_000,
        instalment_minor=10_000,
        instalment_every_days=14,
        first_instalment_on=D(2026, 5, 1),
    )
    result = progress.requirement_status(req, TODAY)  # instalments fell due 1 May, 15 May and 29 May
    assert result.status == "overdue"
    assert result.expected_by_now == 30_000
    assert result.missed_on == D(2026, 5, 29)
    assert result.next_due_on == D(2026, 12, 1)  # every instalment has fallen due: the final date is next


def test_instalments_due_counts_the_plan():
    req = R(
        "restitution",
        D(2026, 12, 1),
        target=25_000,
        instalment_minor=10_000,
        instalment_every_days=30,
        first_instalment_on=D(2026, 1, 1),
    )
    assert progress.instalments_due(req, D(2025, 12, 31)) == (0, D(2026, 1, 1))
    assert progress.instalments_due(req, D(2026, 1, 1)) == (1, D(2026, 1, 31))
    assert progress.instalments_due(req, D(2026, 12, 1)) == (3, None)  # 25,000 in three instalments


def test_progress_summary():
    reqs = [
        R("community_service", D(2026, 7, 1), target=40, done=20, label="Community service"),
        R("classes", D(2026, 5, 1), target=4, done=4, label="Classes"),
        R("counselling", D(2026, 5, 1), target=4, done=1, label="Counselling"),
    ]
    summary = progress.progress_summary(reqs, TODAY)
    assert summary.counts["met"] == 1 and summary.counts["overdue"] == 1 and summary.counts["on_track"] == 1
    assert summary.percent_complete == (50 + 100 + 25) // 3
    assert summary.unmet == ("Community service", "Counselling")
    assert summary.worst == "overdue"
    assert not summary.all_met
    assert progress.progress_summary([reqs[1]], TODAY).all_met
    assert not progress.progress_summary([], TODAY).all_met


@pytest.mark.parametrize(
    "entries, expected",
    [
        ([], 0),
        ([("charge", 500), ("payment", 200)], 300),
        ([("charge", 500), ("waiver", 500)], 0),
        ([("payment", 5)], -5),
    ],
)
def test_balance(entries, expected):
    assert progress.balance(entries) == expected


@pytest.mark.parametrize(
    "req, notice",
    [
        (R("classes", D(2026, 6, 5), target=4, done=1), "reminder"),
        (R("classes", D(2026, 6, 20), target=4, done=1), None),
        (R("classes", D(2026, 5, 31), target=4, done=1), "missed"),
        (R("classes", D(2026, 5, 31), target=4, done=4), None),
    ],
)
def test_notice_due(req, notice):
    assert progress.notice_due(progress.requirement_status(req, TODAY), TODAY) == notice


# --- transitions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current, wanted, legal",
    [
        ("referred", "eligible", True),
        ("referred", "ineligible", True),
        ("referred", "active", False),
        ("eligible", "agreement_signed", True),
        ("eligible", "terminated", True),
        ("ineligible", "eligible", False),
        ("agreement_signed", "active", True),
        ("agreement_signed", "completed", False),
        ("active", "completed", True),
        ("active", "terminated", True),
        ("completed", "terminated", False),
        ("terminated", "active", False),
    ],
)
def test_transitions(current, wanted, legal):
    if legal:
        assert states.check_transition(current, wanted) == wanted
    else:
        with pytest.raises(RuleViolation) as caught:
            states.check_transition(current, wanted)
        assert caught.value.field == "state"
        assert caught.value.code == "diversion.illegal_transition"


@pytest.mark.parametrize(
    "req, text",
    [
        (R("community_service", D(2026, 7, 1), target=40, done=8, pending=7), "8 of 40 hours done (7 awaiting"),
        (R("classes", D(2026, 7, 1), target=1, done=0), "0 of 1 session done; due 1 July 2026"),
        (R("restitution", D(2026, 7, 1), target=32000, done=5334), "53.34 of 320.00 paid"),
        (R("no_new_arrest", D(2026, 9, 1)), "No new arrest so far; runs to 1 September 2026"),
    ],
)
def test_explanations_read_in_units_money_and_dates(req, text):
    """What the participant, the coordinator and the court read: hours, sessions, money and dates, not raw
    minor units and ISO dates."""
    assert text in progress.requirement_status(req, D(2026, 6, 1)).explanation
