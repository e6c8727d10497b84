"""Demo custody data: an estate for every demo prison and the people the population load placed in
custody there, housed, some out at court or in education, some on watch, with count times.

Like the population, this is bulk data written straight to the tables (``bulk_create``), not a series of
user actions: one ``demo.custody_loaded`` audit event summarises it. Idempotent: a prison that already
has locations is left alone. The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import (
    BedAssignment,
    CountTime,
    CustodyEpisode,
    IntakeScreening,
    LawfulAuthority,
    Movement,
    NonAssociation,
    ObservationPlan,
)
from oms.facilities.models import Location, Site
from oms.people.models import Person, PersonSiteLink

# Units x wings x landings x cells x beds per prison: 2 x 2 x 3 x 12 x 2 = 288 beds.
ESTATE_SHAPE = (2, 2, 3, 12, 2)
WOMENS_PRISONS = {"HMP-OKH"}
SECURITY_BY_PRISON = {
    "HMP-LKM": "high",
    "HMP-FNB": "medium",
    "HMP-GRH": "medium",
    "HMP-OKH": "medium",
    "HMP-SLT": "low",
}
# Formal count times (local time); four a day is a common UK pattern, US federal prisons count five times.
COUNT_TIMES = [
    (dt.time(7, 45), "Morning count"),
    (dt.time(12, 15), "Lunchtime count"),
    (dt.time(17, 30), "Evening count"),
    (dt.time(20, 0), "Night count"),
]
NON_RESIDENTIAL = [
    ("RECP", Location.Kind.RECEPTION, "Reception"),
    ("EDU", Location.Kind.CLASSROOM, "Education block"),
    ("WKS", Location.Kind.WORKSHOP, "Workshops"),
    ("VIS", Location.Kind.VISITS_HALL, "Visits hall"),
    ("HCC", Location.Kind.HEALTHCARE, "Healthcare centre"),
    ("SEG", Location.Kind.SEGREGATION, "Segregation unit"),
]
CUSTODY_LEGAL_STATUSES = {"remand", "convicted_unsentenced", "sentenced", "recall"}


@dataclass
class CustodyReport:
    sites: int = 0
    locations: int = 0
    episodes: int = 0
    housed: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def _bulk_locations(site: Site, parents: list[Location | None], make) -> list[Location]:
    """Create one level of the tree under ``parents`` and give every new row its path."""
    rows: list[Location] = []
    for parent in parents:
        for location in make(parent):
            location.place_under(parent)
            rows.append(location)
    Location.objects.bulk_create(rows)
    for location in rows:
        location.set_path()
    Location.objects.bulk_update(rows, ["path"])
    return rows


def build_estate(site: Site) -> list[Location]:
    """The demo tree for one prison; returns its beds in key order."""
    units, wings, landings, cells, beds = ESTATE_SHAPE
    sex = Location.SexAccommodated.FEMALE if site.code in WOMENS_PRISONS else Location.SexAccommodated.MALE
    level = SECURITY_BY_PRISON.get(site.code, "medium")
    unit_rows = _bulk_locations(
        site,
        [None],
        lambda _p: [
            Location(
                site=site,
                kind="unit",
                code=chr(ord("A") + u),
                name=f"{chr(ord('A') + u)} Block",
                sex=sex,
                security_level=level,
            )
            for u in range(units)
        ],
    )
    _bulk_locations(
        site,
        [None],
        lambda _p: [
            Location(site=site, kind=kind, code=code, name=name, residential=False)
            for code, kind, name in NON_RESIDENTIAL
        ],
    )
    wing_rows = _bulk_locations(
        site, unit_rows, lambda _p: [Location(site=site, kind="wing", code=str(w)) for w in range(1, wings + 1)]
    )
    landing_rows = _bulk_locations(
        site, wing_rows, lambda _p: [Location(site=site, kind="landing", code=str(n)) for n in range(1, landings + 1)]
    )

    def cells_of(_parent):
        made = []
        for c in range(1, cells + 1):
            accessible = c == 1  # the first cell on each landing is accessible
            specialist = Location.SpecialistType.SAFE_CELL if c == 2 else ""
            made.append(
                Location(
                    site=site,
                    kind="cell",
                    code=f"{c:02d}",
                    accessible=accessible,
                    specialist_type=specialist,
                    certified_capacity=beds if c > 2 else 1,
                    working_capacity=beds if c > 2 else 1,
                    maximum_capacity=beds,
                )
            )
        return made

    cell_rows = _bulk_locations(site, landing_rows, cells_of)
    bed_rows = _bulk_locations(
        site,
        cell_rows,
        lambda cell: [Location(site=site, kind="bed", code=str(b)) for b in range(1, cell.maximum_capacity + 1)],
    )
    # One cell out of order on each wing's first landing, as on any real estate.
    for landing in landing_rows[::landings]:
        broken = next(c for c in cell_rows if c.parent_id == landing.pk and c.code == f"{cells:02d}")
        # Only the cell's own row: the beds below are out of use by inheritance (facilities queries).
        Location.objects.filter(pk=broken.pk).update(
            active=False,
            deactivated_reason="Broken window",
            deactivated_on=clock.today(),
            expected_return_on=clock.today() + dt.timedelta(days=14),
        )
    inactive_cells = set(Location.objects.filter(site=site, kind="cell", active=False).values_list("pk", flat=True))
    return [b for b in bed_rows if b.parent_id not in inactive_cells]


def load_custody(actor: Actor, *, seed: int = 1) -> CustodyReport:
    """Estates, custody episodes, housing, some movements and watches for every demo prison."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    rng = random.Random(seed)
    report = CustodyReport()
    now = clock.now()
    today = clock.today()
    prisons = Site.objects.filter(kind=Site.Kind.PRISON, code__in=SECURITY_BY_PRISON).order_by("code")
    for site in prisons:
        if Location.objects.filter(site=site).exists():
            continue
        beds = build_estate(site)
        report.sites += 1
        report.locations += Location.objects.filter(site=site).count()
        CountTime.objects.bulk_create([CountTime(site=site, name=name, time_of_day=t) for t, name in COUNT_TIMES])
        wanted_sex = "female" if site.code in WOMENS_PRISONS else "male"
        people = list(
            Person.objects.filter(
                site_links__site=site,
                site_links__kind=PersonSiteLink.Kind.CUSTODY,
                site_links__ended_on__isnull=True,
                legal_status__in=CUSTODY_LEGAL_STATUSES,
                sex=wanted_sex,
                status=Person.Status.ACTIVE,
                custody_episodes__isnull=True,
            ).order_by("pk")[: int(len(beds) * 0.92)]
        )
        episodes = []
        for n, person in enumerate(people, start=1):
            received = now - dt.timedelta(days=rng.randint(1, 700), minutes=rng.randint(0, 600))
            status = person.legal_status
            due = today + dt.timedelta(days=rng.randint(1, 900)) if status == "sentenced" else None
            episodes.append(
                CustodyEpisode(
                    person=person,
                    site=site,
                    booking_number=f"{site.code[-3:]}{n:05d}",
                    legal_status=status,
                    security_level=SECURITY_BY_PRISON[site.code],
                    received_at=received,
                    in_reception=False,
                    received_from=rng.choice(
                        ["Larkford Crown Court", "Westbridge Magistrates' Court", "Northvale Police Station"]
                    ),
                    release_due_on=due,
                )
            )
        # A few people to act on today: two releases due, one held past their date, two newly received.
        for episode, due in zip(episodes[:3], (today, today, today - dt.timedelta(days=1)), strict=False):
            episode.release_due_on, episode.legal_status = due, "sentenced"
        for episode in episodes[-2:]:
            episode.in_reception = True
            episode.received_at = now - dt.timedelta(hours=2)
        CustodyEpisode.objects.bulk_create(episodes)
        report.episodes += len(episodes)
        housed = [e for e in episodes if not e.in_reception]
        BedAssignment.objects.bulk_create(
            [
                BedAssignment(
                    episode=e,
                    person_id=e.person_id,
                    site=site,
                    bed=bed,
                    cell_id=bed.parent_id,
                    assigned_at=e.received_at,
                )
                for e, bed in zip(housed, _spread(beds, len(housed), rng), strict=False)
            ]
        )
        report.housed += len(housed)
        authorities = []
        for e in episodes:
            remand = e.legal_status in ("remand", "convicted_unsentenced")
            authorities.append(
                LawfulAuthority(
                    episode=e,
                    kind=LawfulAuthority.Kind.REMAND_WARRANT if remand else LawfulAuthority.Kind.COMMITTAL_WARRANT,
                    reference=f"W{rng.randint(100000, 999999)}",
                    issued_by=e.received_from,
                    issued_on=e.received_at.date(),
                    expires_on=today + dt.timedelta(days=rng.randint(0, 27)) if remand else None,
                    document_seen=True,
                )
            )
        LawfulAuthority.objects.bulk_create(authorities)
        IntakeScreening.objects.bulk_create(
            [
                IntakeScreening(
                    episode=e,
                    screened_at=e.received_at + dt.timedelta(hours=1),
                    cell_sharing=rng.choice(["standard"] * 8 + ["share_with_care", "single_cell"]),
                    suicide_self_harm_risk=rng.choice(["none"] * 9 + ["medium"]),
                )
                for e in episodes
                if not e.in_reception
            ]
        )
        movements = []
        for e in housed[5:9]:  # at court today
            e.in_out = CustodyEpisode.InOut.OUT
            movements.append(
                _movement(
                    e,
                    "court",
                    "out",
                    "completed",
                    now - dt.timedelta(hours=3),
                    destination="Larkford Crown Court",
                    escort="Court escort contractor",
                )
            )
        education = Location.objects.get(site=site, key="EDU")
        for e in housed[9:19]:  # in education this morning
            e.current_location = education
            movements.append(
                _movement(e, "internal", "internal", "completed", now - dt.timedelta(hours=1), to_location=education)
            )
        CustodyEpisode.objects.bulk_update(housed[5:19], ["in_out", "current_location"])
        for e in housed[19:22]:  # court appearances later today
            movements.append(
                _movement(
                    e,
                    "court",
                    "out",
                    "scheduled",
                    None,
                    scheduled_at=now + dt.timedelta(hours=2),
                    destination="Westbridge Magistrates' Court",
                )
            )
        Movement.objects.bulk_create(movements)
        ObservationPlan.objects.bulk_create(
            [
                ObservationPlan(
                    episode=e,
                    person_id=e.person_id,
                    site=site,
                    reason="suicide_self_harm",
                    interval_minutes=interval,
                    started_at=now - dt.timedelta(days=1),
                    next_due_at=now + dt.timedelta(minutes=due_in),
                )
                for e, interval, due_in in zip(housed[22:25], (15, 30, 60), (-20, 10, 40), strict=False)
            ]
        )
        if len(housed) > 40:
            first, second = sorted((housed[30].person_id, housed[31].person_id))
            NonAssociation.objects.create(
                person_a_id=first,
                person_b_id=second,
                role_a="victim",
                role_b="perpetrator",
                reason="violence",
                restriction_level="wing",
                comment="Assault on the landing; keep on separate wings.",
                authorised_by="Head of Security",
                created_at=now,
                updated_at=now,
            )
    for model in (Location, CustodyEpisode, BedAssignment, Movement, ObservationPlan):
        report.rows[model._meta.db_table] = model.objects.count()
    record_event(
        actor,
        "demo.custody_loaded",
        object_type="custody",
        details={"sites": report.sites, "episodes": report.episodes, "housed": report.housed, "rows": report.rows},
    )
    return report


def _spread(beds: list[Location], count: int, rng: random.Random) -> list[Location]:
    """``count`` beds, filling cells so that some stay empty across every landing."""
    chosen = list(beds)
    rng.shuffle(chosen)
    return sorted(chosen[:count], key=lambda b: b.key)


def _movement(episode: CustodyEpisode, kind: str, direction: str, status: str, occurred_at, **fields) -> Movement:
    return Movement(
        episode=episode,
        person_id=episode.person_id,
        site_id=episode.site_id,
        kind=kind,
        direction=direction,
        status=status,
        occurred_at=occurred_at,
        recorded_at=clock.now(),
        **fields,
    )
