"""Reminders before due dates and follow-ups on missed obligations, through ``oms.core.notifications``.

The daily job (``send_due_notices``) looks at every requirement of an active participation: when its next
date (the due date, or the next restitution instalment) is within ``rules.progress.DUE_SOON_DAYS`` days it
sends one reminder for that date; when a date has passed unmet it sends one follow-up for that date, the
first time the job runs after it (the job runs daily, so the day after the due date). A ``NoticeSent``
row makes each notice go once; each is audited as ``diversion.notice_sent``. A missed session, a positive
test or a new arrest is followed up at once when recorded.

Recipients: the active users holding diversion.manage whose scope reaches the programme's site, and the
participant too (through their open portal account's contact details, ``messages.notify_participant``),
in words addressed to them and pointing at the portal. A participant without a portal account gets
nothing: the coordinator's follow-up reaches them.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Q

from oms.accounts.models import RolePermission, User
from oms.audit.services import record_event
from oms.core import clock, notifications
from oms.core.actor import Actor, Scope
from oms.diversion.models import NoticeSent, Participation, Requirement
from oms.diversion.rules import progress as rules
from oms.diversion.services.messages import notify_participant
from oms.facilities.models import Site

MANAGE = "diversion.manage"


def coordinators_of(site: Site) -> list[User]:
    roles = RolePermission.objects.filter(permission=MANAGE).values("role_id")
    users = User.objects.filter(is_active=True, role_grants__role_id__in=roles).filter(
        Q(scope=Scope.NATIONAL)
        | Q(scope=Scope.ORGANISATION, organisation_id=site.organisation_id)
        | Q(scope__in=[Scope.SITES, Scope.CASELOAD], sites=site)
    )
    return list(users.distinct().order_by("username"))


def _to_coordinators(participation: Participation, kind: str, subject: str, body: str, details: dict) -> None:
    site = participation.programme.site
    recipients = tuple(notifications.Recipient(name=u.username, email=u.email or "") for u in coordinators_of(site))
    notifications.notify(
        notifications.Message(
            kind=f"diversion.{kind}",
            subject=subject,
            body=body,
            recipients=recipients,
            link=f"/diversion/participants/{participation.public_id}/",
            details={"participation": str(participation.public_id), **details},
        )
    )


def _send(
    requirement: Requirement, kind: str, subject: str, body: str, details: dict, participant: tuple[str, str]
) -> None:
    """To the coordinators, then (in their own words, ``participant`` = subject and body) the participant."""
    participation = requirement.participation
    _to_coordinators(participation, kind, subject, body, {"requirement": str(requirement.public_id), **details})
    notify_participant(participation, kind, *participant)


def notify_coordinators_of_hours(entry) -> None:
    """Hours logged by the participant in the portal await verification."""
    participation = entry.requirement.participation
    _to_coordinators(
        participation,
        "hours_to_verify",
        f"Diversion hours to verify: {_who(participation)}",
        f"{entry.minutes} minutes on {entry.worked_on.isoformat()} at {entry.place} (supervisor "
        f"{entry.supervisor_name}), logged by the participant. Check with the placement, then verify.",
        {"entry": str(entry.public_id)},
    )


def notify_coordinators_of_check_in(check_in) -> None:
    """A check-in saying the participant is struggling or wants to be contacted."""
    participation = check_in.participation
    _to_coordinators(
        participation,
        "check_in_needs_contact",
        f"Diversion check-in needs a reply: {_who(participation)}",
        f"Checked in on {check_in.on.isoformat()}: {check_in.get_wellbeing_display().lower()}"
        f"{', asked to be contacted' if check_in.wants_contact else ''}. Contact the participant.",
        {"check_in": str(check_in.public_id)},
    )


def _who(participation: Participation) -> str:
    person = participation.person
    return f"{person.family_name.upper()}, {person.given_name} ({person.system_number})"


def notify_follow_up(requirement: Requirement, what: str) -> None:
    """Follow up at once on something recorded (a missed session, a positive test, a new arrest)."""
    participation = requirement.participation
    _send(
        requirement,
        "obligation_missed",
        f"Diversion follow-up: {_who(participation)}",
        f"{requirement.get_kind_display()}: {what}. Contact the participant and record the follow-up.",
        {"what": what},
        (
            "Diversion programme: please contact your coordinator",
            f"{requirement.get_kind_display()}: {what}. Please contact your coordinator.",
        ),
    )


def send_due_notices(actor: Actor, *, today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders and missed-obligation follow-ups owed today; returns how many of each."""
    from oms.diversion.queries.participations import detail_of

    today = today or clock.today()
    sent = {"reminder": 0, "missed": 0}
    active = Participation.objects.filter(state=Participation.State.ACTIVE).select_related("person", "programme__site")
    for participation in active.iterator(chunk_size=200):
        detail = detail_of(participation, today=today)
        for item in detail.requirements:
            kind = rules.notice_due(item.status, today)
            if kind is None:
                continue
            about = item.status.missed_on if kind == "missed" else item.status.next_due_on
            if (
                about is None
                or NoticeSent.objects.filter(requirement=item.requirement, kind=kind, due_on=about).exists()
            ):
                continue
            NoticeSent.objects.create(requirement=item.requirement, kind=kind, due_on=about, sent_at=clock.now())
            if kind == "reminder":
                subject = f"Diversion reminder: {_who(participation)}, {item.label} due {about.isoformat()}"
                body = f"{item.label} is due on {about.isoformat()}: {item.status.explanation}."
                to_participant = (
                    f"Reminder: {item.label} is due on {about.isoformat()}",
                    f"{item.label} is due on {about.isoformat()}: {item.status.explanation}. "
                    "See your progress on the participant portal.",
                )
            else:
                subject = f"Diversion follow-up: {_who(participation)}, {item.label} missed {about.isoformat()}"
                body = f"{item.label} was due on {about.isoformat()} and is not met: {item.status.explanation}."
                to_participant = (
                    f"Missed: {item.label} was due on {about.isoformat()}",
                    f"{item.label} was due on {about.isoformat()} and is not met: {item.status.explanation}. "
                    "Please contact your coordinator.",
                )
            item.requirement.participation = participation
            message_kind = "due_reminder" if kind == "reminder" else "obligation_missed"
            details = {"due_on": about.isoformat()}
            transaction.on_commit(
                partial(_send, item.requirement, message_kind, subject, body, details, to_participant)
            )
            record_event(
                actor,
                "diversion.notice_sent",
                object_type="diversion_participation",
                object_id=participation.public_id,
                subject_person_id=participation.person_id,
                site_id=participation.programme.site_id,
                changed_fields=["notices"],
                details={"kind": kind, "requirement": item.requirement.kind, "due_on": about.isoformat()},
            )
            sent[kind] += 1
    return sent
