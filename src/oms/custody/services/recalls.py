"""Recalls from licence, told to custody by supervision: the person is recalled and expected back.

``record_recall_from_supervision`` is subscribed to ``supervision.recall_issued`` in ``CustodyConfig.ready``
(custody sits below supervision and must not import it). It runs in the breach's transaction under the
officer who recorded the recall: the proven breach is the authority, custody records its consequence.
It records a ``Recall`` expected at the establishment that last released the person, sets the person's
legal status to recall (people service, lent people.edit as reception is), and audits
``custody.recall_recorded`` (on the person's timeline). One recall per supervision case: a repeated event
records nothing. A person already in custody (held on something else) is returned at once: the recall
notice is added to their episode as a lawful authority.

``return_on_recall`` is called by reception when it receives a person with an awaited recall: the recall
is marked returned with the new episode (audited ``custody.recall_returned``) and, unless a recall
notice was recorded at reception, the episode carries the warning ``custody.recall_notice_missing``
(resolved when one is added).
"""

from __future__ import annotations

import datetime as dt

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event
from oms.core.ids import parse_public_id
from oms.custody.models import CustodyEpisode, LawfulAuthority, Recall
from oms.people import services as people_services
from oms.people.models import Person

RECALL_ISSUED = "supervision.recall_issued"
NOTICE_MISSING = "custody.recall_notice_missing"


def _audit(actor: Actor, action: str, recall: Recall, *, reason: str = "", **details) -> None:
    record_event(
        actor,
        action,
        object_type="custody_recall",
        object_id=recall.public_id,
        subject_person_id=recall.person_id,
        site_id=recall.expected_at_id,
        details={
            "recalled_on": recall.recalled_on.isoformat(),
            "licence_reference": recall.licence_reference,
            "supervision_case_id": recall.supervision_case_id,
            **details,
        },
        reason=reason,
    )


def _licence_words(recall: Recall) -> str:
    return f"licence {recall.licence_reference}" if recall.licence_reference else "licence"


def record_recall_from_supervision(actor: Actor, event: Event) -> Recall | None:
    """Handle ``supervision.recall_issued``: record the recall (see the module docstring)."""
    payload = event.payload
    case_id = str(payload.get("case_id") or "")
    if not case_id or Recall.objects.filter(supervision_case_id=case_id).exists():
        return None
    # Looked up directly, like supervision's release subscriber: the event is supervision's word that the
    # person exists, and the recalling officer's scope is a probation office, not a prison.
    person = (
        Person.objects.select_for_update()
        .filter(public_id=parse_public_id(payload.get("person_id"), code="people.not_found"))
        .first()
    )
    if person is None:
        return None
    recalled_on = dt.date.fromisoformat(payload["recalled_on"])
    active = CustodyEpisode.objects.select_for_update().filter(person=person, status=CustodyEpisode.Status.ACTIVE)
    held = active.select_related("site").first()
    last = held or CustodyEpisode.objects.filter(person=person).order_by("-received_at", "-id").first()
    now = clock.now()
    recall = Recall.objects.create(
        person=person,
        expected_at_id=last.site_id if last else None,
        recalled_on=recalled_on,
        licence_reference=(payload.get("licence_reference") or "")[:60],
        supervision_case_id=case_id[:40],
        reason=(payload.get("reason") or "")[:2000],
        status=Recall.Status.RETURNED if held else Recall.Status.AWAITED,
        returned_episode=held,
        returned_at=now if held else None,
        recorded_at=now,
        recorded_by_id=actor.user_id,
    )
    if held is not None:
        # Already in custody on something else: the recall becomes one more basis for holding them.
        LawfulAuthority.objects.create(
            episode=held,
            kind=LawfulAuthority.Kind.RECALL,
            reference=recall.licence_reference or f"Recall {recalled_on:%d/%m/%Y}",
            issued_by="Probation: recall from licence",
            issued_on=recalled_on,
            recorded_by_id=actor.user_id,
        )
    if person.legal_status != Person.LegalStatus.RECALL:
        people_services.update_person(
            actor.lent("people.edit"),
            person_id=person.public_id,
            version=person.version,
            legal_status=Person.LegalStatus.RECALL,
        )
    words = _licence_words(recall)
    _audit(
        actor,
        "custody.recall_recorded",
        recall,
        reason=(
            f"Recalled from {words} on {recalled_on:%d %B %Y}: "
            + (f"already in custody (booking {held.booking_number})" if held else "unlawfully at large, expected back")
        ),
        status=recall.status,
        trigger=RECALL_ISSUED,
        breach_id=payload.get("breach_id"),
        episode_id=str(held.public_id) if held else None,
    )
    return recall


def return_on_recall(actor: Actor, episode: CustodyEpisode) -> Recall | None:
    """Reception's part: close the person's awaited recall as returned with ``episode`` (see the module
    docstring). Called inside ``receive_person`` after the episode and its authorities are written."""
    recall = (
        Recall.objects.select_for_update().filter(person_id=episode.person_id, status=Recall.Status.AWAITED).first()
    )
    if recall is None:
        return None
    now = clock.now()
    recall.status = Recall.Status.RETURNED
    recall.returned_episode = episode
    recall.returned_at = now
    recall.save(update_fields=["status", "returned_episode", "returned_at"])
    if not episode.authorities.filter(kind=LawfulAuthority.Kind.RECALL, ended_on__isnull=True).exists():
        episode.reception_warnings = [
            *episode.reception_warnings,
            {
                "code": NOTICE_MISSING,
                "detail": f"Returned on recall from {_licence_words(recall)} (recalled on "
                f"{recall.recalled_on:%d %B %Y}). Record the recall notice as a lawful authority.",
                "raised_at": now.isoformat(),
            },
        ]
        episode.save(update_fields=["reception_warnings", "updated_at"])
    _audit(
        actor,
        "custody.recall_returned",
        recall,
        reason=f"Returned on recall at {episode.site.name} (booking {episode.booking_number})",
        episode_id=str(episode.public_id),
        site=episode.site.code,
    )
    return recall
