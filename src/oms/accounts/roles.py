"""The permission catalogue and the seeded roles.

Each app lists its permissions in ``<app>/permissions.py`` as ``PERMISSIONS = {name: description}``;
the catalogue is gathered from the installed apps. Seeded roles are reference data: administrators may
add roles, and later issues extend the seeds below.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def permission_catalogue() -> dict[str, str]:
    catalogue: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("oms."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.permissions")
        except ModuleNotFoundError:
            continue
        catalogue.update(module.PERMISSIONS)
    return catalogue


_PEOPLE_READ = ["people.view", "facilities.view"]
_PEOPLE_CASEWORK = [*_PEOPLE_READ, "people.add_note", "people.add_alert"]
_CUSTODY_FLOOR = [
    "custody.view",
    "custody.receive",
    "custody.house",
    "custody.view_non_associations",
    "custody.record_movement",
    "custody.count",
    "custody.observe",
]
_CUSTODY_SUPERVISION = [
    *_CUSTODY_FLOOR,
    "custody.release",
    "custody.override_release_checks",
    "custody.override_housing",
    "custody.manage_non_associations",
    "custody.manage_counts",
    "custody.manage_observations",
]

_SENTENCING_READ = ["sentencing.view"]
_SENTENCING_RECORDS = [
    "sentencing.view",
    "sentencing.manage_records",
    "sentencing.manage_adjustments",
    "sentencing.calculate",
]

_ASSESSMENT_READ = ["assessment.view"]
_ASSESSMENT_WORK = ["assessment.view", "assessment.assess"]
_ASSESSMENT_OVERSIGHT = [*_ASSESSMENT_WORK, "assessment.countersign", "assessment.approve_override"]

_REHABILITATION_READ = ["rehabilitation.view"]
_REHABILITATION_CASEWORK = [*_REHABILITATION_READ, "rehabilitation.manage_plans", "rehabilitation.refer"]
_REHABILITATION_OVERSIGHT = [
    *_REHABILITATION_CASEWORK,
    "rehabilitation.allocate",
    "rehabilitation.record_attendance",
    "rehabilitation.manage_catalogue",
    "rehabilitation.review_incentives",
    "rehabilitation.manage_incentive_levels",
]

_INCIDENTS_FLOOR = ["incidents.view", "incidents.report", "incidents.emergency_roll"]
_INCIDENTS_SUPERVISION = [
    *_INCIDENTS_FLOOR,
    "incidents.review",
    "incidents.investigate",
    "incidents.view_trends",
    "incidents.charge",
    "incidents.adjudicate",
    "incidents.decide_appeals",
    "incidents.declare_emergency",
]

_SUPERVISION_CASEWORK = ["supervision.view", "supervision.manage_cases", "supervision.record_contacts"]
_SUPERVISION_OFFICER = [*_SUPERVISION_CASEWORK, "supervision.manage_breach", "supervision.manage_testing"]
_SUPERVISION_OVERSIGHT = [*_SUPERVISION_OFFICER, "supervision.override_level", "supervision.manage_sanctions"]

_DIVERSION_COORDINATION = [
    "diversion.view",
    "diversion.refer",
    "diversion.manage",
    "diversion.record_progress",
    "diversion.verify_hours",
    "diversion.manage_programmes",
]

_MONITORING_CENTRE = [
    "monitoring.view",
    "monitoring.manage_orders",
    "monitoring.manage_devices",
    "monitoring.handle_alerts",
]

SEED_ROLES: dict[str, tuple[str, list[str]]] = {
    "administrator": (
        "Administrator",
        [
            "facilities.view",
            "facilities.manage",
            "facilities.manage_locations",
            "accounts.manage_api_clients",
            "sentencing.manage_offences",
            "sentencing.manage_profiles",
            "rehabilitation.manage_catalogue",
            "rehabilitation.manage_incentive_levels",
            "incidents.manage_types",
            "incidents.manage_paragraphs",
        ],
    ),
    "user_administrator": ("User administrator", ["accounts.manage_users", "accounts.unlock_users", "facilities.view"]),
    "auditor": ("Auditor", ["audit.view", "audit.verify", "facilities.view"]),
    "records_officer": (
        "Records officer",
        [
            *_PEOPLE_CASEWORK,
            "people.create",
            "people.edit",
            "people.merge",
            "people.close_alert",
            *_SENTENCING_RECORDS,
            *_ASSESSMENT_READ,
            *_REHABILITATION_READ,
        ],
    ),
    "custody_officer": (
        "Custody officer",
        [
            *_PEOPLE_CASEWORK,
            "people.create",
            *_CUSTODY_FLOOR,
            *_SENTENCING_READ,
            *_REHABILITATION_READ,
            "rehabilitation.review_incentives",
            *_INCIDENTS_FLOOR,
            "incidents.charge",
        ],
    ),
    "supervisor": (
        "Supervisor",
        [
            *_PEOPLE_CASEWORK,
            "people.create",
            "people.edit",
            "people.close_alert",
            *_CUSTODY_SUPERVISION,
            *_SENTENCING_READ,
            "sentencing.override_dates",
            *_ASSESSMENT_OVERSIGHT,
            "assessment.view_reports",
            *_REHABILITATION_OVERSIGHT,
            *_INCIDENTS_SUPERVISION,
            *_SUPERVISION_OVERSIGHT,
        ],
    ),
    "case_manager": (
        "Case manager",
        [
            *_PEOPLE_CASEWORK,
            "people.edit",
            *_SENTENCING_READ,
            *_ASSESSMENT_WORK,
            *_REHABILITATION_CASEWORK,
            "rehabilitation.review_incentives",
            *_SUPERVISION_CASEWORK,
        ],
    ),
    "probation_officer": (
        "Probation officer",
        [
            *_PEOPLE_CASEWORK,
            "people.create",
            "people.edit",
            "people.close_alert",
            *_SENTENCING_READ,
            *_ASSESSMENT_WORK,
            *_REHABILITATION_CASEWORK,
            *_SUPERVISION_OFFICER,
            "monitoring.view",
            "people.manage_portal_accounts",
        ],
    ),
    "programme_facilitator": (
        "Programme facilitator",
        [*_PEOPLE_READ, "people.add_note", *_REHABILITATION_READ, "rehabilitation.record_attendance"],
    ),
    "health_worker": (
        "Health worker",
        [
            *_PEOPLE_READ,
            "people.add_note",
            "people.view_health_notes",
            "custody.view",
            "custody.view_screening_health",
            "custody.observe",
            "custody.manage_observations",
            "incidents.view",
            "incidents.report",
            "incidents.emergency_roll",
        ],
    ),
    "diversion_coordinator": (
        "Diversion coordinator",
        [
            *_PEOPLE_CASEWORK,
            "people.create",
            "people.edit",
            "people.manage_portal_accounts",
            *_DIVERSION_COORDINATION,
        ],
    ),
    "monitoring_officer": ("Monitoring officer", [*_PEOPLE_READ, *_MONITORING_CENTRE]),
    # The user behind a device feed's API client token (scoped to monitoring.ingest_fixes).
    "monitoring_feed": ("Monitoring device feed", ["monitoring.ingest_fixes"]),
    "analyst": ("Analyst", ["incidents.view_trends", "facilities.view", "assessment.view_reports"]),
    # A partner sees referrals made to their organisation, filtered to what the participant consented to.
    "partner_agency_user": (
        "Partner-agency user",
        ["people.view", "diversion.partner_view", "diversion.partner_respond"],
    ),
    # A person under supervision or on a diversion programme, signed in to the portal. Their scope is
    # Scope.SELF (own record only) and they hold nothing but the portal permissions, so no staff page opens.
    "participant": ("Participant (portal)", ["supervision.use_portal", "diversion.use_portal"]),
}


def sync_seed_roles(**kwargs) -> None:
    """Create missing seeded roles and add their seeded permissions (never removes a grant)."""
    Role = apps.get_model("accounts", "Role")
    RolePermission = apps.get_model("accounts", "RolePermission")
    for code, (name, permissions) in SEED_ROLES.items():
        role, _ = Role.objects.get_or_create(code=code, defaults={"name": name, "seeded": True})
        have = set(RolePermission.objects.filter(role=role).values_list("permission", flat=True))
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, permission=p) for p in sorted(set(permissions) - have)]
        )
