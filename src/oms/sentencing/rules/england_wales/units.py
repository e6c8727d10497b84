"""Calculation units and their dates.

A unit is either one sentence served concurrently with the others, or a chain of consecutive
sentences treated as one aggregate term (CJA 2003 s.264). Each unit is identified first (which
release scheme and which dates it has), then dated from its length and the adjustments that apply to it.
"""

from datetime import date

from oms.sentencing.rules.england_wales import dates as d
from oms.sentencing.rules.types import DateType, SentenceInput

# Commencement dates (facts named by the PSI and the statutes).
CJA_2003_COMMENCEMENT = date(2005, 4, 4)  # Criminal Justice Act 2003 Part 12 in force
LASPO_COMMENCEMENT = date(2012, 12, 3)  # Legal Aid, Sentencing and Punishment of Offenders Act 2012
ORA_COMMENCEMENT = date(2015, 2, 1)  # Offender Rehabilitation Act 2014: licence for short sentences
HDC_2025_COMMENCEMENT = date(2025, 6, 3)  # HDC eligibility point extended (midpoint 730 days)

ERS_MAX_DAYS = 544  # early removal scheme: up to 544 days before the release point
HDC_MIN_DAYS_IN_CUSTODY = 14  # HDC: at least 14 days served after sentence
HDC_MIN_CUSTODIAL_DAYS = 42  # HDC: custodial period of at least 6 weeks (a term of 12 weeks)


class Unit:
    """A concurrent sentence or a consecutive chain, with its working values."""

    __slots__ = (
        "sentences", "start", "length", "expiry_unadj", "custodial_exact", "custodial", "release_unadj",
        "regime", "release_type", "expiry_type", "has_led", "ora_led_days", "tused_possible", "hdc_possible",
        "deducted", "added", "awarded", "window_release", "release", "expiry", "led", "tused", "hdced",
        "ersed", "notes", "group",
    )  # fmt: skip

    def __init__(self, sentences: tuple[SentenceInput, ...]) -> None:
        self.sentences = sentences
        self.start = sentences[0].sentenced_on
        end = self.start - d.ONE_DAY
        for years, months, weeks, days in _aggregate(sentences):
            end = d.term_end(end + d.ONE_DAY, years, months, weeks, days)
        self.expiry_unadj = end
        self.length = (end - self.start).days + 1
        self.custodial_exact = self.length / 2
        self.custodial = (self.length + 1) // 2
        self.release_unadj = d.plus_days(self.start, self.custodial - 1)
        self.has_led = False
        self.ora_led_days = 0
        self.tused_possible = False
        self.hdc_possible = False
        self.deducted = self.added = self.awarded = 0
        self.led = self.tused = self.hdced = self.ersed = None
        self.notes: dict[str, object] = {}
        self.group = 0

    @property
    def label(self) -> str:
        if len(self.sentences) == 1:
            return self.sentences[0].name
        return " then ".join(s.name for s in self.sentences)

    def shorter_than_months(self, months: int) -> bool:
        return self.length < (d.add_months(self.start, months) - self.start).days

    def at_most_months(self, months: int) -> bool:
        return self.length <= (d.add_months(self.start, months) - self.start).days


def _aggregate(sentences: tuple[SentenceInput, ...]) -> list[tuple[int, int, int, int]]:
    """Consecutive terms are added unit by unit: runs of years/months are summed, and so are runs of
    weeks/days; a change of kind starts a new part counted from where the last one ended."""
    parts: list[list[int]] = []
    kind = ""
    for s in sentences:
        du = s.duration
        for part_kind, values in (("ym", (du.years, du.months, 0, 0)), ("wd", (0, 0, du.weeks, du.days))):
            if not any(values):
                continue
            if parts and kind == part_kind:
                parts[-1] = [a + b for a, b in zip(parts[-1], values, strict=True)]
            else:
                parts.append(list(values))
                kind = part_kind
    return [tuple(p) for p in parts]  # type: ignore[misc]


def is_pre_cja(sentence: SentenceInput) -> bool:
    """Sentenced before LASPO for an offence before CJA 2003 commencement: the 1991 Act scheme applies."""
    return sentence.sentenced_on < LASPO_COMMENCEMENT and sentence.offence_committed_on < CJA_2003_COMMENCEMENT


def is_ora(sentence: SentenceInput) -> bool:
    return sentence.offence_committed_on >= ORA_COMMENCEMENT


def identify(unit: Unit, date_of_birth: date | None) -> None:
    """Decide the scheme and the date types of a unit (PSI 03/2015 chapters on the 1991 and 2003 Acts)."""
    pre = [is_pre_cja(s) for s in unit.sentences]
    ora = [is_ora(s) for s in unit.sentences]
    unit.release_type, unit.expiry_type = DateType.CRD, DateType.SLED
    if all(pre):
        unit.regime = "cja1991"
        if not unit.shorter_than_months(48):
            pass  # four years or more: conditional release at half, licence to the end
        elif not unit.shorter_than_months(12):
            unit.expiry_type, unit.has_led = DateType.SED, True  # licence to the three-quarter point
        else:
            unit.release_type, unit.expiry_type = DateType.ARD, DateType.SED
    elif any(pre):
        unit.regime = "mixed"  # PSI example 39: old and new terms in one aggregate
    else:
        unit.regime = "cja2003"
        if any(ora) and not all(ora):
            if unit.shorter_than_months(12):
                # PSI example 25: licence for the ORA terms only, measured from release
                unit.expiry_type, unit.has_led = DateType.SED, True
                unit.ora_led_days = _ora_length(unit) // 2
        elif not any(ora) and unit.shorter_than_months(12):
            unit.release_type, unit.expiry_type = DateType.ARD, DateType.SED
    unit.tused_possible = unit.regime == "cja2003" and any(ora) and unit.at_most_months(24) and unit.length > 1
    unit.hdc_possible = unit.custodial_exact >= HDC_MIN_CUSTODIAL_DAYS


def _ora_length(unit: Unit) -> int:
    ora_only = tuple(s for s in unit.sentences if is_ora(s))
    end = unit.start - d.ONE_DAY
    for years, months, weeks, days in _aggregate(ora_only):
        end = d.term_end(end + d.ONE_DAY, years, months, weeks, days)
    return (end - unit.start).days + 1
