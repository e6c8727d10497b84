"""Electronic monitoring records: devices and their assignments and faults, monitoring orders (versioned
by variation) with their conditions and zones, the device fix feed, and the alerts evaluation raises.

Invariants held by the database on SQLite and PostgreSQL alike:
- a device is assigned to at most one order at a time (partial unique index on open assignments);
- a fix is unique per device and time (the ingest is idempotent on it);
- at most one open alert per condition and kind (condition alerts), and per order and kind (alerts about
  the device as a whole: no fix, strap tamper, low battery): no alert storms.
"""

from django.conf import settings
from django.db import models

from oms.core.models import PublicIdModel
from oms.people.models import Person


class Device(PublicIdModel):
    class Kind(models.TextChoices):
        GPS_TAG = "gps_tag", "GPS ankle tag"
        RF_TAG = "rf_tag", "Radio-frequency curfew tag"
        ALCOHOL_TAG = "alcohol_tag", "Alcohol (transdermal) tag"
        BREATH_UNIT = "breath_unit", "Remote breath alcohol tester"

    class Status(models.TextChoices):
        IN_STOCK = "in_stock", "In stock"
        ASSIGNED = "assigned", "Assigned"
        FAULTY = "faulty", "Faulty"
        RETIRED = "retired", "Retired"

    serial = models.CharField(max_length=40, unique=True)  # what the device reports itself as in the feed
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_STOCK)
    notes = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.serial


class DeviceFault(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="faults")
    description = models.CharField(max_length=1000)
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)


class MonitoringOrder(PublicIdModel):
    """One version of a monitoring order. A variation writes a new row (``version`` + 1, ``previous`` the
    row it replaces, same ``lineage``) and marks the old one superseded: the old conditions stay readable
    as they were when their alerts were raised."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUPERSEDED = "superseded", "Superseded by a variation"
        ENDED = "ended", "Ended"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="monitoring_orders")
    lineage = models.UUIDField(db_index=True)  # shared by every version of one order
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="variation")
    reference = models.CharField(max_length=60, blank=True)  # the court order reference
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    time_zone = models.CharField(max_length=60, default="Europe/London")  # the curfew timetable's wall clock
    variation_reason = models.CharField(max_length=1000, blank=True)
    ended_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="uniq_monitoring_order_version"),
            models.UniqueConstraint(
                fields=["lineage"], condition=models.Q(status="active"), name="uniq_monitoring_order_active_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Monitoring order {self.reference or self.public_id} v{self.version}"


class Zone(PublicIdModel):
    """A place: a polygon (GeoJSON Polygon or MultiPolygon, longitude/latitude, WGS84) or a circle (a GeoJSON
    Point and ``radius_m``, measured in a local metric projection around the point)."""

    name = models.CharField(max_length=100)
    geojson = models.TextField()  # the geometry object only, as normalised on import
    radius_m = models.PositiveIntegerField(null=True, blank=True)  # set exactly when the geometry is a Point
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Condition(PublicIdModel):
    class Kind(models.TextChoices):
        CURFEW = "curfew", "Curfew at an address"
        INCLUSION_ZONE = "inclusion_zone", "Inclusion zone"
        EXCLUSION_ZONE = "exclusion_zone", "Exclusion zone"
        TRAIL = "trail", "Trail monitoring"
        ATTENDANCE = "attendance", "Attendance at a place"
        ALCOHOL = "alcohol", "Alcohol abstinence"

    order = models.ForeignKey(MonitoringOrder, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=200, blank=True)
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, null=True, blank=True, related_name="conditions")
    # Curfew and attendance: [{"days": [0..6 Monday=0, of the day the window starts], "start": "HH:MM",
    # "end": "HH:MM"}]; a window whose end is not after its start runs past midnight.
    timetable = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    def __str__(self) -> str:
        return self.label or self.get_kind_display()


class DeviceAssignment(models.Model):
    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="assignments")
    lineage = models.UUIDField(db_index=True)  # the order (every version) the device is fitted for
    assigned_at = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device"], condition=models.Q(returned_at__isnull=True), name="uniq_open_device_assignment"
            )
        ]


class Fix(models.Model):
    """One position report. On PostgreSQL the table is partitioned by UTC day (migration 0003, partitions
    made ahead by ``services.partitions``) and the retention purge drops whole expired days; on SQLite it
    is a plain table whose purge deletes rows (``services.fixes.purge_fixes``, docs/monitoring.md)."""

    class Strap(models.TextChoices):
        OK = "ok", "Intact"
        TAMPERED = "tampered", "Tampered"

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="fixes")
    recorded_at = models.DateTimeField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    accuracy_m = models.FloatField()
    battery_pct = models.PositiveSmallIntegerField()
    strap = models.CharField(max_length=10, choices=Strap.choices)
    lineage = models.UUIDField(null=True, blank=True)  # the order the device was fitted for at the time
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "recorded_at"], name="uniq_fix_device_time")]
        indexes = [
            models.Index(fields=["lineage", "recorded_at"], name="monitoring_fix_lineage_time"),
            models.Index(fields=["recorded_at"], name="monitoring_fix_time"),
        ]


class Alert(PublicIdModel):
    class Kind(models.TextChoices):
        EXCLUSION_ENTERED = "exclusion_entered", "Exclusion zone entered"
        INCLUSION_LEFT = "inclusion_left", "Inclusion zone left"
        CURFEW_BREACHED = "curfew_breached", "Curfew breached"
        ATTENDANCE_MISSED = "attendance_missed", "Away from a place during attendance"
        NO_FIX = "no_fix", "No fix received"
        STRAP_TAMPER = "strap_tamper", "Strap tamper"
        LOW_BATTERY = "low_battery", "Low battery"
        ALCOHOL_DETECTED = "alcohol_detected", "Alcohol above the threshold"
        ALCOHOL_TEST_MISSED = "alcohol_test_missed", "Scheduled alcohol test missed"
        ALCOHOL_TAMPER = "alcohol_tamper", "Alcohol device tamper or obstruction"

    class Outcome(models.TextChoices):
        NONE = "", "Not recorded"
        NO_ACTION = "no_action", "No further action (explained or equipment)"
        CONTACTED = "contacted", "Person contacted and warned"
        REFERRED = "referred", "Referred to the responsible officer for breach"
        POLICE = "police", "Referred to the police"

    order = models.ForeignKey(MonitoringOrder, on_delete=models.PROTECT, related_name="alerts")
    condition = models.ForeignKey(Condition, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    opened_at = models.DateTimeField()  # when the episode began (the first breaching fix)
    closed_at = models.DateTimeField(null=True, blank=True)  # when the condition cleared
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_notes = models.CharField(max_length=2000, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "kind"],
                condition=models.Q(closed_at__isnull=True, condition__isnull=False),
                name="uniq_open_alert_condition_kind",
            ),
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(closed_at__isnull=True, condition__isnull=True),
                name="uniq_open_alert_order_kind",
            ),
        ]
        indexes = [models.Index(fields=["closed_at", "opened_at"], name="monitoring_alert_queue")]


from oms.monitoring.models.alcohol import AlcoholReading  # noqa: E402  (after Device, which it refers to)

__all__ = [
    "AlcoholReading",
    "Alert",
    "Condition",
    "Device",
    "DeviceAssignment",
    "DeviceFault",
    "Fix",
    "MonitoringOrder",
    "Zone",
]
