"""What an electronic monitoring alert means for the supervising officer: pure tables over the alert kind
strings of ``monitoring.models.Alert.Kind`` (no ORM, no clock).

A kind mapped to a severity raises a violation on the person's open supervision case (source
``monitoring_alert``) through the sanctions service; a kind mapped to ``None`` raises none and is only
shown on the officer's caseload, because it says more about the equipment or the signal than about what
the person did.
"""

from __future__ import annotations

# OMS defaults (docs/supervision-breach.md): the person went where the order forbids, was out during the
# curfew, or interfered with the tag: high, the band where the matrix allows breach (and recall on a
# licence). Leaving an inclusion zone or missing an attendance window is a failure to comply that often
# has an explanation (a bus detour, a late appointment): medium. No fix for a while and a low battery
# are most often a dead spot or a charger left at home: no violation; the officer sees them open on the
# caseload and the monitoring centre follows them up. Alcohol monitoring: drinking on an abstinence
# order and tampering with the device are high like a strap tamper; a missed scheduled breath test is
# medium like a missed attendance.
ALERT_SEVERITY: dict[str, str | None] = {
    "exclusion_entered": "high",
    "curfew_breached": "high",
    "strap_tamper": "high",
    "alcohol_detected": "high",
    "alcohol_tamper": "high",
    "inclusion_left": "medium",
    "attendance_missed": "medium",
    "alcohol_test_missed": "medium",
    "no_fix": None,
    "low_battery": None,
}


def violation_severity(kind: str) -> str | None:
    """The severity of the violation an alert of ``kind`` raises, or None for none. An unknown kind (a
    new alert kind monitoring adds later) raises none until this table says otherwise: better an alert
    shown on the caseload than a violation the officer must answer for a reason nobody chose."""
    return ALERT_SEVERITY.get(kind)
