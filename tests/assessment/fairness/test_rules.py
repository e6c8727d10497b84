"""The pure fairness computation: ages and age groups, the score distribution and histogram, band rates
per group, and the suppression that keeps anyone from being identified."""

import datetime as dt

import pytest

from oms.assessment.rules.fairness import (
    MIN_GROUP,
    FairnessRow,
    age_group,
    age_on,
    distribution,
    fairness_report,
    group_rates,
    histogram,
    report_as_dict,
    report_table_rows,
)

BANDS = ("low", "medium", "high")


def rows(n, *, score=5.0, band="low", sex="male", ethnicity="White British", age=30):
    return [FairnessRow(score, band, sex, ethnicity, age) for _ in range(n)]


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(2000, 6, 1), dt.date(2026, 6, 1), 26),
        (dt.date(2000, 6, 2), dt.date(2026, 6, 1), 25),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), 17),
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), 18),
        (None, dt.date(2026, 6, 1), None),
    ],
)
def test_age_on_the_completion_date_is_birthday_aware(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    ("age", "group"),
    [
        (17, "under 18"),
        (18, "18-24"),
        (24, "18-24"),
        (25, "25-34"),
        (34, "25-34"),
        (35, "35-44"),
        (44, "35-44"),
        (45, "45-54"),
        (54, "45-54"),
        (55, "55+"),
        (90, "55+"),
        (None, "not recorded"),
        (-1, "not recorded"),
    ],
)
def test_age_groups(age, group):
    assert age_group(age) == group


@pytest.mark.parametrize(
    ("scores", "mean", "median", "lower", "upper"),
    [
        ([1, 2, 3, 4, 5], 3, 3, 2, 4),
        ([1, 2, 3, 4], 2.5, 2.5, 1.75, 3.25),
        ([7], 7, 7, 7, 7),
        ([0, 0, 0, 10], 2.5, 0, 0, 2.5),
    ],
)
def test_distribution_mean_median_and_quartiles(scores, mean, median, lower, upper):
    found = distribution(scores, None)
    assert (found.count, found.mean, found.median, found.lower_quartile, found.upper_quartile) == (
        len(scores),
        mean,
        median,
        lower,
        upper,
    )


def test_an_empty_distribution_has_no_statistics():
    assert distribution([], (0, 10)).mean is None


@pytest.mark.parametrize(
    ("low", "high", "labels"),
    [
        (0, 20, ["0-2", "3-5", "6-8", "9-11", "12-14", "15-17", "18-20"]),
        (0, 9, [str(n) for n in range(10)]),
        (0, 46, ["0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-46"]),
        (
            0.0,
            1.5,
            [
                "0-0.15",
                "0.15-0.3",
                "0.3-0.45",
                "0.45-0.6",
                "0.6-0.75",
                "0.75-0.9",
                "0.9-1.05",
                "1.05-1.2",
                "1.2-1.35",
                "1.35-1.5",
            ],
        ),
    ],
)
def test_histogram_bins_cover_the_score_range_without_splitting_a_whole_score(low, high, labels):
    assert [b.label for b in histogram([], low, high)] == labels


def test_histogram_counts_and_suppresses_small_bins():
    bins = histogram([0] * 12 + [20] * 3 + [4], 0, 20)
    assert [(b.label, b.count, b.suppressed) for b in bins[:2]] == [("0-2", 12, False), ("3-5", None, True)]
    assert (bins[-1].count, bins[-1].suppressed) == (None, True)
    assert bins[3].count == 0 and not bins[3].suppressed  # an empty bin identifies nobody


def test_band_rates_per_group_largest_first():
    data = rows(12, band="low") + rows(8, band="high") + rows(10, sex="female", band="medium")
    [male, female] = group_rates(data, "sex", BANDS)
    assert (male.group, male.count) == ("male", 20)
    assert male.band_counts == {"low": 12, "medium": 0, "high": 8}
    assert male.band_rates == {"low": 0.6, "medium": 0.0, "high": 0.4}
    assert (female.count, female.band_rates["medium"]) == (10, 1.0)


def test_a_small_group_is_suppressed_with_the_next_smallest_so_it_cannot_be_worked_out():
    data = rows(30) + rows(12, sex="female") + rows(3, sex="intersex")
    found = {g.group: g for g in group_rates(data, "sex", BANDS)}
    assert found["intersex"].suppressed and found["intersex"].count is None and not found["intersex"].band_counts
    assert found["female"].suppressed  # complementary: else 45 - 30 - 12 = 3
    assert not found["male"].suppressed and found["male"].count == 30


def test_two_small_groups_hide_each_other():
    data = rows(30) + rows(4, sex="female") + rows(3, sex="intersex")
    found = {g.group: g.suppressed for g in group_rates(data, "sex", BANDS)}
    assert found == {"male": False, "female": True, "intersex": True}


@pytest.mark.parametrize(
    ("ethnicity", "group"), [("", "not recorded"), ("  ", "not recorded"), ("Asian British", "Asian British")]
)
def test_blank_values_are_not_recorded(ethnicity, group):
    [only] = group_rates(rows(MIN_GROUP, ethnicity=ethnicity), "ethnicity", BANDS)
    assert only.group == group


def test_a_band_outside_the_latest_versions_bands_is_kept_after_them():
    [only] = group_rates(rows(10, band="very old band"), "sex", BANDS)
    assert list(only.band_counts) == ["low", "medium", "high", "very old band"]


def test_a_population_under_ten_gives_nothing_but_the_fact():
    report = fairness_report("x", rows(9), BANDS, (0, 10))
    assert report.suppressed and report.distribution is None and report.breakdowns == {}
    assert report_as_dict(report)["population"] is None
    assert report_table_rows(report)[1][:3] == ["population", "all", "suppressed"]


def test_the_whole_report_and_its_flat_table():
    data = rows(10, score=2, age=20) + rows(10, score=8, band="high", sex="female", age=60)
    report = fairness_report("x", data, BANDS, (0, 10))
    assert (report.population, report.distribution.mean, report.distribution.median) == (20, 5, 5)
    assert [g.group for g in report.breakdowns["age_group"]] == ["18-24", "55+"]
    table = report_table_rows(report)
    assert table[0] == [
        "section",
        "group",
        "count",
        "low count",
        "medium count",
        "high count",
        "low rate",
        "medium rate",
        "high rate",
    ]
    assert ["sex", "female", "10", "0", "0", "10", "0.000", "0.000", "1.000"] in table
    assert ["score", "mean", "5.00", *[""] * 6] in table
    as_dict = report_as_dict(report)
    assert as_dict["population"] == 20 and as_dict["by_sex"][1]["band_counts"]["low"] == 10


def test_a_band_only_instrument_has_band_rates_and_no_scores():
    report = fairness_report("tiering", rows(12, score=None, band="B2"), ("A0", "B2"), None)
    assert report.distribution.count == 0 and report.distribution.bins == ()
    assert report.breakdowns["sex"][0].band_rates["B2"] == 1.0
