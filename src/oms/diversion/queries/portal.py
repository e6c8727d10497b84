"""What a participant reads in the portal: only their own participations (diversion.use_portal).

The person is always ``portal_person(actor)`` (the person their open portal account links them to),
never an id taken from the request; a requirement, hours entry or message of anyone else answers 404
like a missing one. Participants reading their own record are not audited as a view: the audit of views
exists to catch staff looking at records they have no business with.
"""

from __future__ import annotations

from dataclasses import dataclass

from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.diversion.models import CoordinatorMessage, Participation, PortalCheckIn, Requirement
from oms.diversion.queries.participations import ParticipationDetail, detail_of
from oms.people.queries.portal import portal_person

USE_PORTAL = "diversion.use_portal"
# Where the participant has something to do or read; a referral not yet agreed shows only its state.
CURRENT_STATES = ("active", "agreement_signed", "eligible", "referred")


def my_participations(actor: Actor):
    actor.require(USE_PORTAL)
    person = portal_person(actor)
    return Participation.objects.filter(person=person).select_related("person", "programme__site", "referral")


def current_participation(actor: Actor) -> Participation:
    """The participation the portal shows: the newest still running, else the newest of all."""
    mine = list(my_participations(actor).order_by("-created_at", "-id"))
    if not mine:
        raise NotFound("You are not on a diversion programme", code="diversion.participation_not_found")
    running = [p for p in mine if p.state in CURRENT_STATES]
    return (running or mine)[0]


def my_requirement(actor: Actor, requirement_id) -> Requirement:
    wanted = parse_public_id(requirement_id, code="diversion.requirement_not_found")
    requirement = (
        Requirement.objects.select_related("participation__programme__site", "participation__person")
        .filter(participation__in=my_participations(actor), public_id=wanted)
        .first()
    )
    if requirement is None:
        raise NotFound("No such requirement", code="diversion.requirement_not_found")
    return requirement


@dataclass
class PortalOverview:
    detail: ParticipationDetail
    check_ins: list[PortalCheckIn]
    checked_in_today: bool
    messages: list[CoordinatorMessage]
    unread: int


def overview(actor: Actor) -> PortalOverview:
    participation = current_participation(actor)
    detail = detail_of(participation)
    check_ins = list(participation.portal_check_ins.order_by("-on", "-id")[:10])
    messages = list(participation.messages.select_related("sent_by").order_by("-sent_at", "-id"))
    return PortalOverview(
        detail=detail,
        check_ins=check_ins,
        checked_in_today=any(c.on == detail.today for c in check_ins),
        messages=messages,
        unread=sum(1 for m in messages if m.read_at is None),
    )
