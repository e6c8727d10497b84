"""Manual overrides of calculated dates.

An override replaces one date type of a person's key dates until it is withdrawn; it survives
recalculations (the pages flag when the calculated date moves under it). The authoriser is the acting
user: a records clerk cannot override on someone else's word inside OMS. Both changes are audited and
published as events so custody's release date follows.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from oms.audit.services import record_event
from oms.core import clock, outbox
from oms.core.actor import Actor
from oms.core.errors import Conflict, PermissionDenied, RuleViolation
from oms.core.events import Event, publish
from oms.people.queries import find_person
from oms.sentencing.models import Calculation, DateOverride
from oms.sentencing.queries.calculations import DATE_TITLES, get_override, key_dates
from oms.sentencing.rules.types import DateType

OVERRIDDEN_EVENT = "sentencing.release_date_overridden"
WITHDRAWN_EVENT = "sentencing.date_override_withdrawn"
MAX_YEARS_AWAY = 150  # a date further from today is a typing mistake, not a release date


def _publish(actor: Actor, name: str, override: DateOverride) -> None:
    person = override.person
    release = key_dates(person).release
    body = {
        "person_id": str(person.public_id),
        "override_id": str(override.public_id),
        "date_type": override.date_type,
        "release_date": release.effective.isoformat() if release and release.effective else None,
        "release_date_type": release.type if release else None,
    }
    outbox.write(name, body, person_public_id=person.public_id)
    publish(actor, Event(name, body))


def override_date(actor: Actor, *, person_id, date_type: str, new_date: dt.date, reason: str) -> DateOverride:
    """Override one date type of the person's latest calculation (sentencing.override_dates; person in
    scope, else NotFound). Needs a calculation to override and a reason; one active override per date
    type (Conflict: withdraw the first). Audited as ``sentencing.release_date_overridden``."""
    actor.require("sentencing.override_dates")
    if actor.user_id is None:
        # The authoriser is recorded by name; the system actor cannot vouch for a date.
        raise PermissionDenied("An override needs a named user as authoriser.", code="sentencing.authoriser_required")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for the override.", code="sentencing.reason_required", field="reason")
    if date_type not in {t.value for t in DateType}:
        raise RuleViolation(
            f"{date_type!r} is not a date type.", code="sentencing.invalid_date_type", field="date_type"
        )
    today = clock.today()
    if abs(new_date.year - today.year) > MAX_YEARS_AWAY:
        raise RuleViolation("That date is too far from today.", code="sentencing.implausible_date", field="date")
    with transaction.atomic():
        person = find_person(actor, person_id, for_update=True)
        calculation = Calculation.objects.filter(person=person, is_latest=True).first()
        if calculation is None:
            raise RuleViolation(
                "There is no calculation to override: calculate the dates first.",
                code="sentencing.no_calculation",
            )
        if DateOverride.objects.filter(person=person, date_type=date_type, status=DateOverride.Status.ACTIVE).exists():
            raise Conflict(
                f"The {DATE_TITLES.get(date_type, date_type)} is already overridden: withdraw that override first.",
                code="sentencing.override_exists",
                field="date_type",
            )
        calculated = calculation.result.get("dates", {}).get(date_type)
        try:
            with transaction.atomic():
                override = DateOverride.objects.create(
                    person=person,
                    calculation=calculation,
                    date_type=date_type,
                    overridden_date=new_date,
                    calculated_date=dt.date.fromisoformat(calculated["date"]) if calculated else None,
                    reason=reason[:1000],
                    authorised_by_id=actor.user_id,
                    authorised_at=clock.now(),
                )
        except IntegrityError as error:  # two overrides of one type at the same moment
            raise Conflict("The date was overridden meanwhile.", code="sentencing.override_exists") from error
        record_event(
            actor,
            OVERRIDDEN_EVENT,
            object_type="date_override",
            object_id=str(override.public_id),
            subject_person_id=person.pk,
            details={
                "date_type": date_type,
                "overridden_date": new_date.isoformat(),
                "calculated_date": calculated["date"] if calculated else None,
                "calculation": str(calculation.public_id),
                "reason": reason[:1000],
            },
        )
        _publish(actor, OVERRIDDEN_EVENT, override)
    return override


def withdraw_override(actor: Actor, *, override_id, reason: str) -> DateOverride:
    """Withdraw an active override with a reason (sentencing.override_dates; person in scope, else
    NotFound); the calculated date applies again. Audited as ``sentencing.date_override_withdrawn``."""
    actor.require("sentencing.override_dates")
    if actor.user_id is None:
        raise PermissionDenied("Withdrawing an override needs a named user.", code="sentencing.authoriser_required")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Give the reason for withdrawing.", code="sentencing.reason_required", field="reason")
    with transaction.atomic():
        override = get_override(actor, override_id, for_update=True)
        if override.status != DateOverride.Status.ACTIVE:
            raise Conflict("This override has already been withdrawn.", code="sentencing.override_withdrawn")
        override.status = DateOverride.Status.WITHDRAWN
        override.withdrawn_by_id = actor.user_id
        override.withdrawn_at = clock.now()
        override.withdrawn_reason = reason[:500]
        override.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawn_reason"])
        record_event(
            actor,
            WITHDRAWN_EVENT,
            object_type="date_override",
            object_id=str(override.public_id),
            subject_person_id=override.person_id,
            details={"date_type": override.date_type, "reason": reason[:500]},
        )
        _publish(actor, WITHDRAWN_EVENT, override)
    return override
