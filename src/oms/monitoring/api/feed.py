"""The device feed: ``POST /api/v1/monitoring/fixes``.

Called by the monitoring supplier's system with an API client token (scope monitoring.ingest_fixes),
like every other bearer-token client (oms.accounts.api_auth). A body that is not a list of fix objects
answers 422 as a whole; rows that are well-formed but cannot be fixes (unknown device, out of range,
time without an offset or in the future) are rejected one by one with a reason and the good ones kept.
Re-posting a batch is safe: a fix already stored for the device and time is counted as a duplicate.
"""

import datetime as dt

from ninja import Field, Router, Schema
from pydantic import BaseModel, ConfigDict

from oms.monitoring.services import fixes as services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()
INGEST = "monitoring.ingest_fixes"


class MonitoringFixIn(BaseModel):
    """One fix. A plain pydantic model rather than a ninja ``Schema``: ninja's per-object wrapper (made for
    reading Django models) was half the cost of validating a 5,000-fix batch. Still refuses unknown
    fields, as StrictIn does."""

    model_config = ConfigDict(extra="forbid")

    device: str = Field(..., min_length=1, max_length=40, description="the device serial number")
    time: dt.datetime = Field(..., description="when the fix was taken, with its UTC offset")
    latitude: float
    longitude: float
    accuracy: float = Field(..., description="radius of the fix's accuracy in metres")
    battery: int = Field(..., description="battery charge, percent")
    strap: str = Field(..., max_length=20, description="ok or tampered")


class MonitoringFixBatchIn(StrictIn):
    fixes: list[MonitoringFixIn] = Field(..., max_length=services.MAX_BATCH)


class MonitoringRejectedOut(Schema):
    index: int
    field: str
    reason: str


class MonitoringIngestOut(Schema):
    accepted: int
    duplicates: int
    rejected: list[MonitoringRejectedOut]
    alerts_opened: int
    alerts_closed: int


@router.post(
    "/fixes",
    response={200: MonitoringIngestOut, **ERRORS},
    summary="Send a batch of device fixes (idempotent per device and time)",
)
@api(INGEST)
def ingest_fixes(request, payload: MonitoringFixBatchIn):
    rows = [
        services.FixRow(f.device, f.time, f.latitude, f.longitude, f.accuracy, f.battery, f.strap)
        for f in payload.fixes
    ]
    result = services.ingest_fixes(request.actor, rows=rows)
    return {
        "accepted": result.accepted,
        "duplicates": result.duplicates,
        "rejected": [vars(r) for r in result.rejected],
        "alerts_opened": result.alerts_opened,
        "alerts_closed": result.alerts_closed,
    }
