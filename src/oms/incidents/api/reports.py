"""Incident reports under /api/v1/incidents, keyed by public ids: the types offered, drafts (create,
change with the version read), people involved, use of force, submit, review, corrections and addenda,
investigation, findings and closing; lists of drafts, reports awaiting review, under investigation and
by facility. Refused transitions answer 409 with the code; bad input 422 naming the field."""

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from oms.incidents.models import Incident, IncidentType
from oms.incidents.queries import reports as queries
from oms.incidents.services import reports as services
from oms.incidents.services import types as type_services
from oms.web.access import api
from oms.web.api_schemas import ERRORS, StrictIn

router = Router()


class IncidentTypeOut(Schema):
    code: str
    version: int
    title: str
    severity: str
    notify_immediately: bool
    questions: list[dict[str, Any]]


class IncidentCreateIn(StrictIn):
    type_code: str = Field(..., min_length=1, max_length=40)
    facility_id: str = Field(..., min_length=1, max_length=40, description="the site's public id")
    location_id: str | None = Field(None, max_length=40)
    occurred_at: dt.datetime
    description: str = Field(..., min_length=1, max_length=20000)
    answers: dict[str, Any] = Field(default_factory=dict)


class IncidentUpdateIn(StrictIn):
    version: int = Field(..., ge=1, le=1_000_000, description="the version you read; 409 if it changed since")
    occurred_at: dt.datetime | None = None
    description: str | None = Field(None, min_length=1, max_length=20000)
    answers: dict[str, Any] | None = None


class IncidentSubmitIn(StrictIn):
    version: int = Field(..., ge=1, le=1_000_000)


class IncidentInvolvementIn(StrictIn):
    role: str = Field(..., min_length=1, max_length=15)
    person_id: str | None = Field(None, max_length=40)
    system_number: str = Field("", max_length=7)
    staff_username: str = Field("", max_length=150)
    name: str = Field("", max_length=200)
    injured: bool = False
    injury_details: str = Field("", max_length=1000)
    taken_to_hospital: bool = False
    referred_to_police: bool = False
    details: str = Field("", max_length=2000)


class IncidentUseOfForceIn(StrictIn):
    techniques: list[str] = Field(..., min_length=1, max_length=20)
    restraints: list[str] = Field(default_factory=list, max_length=20)
    justification: str = Field(..., min_length=1, max_length=5000)
    planned: bool = False
    injuries: str = Field("", max_length=2000)
    medical_check_done: bool = False
    medical_check_at: dt.datetime | None = None


class IncidentTextIn(StrictIn):
    text: str = Field(..., min_length=1, max_length=20000)


class IncidentAddendumIn(IncidentTextIn):
    correction_request_id: str | None = Field(None, max_length=40)


class IncidentInvestigationIn(StrictIn):
    investigator_username: str = Field("", max_length=150)


class IncidentFindingsIn(StrictIn):
    findings: str = Field(..., min_length=1, max_length=20000)


class IncidentCloseIn(StrictIn):
    closing_note: str = Field(..., min_length=1, max_length=5000)


class IncidentInvolvementOut(Schema):
    id: str
    role: str
    person_id: str | None
    system_number: str | None
    staff: str | None
    name: str
    injured: bool
    injury_details: str
    taken_to_hospital: bool
    referred_to_police: bool
    details: str


class IncidentUseOfForceOut(Schema):
    techniques: list[str]
    restraints: list[str]
    justification: str
    planned: bool
    injuries: str
    medical_check_done: bool
    medical_check_at: dt.datetime | None


class IncidentAddendumOut(Schema):
    id: str
    text: str
    written_by: str
    written_at: dt.datetime
    correction_request_id: str | None


class IncidentCorrectionOut(Schema):
    id: str
    text: str
    requested_by: str
    requested_at: dt.datetime
    answered_at: dt.datetime | None


class IncidentSummaryOut(Schema):
    id: str
    reference: str
    type_code: str
    type_version: int
    type_title: str
    severity: str
    facility: str
    location: str | None
    occurred_at: dt.datetime
    status: str
    reported_by: str
    submitted_at: dt.datetime | None


class IncidentOut(IncidentSummaryOut):
    version: int
    description: str
    answers: dict[str, Any]
    reviewer: str | None
    investigator: str | None
    findings: str
    closed_at: dt.datetime | None
    closing_note: str
    involvements: list[IncidentInvolvementOut]
    use_of_force: IncidentUseOfForceOut | None
    addenda: list[IncidentAddendumOut]
    corrections: list[IncidentCorrectionOut]


class IncidentListParams(Schema):
    status: str = Field("", max_length=15)
    type_code: str = Field("", max_length=40)
    occurred_from: dt.datetime | None = None
    occurred_to: dt.datetime | None = None


def _name(user) -> str | None:
    return user.username if user is not None else None


def type_out(incident_type: IncidentType) -> dict:
    return {
        "code": incident_type.code,
        "version": incident_type.version,
        "title": incident_type.title,
        "severity": incident_type.severity,
        "notify_immediately": incident_type.notify_immediately,
        "questions": incident_type.questions,
    }


def summary_out(incident: Incident) -> dict:
    return {
        "id": str(incident.public_id),
        "reference": incident.reference,
        "type_code": incident.incident_type.code,
        "type_version": incident.incident_type.version,
        "type_title": incident.incident_type.title,
        "severity": incident.incident_type.severity,
        "facility": incident.facility.code,
        "location": incident.location.key if incident.location else None,
        "occurred_at": incident.occurred_at,
        "status": incident.status,
        "reported_by": incident.reported_by.username,
        "submitted_at": incident.submitted_at,
    }


def incident_out(incident: Incident) -> dict:
    force = getattr(incident, "use_of_force", None) if hasattr(incident, "use_of_force") else None
    return {
        **summary_out(incident),
        "version": incident.version,
        "description": incident.description,
        "answers": incident.answers,
        "reviewer": _name(incident.reviewer),
        "investigator": _name(incident.investigator),
        "findings": incident.findings,
        "closed_at": incident.closed_at,
        "closing_note": incident.closing_note,
        "involvements": [
            {
                "id": str(i.public_id),
                "role": i.role,
                "person_id": str(i.person.public_id) if i.person else None,
                "system_number": i.person.system_number if i.person else None,
                "staff": _name(i.staff),
                "name": i.name,
                "injured": i.injured,
                "injury_details": i.injury_details,
                "taken_to_hospital": i.taken_to_hospital,
                "referred_to_police": i.referred_to_police,
                "details": i.details,
            }
            for i in queries.involvements(incident)
        ],
        "use_of_force": None
        if force is None
        else {
            "techniques": force.techniques,
            "restraints": force.restraints,
            "justification": force.justification,
            "planned": force.planned,
            "injuries": force.injuries,
            "medical_check_done": force.medical_check_done,
            "medical_check_at": force.medical_check_at,
        },
        "addenda": [
            {
                "id": str(a.public_id),
                "text": a.text,
                "written_by": a.written_by.username,
                "written_at": a.written_at,
                "correction_request_id": str(a.correction_request.public_id) if a.correction_request else None,
            }
            for a in incident.addenda.select_related("written_by", "correction_request")
        ],
        "corrections": [
            {
                "id": str(c.public_id),
                "text": c.text,
                "requested_by": c.requested_by.username,
                "requested_at": c.requested_at,
                "answered_at": c.answered_at,
            }
            for c in incident.correction_requests.select_related("requested_by")
        ],
    }


def _fresh(request, incident) -> dict:
    return incident_out(queries.get_incident(request.actor, incident.public_id))


@router.get("/types", response={200: list[IncidentTypeOut], **ERRORS}, summary="Incident types offered")
@api("incidents.view")
def list_types(request):
    return [type_out(t) for t in type_services.types_offered()]


@router.get("/reports/drafts", response={200: list[IncidentSummaryOut], **ERRORS}, summary="My drafts")
@api("incidents.view")
def my_drafts(request):
    return [summary_out(i) for i in queries.my_drafts(request.actor)]


@router.get("/reports/awaiting-review", response={200: list[IncidentSummaryOut], **ERRORS}, summary="Submitted")
@api("incidents.view")
def awaiting_review(request):
    return [summary_out(i) for i in queries.awaiting_review(request.actor)]


@router.get(
    "/reports/under-investigation", response={200: list[IncidentSummaryOut], **ERRORS}, summary="Investigations"
)
@api("incidents.view")
def under_investigation(request):
    return [summary_out(i) for i in queries.under_investigation(request.actor)]


@router.get(
    "/facilities/{site_id}/reports",
    response={200: list[IncidentSummaryOut], **ERRORS},
    summary="Reports at a facility, newest first, filtered",
)
@api("incidents.view")
def facility_reports(request, site_id: str, params: Query[IncidentListParams]):
    return [summary_out(i) for i in queries.incidents_at(request.actor, site_id, **params.model_dump())]


@router.post("/reports", response={201: IncidentOut, **ERRORS}, summary="Start a draft incident report")
@api("incidents.report")
def create_report(request, payload: IncidentCreateIn):
    incident = services.create_report(request.actor, **payload.model_dump())
    return Status(201, _fresh(request, incident))


@router.get("/reports/{incident_id}", response={200: IncidentOut, **ERRORS}, summary="One incident report")
@api("incidents.view")
def get_report(request, incident_id: str):
    return incident_out(queries.get_incident(request.actor, incident_id))


@router.patch(
    "/reports/{incident_id}", response={200: IncidentOut, **ERRORS}, summary="Change a draft (send the version read)"
)
@api("incidents.report")
def update_report(request, incident_id: str, payload: IncidentUpdateIn):
    values = {k: v for k, v in payload.model_dump().items() if v is not None or k == "version"}
    return _fresh(request, services.update_report(request.actor, incident_id=incident_id, **values))


@router.post(
    "/reports/{incident_id}/people", response={201: IncidentOut, **ERRORS}, summary="Add someone involved to a draft"
)
@api("incidents.report")
def add_person(request, incident_id: str, payload: IncidentInvolvementIn):
    services.add_involvement(request.actor, incident_id=incident_id, **payload.model_dump())
    return Status(201, incident_out(queries.get_incident(request.actor, incident_id)))


@router.put("/reports/{incident_id}/use-of-force", response={200: IncidentOut, **ERRORS}, summary="Describe force used")
@api("incidents.report")
def record_use_of_force(request, incident_id: str, payload: IncidentUseOfForceIn):
    services.record_use_of_force(request.actor, incident_id=incident_id, **payload.model_dump())
    return incident_out(queries.get_incident(request.actor, incident_id))


def _action(path: str, summary: str, access: str, payload_type, call):
    @router.post(f"/reports/{{incident_id}}/{path}", response={200: IncidentOut, **ERRORS}, summary=summary)
    @api(access)
    def action(request, incident_id: str, payload: payload_type):  # type: ignore[valid-type]
        call(request.actor, incident_id, payload.model_dump())
        return incident_out(queries.get_incident(request.actor, incident_id))

    action.__name__ = f"incident_{path.replace('-', '_')}"
    return action


class IncidentNoBodyIn(StrictIn):
    pass


submit = _action(
    "submit",
    "Submit a draft",
    "incidents.report",
    IncidentSubmitIn,
    lambda a, i, p: services.submit_report(a, incident_id=i, **p),
)
review = _action(
    "review",
    "Start reviewing a submitted report",
    "incidents.review",
    IncidentNoBodyIn,
    lambda a, i, p: services.start_review(a, incident_id=i),
)
correction = _action(
    "corrections",
    "Ask the reporter for a correction",
    "incidents.review",
    IncidentTextIn,
    lambda a, i, p: services.request_correction(a, incident_id=i, **p),
)
addendum = _action(
    "addenda",
    "Append an addendum (answering a correction when given)",
    "incidents.report",
    IncidentAddendumIn,
    lambda a, i, p: services.add_addendum(a, incident_id=i, **p),
)
investigation = _action(
    "investigation",
    "Start an investigation",
    "incidents.review",
    IncidentInvestigationIn,
    lambda a, i, p: services.start_investigation(a, incident_id=i, **p),
)
findings = _action(
    "findings",
    "Record the investigation's findings",
    "incidents.investigate",
    IncidentFindingsIn,
    lambda a, i, p: services.record_findings(a, incident_id=i, **p),
)
close = _action(
    "close",
    "Close the incident",
    "incidents.review",
    IncidentCloseIn,
    lambda a, i, p: services.close_incident(a, incident_id=i, **p),
)
