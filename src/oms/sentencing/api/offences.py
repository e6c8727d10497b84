"""The offence catalogue API (mounted under /api/v1/sentencing): search, one code, add, change
(including making a code inactive: codes are never deleted) and CSV import with a report of each
rejected row."""

from typing import Literal

from ninja import Field, Router, Schema, Status

from oms.sentencing.models import Offence
from oms.sentencing.queries import offences as queries
from oms.sentencing.services import offences as services
from oms.web.access import AUTHENTICATED, api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()

Flag = Literal[Offence.FLAGS]


class OffenceOut(Schema):
    code: str
    title: str
    category: str
    severity: int
    flags: list[str]
    active: bool


class OffencePageOut(Schema):
    items: list[OffenceOut]
    count: int


class OffenceIn(StrictIn):
    code: str = Field(..., max_length=20)
    title: str = Field(..., max_length=300)
    category: str = Field("", max_length=100)
    severity: int = Field(1, ge=1, le=10)
    flags: list[Flag] = Field([], max_length=len(Offence.FLAGS))
    active: bool = True


class OffenceChangeIn(StrictIn):
    title: str | None = Field(None, max_length=300)
    category: str | None = Field(None, max_length=100)
    severity: int | None = Field(None, ge=1, le=10)
    flags: list[Flag] | None = Field(None, max_length=len(Offence.FLAGS))
    active: bool | None = None


class OffenceImportIn(StrictIn):
    csv: str = Field(..., max_length=10_000_000)
    dry_run: bool = False


class OffenceRejectedRowOut(Schema):
    row: int
    column: str
    reason: str
    code: str


class OffenceImportReportOut(Schema):
    rows_read: int
    created: int
    updated: int
    unchanged: int
    rejected: list[OffenceRejectedRowOut]
    dry_run: bool


def offence_out(offence: Offence) -> dict:
    return {
        "code": offence.code,
        "title": offence.title,
        "category": offence.category,
        "severity": offence.severity,
        "flags": list(offence.flags or []),
        "active": offence.active,
    }


@router.get("/offences", response={200: OffencePageOut, **ERRORS}, summary="Search the offence catalogue")
@api(AUTHENTICATED)  # sentencing.view or sentencing.manage_offences, checked by the query
def search_offences(
    request, q: str = "", include_inactive: bool = False, flag: str = "", limit: int = 50, offset: int = 0
):
    found, count = queries.search_offences(
        request.actor, text=q[:100], include_inactive=include_inactive, flag=flag[:30], limit=limit, offset=offset
    )
    return {"items": [offence_out(o) for o in found], "count": count}


@router.post("/offences", response={201: OffenceOut, **ERRORS}, summary="Add a code to the catalogue")
@api("sentencing.manage_offences")
def create_offence(request, payload: OffenceIn):
    return Status(201, offence_out(services.create_offence(request.actor, **payload.model_dump())))


@router.post(
    "/offences/import",
    response={200: OffenceImportReportOut, **ERRORS},
    summary="Import the catalogue from CSV text: new codes added, existing ones updated, bad rows reported",
)
@api("sentencing.manage_offences")
def import_offences(request, payload: OffenceImportIn):
    report = services.import_offences(request.actor, csv_text=payload.csv, dry_run=payload.dry_run)
    return {
        "rows_read": report.rows_read,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": [r.__dict__ for r in report.rejected],
        "dry_run": report.dry_run,
    }


@router.get("/offences/{code}", response={200: OffenceOut, **ERRORS}, summary="One catalogue entry")
@api(AUTHENTICATED)
def get_offence(request, code: str):
    return offence_out(queries.get_offence(request.actor, code))


@router.patch("/offences/{code}", response={200: OffenceOut, **ERRORS}, summary="Change an entry or make it inactive")
@api("sentencing.manage_offences")
def update_offence(request, code: str, payload: OffenceChangeIn):
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return offence_out(services.update_offence(request.actor, code=code, changes=changes))
