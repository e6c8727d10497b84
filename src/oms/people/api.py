"""The person API under /api/v1/people: thin wrappers over ``queries`` and ``services``.

Input schemas forbid unknown fields and bound every string (AZ-4, IN-1). Output leaves out what the
caller may not read: case notes come back only in the types the caller's role may read.
A merged record answers 404 with code ``people.merged`` and the survivor's id in the detail.
Search is ``POST /search`` with the terms in a JSON body: names, numbers and dates of birth never
appear in a URL, browser history or access log (DP-2).
"""

import uuid
from typing import Annotated

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import File, Path, Query, Router, Status
from ninja.files import UploadedFile

from oms.core.errors import NotFound, RuleViolation
from oms.core.idempotency import run_once
from oms.people import queries, rules, services
from oms.people.models import Alert, Allocation, CaseNote, Identifier, Person, PersonName, PersonPhoto, PersonSiteLink
from oms.people.schemas import (
    AlertIn,
    AlertOut,
    AllocationOut,
    CloseAlertIn,
    DuplicatesErrorOut,
    EndIn,
    IdentifierIn,
    IdentifierOut,
    MergeIn,
    MergeOut,
    NameOut,
    NewAliasIn,
    NoteIn,
    NoteOut,
    PersonCreateIn,
    PersonOut,
    PersonUpdateIn,
    PhotoOut,
    PortalAccountIn,
    PortalAccountOut,
    PortalCloseIn,
    RemoveIn,
    SearchIn,
    SearchOut,
    SiteLinkOut,
    TimelineOut,
    TimelineParams,
)
from oms.web.access import api
from oms.web.api_schemas import ERRORS

router = Router(tags=["people"])
MAX_ROW_ID = 2**62  # row ids are 64-bit: a larger number cannot exist and must not reach the database


# --- output --------------------------------------------------------------------------------------


def _identifier_out(i: Identifier) -> dict:
    return {"id": i.pk, "kind": i.kind, "value": i.value, "issued_by": i.issued_by}


def _alert_out(a: Alert) -> dict:
    return {
        "id": a.public_id,
        "type": a.type,
        "level": a.level,
        "description": a.description,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "closed_at": a.closed_at,
        "closed_reason": a.closed_reason,
    }


def _person_out(person: Person) -> dict:
    return {
        "id": person.public_id,
        **{
            f: getattr(person, f)
            for f in (
                "system_number",
                "family_name",
                "given_name",
                "middle_names",
                "date_of_birth",
                "sex",
                "gender_identity",
                "ethnicity",
                "nationality",
                "languages",
                "interpreter_required",
                "status",
                "legal_status",
                "version",
            )
        },
        "names": [
            {
                "id": n.pk,
                "kind": n.kind,
                "family_name": n.family_name,
                "given_name": n.given_name,
                "date_of_birth": n.date_of_birth,
            }
            for n in queries.person_names(person)
        ],
        "identifiers": [_identifier_out(i) for i in queries.person_identifiers(person)],
        "active_alerts": [_alert_out(a) for a in queries.active_alerts(person)],
    }


def _actor(request: HttpRequest):
    return request.actor


# --- search and read -----------------------------------------------------------------------------


@router.post(
    "/search",
    response={200: SearchOut, **ERRORS},
    summary="Search people (terms go in the body so they never reach a URL or an access log; audited)",
)
@api("people.view")
def search(request, params: SearchIn):
    result = queries.search_people(
        _actor(request),
        text=params.q,
        date_of_birth=params.date_of_birth,
        born_from=params.born_from,
        born_to=params.born_to,
        min_age=params.min_age,
        max_age=params.max_age,
        status=params.status,
        limit=params.limit,
        offset=params.offset,
    )
    items = [
        {
            "id": h.person.public_id,
            "system_number": h.person.system_number,
            "family_name": h.person.family_name,
            "given_name": h.person.given_name,
            "date_of_birth": h.person.date_of_birth,
            "status": h.person.status,
            "identifiers": [_identifier_out(i) for i in h.identifiers],
            "match": h.match_kind,
            "matched_name": h.matched_name,
            "score": h.score,
        }
        for h in result.hits
    ]
    return Status(200, {"items": items, "count": result.total, "limit": params.limit, "offset": params.offset})


# --- merge -----------------------------------------------------------------------------------------


@router.post("/merge", response={200: MergeOut, **ERRORS}, summary="Merge a duplicate record into a survivor")
@api("people.merge")
def merge(request, payload: MergeIn):
    outcome = services.merge_people(
        _actor(request), survivor_id=payload.survivor_id, duplicate_id=payload.duplicate_id, reason=payload.reason
    )
    return Status(
        200,
        {
            "survivor": _person_out(outcome.survivor),
            "duplicate_id": outcome.duplicate.public_id,
            "moved": outcome.moved,
            "dropped": outcome.dropped,
        },
    )


@router.post(
    "/{person_id}/portal-account",
    response={201: PortalAccountOut, **ERRORS},
    summary="Open the person's participant portal account (the one-time password is in this answer only)",
)
@api("people.manage_portal_accounts")
def open_portal_account(request, person_id: uuid.UUID, payload: PortalAccountIn):
    user, password = services.open_portal_account(
        _actor(request), person_id, username=payload.username, email=payload.email, phone=payload.phone
    )
    return Status(201, {"username": user.username, "one_time_password": password})


@router.post(
    "/{person_id}/portal-account/close",
    response={204: None, **ERRORS},
    summary="Close the person's participant portal account (its user is disabled)",
)
@api("people.manage_portal_accounts")
def close_portal_account(request, person_id: uuid.UUID, payload: PortalCloseIn):
    services.close_portal_account(_actor(request), person_id, reason=payload.reason)
    return Status(204, None)


@router.get("/{person_id}", response={200: PersonOut, **ERRORS}, summary="Read a person record (audited)")
@api("people.view")
def read(request, person_id: uuid.UUID):
    return Status(200, _person_out(queries.get_person(_actor(request), person_id)))


# --- create and update ---------------------------------------------------------------------------


def _duplicates_body(error: services.PossibleDuplicates) -> dict:
    candidates = []
    for c in error.candidates:
        if c.in_scope:
            p = c.person
            candidates.append(
                {
                    "id": p.public_id,
                    "system_number": p.system_number,
                    "family_name": p.family_name,
                    "given_name": p.given_name,
                    "date_of_birth": p.date_of_birth,
                    "score": c.score,
                    "reasons": list(c.reasons),
                    "in_scope": True,
                }
            )
        else:
            candidates.append({"score": c.score, "reasons": [], "in_scope": False})
    return {**error.as_dict(), "candidates": candidates}


@router.post(
    "/",
    response={201: PersonOut, 409: DuplicatesErrorOut, **{k: v for k, v in ERRORS.items() if k != 409}},
    summary="Create a person (Idempotency-Key supported)",
)
@api("people.create")
def create(request, payload: PersonCreateIn):
    actor = _actor(request)
    body = payload.model_dump(mode="json")

    def do_create():
        data = payload.model_dump()
        data["aliases"] = [services.NewAlias(**a) for a in data["aliases"]]
        data["identifiers"] = [services.NewIdentifier(**i) for i in data["identifiers"]]
        return 201, _person_out(services.create_person(actor, **data))

    try:
        status, response = run_once(
            actor,
            key=request.headers.get("Idempotency-Key"),
            scope="POST /api/v1/people/",
            payload=body,
            create=do_create,
        )
    except services.PossibleDuplicates as error:
        # Answered here to carry the candidates; not stored against the key, because the answer
        # depends on records that may change before the retry. Roll back like every error answer.
        if transaction.get_connection().in_atomic_block:
            transaction.set_rollback(True)
        return Status(409, _duplicates_body(error))
    return Status(status, response)


@router.patch("/{person_id}", response={200: PersonOut, **ERRORS}, summary="Change identity details")
@api("people.edit")
def update(request, person_id: uuid.UUID, payload: PersonUpdateIn):
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    for field in [f for f, v in changes.items() if v is None and f != "date_of_birth"]:
        changes.pop(field)  # an explicit null means "leave as is" except for the date of birth
    person = services.update_person(_actor(request), person_id=person_id, version=version, **changes)
    return Status(200, _person_out(person))


# --- names and identifiers -------------------------------------------------------------------------


@router.post("/{person_id}/aliases", response={201: NameOut, **ERRORS}, summary="Add an alias")
@api("people.edit")
def add_alias(request, person_id: uuid.UUID, payload: NewAliasIn):
    name: PersonName = services.add_alias(_actor(request), person_id=person_id, **payload.model_dump())
    return Status(
        201,
        {
            "id": name.pk,
            "kind": name.kind,
            "family_name": name.family_name,
            "given_name": name.given_name,
            "date_of_birth": name.date_of_birth,
        },
    )


@router.delete("/{person_id}/aliases/{alias_id}", response={204: None, **ERRORS}, summary="Remove an alias")
@api("people.edit")
def remove_alias(request, person_id: uuid.UUID, alias_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)]):
    services.remove_alias(_actor(request), person_id=person_id, alias_id=alias_id)
    return Status(204, None)


@router.post("/{person_id}/identifiers", response={201: IdentifierOut, **ERRORS}, summary="Add an identifier")
@api("people.edit")
def add_identifier(request, person_id: uuid.UUID, payload: IdentifierIn):
    identifier = services.add_identifier(_actor(request), person_id=person_id, **payload.model_dump())
    return Status(201, _identifier_out(identifier))


@router.delete(
    "/{person_id}/identifiers/{identifier_id}", response={204: None, **ERRORS}, summary="Remove an identifier"
)
@api("people.edit")
def remove_identifier(request, person_id: uuid.UUID, identifier_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)]):
    services.remove_identifier(_actor(request), person_id=person_id, identifier_id=identifier_id)
    return Status(204, None)


# --- alerts and case notes -------------------------------------------------------------------------


@router.get("/{person_id}/alerts", response={200: list[AlertOut], **ERRORS}, summary="List alerts")
@api("people.view")
def list_alerts(request, person_id: uuid.UUID):
    actor = _actor(request)
    person = queries.get_person(actor, person_id)
    return Status(200, [_alert_out(a) for a in queries.list_alerts(actor, person)])


@router.post("/{person_id}/alerts", response={201: AlertOut, **ERRORS}, summary="Add an alert")
@api("people.add_alert")
def add_alert(request, person_id: uuid.UUID, payload: AlertIn):
    return Status(201, _alert_out(services.add_alert(_actor(request), person_id=person_id, **payload.model_dump())))


@router.post("/{person_id}/alerts/{alert_id}/close", response={200: AlertOut, **ERRORS}, summary="Close an alert")
@api("people.close_alert")
def close_alert(request, person_id: uuid.UUID, alert_id: uuid.UUID, payload: CloseAlertIn):
    alert = services.close_alert(_actor(request), person_id=person_id, alert_id=alert_id, reason=payload.reason)
    return Status(200, _alert_out(alert))


def _note_out(note: CaseNote) -> dict:
    return {
        "id": note.public_id,
        "type": note.type,
        "sensitive": note.sensitive,
        "text": note.text,
        "created_at": note.created_at,
    }


@router.get(
    "/{person_id}/notes",
    response={200: list[NoteOut], **ERRORS},
    summary="List case notes the caller may read (health and security notes need their own permission; audited)",
)
@api("people.view")
def list_notes(request, person_id: uuid.UUID):
    actor = _actor(request)
    person = queries.get_person(actor, person_id)
    return Status(200, [_note_out(n) for n in queries.list_case_notes(actor, person)])


@router.post("/{person_id}/notes", response={201: NoteOut, **ERRORS}, summary="Add a case note")
@api("people.add_note")
def add_note(request, person_id: uuid.UUID, payload: NoteIn):
    return Status(201, _note_out(services.add_case_note(_actor(request), person_id=person_id, **payload.model_dump())))


@router.get("/{person_id}/timeline", response={200: list[TimelineOut], **ERRORS}, summary="Timeline")
@api("people.view")
def timeline(request, person_id: uuid.UUID, params: Query[TimelineParams]):
    actor = _actor(request)
    person = queries.get_person(actor, person_id)
    return Status(200, [e.__dict__ for e in queries.timeline(actor, person, limit=params.limit)])


# --- addresses and contacts ------------------------------------------------------------------------


@router.post(
    "/{person_id}/addresses/{address_id}/remove",
    response={204: None, **ERRORS},
    summary="Remove an address, with a reason (audited)",
)
@api("people.edit")
def remove_address(
    request, person_id: uuid.UUID, address_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], payload: RemoveIn
):
    services.remove_address(_actor(request), person_id=person_id, address_id=address_id, reason=payload.reason)
    return Status(204, None)


@router.post(
    "/{person_id}/contacts/{contact_id}/remove",
    response={204: None, **ERRORS},
    summary="Remove a contact, with a reason (audited)",
)
@api("people.edit")
def remove_contact(
    request, person_id: uuid.UUID, contact_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], payload: RemoveIn
):
    services.remove_contact(_actor(request), person_id=person_id, contact_id=contact_id, reason=payload.reason)
    return Status(204, None)


# --- site links and caseloads ------------------------------------------------------------------------


def _site_link_out(link: PersonSiteLink) -> dict:
    return {
        "id": link.pk,
        "site": link.site.public_id,
        "kind": link.kind,
        "started_on": link.started_on,
        "ended_on": link.ended_on,
    }


def _allocation_out(allocation: Allocation) -> dict:
    return {
        "id": allocation.pk,
        "staff": allocation.staff.username,
        "site": allocation.site.public_id,
        "started_on": allocation.started_on,
        "ended_on": allocation.ended_on,
    }


@router.post(
    "/{person_id}/site-links/{link_id}/end",
    response={200: SiteLinkOut, **ERRORS},
    summary="End a site's link with the person (audited)",
)
@api("people.edit")
def end_site_link(request, person_id: uuid.UUID, link_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], payload: EndIn):
    link = services.end_site_link(_actor(request), person_id=person_id, link_id=link_id, **payload.model_dump())
    return Status(200, _site_link_out(link))


@router.post(
    "/{person_id}/allocations/{allocation_id}/end",
    response={200: AllocationOut, **ERRORS},
    summary="Take the person off a caseload (audited)",
)
@api("people.edit")
def end_allocation(
    request, person_id: uuid.UUID, allocation_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], payload: EndIn
):
    allocation = services.end_allocation(
        _actor(request), person_id=person_id, allocation_id=allocation_id, **payload.model_dump()
    )
    return Status(200, _allocation_out(allocation))


# --- photograph ----------------------------------------------------------------------------------------

# Multipart framing around the file: boundaries, headers and the field name.
_MULTIPART_ALLOWANCE = 64 * 1024
_IMAGE = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/{person_id}/photo",
    response={**ERRORS},
    summary="The current photograph (audited)",
    openapi_extra={
        "responses": {
            "200": {"description": "The newest photograph", "content": {"image/jpeg": _IMAGE, "image/png": _IMAGE}}
        }
    },
)
@api("people.view")
def photo(request, person_id: uuid.UUID):
    """The newest photograph's bytes (404 when there is none), never cached, under a sandbox CSP so a
    crafted image cannot run as a page (FILE-1). The read is audited as ``people.photo_viewed``."""
    actor = _actor(request)
    current = queries.current_photo(actor, queries.get_person(actor, person_id))
    if current is None:
        raise NotFound("This person has no photograph.", code="people.photo_not_found")
    response = HttpResponse(bytes(current.content), content_type=current.content_type)
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/{person_id}/photo",
    response={201: PhotoOut, **ERRORS},
    summary="Upload a photograph (JPEG or PNG, at most 2 MB); it becomes the current one",
)
@api("people.edit")
def add_photo(request, person_id: uuid.UUID, photo: File[UploadedFile]):
    """Multipart upload, field ``photo``; validated by ``services.add_photo`` as the page's upload is.
    A body plainly over the limit is refused from its declared length, and at most one byte more
    than the limit is read from the file, so an oversized upload is never read into memory."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > rules.PHOTO_MAX_BYTES + _MULTIPART_ALLOWANCE:
        raise RuleViolation("The selected file must be smaller than 2 MB", code="people.photo_too_large", field="photo")
    content = photo.read(rules.PHOTO_MAX_BYTES + 1)
    created: PersonPhoto = services.add_photo(
        _actor(request), person_id=person_id, filename=photo.name or "", content=content
    )
    return Status(
        201,
        {
            "id": created.pk,
            "content_type": created.content_type,
            "size": created.size,
            "sha256": created.sha256,
            "uploaded_at": created.uploaded_at,
        },
    )
