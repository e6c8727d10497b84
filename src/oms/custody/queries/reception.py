"""Reading an episode's reception record: warnings, authorities, property, cash and screening.

Screening health detail (health notes, suicide and self-harm notes) is special-category data: it is
returned only to actors holding custody.view_screening_health, and each such read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.custody.models import CashEntry, CustodyEpisode, IntakeScreening, LawfulAuthority, PropertyItem
from oms.custody.queries.episodes import current_assignment, get_episode
from oms.facilities.models import Location


@dataclass
class ScreeningView:
    screening: IntakeScreening
    health_visible: bool
    health_notes: str | None  # None when hidden from this actor
    suicide_self_harm_notes: str | None


@dataclass
class ReceptionRecord:
    episode: CustodyEpisode
    warnings: list[dict]
    open_warnings: list[dict]
    authorities: list[LawfulAuthority]
    property_items: list[PropertyItem]
    cash_entries: list[CashEntry]
    cash_balance_minor: int
    currency: str
    screening: ScreeningView | None
    bed_key: str = ""


def screening_view(actor: Actor, episode: CustodyEpisode) -> ScreeningView | None:
    screening = IntakeScreening.objects.filter(episode=episode).first()
    if screening is None:
        return None
    visible = actor.has("custody.view_screening_health")
    if visible and (screening.health_notes or screening.suicide_self_harm_notes):
        record_event(
            actor,
            "custody.screening_health_viewed",
            object_type="intake_screening",
            object_id=screening.pk,
            subject_person_id=episode.person_id,
            site_id=episode.site_id,
        )
    return ScreeningView(
        screening=screening,
        health_visible=visible,
        health_notes=screening.health_notes if visible else None,
        suicide_self_harm_notes=screening.suicide_self_harm_notes if visible else None,
    )


def reception_record(actor: Actor, episode_id) -> ReceptionRecord:
    """The episode and everything recorded at and after reception (custody.view, in scope)."""
    episode = get_episode(actor, episode_id)
    cash = list(CashEntry.objects.filter(episode=episode).order_by("recorded_at", "pk"))
    assignment = current_assignment(episode)
    warnings = list(episode.reception_warnings or [])
    return ReceptionRecord(
        episode=episode,
        warnings=warnings,
        open_warnings=[w for w in warnings if not w.get("resolved_at")],
        authorities=list(LawfulAuthority.objects.filter(episode=episode).order_by("ended_on", "expires_on", "pk")),
        property_items=list(PropertyItem.objects.filter(episode=episode).order_by("pk")),
        cash_entries=cash,
        cash_balance_minor=sum(c.amount_minor for c in cash),
        currency=cash[0].currency if cash else "GBP",
        screening=screening_view(actor, episode),
        bed_key=assignment.bed.key if assignment else "",
    )


def reception_location(site_id: int) -> Location | None:
    return Location.objects.filter(site_id=site_id, kind=Location.Kind.RECEPTION, active=True).order_by("key").first()
