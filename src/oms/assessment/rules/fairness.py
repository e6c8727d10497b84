"""The fairness report of an instrument over a population: how its scores are distributed and how its
bands fall by sex, by ethnicity and by age group. Pure: rows in, a report out.

Disclosure control (so no one is identifiable from a published table):
- a group of fewer than ``MIN_GROUP`` (10) people is suppressed: it is listed, marked, with no numbers;
- when exactly one group of a breakdown is suppressed, the next smallest is suppressed too
  (complementary suppression), otherwise the total minus the shown groups would give the hidden one;
- a histogram bin holding 1 to 9 scores is shown as suppressed, not as its count;
- a population under ``MIN_GROUP`` gives no distribution and no breakdowns at all;
- the lowest and highest scores are not reported (an extreme is often one person); quartiles are.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_GROUP = 10
HISTOGRAM_BINS = 10
NOT_RECORDED = "not recorded"
# Age at completion, in whole years: (label, lowest age, highest age or None).
AGE_GROUPS: tuple[tuple[str, int, int | None], ...] = (
    ("under 18", 0, 17),
    ("18-24", 18, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55+", 55, None),
)
BREAKDOWNS = ("sex", "ethnicity", "age_group")


@dataclass(frozen=True)
class FairnessRow:
    """One current completed assessment: its score (None for a band-only instrument such as tiering),
    the band in force and the person's sex, ethnicity and age at completion (None when unknown)."""

    score: float | None
    band: str
    sex: str
    ethnicity: str
    age: int | None


@dataclass(frozen=True)
class HistogramBin:
    label: str  # "0-4" (whole-number bins, both ends included) or "12.5-25"
    lowest: float
    highest: float
    count: int | None  # None when suppressed
    suppressed: bool = False


@dataclass(frozen=True)
class Distribution:
    count: int
    mean: float | None
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    bins: tuple[HistogramBin, ...] = ()


@dataclass(frozen=True)
class GroupRates:
    group: str
    count: int | None  # None when suppressed
    band_counts: dict[str, int] = field(default_factory=dict)
    band_rates: dict[str, float] = field(default_factory=dict)  # share of the group, 0-1
    suppressed: bool = False


@dataclass(frozen=True)
class FairnessReport:
    instrument: str
    bands: tuple[str, ...]
    population: int
    suppressed: bool  # the whole population is under MIN_GROUP: nothing else is given
    distribution: Distribution | None
    breakdowns: dict[str, tuple[GroupRates, ...]]


def age_on(birth: dt.date | None, on: dt.date) -> int | None:
    """Whole years on ``on`` (a 29 February birthday counts on 1 March in other years)."""
    if birth is None:
        return None
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def age_group(age: int | None) -> str:
    if age is None or age < 0:
        return NOT_RECORDED
    for label, lowest, highest in AGE_GROUPS:
        if age >= lowest and (highest is None or age <= highest):
            return label
    return NOT_RECORDED


def histogram(scores: Sequence[float], lowest: float, highest: float, bins: int = HISTOGRAM_BINS) -> list[HistogramBin]:
    """About ``bins`` equal-width bins over [lowest, highest]. A whole-number range gets whole-number
    bins (``0-4``, ``5-9``...: both ends included) so a bin never splits a score; otherwise each bin
    holds lowest <= score < highest and the last includes the top. Small counts are suppressed."""
    whole = float(lowest).is_integer() and float(highest).is_integer()
    highest = max(highest, lowest)
    if whole:
        width = max(1, math.ceil((highest - lowest + 1) / bins))
        count_of_bins = math.ceil((highest - lowest + 1) / width)
        edges = [(lowest + n * width, min(lowest + (n + 1) * width - 1, highest)) for n in range(count_of_bins)]
    else:
        width = (highest - lowest) / bins or 1.0
        edges = [(lowest + n * width, lowest + (n + 1) * width) for n in range(bins)]
    counts = [0] * len(edges)
    for value in scores:
        index = int((value - lowest) // width)
        counts[min(max(index, 0), len(edges) - 1)] += 1
    made = []
    for (low, high), count in zip(edges, counts, strict=True):
        if whole:
            label = f"{low:g}" if low == high else f"{low:g}-{high:g}"
        else:
            label = f"{round(low, 2):g}-{round(high, 2):g}"
        small = 0 < count < MIN_GROUP
        made.append(HistogramBin(label, low, high, None if small else count, small))
    return made


def distribution(scores: Sequence[float], score_range: tuple[float, float] | None) -> Distribution:
    if not scores:
        return Distribution(0, None, None, None, None)
    ordered = sorted(scores)
    if len(ordered) >= 2:
        lower, _, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        lower = upper = ordered[0]
    bins = tuple(histogram(ordered, *score_range)) if score_range else ()
    return Distribution(len(ordered), statistics.fmean(ordered), statistics.median(ordered), lower, upper, bins)


def _group_value(row: FairnessRow, breakdown: str) -> str:
    if breakdown == "age_group":
        return age_group(row.age)
    value = (getattr(row, breakdown) or "").strip()
    return value or NOT_RECORDED


def group_rates(rows: Iterable[FairnessRow], breakdown: str, bands: Sequence[str]) -> tuple[GroupRates, ...]:
    """Band counts and rates per group of one breakdown, largest group first, small groups suppressed."""
    by_group: dict[str, Counter] = {}
    for row in rows:
        by_group.setdefault(_group_value(row, breakdown), Counter())[row.band] += 1
    sizes = {group: sum(counts.values()) for group, counts in by_group.items()}
    hidden = {group for group, size in sizes.items() if size < MIN_GROUP}
    if len(hidden) == 1:
        shown = sorted((size, group) for group, size in sizes.items() if group not in hidden)
        if shown:
            hidden.add(shown[0][1])
    made = []
    for group in sorted(by_group, key=lambda g: (-sizes[g], g)):
        if group in hidden:
            made.append(GroupRates(group, None, suppressed=True))
            continue
        counts = by_group[group]
        every_band = [*bands, *sorted(b for b in counts if b not in bands)]
        made.append(
            GroupRates(
                group,
                sizes[group],
                {band: counts.get(band, 0) for band in every_band},
                {band: counts.get(band, 0) / sizes[group] for band in every_band},
            )
        )
    return tuple(made)


def fairness_report(
    instrument: str,
    rows: Sequence[FairnessRow],
    bands: Sequence[str],
    score_range: tuple[float, float] | None = None,
) -> FairnessReport:
    """The report over ``rows``; ``bands`` in their order (lowest first), ``score_range`` for the
    histogram (None: no histogram)."""
    if len(rows) < MIN_GROUP:
        return FairnessReport(instrument, tuple(bands), len(rows), True, None, {})
    scores = [r.score for r in rows if r.score is not None]
    return FairnessReport(
        instrument,
        tuple(bands),
        len(rows),
        False,
        distribution(scores, score_range),
        {breakdown: group_rates(rows, breakdown, bands) for breakdown in BREAKDOWNS},
    )


def report_table_rows(report: FairnessReport) -> list[list[str]]:
    """The report as one flat table (for CSV): a header, then one row per group of each breakdown and
    one per histogram bin. Suppressed numbers are written as "suppressed"."""
    bands = list(report.bands)
    extra_bands = sorted({b for groups in report.breakdowns.values() for g in groups for b in g.band_counts} - {*bands})
    every_band = bands + extra_bands
    header = ["section", "group", "count", *[f"{b} count" for b in every_band], *[f"{b} rate" for b in every_band]]
    rows = [header]
    blank = [""] * (2 * len(every_band))
    if report.suppressed:
        rows.append(["population", "all", "suppressed", *blank])
        return rows
    rows.append(["population", "all", str(report.population), *blank])
    dist = report.distribution
    if dist is not None and dist.count:
        for name in ("mean", "median", "lower_quartile", "upper_quartile"):
            rows.append(["score", name, f"{getattr(dist, name):.2f}", *blank])
        for b in dist.bins:
            rows.append(["histogram", b.label, "suppressed" if b.suppressed else str(b.count), *blank])
    for breakdown, groups in report.breakdowns.items():
        for g in groups:
            if g.suppressed:
                rows.append([breakdown, g.group, "suppressed", *["suppressed"] * len(blank)])
                continue
            rows.append(
                [
                    breakdown,
                    g.group,
                    str(g.count),
                    *[str(g.band_counts.get(b, 0)) for b in every_band],
                    *[f"{g.band_rates.get(b, 0.0):.3f}" for b in every_band],
                ]
            )
    return rows


def _groups_as_dicts(groups: Sequence[GroupRates]) -> list[dict]:
    return [
        {
            "group": g.group,
            "count": g.count,
            "suppressed": g.suppressed,
            "band_counts": g.band_counts,
            "band_rates": g.band_rates,
        }
        for g in groups
    ]


def report_as_dict(report: FairnessReport) -> dict:
    """The report as plain JSON-ready values (the API's and the CLI's shape); a suppressed population
    gives no count."""
    dist = report.distribution
    return {
        "instrument": report.instrument,
        "bands": list(report.bands),
        "population": None if report.suppressed else report.population,
        "suppressed": report.suppressed,
        "distribution": None
        if dist is None
        else {
            "count": dist.count,
            "mean": dist.mean,
            "median": dist.median,
            "lower_quartile": dist.lower_quartile,
            "upper_quartile": dist.upper_quartile,
            "bins": [
                {
                    "label": b.label,
                    "lowest": b.lowest,
                    "highest": b.highest,
                    "count": b.count,
                    "suppressed": b.suppressed,
                }
                for b in dist.bins
            ],
        },
        **{f"by_{name}": _groups_as_dicts(report.breakdowns.get(name, ())) for name in BREAKDOWNS},
    }
