"""Reading an order's recent alcohol readings (for the order page; the order is already read in scope)."""

from __future__ import annotations

import datetime as dt

from oms.core import clock
from oms.monitoring.models import AlcoholReading, MonitoringOrder


def recent_readings(order: MonitoringOrder, *, hours: int = 72, limit: int = 200) -> list[AlcoholReading]:
    """The order's alcohol readings of the last ``hours``, newest first, at most ``limit``."""
    since = clock.now() - dt.timedelta(hours=hours)
    return list(
        AlcoholReading.objects.filter(lineage=order.lineage, recorded_at__gte=since)
        .select_related("device")
        .order_by("-recorded_at")[:limit]
    )
