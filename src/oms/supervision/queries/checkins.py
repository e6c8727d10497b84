"""Reading check-ins: one check-in or a case's check-ins for staff (person in scope, supervision.view),
the participant's own (through ``portal_person``, never an id of a person from the request), what the
caseload counts, and the facts the identity check compares with.

Reading a submitted check-in (the answers are personal, some special category: health, drug use) is
audited as ``supervision.check_in_viewed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import NotFound
from oms.people.models import Address, Person
from oms.people.queries.portal import portal_person
from oms.people.queries.records import one_in_scope, rows_in_scope
from oms.supervision.models import Appointment, CheckIn, CheckInSchedule, SupervisionCase
from oms.supervision.rules import checkins as rules

VIEW = "supervision.view"
USE_PORTAL = "supervision.use_portal"
LIST_LIMIT = 200


def find_check_in(actor: Actor, public_id, *, for_update: bool = False) -> CheckIn:
    """A check-in whose person the actor can reach (staff), for services: no check, no audit."""
    return one_in_scope(
        actor,
        CheckIn.objects.select_related("case__person", "case__officer", "reviewed_by"),
        public_id,
        person_path="case__person",
        code="supervision.check_in_not_found",
        for_update=for_update,
    )


def find_own_check_in(actor: Actor, public_id, *, for_update: bool = False) -> CheckIn:
    """A check-in of the participant's own person; anyone else's answers NotFound."""
    person = portal_person(actor)
    rows = CheckIn.objects.select_related("case__person", "case__officer").filter(case__person=person)
    return one_in_scope(
        actor, rows, public_id, person_path="case__person", code="supervision.check_in_not_found", for_update=for_update
    )


def active_schedule(case: SupervisionCase) -> CheckInSchedule | None:
    return case.check_in_schedules.filter(active=True).first()


def get_check_in(actor: Actor, check_in_id) -> CheckIn:
    """One check-in (supervision.view, person in scope); audited as ``supervision.check_in_viewed``."""
    actor.require(VIEW)
    check_in = find_check_in(actor, check_in_id)
    record_event(
        actor,
        "supervision.check_in_viewed",
        object_type="supervision_check_in",
        object_id=check_in.public_id,
        subject_person_id=check_in.case.person_id,
    )
    return check_in


def check_ins_of(case: SupervisionCase) -> list[CheckIn]:
    """A case already read in scope: its check-ins, newest first (no audit: the case read is)."""
    return list(case.check_ins.select_related("reviewed_by").defer("photo")[:LIST_LIMIT])


def list_check_ins(actor: Actor, *, case_id=None, state: str = "") -> list[CheckIn]:
    """Check-ins the actor can reach (supervision.view), newest first; of one case with ``case_id``."""
    actor.require(VIEW)
    rows = rows_in_scope(actor, CheckIn.objects.select_related("case__person").defer("photo"), "case__person")
    if case_id is not None:
        from oms.supervision.queries.cases import find_case

        rows = rows.filter(case=find_case(actor, case_id))
    if state:
        rows = rows.filter(state=state)
    return list(rows.order_by("-opens_at", "-id")[:LIST_LIMIT])


def to_review_counts(case_ids) -> dict[int, tuple[int, bool]]:
    """Per case: how many check-ins wait for review and whether any of them is flagged (one query)."""
    rows = (
        CheckIn.objects.filter(case__in=list(case_ids), state=CheckIn.State.SUBMITTED)
        .values("case_id")
        .annotate(n=Count("id"), flagged=Count("id", filter=Q(flagged=True)))
        .values_list("case_id", "n", "flagged")
    )
    return {case_id: (n, bool(flagged)) for case_id, n, flagged in rows}


def add_check_ins_to_review(found: list) -> None:
    """Set ``check_ins_to_review`` and ``check_in_flagged`` on caseload entries (queries.cases.CaseStatus)."""
    counts = to_review_counts(s.case.pk for s in found)
    for status in found:
        status.check_ins_to_review, status.check_in_flagged = counts.get(status.case.pk, (0, False))


def identity_record(person: Person, today: dt.date) -> rules.IdentityRecord:
    """The date of birth and the postcode of the current address: the primary one if any, else the newest
    not ended and not a previous address."""
    address = (
        Address.objects.filter(person=person)
        .exclude(kind=Address.Kind.PREVIOUS)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
        .exclude(from_date__gt=today)
        .order_by("-is_primary", "-from_date", "-id")
        .first()
    )
    return rules.IdentityRecord(person.date_of_birth, address.postcode if address else "")


# --- the participant portal ----------------------------------------------------------------------


@dataclass
class PortalHome:
    person: Person
    appointments: list[Appointment]
    open_check_ins: list[CheckIn]


def portal_home(actor: Actor) -> PortalHome:
    """The participant's next appointments and the check-ins they can complete now (supervision.use_portal)."""
    actor.require(USE_PORTAL)
    person = portal_person(actor)
    now = clock.now()
    appointments = list(
        Appointment.objects.filter(
            case__person=person, case__status=SupervisionCase.Status.OPEN, starts_at__gte=now
        ).order_by("starts_at")[:10]
    )
    candidates = CheckIn.objects.filter(case__person=person, state=CheckIn.State.CREATED, opens_at__lte=now).defer(
        "photo"
    )
    open_now = [c for c in candidates.order_by("closes_at") if rules.can_submit(c.state, c.closes_at, c.opens_at, now)]
    return PortalHome(person=person, appointments=appointments, open_check_ins=open_now)


def own_check_in(actor: Actor, check_in_id) -> CheckIn:
    """The participant's own check-in (supervision.use_portal); anyone else's is NotFound."""
    actor.require(USE_PORTAL)
    check_in = find_own_check_in(actor, check_in_id)
    if check_in is None:  # pragma: no cover - one_in_scope raises
        raise NotFound(code="supervision.check_in_not_found")
    return check_in
