"""Eligibility rules: data checked with the rule at fault named; each rule met, failed, or not
checkable for want of a fact (never a silent pass)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oms.rehabilitation.rules.eligibility import (
    EligibilityDataError,
    Facts,
    check,
    describe,
    parse_rules,
)

NEEDS = ("drugs", "alcohol", "thinking_behaviour", "attitudes")
KNOWN = Facts(
    risk_bands={"ogrs3": "medium", "tiering": "B2"},
    needs={"drugs": "severe", "alcohol": "no_need", "thinking_behaviour": "standard"},
    days_to_serve=200,
    sex="male",
    security_level="low",
)


@pytest.mark.parametrize(
    ("rules", "facts", "status", "failed", "words"),
    [
        ({}, Facts(), "eligible", [], ""),
        ({"risk_bands": ["medium", "high"]}, KNOWN, "eligible", [], ""),
        (
            {"risk_bands": ["high"]},
            KNOWN,
            "not_eligible",
            ["risk"],
            "The ogrs3 band is medium; this programme takes high",
        ),
        ({"risk_instrument": "tiering", "risk_bands": ["B2", "B3"]}, KNOWN, "eligible", [], ""),
        ({"risk_bands": ["high"]}, Facts(), "cannot_check", ["risk"], "no current ogrs3 assessment"),
        ({"needs": ["drugs"]}, KNOWN, "eligible", [], ""),
        ({"needs": ["thinking_behaviour"]}, KNOWN, "eligible", [], ""),
        ({"needs": ["thinking_behaviour"], "needs_level": "severe"}, KNOWN, "not_eligible", ["needs"], "No severe"),
        ({"needs": ["alcohol"]}, KNOWN, "not_eligible", ["needs"], "No standard or higher need in alcohol"),
        ({"needs": ["alcohol", "drugs"]}, KNOWN, "eligible", [], ""),
        ({"needs": ["attitudes"]}, KNOWN, "cannot_check", ["needs"], "does not rate attitudes"),
        ({"needs": ["drugs"]}, Facts(), "cannot_check", ["needs"], "no current needs assessment"),
        ({"min_days_to_serve": 180}, KNOWN, "eligible", [], ""),
        ({"min_days_to_serve": 201}, KNOWN, "not_eligible", ["days_to_serve"], "200 days left to serve"),
        ({"max_days_to_serve": 200}, KNOWN, "eligible", [], ""),
        ({"max_days_to_serve": 199}, KNOWN, "not_eligible", ["days_to_serve"], "at most 199"),
        ({"min_days_to_serve": 1}, Facts(), "cannot_check", ["days_to_serve"], "no release date"),
        ({"sexes": ["male"]}, KNOWN, "eligible", [], ""),
        ({"sexes": ["female"]}, KNOWN, "not_eligible", ["sex"], "for female people only"),
        ({"sexes": ["female"]}, Facts(sex="not_known"), "cannot_check", ["sex"], "not recorded"),
        ({"security_levels": ["open", "low"]}, KNOWN, "eligible", [], ""),
        ({"security_levels": ["open"]}, KNOWN, "not_eligible", ["security_level"], "Security level is low"),
        ({"security_levels": ["open"]}, Facts(), "cannot_check", ["security_level"], "not yet classified"),
        # A rule that fails outright wins over a missing fact.
        ({"sexes": ["female"], "risk_bands": ["low"]}, Facts(sex="male"), "not_eligible", ["risk", "sex"], ""),
    ],
)
def test_each_rule(rules, facts, status, failed, words):
    result = check(parse_rules(rules, known_needs=NEEDS), facts)
    assert result.status == status
    assert [f.rule for f in result.findings] == failed
    assert result.eligible is (status == "eligible")
    if words:
        assert words in " ".join(f.reason for f in result.findings)


def test_every_finding_says_why_and_unknowns_are_marked():
    rules = parse_rules(
        {
            "risk_bands": ["high"],
            "needs": ["drugs"],
            "min_days_to_serve": 10,
            "sexes": ["male"],
            "security_levels": ["low"],
        },
        known_needs=NEEDS,
    )
    result = check(rules, Facts())
    assert [f.rule for f in result.findings] == ["risk", "needs", "days_to_serve", "sex", "security_level"]
    assert all(f.unknown and f.reason.startswith("Cannot check") for f in result.findings)
    assert result.summary == "Cannot check"


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("all", "eligibility"),
        ({"age": [18]}, "eligibility.age"),
        ({"risk_bands": []}, "eligibility.risk_bands"),
        ({"risk_bands": "high"}, "eligibility.risk_bands"),
        ({"risk_bands": [3]}, "eligibility.risk_bands"),
        ({"risk_instrument": "ogrs3"}, "eligibility.risk_bands"),
        ({"needs": ["gambling"]}, "eligibility.needs"),
        ({"needs": ["drugs"], "needs_level": "mild"}, "eligibility.needs_level"),
        ({"needs_level": "severe"}, "eligibility.needs"),
        ({"min_days_to_serve": -1}, "eligibility.min_days_to_serve"),
        ({"min_days_to_serve": "90"}, "eligibility.min_days_to_serve"),
        ({"max_days_to_serve": True}, "eligibility.max_days_to_serve"),
        ({"min_days_to_serve": 10, "max_days_to_serve": 5}, "eligibility.max_days_to_serve"),
        ({"sexes": ["men"]}, "eligibility.sexes"),
        ({"security_levels": ["cat b"]}, "eligibility.security_levels"),
    ],
)
def test_bad_rules_name_the_rule_at_fault(raw, field):
    with pytest.raises(EligibilityDataError) as error:
        parse_rules(raw, known_needs=NEEDS)
    assert error.value.field == field


def test_rules_are_normalised_and_described():
    rules = parse_rules({"risk_bands": ["high", "high", " very high"], "needs": ["drugs"]}, known_needs=NEEDS)
    assert rules == {
        "risk_bands": ["high", "very high"],
        "risk_instrument": "ogrs3",
        "needs": ["drugs"],
        "needs_level": "standard",
    }
    assert describe(rules) == ["Risk (ogrs3): high or very high", "Needs: standard or higher in drugs"]
    assert describe({"min_days_to_serve": 5}) == ["Time left to serve: at least 5 days"]
    assert describe({}) == []


@given(
    st.sampled_from(["low", "medium", "high", "very high", ""]),
    st.one_of(st.none(), st.integers(-100, 3000)),
    st.sampled_from(["male", "female", "", "not_known"]),
)
def test_with_no_rules_everyone_is_eligible_and_a_rule_never_passes_on_a_missing_fact(band, days, sex):
    facts = Facts(risk_bands={"ogrs3": band} if band else {}, days_to_serve=days, sex=sex)
    assert check({}, facts).eligible
    strict = parse_rules({"risk_bands": ["low"], "min_days_to_serve": 0, "sexes": ["male"]})
    result = check(strict, facts)
    missing = {"risk": not band, "days_to_serve": days is None, "sex": sex in ("", "not_known")}
    for finding in result.findings:
        assert finding.unknown == missing[finding.rule]
    for rule, is_missing in missing.items():
        if is_missing:
            assert rule in [f.rule for f in result.findings]
