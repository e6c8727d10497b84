"""Which release-date profile each facility uses.

A facility without a choice uses the installation's default (settings.RELEASE_PROFILE, from
``OMS_RELEASE_PROFILE``). Changing a facility's profile changes the dates of everyone held there, so
the change recalculates them straight away through the bulk path (reason "profile_changed"), with a
progress callback for the CLI and a count for the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import NotFound, RuleViolation
from oms.core.ids import parse_public_id
from oms.facilities.models import Site
from oms.sentencing.models import Calculation, SiteProfile
from oms.sentencing.rules.types import CalculationError
from oms.sentencing.services.bulk import BulkOutcome, Progress, people_held_at, recalculate_in_bulk
from oms.sentencing.services.calculations import all_profiles, choose_profile


@dataclass(frozen=True)
class ProfileChoice:
    site: Site
    profile_code: str
    is_default: bool


def available_profiles() -> list[tuple[str, str]]:
    """(code, title) of every profile a facility may choose, one line per code (its newest version)."""
    newest: dict[str, tuple[str, str]] = {}
    for profile in sorted(all_profiles(), key=lambda p: p.effective_from):
        newest[profile.code] = (profile.code, f"{profile.title} ({profile.code} v{profile.version})")
    return sorted(newest.values())


def _site_in_reach(actor: Actor, site_id) -> Site:
    wanted = parse_public_id(site_id, code="facilities.site_not_found")
    site = Site.objects.filter(public_id=wanted).first()
    if site is None or not actor.can_reach_site(site.pk, site.organisation_id):
        raise NotFound(code="facilities.site_not_found")
    return site


def site_profiles(actor: Actor) -> list[ProfileChoice]:
    """The profile of every site in reach (sentencing.view or sentencing.manage_profiles)."""
    if not actor.has("sentencing.manage_profiles"):
        actor.require("sentencing.view")
    chosen = dict(SiteProfile.objects.values_list("site_id", "profile_code"))
    sites = [s for s in Site.objects.order_by("name") if actor.can_reach_site(s.pk, s.organisation_id)]
    return [ProfileChoice(site, chosen.get(site.pk, settings.RELEASE_PROFILE), site.pk not in chosen) for site in sites]


def choose_site_profile(
    actor: Actor, *, site_id, profile_code: str, progress: Progress | None = None
) -> tuple[ProfileChoice, BulkOutcome]:
    """Set the profile a site uses (sentencing.manage_profiles; site in reach, else NotFound) and
    recalculate everyone held there with reason "profile_changed". The profile must exist and have a
    version in force today. Audited as ``sentencing.site_profile_chosen``; the recalculations are
    audited one event per new calculation by the bulk path."""
    actor.require("sentencing.manage_profiles")
    site = _site_in_reach(actor, site_id)
    profile_code = (profile_code or "").strip()
    try:
        profile = choose_profile(profile_code)
    except CalculationError as error:
        raise RuleViolation(error.detail, code=f"sentencing.{error.code}", field="profile_code") from error
    with transaction.atomic():
        before = SiteProfile.objects.filter(site=site).values_list("profile_code", flat=True).first()
        SiteProfile.objects.update_or_create(
            site=site, defaults={"profile_code": profile.code, "chosen_by_id": actor.user_id}
        )
        record_event(
            actor,
            "sentencing.site_profile_chosen",
            object_type="site",
            object_id=str(site.public_id),
            site_id=site.pk,
            changed_fields=["profile_code"],
            details={
                "before": before or settings.RELEASE_PROFILE,
                "after": profile.code,
                "profile": f"{profile.code} v{profile.version}",
            },
        )
    # Recalculated by the system on the chooser's behalf: the people held there may include some the
    # chooser cannot read (an administrator choosing for a site), and the reason says why it ran.
    outcome = recalculate_in_bulk(
        Actor.system(channel=actor.channel, name=f"profile change by {actor.username}"),
        person_ids=people_held_at(site.pk),
        reason=Calculation.Reason.PROFILE_CHANGED,
        detail=f"{site.code}: {before or settings.RELEASE_PROFILE} -> {profile.code}",
        progress=progress,
    )
    return ProfileChoice(site, profile.code, False), outcome
