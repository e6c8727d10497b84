"""Alcohol readings from alcohol devices: a transdermal tag (continuous readings of alcohol in sweat) or a
remote breath tester (scheduled tests). One row per device and time: the alcohol feed is idempotent on it,
like the fix feed.

Units follow the test type: transdermal alcohol concentration (TAC) in mg per 100 ml, breath alcohol
concentration (BrAC) in micrograms per 100 ml of breath (the UK's breath unit).
"""

from django.db import models


class AlcoholReading(models.Model):
    class TestType(models.TextChoices):
        TRANSDERMAL = "transdermal", "Transdermal (TAC, mg/100ml)"
        BREATH = "breath", "Breath (BrAC, µg/100ml)"

    device = models.ForeignKey("monitoring.Device", on_delete=models.CASCADE, related_name="alcohol_readings")
    recorded_at = models.DateTimeField()
    test_type = models.CharField(max_length=12, choices=TestType.choices)
    value = models.FloatField()  # TAC mg/100ml or BrAC µg/100ml, by test_type
    # The device reported its sensor obstructed or tampered with: the value says nothing about alcohol.
    obstructed = models.BooleanField(default=False)
    lineage = models.UUIDField(null=True, blank=True)  # the order the device was fitted for at the time
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "recorded_at"], name="uniq_alcohol_reading_device_time")
        ]
        indexes = [models.Index(fields=["lineage", "recorded_at"], name="monitoring_alc_lineage_time")]
