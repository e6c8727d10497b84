"""Loading demo data: organisations and sites, demo staff (demo mode only) and a synthetic population.

Demo data is bulk data, not a series of user actions: people go through the bulk path
(``oms.demo.bulk``) and the load writes one audit event summarising it. The caller (the ``demo``
command, or the benchmark) owns the transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from oms.accounts.models import Role, User, UserRole
from oms.accounts.roles import SEED_ROLES, sync_seed_roles
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import PermissionDenied
from oms.demo import bulk
from oms.demo.generator import PersonDraft, PopulationGenerator, SiteChoice
from oms.demo.models import DemoAccount
from oms.facilities.models import Organisation, Site
from oms.people.models import Person

# A password that passes the password rules; printed by ``oms demo_logins`` and usable only because
# demo accounts exist only in demo mode (AUTH-5).
DEMO_PASSWORD = "demo only: quiet harbour lantern"
DEMO_USERNAME_PREFIX = "demo."

# Organisation code, name, kind; then its sites: code, name, kind.
ORGANISATIONS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    ("DEMO-PS", "Demo Prison Service", Organisation.Kind.PRISON_SERVICE, [
        ("HMP-LKM", "HMP Larkmoor", Site.Kind.PRISON),
        ("HMP-FNB", "HMP Fenbridge", Site.Kind.PRISON),
        ("HMP-GRH", "HMP Greyhaven", Site.Kind.PRISON),
        ("HMP-OKH", "HMP Oakhurst (women)", Site.Kind.PRISON),
        ("HMP-SLT", "HMP Saltmarsh", Site.Kind.PRISON),
    ]),
    ("DEMO-PROB", "Demo Probation Service", Organisation.Kind.PROBATION_SERVICE, [
        ("PRB-LKF", "Larkford Probation Office", Site.Kind.PROBATION_OFFICE),
        ("PRB-WSB", "Westbridge Probation Office", Site.Kind.PROBATION_OFFICE),
        ("PRB-NVL", "Northvale Probation Office", Site.Kind.PROBATION_OFFICE),
    ]),
    ("DEMO-DIV", "Pathways Diversion Trust", Organisation.Kind.DIVERSION_PROVIDER, [
        ("DIV-PTH", "Pathways Diversion Programme", Site.Kind.DIVERSION_PROGRAMME),
    ]),
    ("DEMO-PA", "Harbour Housing Partnership", Organisation.Kind.PARTNER_AGENCY, [
        ("PA-HBR", "Harbour Housing Partnership office", Site.Kind.PARTNER_OFFICE),
    ]),
]  # fmt: skip

# Where each seeded role's demo account works: (organisation code, scope, site codes).
STAFF_PLACEMENT: dict[str, tuple[str | None, str, tuple[str, ...]]] = {
    "administrator": (None, Scope.NATIONAL, ()),
    "user_administrator": ("DEMO-PS", Scope.ORGANISATION, ("HMP-LKM",)),
    "auditor": (None, Scope.NATIONAL, ()),
    "records_officer": ("DEMO-PS", Scope.SITES, ("HMP-LKM",)),
    "custody_officer": ("DEMO-PS", Scope.SITES, ("HMP-LKM",)),
    "supervisor": ("DEMO-PS", Scope.ORGANISATION, ("HMP-LKM",)),
    "case_manager": ("DEMO-PROB", Scope.CASELOAD, ("PRB-LKF",)),
    "probation_officer": ("DEMO-PROB", Scope.SITES, ("PRB-LKF",)),
    "programme_facilitator": ("DEMO-DIV", Scope.SITES, ("DIV-PTH",)),
    "health_worker": ("DEMO-PS", Scope.SITES, ("HMP-LKM",)),
    "analyst": (None, Scope.NATIONAL, ()),
    "partner_agency_user": ("DEMO-PA", Scope.SITES, ("PA-HBR",)),
    "diversion_coordinator": ("DEMO-DIV", Scope.SITES, ("DIV-PTH",)),
    # The monitoring centre watches every order of the probation service's people.
    "monitoring_officer": ("DEMO-PROB", Scope.ORGANISATION, ("PRB-LKF",)),
    "monitoring_feed": ("DEMO-PROB", Scope.ORGANISATION, ("PRB-LKF",)),
}
DEFAULT_PLACEMENT = ("DEMO-PS", Scope.SITES, ("HMP-LKM",))  # for roles added to SEED_ROLES later
CASELOAD_ROLES = ("case_manager", "probation_officer")
PORTAL_ROLES = ("participant",)


@dataclass
class LoadReport:
    people: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    prepare_seconds: float = 0.0
    write_seconds: float = 0.0
    generate_seconds: float = 0.0
    seconds: float = 0.0
    staff: list[str] = field(default_factory=list)


def ensure_organisations() -> dict[str, Site]:
    """The demo organisations and their sites (created when missing); sites by code."""
    sites: dict[str, Site] = {}
    for org_code, org_name, org_kind, org_sites in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            code=org_code, defaults={"name": org_name, "kind": org_kind}
        )
        for code, name, kind in org_sites:
            site, _ = Site.objects.get_or_create(
                code=code, defaults={"organisation": organisation, "name": name, "kind": kind}
            )
            sites[code] = site
    return sites


def site_choice(sites: dict[str, Site]) -> SiteChoice:
    def of(kind: str) -> list[str]:
        return sorted(code for code, site in sites.items() if site.kind == kind)

    return SiteChoice(
        prisons=of(Site.Kind.PRISON),
        offices=of(Site.Kind.PROBATION_OFFICE),
        diversion=of(Site.Kind.DIVERSION_PROGRAMME),
        partner=of(Site.Kind.PARTNER_OFFICE),
    )


def demo_username(role_code: str) -> str:
    return DEMO_USERNAME_PREFIX + role_code


def ensure_demo_staff(sites: dict[str, Site]) -> list[User]:
    """One staff account per seeded role with the demo password, in demo mode only (AUTH-5).

    No authenticator is enrolled: demo users enrol TOTP at first logon like everyone (AUTH-4).
    """
    if not settings.DEMO_MODE:
        raise PermissionDenied("Demo users exist only in demo mode (set OMS_DEMO_MODE=1).", code="demo.not_demo_mode")
    sync_seed_roles()
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=[o[0] for o in ORGANISATIONS])}
    users = []
    for role_code in SEED_ROLES:
        if role_code in PORTAL_ROLES:
            continue  # participants sign in to a portal account linked to their own record, not a staff login
        org_code, scope, site_codes = STAFF_PLACEMENT.get(role_code, DEFAULT_PLACEMENT)
        username = demo_username(role_code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name="Demo",
                last_name=SEED_ROLES[role_code][0],
                email=f"{role_code.replace('_', '.')}@demo.invalid",
                organisation=organisations.get(org_code) if org_code else None,
                scope=scope,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.sites.set([sites[c] for c in site_codes])
            UserRole.objects.get_or_create(user=user, role=Role.objects.get(code=role_code))
        DemoAccount.objects.get_or_create(user=user, defaults={"role_code": role_code})
        users.append(user)
    return users


def load_population(
    actor: Actor,
    *,
    people: int,
    seed: int = 1,
    with_staff: bool,
    batch_size: int = 5000,
    progress: Callable[[int, int, float], None] | None = None,
    before_write: Callable[[bulk.Rows], None] | None = None,
) -> LoadReport:
    """Generate and write ``people`` synthetic people (plus organisations, sites and, with
    ``with_staff``, demo staff), then record one ``demo.population_loaded`` event.

    Only the operator's system actor may load demo data. ``before_write`` sees each prepared batch
    before it is written (the benchmark sends the same rows through a raw COPY there).
    """
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    started = time.perf_counter()
    report = LoadReport()
    sites = ensure_organisations()
    staff = ensure_demo_staff(sites) if with_staff else []
    report.staff = [u.username for u in staff]
    context = bulk.LoadContext(
        site_ids={code: site.pk for code, site in sites.items()},
        now=clock.now(),
        today=clock.today(),
        caseload_staff=[
            (u.pk, site_id)
            for u in staff
            if u.demo_account.role_code in CASELOAD_ROLES
            for site_id in u.sites.values_list("pk", flat=True)
        ],
    )
    ids = bulk.IdAllocator(connection)
    taken = set(Person.objects.values_list("system_number", flat=True)) if Person.objects.exists() else set()
    # A later load continues the numbering after the people already there, so its system numbers
    # differ from an earlier load's with the same seed.
    generator = PopulationGenerator(
        seed=seed, sites=site_choice(sites), today=context.today, first_index=Person.objects.count()
    )
    stream = generator.people(people + len(taken))  # room to skip numbers already in use
    report.generate_seconds += time.perf_counter() - started
    while report.people < people:
        batch_started = time.perf_counter()
        drafts: list[PersonDraft] = []
        for draft in stream:
            if draft.system_number in taken:
                continue
            drafts.append(draft)
            if len(drafts) == min(batch_size, people - report.people):
                break
        if not drafts:
            break
        report.generate_seconds += time.perf_counter() - batch_started
        prepare_started = time.perf_counter()
        rows = bulk.prepare(drafts, context, ids)
        report.prepare_seconds += time.perf_counter() - prepare_started
        if before_write is not None:
            before_write(rows)
        write_started = time.perf_counter()
        bulk.write(rows, connection)
        report.write_seconds += time.perf_counter() - write_started
        for table, count in rows.counts().items():
            report.rows[table] = report.rows.get(table, 0) + count
        report.people += len(drafts)
        if progress is not None:
            progress(report.people, people, time.perf_counter() - started)
    report.seconds = time.perf_counter() - started
    record_event(
        actor,
        "demo.population_loaded",
        object_type="population",
        details={
            "people": report.people,
            "seed": seed,
            "rows": report.rows,
            "staff_accounts": len(staff),
            "database": connection.vendor,
        },
    )
    return report
