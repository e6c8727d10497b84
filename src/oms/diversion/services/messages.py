"""Messages from a coordinator to a participant, read in the participant portal.

- ``send_message`` (diversion.manage, the participation in scope): stores the message, audited
  ``diversion.message_sent``, and after commit tells the participant through ``oms.core.notifications``
  that a message is waiting. The notification carries no content: an e-mail or text can be read by
  someone else, so it only asks the participant to sign in.
- ``read_message`` (diversion.use_portal, the participant's own message): marks it read the first time,
  audited ``diversion.message_read`` (the coordinator can then see the participant has read it).
"""

from __future__ import annotations

from django.db import transaction

from oms.core import clock, notifications
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.core.ids import parse_public_id
from oms.diversion.models import CoordinatorMessage, Participation
from oms.diversion.queries import participations as queries
from oms.diversion.queries.portal import my_participations
from oms.diversion.services._common import audit, clean_text
from oms.people.queries.portal import portal_recipients

MANAGE = "diversion.manage"
USE_PORTAL = "diversion.use_portal"
PORTAL_LINK = "/diversion/portal/"


def participant_recipients(participation: Participation) -> tuple[notifications.Recipient, ...]:
    """The participant, through the contact details of their open portal account; none without one."""
    return portal_recipients(participation.person)


def notify_participant(participation: Participation, kind: str, subject: str, body: str, link: str = PORTAL_LINK):
    """Tell the participant something (no-op without an open portal account). Call after commit."""
    recipients = participant_recipients(participation)
    if not recipients:
        return
    notifications.notify(
        notifications.Message(
            kind=f"diversion.{kind}",
            subject=subject,
            body=body,
            recipients=recipients,
            link=link,
            details={"participation": str(participation.public_id), "audience": "participant"},
        )
    )


def send_message(actor: Actor, *, participation_id, subject: str, body: str) -> CoordinatorMessage:
    actor.require(MANAGE)
    participation = queries.find_participation(actor, participation_id)
    message = CoordinatorMessage.objects.create(
        participation=participation,
        subject=clean_text(subject, "subject", 200, required=True),
        body=clean_text(body, "body", 5000, required=True, label="message"),
        sent_at=clock.now(),
        sent_by_id=actor.user_id,
    )
    audit(
        actor,
        participation,
        "message_sent",
        changed=["messages"],
        details={"message": str(message.public_id), "subject": message.subject},
    )
    transaction.on_commit(
        lambda: notify_participant(
            participation,
            "message_sent",
            "You have a new message from your diversion coordinator",
            "Sign in to the participant portal to read it.",
            link=f"{PORTAL_LINK}messages/{message.public_id}/",
        )
    )
    return message


def list_messages(actor: Actor, *, participation_id) -> list[CoordinatorMessage]:
    """The messages sent to a participant, newest first (diversion.view, participation in scope)."""
    actor.require("diversion.view")
    participation = queries.find_participation(actor, participation_id)
    return list(participation.messages.select_related("sent_by").order_by("-sent_at", "-id"))


def find_my_message(actor: Actor, message_id, *, for_update: bool = False) -> CoordinatorMessage:
    actor.require(USE_PORTAL)
    wanted = parse_public_id(message_id, code="diversion.message_not_found")
    found = CoordinatorMessage.objects.select_related("participation__programme__site", "sent_by").filter(
        participation__in=my_participations(actor), public_id=wanted
    )
    if for_update:
        found = found.select_for_update(of=("self",))
    message = found.first()
    if message is None:
        raise NotFound("No such message", code="diversion.message_not_found")
    return message


def read_message(actor: Actor, *, message_id) -> CoordinatorMessage:
    message = find_my_message(actor, message_id, for_update=True)
    if message.read_at is None:
        message.read_at = clock.now()
        message.save(update_fields=["read_at"])
        audit(
            actor,
            message.participation,
            "message_read",
            changed=["messages"],
            details={"message": str(message.public_id)},
        )
    return message
