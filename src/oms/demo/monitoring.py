"""Demo electronic monitoring, loaded after the supervision demo: a device inventory (tags in stock, one
faulty), three monitoring orders for people supervised at the main probation office, each fitted with a
GPS tag, and the last 24 hours of their fixes sent through the ingest service, so evaluation opens and
closes the alerts itself:

- a curfew (19:00 to 07:00 every night) at the home address, a circle of 100 m: home late one evening,
  so a curfew episode opened and closed; acknowledged with the person contacted;
- an inclusion zone (the town, a polygon) with trail monitoring: left it in the last half hour, so an
  inclusion alert is open in the queue;
- an exclusion zone (a GeoJSON polygon round a street near a synthetic victim's address) with trail
  monitoring: went in for a quarter of an hour this morning (closed, referred to the officer), and the
  tag's battery is running down now (an open low-battery alert).

Places are synthetic: a made-up town centred on ``TOWN``, with offsets in metres. Orders and devices go
through the monitoring services as the operator acting as the demo monitoring officer (or a demo user
when the demo staff do not exist); an order is made and its tag fitted with the clock frozen at the
order's start, so the fixes of the last day fall within the fitting. Deterministic for a seed apart from
the trail's times, which end at the moment of loading. Loading again adds nothing (orders are known by
their reference, devices by serial).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from oms.accounts.models import User
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.supervision import MAIN_OFFICE, demo_user, local
from oms.monitoring.models import Alert, Device, MonitoringOrder
from oms.monitoring.services import alerts as alert_services
from oms.monitoring.services import devices as device_services
from oms.monitoring.services import fixes as fix_services
from oms.monitoring.services import orders as order_services
from oms.monitoring.services.fixes import FixRow
from oms.monitoring.services.orders import ConditionSpec
from oms.people.models import Person, PersonSiteLink
from oms.supervision.models import SupervisionCase

TOWN = (52.3071, -1.0413)  # latitude, longitude of the synthetic town's centre
OFFICER_USERNAME = "demo.monitoring_officer"  # oms.demo.services.demo_username("monitoring_officer")
ACTING_USERNAME = "demo.monitoring.centre"
TIME_ZONE = "Europe/London"
STEP = dt.timedelta(minutes=5)  # a fix every five minutes (the no-fix gap is 15)
# Inventory: serial, kind. The first three GPS tags are fitted to the orders; one RF tag is faulty.
DEVICES = [
    *[(f"GT-DEMO-{n:04d}", Device.Kind.GPS_TAG) for n in range(1, 9)],
    ("RF-DEMO-0001", Device.Kind.RF_TAG),
    ("RF-DEMO-0002", Device.Kind.RF_TAG),
    ("AL-DEMO-0001", Device.Kind.ALCOHOL_TAG),
]
FAULTY = "RF-DEMO-0002"
REFERENCES = ("EM/DEMO/0001", "EM/DEMO/0002", "EM/DEMO/0003")


def offset(north_m: float, east_m: float, origin: tuple[float, float] = TOWN) -> tuple[float, float]:
    """(latitude, longitude) ``north_m`` metres north and ``east_m`` east of ``origin``."""
    lat, lon = origin
    return (
        lat + north_m / 111_320.0,
        lon + east_m / (111_320.0 * math.cos(math.radians(lat))),
    )


def polygon(points_m: list[tuple[float, float]], origin: tuple[float, float] = TOWN) -> dict:
    """A GeoJSON Polygon from (north, east) offsets in metres, closed."""
    ring = [[round(lon, 6), round(lat, 6)] for lat, lon in (offset(n, e, origin) for n, e in points_m)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@dataclass
class MonitoringReport:
    devices: int = 0
    orders: int = 0
    fixes: int = 0
    alerts_opened: int = 0
    alerts_open: int = 0


class _Trail:
    """Builds one device's fixes for the last 24 hours: ``where(t)`` gives (north, east) metres."""

    def __init__(self, serial: str, rng: random.Random, now: dt.datetime) -> None:
        self.serial = serial
        self.rng = rng
        self.end = now.replace(second=0, microsecond=0) - dt.timedelta(minutes=2)
        self.start = self.end - dt.timedelta(hours=24) + STEP

    def times(self) -> list[dt.datetime]:
        count = int((self.end - self.start) / STEP) + 1
        return [self.start + STEP * i for i in range(count)]

    def rows(self, where, battery=lambda t: 80) -> list[FixRow]:
        rows = []
        for t in self.times():
            north, east = where(t)
            lat, lon = offset(north + self.rng.gauss(0, 6), east + self.rng.gauss(0, 6))
            rows.append(
                FixRow(
                    device=self.serial,
                    time=t,
                    latitude=round(lat, 6),
                    longitude=round(lon, 6),
                    accuracy=round(self.rng.uniform(4, 18), 1),
                    battery=int(battery(t)),
                    strap="ok",
                )
            )
        return rows


def _wander(t: dt.datetime, centre: tuple[float, float], radius: float, period_h: float = 3.0) -> tuple[float, float]:
    """A slow loop round ``centre`` (metres), the same for the same time."""
    angle = 2 * math.pi * (t.timestamp() / 3600.0) / period_h
    return centre[0] + radius * math.sin(angle), centre[1] + radius * math.cos(angle)


def _local_hour(t: dt.datetime) -> float:
    here = t.astimezone(ZoneInfo(TIME_ZONE))
    return here.hour + here.minute / 60


class _Loader:
    def __init__(self, actor: Actor, officer: Actor, rng: random.Random, report: MonitoringReport) -> None:
        self.actor = actor
        self.officer = officer
        self.rng = rng
        self.report = report
        self.now = clock.now()
        self.today = clock.today()

    def inventory(self) -> dict[str, Device]:
        existing = {d.serial: d for d in Device.objects.filter(serial__in=[s for s, _ in DEVICES])}
        for serial, kind in DEVICES:
            if serial not in existing:
                existing[serial] = device_services.add_device(self.officer, serial=serial, kind=kind)
                self.report.devices += 1
                if serial == FAULTY:
                    device_services.report_fault(
                        self.officer, device_id=existing[serial].public_id, description="Strap clip cracked on return"
                    )
        return existing

    def order(self, person: Person, reference: str, device: Device, conditions: list[ConditionSpec]) -> MonitoringOrder:
        starts_on = self.today - dt.timedelta(days=self.rng.randint(10, 60))
        with clock.freeze(local(starts_on, 11)):
            order = order_services.make_order(
                self.officer,
                person_id=person.public_id,
                starts_on=starts_on,
                ends_on=starts_on + dt.timedelta(days=self.rng.choice((90, 120, 180))),
                reference=reference,
                conditions=conditions,
                time_zone=TIME_ZONE,
            )
        with clock.freeze(local(starts_on, 15)):
            device_services.assign_device(self.officer, device_id=device.public_id, order_id=order.public_id)
        self.report.orders += 1
        return order

    def ingest(self, rows: list[FixRow]) -> None:
        result = fix_services.ingest_fixes(self.actor, rows=rows)
        self.report.fixes += result.accepted
        self.report.alerts_opened += result.alerts_opened

    def handle(self, order: MonitoringOrder, kind: str, outcome: str, notes: str) -> None:
        """The monitoring centre acknowledges the latest alert of this kind, and records what it did."""
        alert = Alert.objects.filter(order__lineage=order.lineage, kind=kind).order_by("-opened_at").first()
        if alert is None:
            return
        with clock.freeze(alert.opened_at + dt.timedelta(minutes=12)):
            alert_services.acknowledge_alert(self.officer, alert_id=alert.public_id)
        with clock.freeze(alert.opened_at + dt.timedelta(minutes=40)):
            alert_services.record_outcome(self.officer, alert_id=alert.public_id, outcome=outcome, notes=notes)

    # --- the three orders ------------------------------------------------------------------------

    def curfew(self, person: Person, device: Device) -> None:
        home = (-420.0, 310.0)
        work = (1650.0, -900.0)
        address = _address(person)
        order = self.order(
            person,
            REFERENCES[0],
            device,
            [
                ConditionSpec(
                    kind="curfew",
                    label=f"Curfew at {address}",
                    zone={"type": "Point", "coordinates": _lonlat(home)},
                    radius_m=100,
                    timetable=[{"days": [0, 1, 2, 3, 4, 5, 6], "start": "19:00", "end": "07:00"}],
                    zone_name=f"Home: {address}",
                )
            ],
        )
        trail = _Trail(device.serial, self.rng, self.now)
        late_evening = max(t.astimezone(ZoneInfo(TIME_ZONE)).date() for t in trail.times() if _local_hour(t) >= 19)

        def where(t: dt.datetime) -> tuple[float, float]:
            hour = _local_hour(t)
            came_home_late = t.astimezone(ZoneInfo(TIME_ZONE)).date() == late_evening and 19 <= hour < 19.6
            if (hour >= 19 or hour < 7) and not came_home_late:
                return home
            if 7.5 <= hour < 17.5:
                return _wander(t, work, 120)
            return _wander(t, ((home[0] + work[0]) / 2, (home[1] + work[1]) / 2), 600, 1.5)

        self.ingest(trail.rows(where))
        self.handle(order, "curfew_breached", "contacted", "Rang the person: said the bus was late. Warned.")

    def inclusion(self, person: Person, device: Device) -> None:
        town = polygon([(-2200, -2400), (-2300, 2100), (300, 2600), (2400, 1800), (2600, -1500), (600, -2700)])
        self.order(
            person,
            REFERENCES[1],
            device,
            [
                ConditionSpec(
                    kind="inclusion_zone", label="Stay within the town", zone=town, zone_name="Larkford town"
                ),
                ConditionSpec(kind="trail", label="Trail monitoring"),
            ],
        )
        trail = _Trail(device.serial, self.rng, self.now)
        left_at = trail.end - dt.timedelta(minutes=35)

        def where(t: dt.datetime) -> tuple[float, float]:
            if t >= left_at:  # heading out of town along the main road
                minutes = (t - left_at).total_seconds() / 60
                return 2000 + 60 * minutes, -1200 - 40 * minutes
            return _wander(t, (200.0, -300.0), 1100, 4.0)

        self.ingest(trail.rows(where))

    def exclusion(self, person: Person, device: Device) -> None:
        victim = (900.0, 1300.0)
        street = polygon(
            [(-180, -160), (-200, 170), (160, 210), (210, -140)],
            origin=offset(*victim),
        )
        order = self.order(
            person,
            REFERENCES[2],
            device,
            [
                ConditionSpec(
                    kind="exclusion_zone",
                    label="Not to enter Orchard Way and the streets around it",
                    zone=street,
                    zone_name="Orchard Way exclusion zone",
                ),
                ConditionSpec(kind="trail", label="Trail monitoring"),
            ],
        )
        trail = _Trail(device.serial, self.rng, self.now)
        went_in = trail.end - dt.timedelta(hours=self.rng.randint(7, 10))
        came_out = went_in + dt.timedelta(minutes=15)

        def where(t: dt.datetime) -> tuple[float, float]:
            if went_in <= t < came_out:
                return victim
            return _wander(t, (-300.0, -400.0), 500, 2.5)

        def battery(t: dt.datetime) -> float:  # charged yesterday evening, running down since
            hours = (t - trail.start).total_seconds() / 3600
            return max(8, 96 - 3.6 * hours)

        self.ingest(trail.rows(where, battery))
        self.handle(
            order,
            "exclusion_entered",
            "referred",
            "Entered the exclusion zone for 15 minutes: referred to the officer.",
        )


def _lonlat(point_m: tuple[float, float]) -> list[float]:
    lat, lon = offset(*point_m)
    return [round(lon, 6), round(lat, 6)]


def _address(person: Person) -> str:
    address = person.addresses.filter(is_primary=True).exclude(line1="").first()
    return f"{address.line1}, {address.town}" if address else "the approved address"


def _people(count: int) -> list[Person]:
    """People supervised at the main office: those with an open case allocated to an officer first."""
    on_cases = list(
        Person.objects.filter(
            supervision_cases__status=SupervisionCase.Status.OPEN,
            supervision_cases__office__code=MAIN_OFFICE,
            supervision_cases__officer__isnull=False,
        )
        .exclude(monitoring_orders__isnull=False)
        .distinct()
        .order_by("id")[:count]
    )
    if len(on_cases) >= count:
        return on_cases
    more = (
        Person.objects.filter(
            site_links__site__code=MAIN_OFFICE,
            site_links__kind=PersonSiteLink.Kind.SUPERVISION,
            site_links__ended_on__isnull=True,
        )
        .exclude(pk__in=[p.pk for p in on_cases])
        .exclude(monitoring_orders__isnull=False)
        .distinct()
        .order_by("id")[: count - len(on_cases)]
    )
    return on_cases + list(more)


def load_monitoring(actor: Actor, *, seed: int = 1) -> MonitoringReport:
    """The device inventory and the three demo orders with a day of fixes, unless already loaded
    (operator only)."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    report = MonitoringReport()
    user = User.objects.filter(username=OFFICER_USERNAME, is_active=True).first()
    officer = dataclasses.replace(actor, user_id=user.pk, username=user.username) if user else None
    officer = officer or demo_user(actor, ACTING_USERNAME, "Monitoring centre")
    loader = _Loader(actor, officer, random.Random(seed), report)
    devices = loader.inventory()
    if MonitoringOrder.objects.filter(reference__in=REFERENCES).exists():
        return report  # loaded before
    people = _people(3)
    tags = [devices[s] for s, kind in DEVICES if kind == Device.Kind.GPS_TAG and devices[s].status == "in_stock"]
    for build, person, tag in zip((loader.curfew, loader.inclusion, loader.exclusion), people, tags, strict=False):
        build(person, tag)
    report.alerts_open = Alert.objects.filter(order__reference__in=REFERENCES, closed_at__isnull=True).count()
    if report.orders or report.devices:
        record_event(
            actor,
            "demo.monitoring_loaded",
            object_type="monitoring",
            details={"devices": report.devices, "orders": report.orders, "fixes": report.fixes},
        )
    return report
