"""Alerts: opening and closing them from evaluation (one open alert per condition and kind), and the
officer's acknowledgement and outcome.

Opening publishes ``monitoring.alert_opened`` (oms.core.events) so supervision can subscribe. Officers
need monitoring.handle_alerts and the person in scope. Audited as ``monitoring.alert_opened|closed|
acknowledged|outcome_recorded``.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import Conflict, RuleViolation
from oms.core.events import Event, publish
from oms.monitoring.models import Alert, MonitoringOrder
from oms.monitoring.queries.orders import find_alert
from oms.monitoring.rules.episodes import Transition
from oms.monitoring.services._common import audit, clean_text

HANDLE = "monitoring.handle_alerts"
ALERT_OPENED = "monitoring.alert_opened"


def _instant(epoch_s: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch_s, tz=dt.UTC)


def open_keys(order: MonitoringOrder) -> set[tuple]:
    return {
        (condition_id, kind)
        for condition_id, kind in Alert.objects.filter(order=order, closed_at__isnull=True).values_list(
            "condition_id", "kind"
        )
    }


def apply_transitions(actor: Actor, order: MonitoringOrder, changes: list[Transition]) -> tuple[int, int]:
    """Open and close alerts as evaluation decided; returns (opened, closed)."""
    opened = closed = 0
    for change in changes:
        condition_id, kind = change.key
        at = _instant(change.at)
        if change.action == "open":
            try:
                with transaction.atomic():  # a concurrent ingest may have opened it: the constraint decides
                    alert = Alert.objects.create(order=order, condition_id=condition_id, kind=kind, opened_at=at)
            except IntegrityError:
                continue
            opened += 1
            audit(
                actor,
                "monitoring.alert_opened",
                object_type="monitoring_alert",
                object_id=alert.public_id,
                person_id=order.person_id,
                details={"kind": kind, "order": str(order.public_id)},
            )
            publish(
                actor,
                Event(
                    ALERT_OPENED,
                    {
                        "alert_id": str(alert.public_id),
                        "order_id": str(order.public_id),
                        "person_id": order.person_id,
                        "kind": kind,
                        "opened_at": at.isoformat(),
                    },
                ),
            )
        else:
            alert = Alert.objects.filter(
                order=order, condition_id=condition_id, kind=kind, closed_at__isnull=True
            ).first()
            if alert is None:
                continue
            alert.closed_at = max(at, alert.opened_at)
            alert.save(update_fields=["closed_at"])
            closed += 1
            audit(
                actor,
                "monitoring.alert_closed",
                object_type="monitoring_alert",
                object_id=alert.public_id,
                person_id=order.person_id,
                details={"kind": kind},
            )
    return opened, closed


def acknowledge_alert(actor: Actor, *, alert_id) -> Alert:
    """Acknowledge an alert: the officer has seen it and is dealing with it (once)."""
    actor.require(HANDLE)
    alert = find_alert(actor, alert_id, for_update=True)
    if alert.acknowledged_at is not None:
        raise Conflict("This alert is already acknowledged", code="monitoring.alert_acknowledged")
    alert.acknowledged_at = clock.now()
    alert.acknowledged_by_id = actor.user_id
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit(
        actor,
        "monitoring.alert_acknowledged",
        object_type="monitoring_alert",
        object_id=alert.public_id,
        person_id=alert.order.person_id,
    )
    return alert


def record_outcome(actor: Actor, *, alert_id, outcome: str, notes: str = "") -> Alert:
    """Record what was done about an acknowledged alert (may be corrected later; each change audited)."""
    actor.require(HANDLE)
    if outcome not in Alert.Outcome.values or not outcome:
        raise RuleViolation("Select the outcome", code="monitoring.bad_choice", field="outcome")
    notes = clean_text(notes, "notes", 2000)
    alert = find_alert(actor, alert_id, for_update=True)
    if alert.acknowledged_at is None:
        raise Conflict("Acknowledge the alert first", code="monitoring.alert_not_acknowledged")
    alert.outcome = outcome
    alert.outcome_notes = notes
    alert.outcome_at = clock.now()
    alert.outcome_by_id = actor.user_id
    alert.save(update_fields=["outcome", "outcome_notes", "outcome_at", "outcome_by"])
    audit(
        actor,
        "monitoring.alert_outcome_recorded",
        object_type="monitoring_alert",
        object_id=alert.public_id,
        person_id=alert.order.person_id,
        details={"outcome": outcome},
    )
    return alert
