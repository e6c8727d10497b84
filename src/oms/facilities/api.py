"""The estate API under /api/v1/facilities: thin wrappers over ``queries`` and ``services``.

Locations and sites are named by their public ids. Reads need facilities.view, changes
facilities.manage_locations; a site or location out of the caller's reach answers 404.
"""

import uuid

from ninja import Router, Status

from oms.core.idempotency import run_once
from oms.facilities import queries, services
from oms.facilities.models import Location, Site
from oms.facilities.schemas import (
    DeactivateIn,
    ImportIn,
    ImportReportOut,
    LocationCreateIn,
    LocationOut,
    LocationUpdateIn,
    ReactivateIn,
    SiteOut,
    TreeOut,
)
from oms.web.access import api
from oms.web.api_schemas import ERRORS

router = Router(tags=["facilities"])


def site_out(site: Site) -> dict:
    return {
        "id": site.public_id,
        "code": site.code,
        "name": site.name,
        "kind": site.kind,
        "organisation": site.organisation.name,
    }


def location_out(location: Location, *, site: Site, parent_public_id, usable: bool) -> dict:
    return {
        "id": location.public_id,
        "site_id": site.public_id,
        "parent_id": parent_public_id,
        **{
            f: getattr(location, f)
            for f in (
                "kind",
                "code",
                "key",
                "depth",
                "name",
                "residential",
                "security_level",
                "sex",
                "accessible",
                "specialist_type",
                "in_count",
                "certified_capacity",
                "working_capacity",
                "maximum_capacity",
                "active",
                "deactivated_reason",
                "deactivated_on",
                "expected_return_on",
                "version",
            )
        },
        "usable": usable,
    }


def _one(location: Location) -> dict:
    return location_out(
        location,
        site=location.site,
        parent_public_id=location.parent.public_id if location.parent_id else None,
        usable=queries.location_is_usable(location),
    )


@router.get("/sites", response={200: list[SiteOut], **ERRORS}, summary="Sites the caller can see")
@api("facilities.view")
def list_sites(request):
    return Status(200, [site_out(s) for s in queries.sites_in_view(request.actor)])


@router.get(
    "/sites/{site_id}/locations",
    response={200: TreeOut, **ERRORS},
    summary="A site's location tree in key order (parents before children)",
)
@api("facilities.view")
def site_locations(request, site_id: uuid.UUID):
    site = queries.get_site(request.actor, site_id)
    nodes = queries.site_tree(request.actor, site)
    items = []
    for node in nodes:
        item = location_out(node.location, site=site, parent_public_id=node.parent_public_id, usable=node.usable)
        if node.location.kind in ("unit", "wing", "landing"):
            item["totals"] = node.totals
        items.append(item)
    return Status(200, {"site": site_out(site), "items": items, "count": len(items)})


@router.post(
    "/sites/{site_id}/locations",
    response={201: LocationOut, **ERRORS},
    summary="Add a location (Idempotency-Key supported)",
)
@api("facilities.manage_locations")
def create_location(request, site_id: uuid.UUID, payload: LocationCreateIn):
    def do_create():
        return 201, _one(services.create_location(request.actor, site_id=site_id, **payload.model_dump()))

    status, body = run_once(
        request.actor,
        key=request.headers.get("Idempotency-Key"),
        scope=f"POST /api/v1/facilities/sites/{site_id}/locations",
        payload=payload.model_dump(mode="json"),
        create=do_create,
    )
    return Status(status, body)


@router.post(
    "/sites/{site_id}/locations/import",
    response={200: ImportReportOut, **ERRORS},
    summary="Import a location tree from CSV text (dry_run checks and writes nothing)",
)
@api("facilities.manage_locations")
def import_locations(request, site_id: uuid.UUID, payload: ImportIn):
    report = services.import_locations(request.actor, site_id=site_id, csv_text=payload.csv, dry_run=payload.dry_run)
    return Status(
        200,
        {
            "rows_read": report.rows_read,
            "created": report.created,
            "rejected": [r.__dict__ for r in report.rejected],
            "dry_run": report.dry_run,
        },
    )


@router.get("/locations/{location_id}", response={200: LocationOut, **ERRORS}, summary="Read one location")
@api("facilities.view")
def read_location(request, location_id: uuid.UUID):
    return Status(200, _one(queries.get_location(request.actor, location_id)))


@router.patch(
    "/locations/{location_id}",
    response={200: LocationOut, **ERRORS},
    summary="Change a location's attributes and capacities (optimistic version)",
)
@api("facilities.manage_locations")
def update_location(request, location_id: uuid.UUID, payload: LocationUpdateIn):
    changes = {f: v for f, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    version = changes.pop("version")
    location = services.update_location(request.actor, location_id=location_id, version=version, **changes)
    return Status(200, _one(location))


@router.post(
    "/locations/{location_id}/deactivate",
    response={200: LocationOut, **ERRORS},
    summary="Take a location out of use (its subtree becomes unusable)",
)
@api("facilities.manage_locations")
def deactivate_location(request, location_id: uuid.UUID, payload: DeactivateIn):
    location = services.deactivate_location(request.actor, location_id=location_id, **payload.model_dump())
    return Status(200, _one(location))


@router.post(
    "/locations/{location_id}/reactivate", response={200: LocationOut, **ERRORS}, summary="Bring a location back"
)
@api("facilities.manage_locations")
def reactivate_location(request, location_id: uuid.UUID, payload: ReactivateIn):
    location = services.reactivate_location(request.actor, location_id=location_id, **payload.model_dump())
    return Status(200, _one(location))
