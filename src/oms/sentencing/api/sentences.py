"""The sentences and adjustments API (mounted under /api/v1/sentencing), keyed by public ids.

Every change recalculates the person's release dates in the same transaction: an input the engine
refuses answers 422 with its explanation and changes nothing."""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from oms.sentencing.models import Adjustment, Sentence
from oms.sentencing.queries import records as record_queries
from oms.sentencing.queries import sentences as queries
from oms.sentencing.services import sentences as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

SentenceKindIn = Literal[tuple(value for value, _ in Sentence.KIND_CHOICES)]
AdjustmentKindIn = Literal[tuple(value for value, _ in Adjustment.KIND_CHOICES)]
Ending = Literal["quashed", "error"]


class SentenceIn(StrictIn):
    court_case_id: str = Field(..., max_length=40)
    kind: SentenceKindIn
    sentenced_on: dt.date
    offence_committed_on: dt.date
    years: int = Field(0, ge=0, le=99)
    months: int = Field(0, ge=0, le=1200)
    weeks: int = Field(0, ge=0, le=5200)
    days: int = Field(0, ge=0, le=36500)
    consecutive_to_id: str | None = Field(
        None, max_length=40, description="the sentence this one follows; empty = concurrent"
    )
    charge_ids: list[str] = Field([], max_length=100)
    line_number: int | None = Field(None, ge=1, le=999)
    fine_amount_pence: int | None = Field(None, ge=0, le=10**12)


class SentenceChangeIn(StrictIn):
    version: int = Field(..., ge=1)
    kind: SentenceKindIn | None = None
    sentenced_on: dt.date | None = None
    offence_committed_on: dt.date | None = None
    years: int | None = Field(None, ge=0, le=99)
    months: int | None = Field(None, ge=0, le=1200)
    weeks: int | None = Field(None, ge=0, le=5200)
    days: int | None = Field(None, ge=0, le=36500)
    consecutive_to_id: str | None = Field(None, max_length=40, description="null makes the sentence concurrent")
    charge_ids: list[str] | None = Field(None, max_length=100)
    line_number: int | None = Field(None, ge=1, le=999)
    fine_amount_pence: int | None = Field(None, ge=0, le=10**12)


class SentenceEndIn(StrictIn):
    version: int = Field(..., ge=1)
    status: Ending
    reason: str = Field(..., min_length=1, max_length=500)


class SentenceOut(Schema):
    id: str
    person_id: str
    court_case_id: str
    case_number: str
    line_number: int
    kind: str
    sentenced_on: dt.date
    offence_committed_on: dt.date
    years: int
    months: int
    weeks: int
    days: int
    length: str
    consecutive_to_id: str | None
    charge_ids: list[str]
    fine_amount_pence: int | None
    status: str
    status_reason: str
    version: int


class AdjustmentIn(StrictIn):
    kind: AdjustmentKindIn
    days: int | None = Field(None, ge=1, le=36500, description="counted from the dates (inclusive) when left out")
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    sentence_id: str | None = Field(None, max_length=40)
    source: str = Field("", max_length=200)


class AdjustmentWithdrawIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=500)


class AdjustmentOut(Schema):
    id: str
    person_id: str
    kind: str
    days: int
    from_date: dt.date | None
    to_date: dt.date | None
    sentence_id: str | None
    source: str
    status: str
    status_reason: str


def sentence_out(sentence: Sentence) -> dict:
    return {
        "id": str(sentence.public_id),
        "person_id": str(sentence.person.public_id),
        "court_case_id": str(sentence.court_case.public_id),
        "case_number": sentence.court_case.case_number,
        "line_number": sentence.line_number,
        "kind": sentence.kind,
        "sentenced_on": sentence.sentenced_on,
        "offence_committed_on": sentence.offence_committed_on,
        "years": sentence.years,
        "months": sentence.months,
        "weeks": sentence.weeks,
        "days": sentence.days,
        "length": sentence.length_text(),
        "consecutive_to_id": str(sentence.consecutive_to.public_id) if sentence.consecutive_to_id else None,
        "charge_ids": [str(c.public_id) for c in sentence.charges.all()],
        "fine_amount_pence": sentence.fine_amount_pence,
        "status": sentence.status,
        "status_reason": sentence.status_reason,
        "version": sentence.version,
    }


def adjustment_out(adjustment: Adjustment) -> dict:
    return {
        "id": str(adjustment.public_id),
        "person_id": str(adjustment.person.public_id),
        "kind": adjustment.kind,
        "days": adjustment.days,
        "from_date": adjustment.from_date,
        "to_date": adjustment.to_date,
        "sentence_id": str(adjustment.sentence.public_id) if adjustment.sentence_id else None,
        "source": adjustment.source,
        "status": adjustment.status,
        "status_reason": adjustment.status_reason,
    }


# --- sentences -----------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/sentences",
    response={200: list[SentenceOut], **ERRORS},
    summary="A person's sentences in the order passed (quashed ones with include_inactive)",
)
@api("sentencing.view")
def list_sentences(request, person_id: str, include_inactive: bool = False):
    person = record_queries.person_for_records(request.actor, person_id)
    return [sentence_out(s) for s in queries.sentences_of(person, include_inactive=include_inactive)]


@router.post("/sentences", response={201: SentenceOut, **ERRORS}, summary="Record a sentence on a court case")
@api("sentencing.manage_records")
def record_sentence(request, payload: SentenceIn):
    sentence = services.record_sentence(request.actor, **payload.model_dump())
    return Status(201, sentence_out(sentence))


@router.get("/sentences/{sentence_id}", response={200: SentenceOut, **ERRORS}, summary="One sentence")
@api("sentencing.view")
def get_sentence(request, sentence_id: str):
    return sentence_out(queries.get_sentence(request.actor, sentence_id))


@router.patch(
    "/sentences/{sentence_id}",
    response={200: SentenceOut, **ERRORS},
    summary="Correct a sentence (send the version you read; 409 if it changed since)",
)
@api("sentencing.manage_records")
def change_sentence(request, sentence_id: str, payload: SentenceChangeIn):
    given = payload.model_dump(exclude_unset=True)
    version = given.pop("version")
    changes = {k: v for k, v in given.items() if v is not None or k == "consecutive_to_id"}
    if "consecutive_to_id" in changes:
        changes["consecutive_to"] = changes.pop("consecutive_to_id")
    sentence = services.change_sentence(request.actor, sentence_id=sentence_id, version=version, changes=changes)
    return sentence_out(sentence)


@router.post(
    "/sentences/{sentence_id}/end",
    response={200: SentenceOut, **ERRORS},
    summary="Quash a sentence or mark it entered in error (409 while another sentence follows it)",
)
@api("sentencing.manage_records")
def end_sentence(request, sentence_id: str, payload: SentenceEndIn):
    return sentence_out(services.quash_sentence(request.actor, sentence_id=sentence_id, **payload.model_dump()))


# --- adjustments ---------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/adjustments", response={200: list[AdjustmentOut], **ERRORS}, summary="A person's adjustments"
)
@api("sentencing.view")
def list_adjustments(request, person_id: str, include_withdrawn: bool = False):
    person = record_queries.person_for_records(request.actor, person_id)
    return [adjustment_out(a) for a in queries.adjustments_of(person, include_withdrawn=include_withdrawn)]


@router.post("/people/{person_id}/adjustments", response={201: AdjustmentOut, **ERRORS}, summary="Record an adjustment")
@api("sentencing.manage_adjustments")
def record_adjustment(request, person_id: str, payload: AdjustmentIn):
    adjustment = services.record_adjustment(request.actor, person_id=person_id, **payload.model_dump())
    return Status(201, adjustment_out(adjustment))


@router.get("/adjustments/{adjustment_id}", response={200: AdjustmentOut, **ERRORS}, summary="One adjustment")
@api("sentencing.view")
def get_adjustment(request, adjustment_id: str):
    return adjustment_out(queries.get_adjustment(request.actor, adjustment_id))


@router.post(
    "/adjustments/{adjustment_id}/withdraw", response={200: AdjustmentOut, **ERRORS}, summary="Withdraw an adjustment"
)
@api("sentencing.manage_adjustments")
def withdraw_adjustment(request, adjustment_id: str, payload: AdjustmentWithdrawIn):
    return adjustment_out(
        services.withdraw_adjustment(request.actor, adjustment_id=adjustment_id, **payload.model_dump())
    )
