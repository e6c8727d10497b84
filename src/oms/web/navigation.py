"""The primary navigation: each section is shown only to actors holding its permission.

URL names are looked up by name so the shell does not import the apps above it (ADR 0001); a section
whose pages are not installed is simply left out instead of breaking every page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Section:
    label: str
    url_names: tuple[str, ...]  # the first that resolves is used
    permission: str | None = None  # None: every signed-in user
    description: str = ""  # shown on the home page dashboard; sections without one are not cards


SECTIONS = (
    Section("Home", ("web:home",)),
    # The participant portal: a person signed in to their own record (Scope.SELF) sees only these.
    Section(
        "My supervision",
        ("supervision:portal", "supervision:portal_home"),
        "supervision.use_portal",
        "Your appointments, and the check-ins your officer has asked you to complete.",
    ),
    Section(
        "My programme",
        ("diversion:portal", "diversion:portal_home"),
        "diversion.use_portal",
        "Your programme requirements and due dates, log community service hours, check in, read messages.",
    ),
    Section(
        "People",
        ("people:search", "people:index", "people:list"),
        "people.view",
        "Find a person by name, sound-alike name or identifier, open their record and timeline.",
    ),
    Section(
        "Custody",
        ("custody:home",),
        "custody.view",
        "The roll, counts, movements, reception, housing and today's action plan for your establishment.",
    ),
    Section(
        "Assessments",
        ("assessment:due",),
        "assessment.view",
        "Assess risk and needs (OGRS3, criminogenic needs, tiering, classification) and see who is due a reassessment.",
    ),
    Section(
        "Assessment fairness",
        ("assessment:fairness",),
        "assessment.view_reports",
        "Score distributions and band rates of each instrument by sex, ethnicity and age group.",
    ),
    Section(
        "Case plans",
        ("rehabilitation:plans_due",),
        "rehabilitation.view",
        "Case plans of your caseload: goals from assessed needs, actions and reviews that are due or overdue.",
    ),
    Section(
        "Programmes",
        ("rehabilitation:programmes",),
        "rehabilitation.view",
        "Courses, education and work: waiting lists, allocations, sessions and attendance.",
    ),
    Section(
        "Incentives",
        ("rehabilitation:incentive_reviews_due",),
        "rehabilitation.review_incentives",
        "Incentive levels and the reviews that are due or overdue.",
    ),
    Section(
        "Incidents",
        ("incidents:home",),
        "incidents.view",
        "Report incidents, review and investigate them, and see the trends.",
    ),
    Section(
        "Adjudications",
        ("incidents:adjudications",),
        "incidents.adjudicate",
        "Disciplinary charges, hearings due and missed, punishments due to end.",
    ),
    Section(
        "Emergencies",
        ("incidents:emergencies",),
        "incidents.view",
        "Declare a lockdown or other emergency and take the emergency roll.",
    ),
    Section(
        "Supervision",
        ("supervision:caseload",),
        "supervision.view",
        "Your community supervision caseload: who is overdue or due a contact, their level and next due date.",
    ),
    Section(
        "Diversion",
        ("diversion:programmes",),
        "diversion.view",
        "Diversion programmes: referrals, agreements, participants' progress, fees and compliance reports.",
    ),
    Section(
        "Referrals to us",
        ("diversion:partner_referrals",),
        "diversion.partner_view",
        "Referrals made to your organisation, showing only what each participant consented to share.",
    ),
    Section(
        "Monitoring",
        ("monitoring:alerts",),
        "monitoring.view",
        "Electronic monitoring: the alert queue, monitoring orders with their zones and trail, and devices.",
    ),
    Section(
        "Offences",
        ("sentencing:offences",),
        "sentencing.view",
        "The offence catalogue used on charges: search it, and import or export it as CSV.",
    ),
    Section(
        "Release profiles",
        ("sentencing:site_profiles",),
        "sentencing.manage_profiles",
        "Choose the release-date rules (jurisdiction profile) each facility uses.",
    ),
    Section(
        "Estate",
        ("facilities:locations",),
        "facilities.manage_locations",
        "Configure each site's location tree: units, wings, landings, cells and beds, capacities and deactivations.",
    ),
    Section(
        "Audit",
        ("audit:search", "audit:index", "audit:events"),
        "audit.view",
        "Search the audit trail by user, person, record, action and time.",
    ),
    Section(
        "Users",
        ("accounts:users", "accounts:user_list", "accounts:users_list"),
        "accounts.manage_users",
        "Create accounts, grant roles and scopes, unlock and disable users.",
    ),
)


def first_reversible(url_names: tuple[str, ...]) -> str | None:
    for name in url_names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def navigation_for(actor, current_path: str) -> list[dict]:
    """The sections ``actor`` may open, marking the one ``current_path`` is in."""
    if actor is None:
        return []
    items = []
    for section in SECTIONS:
        if section.permission and not actor.has(section.permission):
            continue
        href = first_reversible(section.url_names)
        if href is None:
            continue
        matches = current_path == href if href == "/" else current_path.startswith(href)
        items.append({"label": section.label, "href": href, "current": matches, "description": section.description})
    # Sections can nest (/incidents/ and /incidents/adjudications/): only the most specific is current.
    deepest = max((len(item["href"]) for item in items if item["current"]), default=0)
    for item in items:
        item["current"] = item["current"] and len(item["href"]) == deepest
    return items


def dashboard_for(actor) -> list[dict]:
    """The home page cards: every section the actor may open, other than home itself."""
    return [
        {"title": item["label"], "href": item["href"], "description": item["description"]}
        for item in navigation_for(actor, "")
        if item["description"]
    ]
