"""Shared by the monitoring services: settings with their defaults, text checks, the audit call."""

from __future__ import annotations

from django.conf import settings

from oms.audit.services import record_event
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.monitoring.rules.evaluation import Settings

DEFAULTS = {
    "FIX_RETENTION_DAYS": 90,  # fixes older than this are purged (purge_fixes / oms monitoring purge-fixes)
    "MAX_GAP_MINUTES": 15,  # longer without a fix opens a no-fix alert
    "LOW_BATTERY_PCT": 20,
    "BATTERY_RECOVERY_PCT": 5,
    "MAX_ACCURACY_M": 200,  # fixes vaguer than this do not decide zone or curfew states
    "MAX_FUTURE_SECONDS": 300,  # device clocks may run a little ahead; more is refused
}


def setting(name: str):
    """``settings.OMS_MONITORING[name]``, or the default above."""
    return {**DEFAULTS, **getattr(settings, "OMS_MONITORING", {})}[name]


def evaluation_settings() -> Settings:
    return Settings(
        max_gap_s=int(setting("MAX_GAP_MINUTES")) * 60,
        low_battery_pct=int(setting("LOW_BATTERY_PCT")),
        battery_recovery_pct=int(setting("BATTERY_RECOVERY_PCT")),
        max_accuracy_m=float(setting("MAX_ACCURACY_M")),
    )


def clean_text(value, field: str, limit: int, *, required: bool = False, label: str = "") -> str:
    label = label or field.replace("_", " ")
    value = (value or "").strip()
    if required and not value:
        raise RuleViolation(f"Enter the {label}", code="monitoring.missing", field=field)
    if len(value) > limit:
        raise RuleViolation(f"The {label} must be {limit} characters or fewer", code="monitoring.too_long", field=field)
    return value


def audit(actor: Actor, action: str, *, object_type: str, object_id, person_id=None, details=None, reason=""):
    record_event(
        actor,
        action,
        object_type=object_type,
        object_id=str(object_id),
        subject_person_id=person_id,
        details=details or {},
        reason=reason,
    )
