"""Supervision's reaction to electronic monitoring: an alert opened on a person with an open supervision
case raises a violation on that case, with the severity ``rules.monitoring.ALERT_SEVERITY`` gives the
alert's kind (no violation for a no-fix gap or a low battery: those are shown on the caseload only).

Subscribed to ``monitoring.alert_opened`` in ``SupervisionConfig.ready``. Runs in the evaluation's
transaction under whoever ran it (the device feed's API client, the silent-devices job): the alert is
the authority and the violation its recorded consequence, so the actor is lent supervision.manage_breach
for the one call, as a positive drug test does. The violation is audited by the sanctions service as
``supervision.violation_recorded`` with ``details.trigger = "monitoring.alert_opened"`` and the alert id.

One violation per alert: the alert's public id is written into the violation's description (the
reference an officer quotes to the monitoring centre) and looked up there under the case row lock
before recording, so a repeated event records nothing. No supervision migration was needed for it.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event
from oms.core.ids import parse_public_id
from oms.supervision.models import SupervisionCase, Violation
from oms.supervision.rules.monitoring import violation_severity
from oms.supervision.services import sanctions as sanction_services

TRIGGER = "monitoring.alert_opened"

# The monitoring app's words for its alert kinds, kept here as plain text so a violation reads the same
# whichever release of monitoring raised it.
KIND_WORDS = {
    "exclusion_entered": "Exclusion zone entered",
    "inclusion_left": "Inclusion zone left",
    "curfew_breached": "Curfew breached",
    "attendance_missed": "Away from a place during attendance",
    "strap_tamper": "Strap tamper",
    "alcohol_detected": "Alcohol above the threshold",
    "alcohol_test_missed": "Scheduled alcohol test missed",
    "alcohol_tamper": "Alcohol device tamper or obstruction",
}


def alert_reference(alert_id: str) -> str:
    """The text that ties a violation to its alert (searched for idempotency; shown to the officer)."""
    return f"[monitoring alert {alert_id}]"


def _case_for(person_id: int) -> SupervisionCase | None:
    """The person's open case the violation goes on, locked: a licence first (a monitoring condition is
    most often a licence condition, and recall is only possible there), then probation, then pretrial."""
    order = {SupervisionCase.Kind.LICENCE: 0, SupervisionCase.Kind.PROBATION: 1, SupervisionCase.Kind.PRETRIAL: 2}
    cases = list(
        SupervisionCase.objects.select_for_update()
        .select_related("person")
        .filter(person_id=person_id, status=SupervisionCase.Status.OPEN)
    )
    cases.sort(key=lambda c: (order.get(c.kind, 9), c.starts_on, c.pk))
    return cases[0] if cases else None


def raise_violation_for_alert(actor: Actor, event: Event) -> Violation | None:
    """Handle ``monitoring.alert_opened``: record a violation (source monitoring_alert) on the person's
    open case when the kind warrants one; nothing when it does not, when the person has no open case, or
    when the alert already has its violation."""
    payload = event.payload
    severity = violation_severity(payload.get("kind", ""))
    if severity is None or payload.get("person_id") is None:
        return None
    alert_id = str(parse_public_id(payload["alert_id"], code="monitoring.alert_not_found"))
    case = _case_for(payload["person_id"])
    if case is None:
        return None
    reference = alert_reference(alert_id)
    if case.violations.filter(source=Violation.Source.MONITORING_ALERT, description__contains=reference).exists():
        return None
    opened_at = dt.datetime.fromisoformat(payload["opened_at"])
    local = timezone.localtime(opened_at)
    # The sanctions service wants a day within the case and not in the future: a late-arriving batch or a
    # case opened after the episode began still gets its violation, on the nearest day allowed.
    occurred_on = min(max(local.date(), case.starts_on), clock.today())
    words = KIND_WORDS.get(payload["kind"], payload["kind"].replace("_", " ").capitalize())
    return sanction_services.record_violation_on(
        actor.lent(sanction_services.MANAGE_BREACH),
        case,
        source=Violation.Source.MONITORING_ALERT,
        severity=severity,
        description=f"{words} at {local:%H:%M on %d %B %Y} {reference}",
        occurred_on=occurred_on,
        details={
            "trigger": TRIGGER,
            "alert_id": alert_id,
            "order_id": payload.get("order_id"),
            "kind": payload["kind"],
        },
    )
