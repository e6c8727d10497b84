"""Table-driven checks of each England and Wales rule, with dates worked by hand."""

from datetime import date

import pytest

from oms.sentencing.rules.types import AdjustmentKind as K
from oms.sentencing.rules.types import DateType, SentenceKind
from tests.sentencing.rules.helpers import adjustment, dates, rules, run, sentence

TWO_YEARS = {"on": "2024-03-05", "offence": "2024-01-01", "years": 2}  # 730 days, custodial 365


@pytest.mark.parametrize(
    ("adjustments", "expected"),
    [
        # No adjustments: CRD = start + 365 - 1, SLED = end of term, HDCED = start + (365 - 180).
        ([], {"CRD": "2025-03-04", "SLED": "2026-03-04", "HDCED": "2024-09-06", "ESED": "2026-03-04"}),
        # Remand (CJA 2003 s.240ZA) comes off release, expiry and HDC.
        (
            [adjustment(K.REMAND, 45, "2024-03-05")],
            {"CRD": "2025-01-18", "SLED": "2026-01-18", "HDCED": "2024-07-23", "ESED": "2026-03-04"},
        ),
        # Tagged bail (s.240A) counts like remand.
        (
            [adjustment(K.TAGGED_BAIL, 45, "2024-03-05")],
            {"CRD": "2025-01-18", "SLED": "2026-01-18", "HDCED": "2024-07-23", "ESED": "2026-03-04"},
        ),
        # Unlawfully at large adds days to release, expiry and HDC.
        (
            [adjustment(K.UNLAWFULLY_AT_LARGE, 10, "2024-06-01")],
            {"CRD": "2025-03-14", "SLED": "2026-03-14", "HDCED": "2024-09-16", "ESED": "2026-03-04"},
        ),
        # Added days less restored days move release and HDC, never the expiry.
        (
            [adjustment(K.ADDITIONAL_DAYS, 10, "2024-06-01"), adjustment(K.RESTORED_DAYS, 4, "2024-07-01")],
            {"CRD": "2025-03-10", "SLED": "2026-03-04", "HDCED": "2024-09-12", "ESED": "2026-03-04"},
        ),
    ],
)
def test_adjustments(adjustments, expected):
    assert dates(run(sentence(**TWO_YEARS), adjustments=adjustments)) == expected


def test_added_days_never_pass_the_expiry_date():
    # 7 months (212 days, custodial 106, no licence: offence before ORA); 135 added days, only 106 fit.
    result = run(
        sentence(on="2020-10-19", offence="2014-01-31", months=7),
        adjustments=[adjustment(K.ADDITIONAL_DAYS, 135, "2020-10-20")],
    )
    assert dates(result) == {"ARD": "2021-05-18", "SED": "2021-05-18", "HDCED": "2021-03-27", "ESED": "2021-05-18"}
    assert "sds.added_days_capped" in rules(result, DateType.ARD)


def test_release_is_never_before_the_sentence_date():
    result = run(sentence(on="2020-06-04", offence="2018-09-02", months=6), adjustments=[adjustment(K.REMAND, 200)])
    assert result.release_date == date(2020, 6, 4)
    assert "sds.not_before_sentence" in rules(result, DateType.CRD)


@pytest.mark.parametrize(
    ("offence", "expected"),
    [
        # Offence before 1 February 2015 and under 12 months: automatic release, no licence (pre-ORA).
        ("2015-01-31", {"ARD": "2015-06-01", "SED": "2015-09-01", "HDCED": "2015-04-17", "ESED": "2015-09-01"}),
        # From 1 February 2015 (ORA 2014): licence and 12 months of top-up supervision after release.
        (
            "2015-02-01",
            {
                "CRD": "2015-06-01",
                "SLED": "2015-09-01",
                "TUSED": "2016-06-01",
                "HDCED": "2015-04-17",
                "ESED": "2015-09-01",
            },
        ),
    ],
)
def test_offender_rehabilitation_act(offence, expected):
    assert dates(run(sentence(on="2015-03-02", offence=offence, months=6))) == expected


@pytest.mark.parametrize(
    ("dob", "release_type"),
    [(date(2005, 4, 1), "ARD"), (date(2004, 4, 1), "CRD")],  # 17 / 18 on release (25 February 2023)
)
def test_under_18_at_release_on_a_short_term_is_released_automatically(dob, release_type):
    result = run(sentence(on="2022-10-27", offence="2022-06-21", months=8), dob=dob)
    assert result.release_date_type.value == release_type
    assert ("TUSED" in dates(result)) is (release_type == "CRD")


@pytest.mark.parametrize(
    ("offence", "length", "expected"),
    [
        # CJA 1991 scheme (offence before 4 April 2005, sentenced before 3 December 2012), 12 months to
        # under 4 years: licence to the three-quarter point (730 days: 548 days -> 9 April 2011).
        (
            "2005-01-01",
            {"years": 2},
            {
                "CRD": "2010-10-08",
                "LED": "2011-04-09",
                "SED": "2011-10-08",
                "HDCED": "2010-04-12",
                "ESED": "2011-10-08",
            },
        ),
        # The same term for an offence under the 2003 Act: licence to the end.
        (
            "2005-04-04",
            {"years": 2},
            {"CRD": "2010-10-08", "SLED": "2011-10-08", "HDCED": "2010-04-12", "ESED": "2011-10-08"},
        ),
        # 1991 scheme under 12 months: automatic release at half.
        (
            "2005-01-01",
            {"months": 9},
            {"ARD": "2010-02-22", "SED": "2010-07-08", "HDCED": "2009-12-17", "ESED": "2010-07-08"},
        ),
        # 1991 scheme, 4 years or more: conditional release at half, licence to the end.
        (
            "2005-01-01",
            {"years": 5},
            {"CRD": "2012-04-08", "SLED": "2014-10-08", "HDCED": "2011-10-12", "ESED": "2014-10-08"},
        ),
    ],
)
def test_criminal_justice_act_1991_scheme(offence, length, expected):
    assert dates(run(sentence(on="2009-10-09", offence=offence, **length))) == expected


@pytest.mark.parametrize(
    ("kwargs", "adjustments", "hdced"),
    [
        # Under 12 weeks (custodial period under 42 days): no HDC.
        ({"weeks": 7}, [], None),
        # 12 weeks: a quarter of the term but at least 28 days.
        ({"weeks": 12}, [], "2024-04-02"),
        # Release within 14 days of sentence after remand: no HDC.
        ({"months": 6}, [adjustment(K.REMAND, 80, "2024-03-05")], None),
        # Remand pulls HDC before 14 days after sentence: 14 days after sentence.
        ({"years": 3, "on": "2024-03-05"}, [adjustment(K.REMAND, 500, "2024-03-05")], "2024-03-19"),
        # 2025 rules (custodial period under 730 days: a quarter of the term), 1,095 days -> 274 days.
        ({"years": 3, "on": "2025-01-06"}, [], "2025-10-07"),
        # Old rules give a date after 3 June 2025, new rules a date before: 3 June 2025.
        ({"years": 3, "on": "2024-06-03"}, [], "2025-06-03"),
        # Old rules well before the change: custodial period (548) minus 180 days.
        ({"years": 3, "on": "2020-01-06"}, [], "2021-01-08"),
    ],
)
def test_home_detention_curfew(kwargs, adjustments, hdced):
    kwargs = {"on": "2024-03-05", **kwargs}
    assert dates(run(sentence(**kwargs), adjustments=adjustments)).get("HDCED") == hdced


def test_hdc_explains_the_scheme_used():
    assert rules(run(sentence(years=3, on="2025-01-06")), DateType.HDCED)[0] == "hdc.eligibility_2025"
    assert rules(run(sentence(years=3, on="2024-06-03")), DateType.HDCED)[0] == "hdc.commencement"
    assert "hdc.minimum_14_days" in rules(
        run(sentence(years=3), adjustments=[adjustment(K.REMAND, 500, "2024-03-05")]), DateType.HDCED
    )


def test_consecutive_terms_make_one_aggregate():
    result = run(sentence("a", on="2021-11-01", years=1), sentence("b", on="2021-11-01", years=3, after="a"))
    assert dates(result) == {"CRD": "2023-11-01", "SLED": "2025-10-31", "HDCED": "2023-05-06", "ESED": "2025-10-31"}
    assert result.effective_sentence_length == "P4Y"
    assert "a then b" in result.dates[DateType.CRD].steps[0].text


def test_concurrent_terms_latest_date_governs():
    result = run(sentence("a", on="2021-11-01", years=1), sentence("b", on="2021-11-01", years=3))
    assert dates(result) == {"CRD": "2023-05-02", "SLED": "2024-10-31", "HDCED": "2022-11-04", "ESED": "2024-10-31"}
    assert result.dates[DateType.CRD].steps[-1].rule == "sds.latest_governs"


def test_consecutive_chain_adds_months_then_days_in_order():
    # 1 week, then 1 month + 1 month: the months are added together from the end of the week.
    result = run(
        sentence("a", on="2022-01-23", offence="2022-01-22", weeks=1),
        sentence("b", on="2022-01-23", offence="2022-01-22", months=1, after="a"),
        sentence("c", on="2022-01-23", offence="2022-01-22", months=1, after="b"),
    )
    assert dates(result)["SLED"] == "2022-03-29"
    assert result.effective_sentence_length == "P2M7D"


def test_remand_counts_once_and_not_for_a_term_after_a_release():
    first = sentence("a", on="2020-01-06", offence="2019-12-01", months=6)
    later = sentence("b", on="2022-01-10", offence="2021-12-01", months=6)
    result = run(first, later, adjustments=[adjustment(K.REMAND, 30, "2020-01-06")])
    # The second term starts long after release from the first: it gets no credit for that remand.
    assert dates(result)["CRD"] == "2022-04-10"  # 181 days, custodial 91: no deduction


def test_top_up_supervision_only_when_the_licence_is_under_12_months():
    assert "TUSED" in dates(run(sentence(months=18)))
    assert "TUSED" not in dates(run(sentence(years=2, months=1)))


def test_early_removal_scheme_when_asked():
    result = run(sentence(on="2022-04-29", offence="2022-04-28", years=4, months=6), calculate_ersed=True)
    assert dates(result)["ERSED"] == "2023-06-14"  # half the custodial period (411 of 821 days)
    assert "ERSED" not in dates(run(sentence(on="2022-04-29", offence="2022-04-28", years=4, months=6)))


def test_explanations_use_stable_rule_names_and_clerk_words():
    result = run(sentence(years=3, on="2024-01-10"), adjustments=[adjustment(K.REMAND, 45, "2024-01-10")])
    steps = result.dates[DateType.CRD].steps
    assert [s.rule for s in steps] == ["sds.term", "sds.custodial_period", "sds.deductions"]
    assert steps[1].text.startswith("custodial period = half of 1,096 days = 548 days")
    assert steps[2].text == "minus 45 days remand and tagged bail"


@pytest.mark.parametrize(
    "kind", [SentenceKind.SUSPENDED, SentenceKind.COMMUNITY_ORDER, SentenceKind.PROBATION, SentenceKind.FINE]
)
def test_non_custodial_sentences_have_no_custodial_dates(kind):
    result = run(sentence(kind=kind, months=12))
    assert result.dates == {} and result.release_date is None and result.release_date_type is None


def test_non_custodial_sentences_alongside_custody_are_ignored():
    alone = run(sentence("a", years=2))
    mixed = run(sentence("a", years=2), sentence("b", kind=SentenceKind.COMMUNITY_ORDER, months=12))
    assert dates(mixed) == dates(alone)


def test_indeterminate_sentence_has_no_release_date():
    result = run(sentence("a", years=2), sentence("b", kind=SentenceKind.INDETERMINATE, years=0, months=0))
    assert result.release_date is None
    assert any("indeterminate" in w for w in result.warnings)


def test_release_date_type_and_result_shape():
    result = run(sentence(years=2))
    assert result.release_date_type is DateType.CRD
    assert result.profile == "england-wales"
    assert result.as_dict()["release_date"] == "2025-03-04"


def test_restorations_never_take_added_days_below_nothing():
    result = run(
        sentence(**TWO_YEARS),
        adjustments=[adjustment(K.ADDITIONAL_DAYS, 5, "2024-06-01"), adjustment(K.RESTORED_DAYS, 9, "2024-07-01")],
    )
    assert dates(result)["CRD"] == "2025-03-04"


def test_release_is_never_before_a_later_link_of_a_chain_is_imposed():
    # The chain counts from 1 March 2024; 300 days of remand would put release before "b" is imposed.
    result = run(
        sentence("a", on="2024-03-01", months=6),
        sentence("b", on="2024-06-10", months=6, after="a"),
        adjustments=[adjustment(K.REMAND, 300, "2024-03-01")],
    )
    assert result.release_date == date(2024, 6, 10)
