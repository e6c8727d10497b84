"""The generic instrument engine: an instrument is versioned data, scoring is a pure function.

An instrument definition (a mapping, usually read from a JSON file) names its items, each item's
answer options with their points (``choice`` items) or a coefficient and a range (``number`` items),
the formula that turns the points into a score, the bands, whether a computed band may be
overridden, and how long an assessment stays current. ``load_instrument`` checks all of it and says
which field is wrong; ``score`` returns the score, the band and what each item contributed.

Formulas:
- ``sum``: score = the sum of the item contributions.
- ``logistic``: score = 100 * logistic(intercept + the sum), a percentage (a regression model).
Either way the contributions plus the intercept make ``linear``; for ``sum`` the score is ``linear``.

Bands are given by the lowest score each starts at, in ascending order; each runs up to the next one's
start and the last has no top, so bands cannot overlap or leave gaps. The first must start at or below
the lowest score the instrument can give and every band must be reachable.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

FORMULAS = ("sum", "logistic")
ITEM_KINDS = ("choice", "number")
_INSTRUMENT_FIELDS = {
    "code",
    "version",
    "title",
    "source",
    "formula",
    "intercept",
    "items",
    "bands",
    "overrides_allowed",
    "reassessment_interval_days",
}
_ITEM_FIELDS = {"code", "label", "kind", "options", "coefficient", "minimum", "maximum"}
_OPTION_FIELDS = {"value", "label", "points"}
_BAND_FIELDS = {"name", "from"}


class InstrumentError(ValueError):
    """An instrument definition that cannot be used; ``field`` is the path to the bad field."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


class ScoringError(ValueError):
    """Answers an instrument cannot score (unknown item, answer outside the options, wrong version)."""

    def __init__(self, field: str, detail: str):
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    points: float


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    kind: str  # "choice" or "number"
    options: tuple[Option, ...] = ()
    coefficient: float = 0.0  # number items: contribution = coefficient * answer
    minimum: float = 0.0
    maximum: float = 0.0

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def contribution_range(self) -> tuple[float, float]:
        if self.kind == "choice":
            points = [o.points for o in self.options]
            return min(points), max(points)
        ends = (self.coefficient * self.minimum, self.coefficient * self.maximum)
        return min(ends), max(ends)


@dataclass(frozen=True)
class Band:
    name: str
    lowest: float  # the band holds scores >= lowest and < the next band's lowest


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    formula: str = "sum"
    intercept: float = 0.0
    overrides_allowed: bool = False
    reassessment_interval_days: int | None = None
    source: str = ""

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    def score_range(self) -> tuple[float, float]:
        """The lowest and highest score any complete set of answers can give."""
        low = sum(i.contribution_range()[0] for i in self.items) + self.intercept
        high = sum(i.contribution_range()[1] for i in self.items) + self.intercept
        return self.transform(low), self.transform(high)

    def transform(self, linear: float) -> float:
        if self.formula == "logistic":
            return 100.0 / (1.0 + math.exp(-linear))
        return linear

    def band_for(self, score: float) -> str:
        found = self.bands[0].name
        for band in self.bands:
            if score >= band.lowest:
                found = band.name
        return found

    def reassessment_due(self, completed_on: date) -> date | None:
        if self.reassessment_interval_days is None:
            return None
        return completed_on + timedelta(days=self.reassessment_interval_days)


@dataclass(frozen=True)
class ItemScore:
    item: str
    answer: str | float
    points: float
    basis: str  # the option label, or "coefficient x answer"


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    version: int
    score: float
    band: str
    linear: float  # intercept + the sum of the explanation's points
    explanation: tuple[ItemScore, ...]


# ---- loading -----------------------------------------------------------------------------------


def _require(data: Mapping, key: str, where: str, kinds: type | tuple[type, ...], *, default=...):
    if key not in data:
        if default is not ...:
            return default
        raise InstrumentError(f"{where}{key}", "is required")
    value = data[key]
    # bool is an int in Python; a true/false where a number belongs is a mistake.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _as_tuple(kinds)):
        names = " or ".join(k.__name__ for k in _as_tuple(kinds))
        raise InstrumentError(f"{where}{key}", f"must be {names}, got {value!r}")
    return value


def _as_tuple(kinds):
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _no_unknown_fields(data: Mapping, allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InstrumentError(f"{where}{unknown[0]}", f"unknown field (known: {', '.join(sorted(allowed))})")


def _text(data: Mapping, key: str, where: str, **kw) -> str:
    value = _require(data, key, where, str, **kw)
    if not value.strip():
        raise InstrumentError(f"{where}{key}", "must not be empty")
    return value


def _load_option(data, where: str) -> Option:
    if not isinstance(data, Mapping):
        raise InstrumentError(where.rstrip("."), "must be an object")
    _no_unknown_fields(data, _OPTION_FIELDS, where)
    value = _text(data, "value", where)
    points = float(_require(data, "points", where, (int, float)))
    return Option(value, _text(data, "label", where, default=value), points)


def _load_item(data, where: str) -> Item:
    if not isinstance(data, Mapping):
        raise InstrumentError(where.rstrip("."), "must be an object")
    _no_unknown_fields(data, _ITEM_FIELDS, where)
    code = _text(data, "code", where)
    label = _text(data, "label", where, default=code)
    kind = _require(data, "kind", where, str, default="choice")
    if kind not in ITEM_KINDS:
        raise InstrumentError(f"{where}kind", f"must be one of {', '.join(ITEM_KINDS)}, got {kind!r}")
    if kind == "number":
        for key in ("options",):
            if key in data:
                raise InstrumentError(f"{where}{key}", "a number item has a coefficient and a range, not options")
        coefficient = float(_require(data, "coefficient", where, (int, float)))
        minimum = float(_require(data, "minimum", where, (int, float)))
        maximum = float(_require(data, "maximum", where, (int, float)))
        if minimum > maximum:
            raise InstrumentError(f"{where}maximum", f"is below the minimum ({minimum})")
        return Item(code, label, kind, coefficient=coefficient, minimum=minimum, maximum=maximum)
    for key in ("coefficient", "minimum", "maximum"):
        if key in data:
            raise InstrumentError(f"{where}{key}", "a choice item has options with points, not a coefficient")
    raw_options = _require(data, "options", where, list)
    if not raw_options:
        raise InstrumentError(f"{where}options", "needs at least one option")
    options = tuple(_load_option(o, f"{where}options[{n}].") for n, o in enumerate(raw_options))
    seen: set[str] = set()
    for n, option in enumerate(options):
        if option.value in seen:
            raise InstrumentError(f"{where}options[{n}].value", f"{option.value!r} appears twice")
        seen.add(option.value)
    return Item(code, label, kind, options=options)


def _load_bands(raw: list, low: float, high: float) -> tuple[Band, ...]:
    if not raw:
        raise InstrumentError("bands", "needs at least one band")
    bands = []
    for n, data in enumerate(raw):
        where = f"bands[{n}]."
        if not isinstance(data, Mapping):
            raise InstrumentError(f"bands[{n}]", "must be an object")
        _no_unknown_fields(data, _BAND_FIELDS, where)
        bands.append(Band(_text(data, "name", where), float(_require(data, "from", where, (int, float)))))
    for n, band in enumerate(bands):
        if any(b.name == band.name for b in bands[:n]):
            raise InstrumentError(f"bands[{n}].name", f"{band.name!r} appears twice")
        if n and band.lowest <= bands[n - 1].lowest:
            raise InstrumentError(f"bands[{n}].from", f"must be above the previous band's ({bands[n - 1].lowest:g})")
        if n and band.lowest > high:
            raise InstrumentError(f"bands[{n}].from", f"is above the highest possible score ({high:g})")
    if bands[0].lowest > low:
        raise InstrumentError("bands[0].from", f"leaves a gap: the lowest possible score is {low:g}")
    return tuple(bands)


def load_instrument(data: Mapping) -> Instrument:
    """Check an instrument definition and build it; InstrumentError names the first bad field."""
    if not isinstance(data, Mapping):
        raise InstrumentError("instrument", "must be an object")
    _no_unknown_fields(data, _INSTRUMENT_FIELDS, "")
    code = _text(data, "code", "")
    version = _require(data, "version", "", int)
    if version < 1:
        raise InstrumentError("version", f"must be 1 or more, got {version}")
    title = _text(data, "title", "")
    formula = _require(data, "formula", "", str, default="sum")
    if formula not in FORMULAS:
        raise InstrumentError("formula", f"must be one of {', '.join(FORMULAS)}, got {formula!r}")
    intercept = float(_require(data, "intercept", "", (int, float), default=0))
    if formula == "sum" and intercept:
        raise InstrumentError("intercept", "only a logistic formula has an intercept")
    raw_items = _require(data, "items", "", list)
    if not raw_items:
        raise InstrumentError("items", "needs at least one item")
    items = tuple(_load_item(raw, f"items[{n}].") for n, raw in enumerate(raw_items))
    for n, item in enumerate(items):
        if any(i.code == item.code for i in items[:n]):
            raise InstrumentError(f"items[{n}].code", f"{item.code!r} appears twice")
    interval = _require(data, "reassessment_interval_days", "", (int, type(None)), default=None)
    if interval is not None and interval < 1:
        raise InstrumentError("reassessment_interval_days", f"must be 1 or more, got {interval}")
    overrides = _require(data, "overrides_allowed", "", bool, default=False)
    draft = Instrument(code, version, title, items, (Band("-", 0),), formula, intercept, overrides, interval)
    low, high = draft.score_range()
    bands = _load_bands(_require(data, "bands", "", list), low, high)
    source = _require(data, "source", "", str, default="")
    return Instrument(code, version, title, items, bands, formula, intercept, overrides, interval, source)


# ---- scoring -----------------------------------------------------------------------------------


def score(instrument: Instrument, answers: Mapping[str, str | float], version: int | None = None) -> ScoreResult:
    """Score a complete set of answers (item code -> option value, or a number for number items).

    ``version`` is the instrument version the answers were collected under, when known: answers
    recorded against another version are refused rather than scored against the wrong questions.
    """
    if version is not None and version != instrument.version:
        raise ScoringError(
            "version", f"answers are for version {version} of {instrument.code}, not version {instrument.version}"
        )
    for code in answers:
        if instrument.item(code) is None:
            raise ScoringError(code, f"is not an item of {instrument.code} version {instrument.version}")
    explanation = []
    for item in instrument.items:
        if item.code not in answers:
            raise ScoringError(item.code, "has no answer")
        answer = answers[item.code]
        if item.kind == "choice":
            option = item.option(answer) if isinstance(answer, str) else None
            if option is None:
                allowed = ", ".join(o.value for o in item.options)
                raise ScoringError(item.code, f"{answer!r} is not one of the options ({allowed})")
            explanation.append(ItemScore(item.code, answer, option.points, option.label))
        else:
            if isinstance(answer, bool) or not isinstance(answer, int | float) or math.isnan(answer):
                raise ScoringError(item.code, f"must be a number, got {answer!r}")
            if not item.minimum <= answer <= item.maximum:
                raise ScoringError(item.code, f"{answer!r} is outside {item.minimum:g}-{item.maximum:g}")
            basis = f"{item.coefficient:g} x answer"
            explanation.append(ItemScore(item.code, answer, item.coefficient * answer, basis))
    linear = instrument.intercept + math.fsum(e.points for e in explanation)
    result_score = instrument.transform(linear)
    return ScoreResult(
        instrument.code, instrument.version, result_score, instrument.band_for(result_score), linear, tuple(explanation)
    )


def check_override(instrument: Instrument, computed_band: str, new_band: str) -> None:
    """Refuse an override the instrument does not allow (the reason and approver are the caller's)."""
    if not instrument.overrides_allowed:
        raise ScoringError("band", f"{instrument.code} version {instrument.version} does not allow overrides")
    names = [b.name for b in instrument.bands]
    if new_band not in names:
        raise ScoringError("band", f"{new_band!r} is not a band of {instrument.code} ({', '.join(names)})")
    if new_band == computed_band:
        raise ScoringError("band", f"{new_band!r} is already the computed band")


# ---- catalogue ---------------------------------------------------------------------------------


class InstrumentCatalogue:
    """Every version of every instrument; older versions stay readable for the assessments that used them."""

    def __init__(self, instruments=()):
        self._by_key: dict[tuple[str, int], Instrument] = {}
        for instrument in instruments:
            self.add(instrument)

    def add(self, instrument: Instrument) -> None:
        """Add a version; the same code and version with a different definition is a conflict."""
        key = (instrument.code, instrument.version)
        existing = self._by_key.get(key)
        if existing is not None and existing != instrument:
            raise InstrumentError(
                "version",
                f"{instrument.code} version {instrument.version} is already defined differently; "
                "a changed instrument needs a new version number",
            )
        self._by_key[key] = instrument

    def versions(self, code: str) -> list[int]:
        return sorted(v for c, v in self._by_key if c == code)

    def codes(self) -> list[str]:
        return sorted({c for c, _ in self._by_key})

    def get(self, code: str, version: int | None = None) -> Instrument:
        """The given version, or the latest when ``version`` is None."""
        versions = self.versions(code)
        if not versions:
            raise ScoringError("instrument", f"no instrument {code!r}")
        chosen = versions[-1] if version is None else version
        if chosen not in versions:
            raise ScoringError("version", f"{code} has no version {chosen} (has {', '.join(map(str, versions))})")
        return self._by_key[(code, chosen)]
