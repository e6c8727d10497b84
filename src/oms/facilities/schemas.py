"""Input and output schemas of the estate API. Inputs forbid unknown fields and bound every string
and number (AZ-4, IN-1); choices are the rules' names."""

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from oms.facilities import rules
from oms.web.api_schemas import StrictIn

KindName = Literal[rules.KINDS]
SecurityLevelName = Literal[("", *rules.SECURITY_LEVELS)]
SexName = Literal[rules.SEXES]
SpecialistTypeName = Literal[("", *rules.SPECIALIST_TYPES)]


def _capacity():
    return Field(0, ge=0, le=rules.CAPACITY_LIMIT)


class SiteOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    kind: str
    organisation: str


class CapacityTotalsOut(Schema):
    certified_capacity: int
    working_capacity: int
    maximum_capacity: int


class LocationOut(Schema):
    id: uuid.UUID
    site_id: uuid.UUID
    parent_id: uuid.UUID | None
    kind: str
    code: str
    key: str
    depth: int
    name: str
    residential: bool
    security_level: str
    sex: str
    accessible: bool
    specialist_type: str
    in_count: bool
    certified_capacity: int
    working_capacity: int
    maximum_capacity: int
    active: bool
    usable: bool = Field(description="Active, with no inactive ancestor (deactivation is inherited)")
    deactivated_reason: str
    deactivated_on: dt.date | None
    expected_return_on: dt.date | None
    version: int


class TreeLocationOut(LocationOut):
    totals: CapacityTotalsOut | None = Field(None, description="Units, wings and landings: their cells added up")


class TreeOut(Schema):
    site: SiteOut
    items: list[TreeLocationOut]
    count: int


class LocationCreateIn(StrictIn):
    parent_id: uuid.UUID | None = Field(None, description="The parent location; none for the top of the site")
    kind: KindName
    code: str = Field(..., min_length=1, max_length=10)
    name: str = Field("", max_length=rules.NAME_MAX_LENGTH)
    security_level: SecurityLevelName = ""
    sex: SexName = "any"
    accessible: bool = False
    specialist_type: SpecialistTypeName = ""
    in_count: bool = True
    certified_capacity: int = _capacity()
    working_capacity: int = _capacity()
    maximum_capacity: int = _capacity()


class LocationUpdateIn(StrictIn):
    version: int = Field(..., ge=1, le=2_000_000_000)
    name: str | None = Field(None, max_length=rules.NAME_MAX_LENGTH)
    security_level: SecurityLevelName | None = None
    sex: SexName | None = None
    accessible: bool | None = None
    specialist_type: SpecialistTypeName | None = None
    in_count: bool | None = None
    certified_capacity: int | None = Field(None, ge=0, le=rules.CAPACITY_LIMIT)
    working_capacity: int | None = Field(None, ge=0, le=rules.CAPACITY_LIMIT)
    maximum_capacity: int | None = Field(None, ge=0, le=rules.CAPACITY_LIMIT)


class DeactivateIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=200)
    expected_return_on: dt.date | None = None
    version: int | None = Field(None, ge=1, le=2_000_000_000)


class ReactivateIn(StrictIn):
    version: int | None = Field(None, ge=1, le=2_000_000_000)


class ImportIn(StrictIn):
    csv: str = Field(..., max_length=rules.MAX_IMPORT_BYTES, description="The CSV text, header row first")
    dry_run: bool = False


class RejectedRowOut(Schema):
    row: int
    column: str
    reason: str
    key: str


class ImportReportOut(Schema):
    rows_read: int
    created: int
    rejected: list[RejectedRowOut]
    dry_run: bool
