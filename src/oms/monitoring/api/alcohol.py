"""The alcohol feed: ``POST /api/v1/monitoring/alcohol-readings``.

The same client and contract as the fix feed: an API client token with scope monitoring.ingest_fixes; a
body that is not a list of reading objects answers 422 as a whole; well-formed rows that cannot be
readings are rejected one by one with a reason and the good ones kept; re-posting a batch is safe
(idempotent per device and time).
"""

import datetime as dt

from ninja import Field, Router, Schema

from oms.monitoring.services import alcohol as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()
INGEST = "monitoring.ingest_fixes"


class AlcoholReadingIn(StrictIn):
    device: str = Field(..., min_length=1, max_length=40, description="the device serial number")
    time: dt.datetime = Field(..., description="when the reading was taken, with its UTC offset")
    test_type: str = Field(..., max_length=20, description="transdermal (alcohol tag) or breath (breath tester)")
    reading: float = Field(
        ..., description="transdermal: TAC in mg/100ml; breath: BrAC in micrograms per 100ml of breath"
    )
    obstructed: bool = Field(False, description="the device reported its sensor obstructed or tampered with")


class AlcoholReadingBatchIn(StrictIn):
    readings: list[AlcoholReadingIn] = Field(..., max_length=services.MAX_BATCH)


class AlcoholRejectedOut(Schema):
    index: int
    field: str
    reason: str


class AlcoholIngestOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[AlcoholRejectedOut]
    alerts_opened: int
    alerts_closed: int


@router.post(
    "/alcohol-readings",
    response={200: AlcoholIngestOut, **ERRORS},
    summary="Send a batch of alcohol readings (idempotent per device and time)",
)
@api(INGEST)
def ingest_alcohol_readings(request, payload: AlcoholReadingBatchIn):
    rows = [services.ReadingRow(**row.model_dump()) for row in payload.readings]
    result = services.ingest_alcohol_readings(request.actor, rows=rows)
    return {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": [vars(r) for r in result.rejected],
        "alerts_opened": result.alerts_opened,
        "alerts_closed": result.alerts_closed,
    }
