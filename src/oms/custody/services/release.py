"""Release: the checks that prevent a release in error, queueing the release notifications, and
releasing the person (the episode closes, the bed is freed, ``custody.person_released`` is published).
"""

from __future__ import annotations

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.models import OutboxMessage
from oms.custody.models import CustodyEpisode, LawfulAuthority, Movement, PropertyItem
from oms.custody.queries import get_episode
from oms.custody.rules import reception as rules
from oms.custody.services._common import emit, end_bed_assignment, new_movement
from oms.custody.services.reception import _with_people_edit, cash_balance
from oms.people import services as people_services
from oms.people.models import Alert, PersonSiteLink
from oms.sentencing.models import Warrant
from oms.sentencing.queries.records import open_warrants_and_detainers

NOTIFICATION_EVENT = "custody.release_notification_queued"

# Why a person leaves; "unrecorded_transfer" is set only by reception elsewhere.
RELEASE_REASONS = {
    "sentence_served": "Sentence served",
    "bail": "Bail granted",
    "court_order": "Released by court order",
    "charges_dropped": "Charges dropped or not proceeded with",
    "acquitted": "Acquitted",
    "licence": "Released on licence",
    "immigration_bail": "Immigration bail",
    "other": "Other",
}


def _recipients(episode: CustodyEpisode) -> list[str]:
    alert_types = Alert.objects.filter(person_id=episode.person_id, closed_at__isnull=True).values_list(
        "type", flat=True
    )
    return rules.release_notification_recipients(episode.legal_status, alert_types)


def _queued_recipients(episode: CustodyEpisode) -> list[str]:
    # Filtered on the outbox's indexed person column first; the episode id in the payload narrows it to
    # this episode (a JSON key lookup that SQLite and PostgreSQL both support).
    return sorted(
        OutboxMessage.objects.filter(
            name=NOTIFICATION_EVENT,
            person_public_id=episode.person.public_id,
            payload__episode_id=str(episode.public_id),
        ).values_list("payload__recipient", flat=True)
    )


def _checks(episode: CustodyEpisode, court_order_reference: str) -> list[rules.ReleaseCheck]:
    authorities = [
        rules.AuthorityFacts(a.kind, a.reference, a.expires_on, a.document_seen, a.ended_on)
        for a in LawfulAuthority.objects.filter(episode=episode)
    ]
    # Warrants and detainers on the person's legal record (sentencing) hold them too, whether or not
    # reception recorded them as authorities of this episode.
    authorities += [
        rules.AuthorityFacts(
            "detainer" if w.kind in (Warrant.Kind.DETAINER, Warrant.Kind.IMMIGRATION) else "outstanding_warrant",
            f"{w.reference} ({w.issued_by})",
            None,
            True,
        )
        for w in open_warrants_and_detainers(episode.person)
    ]
    facts = rules.ReleaseFacts(
        today=clock.today(),
        release_due_on=episode.release_due_on,
        court_order_reference=court_order_reference,
        authorities=authorities,
        property_outstanding=PropertyItem.objects.filter(episode=episode, status=PropertyItem.Status.STORED).count(),
        cash_balance_minor=cash_balance(episode),
        notifications_needed=_recipients(episode),
        notifications_queued=_queued_recipients(episode),
    )
    return rules.release_checks(facts)


def release_checks(
    actor: Actor, episode: CustodyEpisode | str, *, court_order_reference: str = ""
) -> list[rules.ReleaseCheck]:
    """Every release check for the episode, passed or failed, with a plain message (custody.view, in
    scope). A read: no audit."""
    if not isinstance(episode, CustodyEpisode):
        episode = get_episode(actor, episode)
    else:
        actor.require("custody.view")
        actor.require_site(episode.site_id, episode.site.organisation_id)
    return _checks(episode, court_order_reference.strip())


def _queue_notifications(actor: Actor, episode: CustodyEpisode, recipients: list[str], *, late: bool) -> None:
    for recipient in recipients:
        emit(
            actor,
            NOTIFICATION_EVENT,
            episode,
            recipient=recipient,
            release_due_on=episode.release_due_on.isoformat() if episode.release_due_on else None,
            late=late,
        )


def queue_release_notifications(actor: Actor, *, episode_id) -> list[str]:
    """Queue the release notifications (police; probation for the convicted; victim liaison when an open
    violence or safeguarding alert exists) in the outbox ahead of the release (custody.release). Those
    already queued for this episode are not queued twice. Audited ``custody.release_notifications_queued``.
    Returns the recipients queued now."""
    episode = get_episode(actor, episode_id, permission="custody.release", for_update=True)
    if episode.status != CustodyEpisode.Status.ACTIVE:
        raise Conflict("This person is no longer in custody here.", code="custody.episode_closed")
    missing = [r for r in _recipients(episode) if r not in _queued_recipients(episode)]
    if not missing:
        raise Conflict("Release notifications are already queued.", code="custody.notifications_already_queued")
    _queue_notifications(actor, episode, missing, late=False)
    record_event(
        actor,
        "custody.release_notifications_queued",
        object_type="custody_episode",
        object_id=episode.public_id,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        details={"recipients": missing},
    )
    return missing


class ReleaseRefused(RuleViolation):
    """The release checks failed."""

    code = "custody.release_checks_failed"

    def __init__(self, failed: list[rules.ReleaseCheck], *, may_override: bool):
        detail = "Release checks failed: " + " ".join(c.message for c in failed)
        overridable = [c for c in failed if c.overridable]
        if overridable and len(overridable) == len(failed):
            detail += (
                " A supervisor may release anyway with a reason."
                if not may_override
                else " Give an override reason to release anyway."
            )
        super().__init__(detail, field="override_reason" if overridable and may_override else "release_checks")
        self.failed = failed


def release_person(
    actor: Actor, *, episode_id, reason: str, court_order_reference: str = "", override_reason: str = ""
) -> CustodyEpisode:
    """Release a person (custody.release, in scope) after the release checks.

    Refuses with ``custody.release_checks_failed`` (422) while any check fails. A supervisor holding
    custody.override_release_checks may release with failed property, cash or notification checks by
    giving ``override_reason``; the release date (without a court order reference) and an outstanding
    warrant or detainer are never overridable. Release frees the bed, records the release movement,
    ends the open authorities and the custody site link (people service), queues any notification not yet queued
    (marked late), closes the episode, audits ``custody.person_released`` and emits
    ``custody.person_released``.
    """
    episode = get_episode(actor, episode_id, permission="custody.release", for_update=True)
    if episode.status != CustodyEpisode.Status.ACTIVE:
        raise Conflict("This person is no longer in custody here.", code="custody.episode_closed")
    if reason not in RELEASE_REASONS:
        raise RuleViolation("Select the reason for release", code="custody.invalid_choice", field="reason")
    court_order_reference = (court_order_reference or "").strip()
    override_reason = (override_reason or "").strip()
    if len(court_order_reference) > 60:
        raise RuleViolation(
            "Court order reference must be 60 characters or less",
            code="custody.too_long",
            field="court_order_reference",
        )
    if len(override_reason) > 500:
        raise RuleViolation(
            "Override reason must be 500 characters or less", code="custody.too_long", field="override_reason"
        )
    if reason == "court_order" and not court_order_reference:
        raise RuleViolation(
            "Enter the court order reference", code="custody.court_order_required", field="court_order_reference"
        )

    checks = _checks(episode, court_order_reference)
    may_override = actor.has("custody.override_release_checks")
    if override_reason and not may_override:
        actor.require("custody.override_release_checks")
    blocking = rules.blocking_checks(checks, may_override=may_override, override_reason=override_reason)
    if blocking:
        raise ReleaseRefused(blocking, may_override=may_override)
    overridden = [c.code for c in checks if not c.passed]

    now = clock.now()
    today = clock.today()
    end_bed_assignment(actor, episode, at=now)
    new_movement(
        actor,
        episode,
        kind=Movement.Kind.RELEASE,
        direction=Movement.Direction.OUT,
        occurred_at=now,
        destination="Released",
        reason=RELEASE_REASONS[reason],
    )
    LawfulAuthority.objects.filter(episode=episode, ended_on__isnull=True).update(ended_on=today, updated_at=now)
    missing = [r for r in _recipients(episode) if r not in _queued_recipients(episode)]
    _queue_notifications(actor, episode, missing, late=True)

    episode.status = CustodyEpisode.Status.RELEASED
    episode.in_out = CustodyEpisode.InOut.OUT
    episode.in_reception = False
    episode.current_location = None
    episode.released_at = now
    episode.released_by_id = actor.user_id
    episode.release_reason = reason
    episode.release_override_reason = override_reason if overridden else ""
    episode.version += 1
    episode.save()
    # The custody link ends through the people service (audited there, under the real user); the records
    # link, if any, stays so the site keeps sight of the record it holds.
    link = PersonSiteLink.objects.filter(
        person_id=episode.person_id, site_id=episode.site_id, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True
    ).first()
    if link is not None:
        people_services.end_site_link(
            _with_people_edit(actor),
            person_id=episode.person.public_id,
            link_id=link.pk,
            reason="Released from custody",
        )

    record_event(
        actor,
        "custody.person_released",
        object_type="custody_episode",
        object_id=episode.public_id,
        subject_person_id=episode.person_id,
        site_id=episode.site_id,
        changed_fields=["status", "in_out", "released_at", "released_by", "release_reason", "release_override_reason"],
        details={
            "reason": reason,
            "court_order_reference": court_order_reference,
            "overridden_checks": overridden,
            "late_notifications": missing,
        },
        reason=override_reason,
    )
    emit(
        actor,
        "custody.person_released",
        episode,
        reason=reason,
        court_order_reference=court_order_reference,
        overridden_checks=overridden,
    )
    return episode
