"""Setting up diversion programmes (diversion.manage_programmes) at a diversion-programme site the actor
reaches. Audited as ``diversion.programme_created`` / ``diversion.programme_changed``."""

from __future__ import annotations

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.diversion.models import Programme
from oms.diversion.queries.participations import find_programme
from oms.diversion.rules.eligibility import check_criteria
from oms.diversion.services._common import check_whole, clean_text
from oms.facilities.models import Site

MANAGE_PROGRAMMES = "diversion.manage_programmes"
MAX_FEE_MINOR = 10_000_000


def _site(actor: Actor, site_id) -> Site:
    wanted = parse_public_id(site_id, code="diversion.site_not_found")
    site = Site.objects.filter(public_id=wanted, active=True).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound("No such site", code="diversion.site_not_found", field="site_id")
    if site.kind != Site.Kind.DIVERSION_PROGRAMME:
        raise RuleViolation(
            "Diversion programmes run at a site of kind diversion programme",
            code="diversion.wrong_site_kind",
            field="site_id",
        )
    return site


def _audit(actor: Actor, programme: Programme, verb: str, changed) -> None:
    record_event(
        actor,
        f"diversion.programme_{verb}",
        object_type="diversion_programme",
        object_id=programme.public_id,
        site_id=programme.site_id,
        changed_fields=changed,
        details={
            "name": programme.name,
            "eligibility": programme.eligibility,
            "full_fee_minor": programme.full_fee_minor,
        },
    )


def create_programme(
    actor: Actor, *, site_id, name: str, description: str = "", eligibility=None, full_fee_minor: int = 0
) -> Programme:
    actor.require(MANAGE_PROGRAMMES)
    site = _site(actor, site_id)
    name = clean_text(name, "name", 200, required=True)
    if Programme.objects.filter(site=site, name__iexact=name).exists():
        raise Conflict(
            "A programme of that name already runs at this site", code="diversion.programme_exists", field="name"
        )
    programme = Programme.objects.create(
        site=site,
        name=name,
        description=clean_text(description, "description", 5000),
        eligibility=check_criteria(eligibility or {}),
        full_fee_minor=check_whole(full_fee_minor, "full_fee_minor", 0, MAX_FEE_MINOR),
        created_at=clock.now(),
        created_by_id=actor.user_id,
    )
    _audit(actor, programme, "created", ["site", "name", "description", "eligibility", "full_fee_minor"])
    return programme


def change_programme(
    actor: Actor,
    *,
    programme_id,
    description: str | None = None,
    eligibility=None,
    full_fee_minor: int | None = None,
    active: bool | None = None,
) -> Programme:
    """Change a programme's terms; referrals already assessed keep the results they were given."""
    actor.require(MANAGE_PROGRAMMES)
    programme = find_programme(actor, programme_id, for_update=True)
    changed = []
    if description is not None:
        programme.description = clean_text(description, "description", 5000)
        changed.append("description")
    if eligibility is not None:
        programme.eligibility = check_criteria(eligibility)
        changed.append("eligibility")
    if full_fee_minor is not None:
        programme.full_fee_minor = check_whole(full_fee_minor, "full_fee_minor", 0, MAX_FEE_MINOR)
        changed.append("full_fee_minor")
    if active is not None:
        programme.active = bool(active)
        changed.append("active")
    programme.save()
    _audit(actor, programme, "changed", changed)
    return programme
