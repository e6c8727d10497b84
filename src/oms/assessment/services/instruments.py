"""One face for every instrument an assessment can record: the generic catalogue instruments
(``criminogenic-needs``), OGRS3 and probation tiering.

Each adapter checks answers (a draft's partial answers, then the full set at completion), scores a
complete set, lists the bands an override may choose and gives the reassessment interval. Errors
name the answer at fault as a RuleViolation so the API answers 422 with that field.

Settings (both optional, keyed by instrument code):
- ``OMS_ASSESSMENT_COUNTERSIGN``: whether a completed assessment needs a countersignature
  (defaults below: tiering does, because the tier sets the level of supervision).
- ``OMS_ASSESSMENT_REASSESSMENT_DAYS``: days until reassessment for OGRS3 and tiering (the catalogue
  instruments carry their own ``reassessment_interval_days``). No default: both are redone on events.
- ``OMS_INSTRUMENTS_DIR``: a directory of the jurisdiction's own ``<code>-v<version>.json`` definitions,
  loaded beside the shipped ones (docs/assessment-classification.md).
"""

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache

from django.conf import settings

from oms.assessment.instruments import shipped_catalogue
from oms.assessment.rules import ogrs3, tiering
from oms.assessment.rules.instruments import Instrument, ScoringError, check_override
from oms.assessment.rules.instruments import score as score_instrument
from oms.core.errors import RuleViolation

TIERING_CODE = "tiering"
TIERING_VERSION = 1
DEFAULT_COUNTERSIGN = {TIERING_CODE: True}
TIERS = tuple(f"{level}{change}" for level in "ABCD" for change in range(4))


@dataclass(frozen=True)
class Outcome:
    score: float | None
    band: str
    explanation: dict


def invalid(field: str, detail: str) -> RuleViolation:
    return RuleViolation(f"{field}: {detail}", code="assessment.invalid_answer", field=field)


def catalogue():
    """The shipped instruments plus the jurisdiction's own (setting ``OMS_INSTRUMENTS_DIR``)."""
    return _catalogue_from(getattr(settings, "OMS_INSTRUMENTS_DIR", None) or None)


@cache
def _catalogue_from(extra_dir: str | None):
    return shipped_catalogue(extra_dir)


def codes() -> list[str]:
    return sorted({*catalogue().codes(), ogrs3.CODE, TIERING_CODE})


def latest_version(code: str) -> int:
    if code == ogrs3.CODE:
        return ogrs3.VERSION
    if code == TIERING_CODE:
        return TIERING_VERSION
    versions = catalogue().versions(code)
    if not versions:
        raise RuleViolation(
            f"There is no instrument {code!r}.", code="assessment.unknown_instrument", field="instrument"
        )
    return versions[-1]


def check_version(code: str, version: int) -> None:
    """Refuse a version OMS does not know (older catalogue versions stay usable for reading)."""
    if code in (ogrs3.CODE, TIERING_CODE):
        known = [latest_version(code)]
    else:
        latest_version(code)
        known = catalogue().versions(code)
    if version not in known:
        raise RuleViolation(
            f"{code} has no version {version} (has {', '.join(map(str, known))}).",
            code="assessment.unknown_version",
            field="instrument_version",
        )


def countersign_required(code: str) -> bool:
    configured = getattr(settings, "OMS_ASSESSMENT_COUNTERSIGN", {})
    return bool(configured.get(code, DEFAULT_COUNTERSIGN.get(code, False)))


def reassessment_due(code: str, version: int, completed_on: dt.date) -> dt.date | None:
    if code not in (ogrs3.CODE, TIERING_CODE):
        return catalogue().get(code, version).reassessment_due(completed_on)
    days = getattr(settings, "OMS_ASSESSMENT_REASSESSMENT_DAYS", {}).get(code)
    return completed_on + dt.timedelta(days=days) if days else None


# ---- checking answers ---------------------------------------------------------------------------


def check_partial(code: str, version: int, answers: dict) -> None:
    """Check the answers given so far; a draft may leave questions unanswered."""
    if code == ogrs3.CODE:
        _unknown_fields(answers, OGRS3_FIELDS)
        _ogrs3_values(answers, partial=True)
    elif code == TIERING_CODE:
        _unknown_fields(answers, TIERING_FIELDS)
    else:
        _check_catalogue_answers(catalogue().get(code, version), answers)


def _unknown_fields(answers: dict, known) -> None:
    for name in answers:
        if name not in known:
            raise invalid(name, "is not a question of this instrument")


def _check_catalogue_answers(instrument: Instrument, answers: dict) -> None:
    for name, answer in answers.items():
        item = instrument.item(name)
        if item is None:
            raise invalid(name, f"is not an item of {instrument.code} version {instrument.version}")
        if item.kind == "choice":
            if not isinstance(answer, str) or item.option(answer) is None:
                allowed = ", ".join(o.value for o in item.options)
                raise invalid(name, f"{answer!r} is not one of the options ({allowed})")
        elif isinstance(answer, bool) or not isinstance(answer, int | float) or math.isnan(answer):
            raise invalid(name, f"must be a number, got {answer!r}")
        elif not item.minimum <= answer <= item.maximum:
            raise invalid(name, f"{answer!r} is outside {item.minimum:g}-{item.maximum:g}")


# ---- scoring ------------------------------------------------------------------------------------


def evaluate(code: str, version: int, answers: dict, on: dt.date) -> Outcome:
    """Score a complete set of answers as of ``on`` (the completion date)."""
    if code == ogrs3.CODE:
        return _evaluate_ogrs3(answers, on)
    if code == TIERING_CODE:
        return _evaluate_tiering(answers)
    instrument = catalogue().get(code, version)
    try:
        result = score_instrument(instrument, answers, version)
    except ScoringError as error:
        raise invalid(error.field, error.detail) from error
    items = [{"item": e.item, "answer": e.answer, "points": e.points, "basis": e.basis} for e in result.explanation]
    return Outcome(result.score, result.band, {"linear": result.linear, "items": items})


def override_bands(code: str, version: int, computed: str, wanted: str) -> None:
    """Refuse an override band the instrument does not allow."""
    if code == ogrs3.CODE:
        # OGRS3 is an actuarial predictor: its band is read from the published model, not judged.
        raise invalid("band", "OGRS3 bands are not overridden: record the professional view in the assessment")
    if code == TIERING_CODE:
        if wanted not in TIERS:
            raise invalid("band", f"{wanted!r} is not a tier (A0-D3)")
        if wanted == computed:
            raise invalid("band", f"{wanted!r} is already the computed tier")
        return
    try:
        check_override(catalogue().get(code, version), computed, wanted)
    except ScoringError as error:
        raise invalid(error.field, error.detail) from error


# ---- OGRS3 ----------------------------------------------------------------------------------------

OGRS3_FIELDS = ("sex", "offence_category", "previous_sanctions", "birth_date", "conviction_date", "first_sanction_date")
_OGRS3_DATES = ("birth_date", "conviction_date", "first_sanction_date")
_OGRS3_SEXES = {"male": ogrs3.Sex.MALE, "female": ogrs3.Sex.FEMALE}


def _ogrs3_values(answers: dict, *, partial: bool) -> dict:
    values = {}
    for name in OGRS3_FIELDS:
        if name not in answers:
            if partial:
                continue
            raise invalid(name, "has no answer")
        answer = answers[name]
        if name == "sex":
            if answer not in _OGRS3_SEXES:
                raise invalid(name, f"{answer!r} is not one of the options (male, female)")
            values[name] = _OGRS3_SEXES[answer]
        elif name in _OGRS3_DATES:
            try:
                values[name] = dt.date.fromisoformat(answer)
            except (TypeError, ValueError):
                raise invalid(name, f"must be a date (YYYY-MM-DD), got {answer!r}") from None
        else:
            if isinstance(answer, bool) or not isinstance(answer, int):
                raise invalid(name, f"must be a whole number, got {answer!r}")
            values[name] = answer
    return values


def _evaluate_ogrs3(answers: dict, on: dt.date) -> Outcome:
    _unknown_fields(answers, OGRS3_FIELDS)
    values = _ogrs3_values(answers, partial=False)
    try:
        result = ogrs3.score(ogrs3.Ogrs3Input(**values, assessment_date=on))
    except ogrs3.Ogrs3Error as error:
        raise invalid(error.field, error.detail) from error
    terms = [{"name": t.name, "basis": t.basis, "value": t.value} for t in result.terms]
    explanation = {
        "year_1": result.year_1,
        "year_2": result.year_2,
        "percent_1": result.percent_1,
        "percent_2": result.percent_2,
        "linear": result.score,
        "terms": terms,
    }
    return Outcome(float(result.percent_2), result.band, explanation)


# ---- tiering --------------------------------------------------------------------------------------

TIERING_FIELDS = tuple(f for f in tiering.TieringInput.__dataclass_fields__)


def _tiering_input(answers: dict) -> tiering.TieringInput:
    _unknown_fields(answers, TIERING_FIELDS)
    given = dict(answers)
    try:
        if "registrations" in given:
            given["registrations"] = frozenset(given["registrations"])
        if "convictions" in given:
            given["convictions"] = tuple(tiering.Conviction(**c) for c in given["convictions"])
        if "sentences" in given:
            given["sentences"] = tuple(
                tiering.Sentence(custodial=s.get("custodial", True), requirements=frozenset(s.get("requirements", ())))
                for s in given["sentences"]
            )
    except (TypeError, AttributeError) as error:
        field = next(n for n in ("registrations", "convictions", "sentences") if n in given)
        raise invalid(field, f"is not in the expected shape ({error})") from None
    return tiering.TieringInput(**given)


def _evaluate_tiering(answers: dict) -> Outcome:
    data = _tiering_input(answers)
    try:
        result = tiering.calculate_tier(data)
    except tiering.TieringInputError as error:
        raise invalid(error.field, str(error).split(": ", 1)[-1]) from error
    except (TypeError, ValueError) as error:  # a value of the wrong type (a list for a level, say)
        raise invalid("answers", f"an answer has the wrong type ({error})") from None
    steps = [
        {"code": s.code, "text": s.text, "protect_points": s.protect_points, "change_points": s.change_points}
        for s in result.steps
    ]
    explanation = {
        "protect_points": result.protect_points,
        "protect_level": result.protect_level,
        "change_points": result.change_points,
        "change_level": result.change_level,
        "mandate_for_change": result.mandate_for_change,
        "steps": steps,
    }
    return Outcome(None, result.tier, explanation)
