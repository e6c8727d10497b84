"""Reception and release decisions over plain values (no ORM, no I/O).

Reception records reality (domain-rules, "Record facts, warn on problems"): every problem found at
reception is a warning kept on the episode, never a refusal. Release is the opposite: it is where a
mistake cannot be undone, so failed checks refuse it, and only some may be overridden by a supervisor.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Authority kinds that hold the person for someone else: while one is open the person is handed over,
# never released. Never overridable.
HOLD_KINDS = frozenset({"detainer", "outstanding_warrant"})

# Checks a supervisor holding custody.override_release_checks may override with a reason. Property,
# cash and notice can be put right after the person has gone (property sent on, cash posted,
# notifications sent late); the release date and an outstanding hold cannot: releasing early without a
# court order, or releasing someone another authority is holding, is the release in error the checks exist
# to prevent. The remedy for those is the court order reference, or ending the hold with its reference.
OVERRIDABLE_CHECKS = frozenset({"property", "cash", "notifications"})

BOOKING_NUMBER_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/-]{0,19}$")

# Who hears of a release. Police always (local intelligence, and the victim's safety if there is one);
# probation when the person leaves under supervision or with a conviction; victim liaison when an open
# alert says others are at risk. Jurisdictions differ: this is the shipped profile.
_PROBATION_STATUSES = frozenset(
    {"sentenced", "recall", "indeterminate", "licence", "convicted_unsentenced", "community_order"}
)
_VICTIM_ALERT_TYPES = frozenset({"violence", "safeguarding"})


@dataclass(frozen=True)
class AuthorityFacts:
    kind: str
    reference: str
    expires_on: dt.date | None
    document_seen: bool
    ended_on: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class Warning:
    code: str
    detail: str

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.detail}


def reception_warnings(
    *,
    authorities: Iterable[AuthorityFacts],
    screened: bool,
    today: dt.date,
    active_elsewhere: str = "",
) -> list[Warning]:
    """What is wrong with a reception that has happened anyway. ``active_elsewhere`` names the site
    that still had the person in custody (its stale episode is closed by the service)."""
    found: list[Warning] = []
    authorities = list(authorities)
    if not authorities:
        found.append(
            Warning(
                "custody.no_lawful_authority",
                "No warrant or order was recorded. Obtain the lawful authority for this detention today.",
            )
        )
    for authority in authorities:
        if authority.expires_on is not None and authority.expires_on < today:
            found.append(
                Warning(
                    "custody.authority_expired",
                    f"{authority.reference}: expired on {authority.expires_on:%d %B %Y}. Check with the court.",
                )
            )
        if not authority.document_seen:
            found.append(
                Warning(
                    "custody.authority_document_not_seen",
                    f"{authority.reference}: the document was not seen at reception. Obtain a copy.",
                )
            )
    if not screened:
        found.append(Warning("custody.no_screening", "First-night screening has not been done. Screen before housing."))
    if active_elsewhere:
        found.append(
            Warning(
                "custody.active_elsewhere",
                f"Still recorded in custody at {active_elsewhere}. That record was closed as a transfer "
                "nobody recorded; tell that site.",
            )
        )
    return found


def next_booking_number(prefix: str, existing: Iterable[str]) -> str:
    """The next booking number ``<prefix>-NNNNNN`` after the highest already used with that prefix."""
    highest = 0
    lead = f"{prefix}-"
    for number in existing:
        tail = number[len(lead) :] if number.startswith(lead) else ""
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{lead}{highest + 1:06d}"


def booking_prefix(site_code: str, on: dt.date) -> str:
    """Site code and two-digit year: booking numbers restart each year and never collide across sites."""
    code = re.sub(r"[^A-Z0-9]", "", site_code.upper())[:10] or "BK"
    return f"{code}{on.year % 100:02d}"


def release_notification_recipients(legal_status: str, open_alert_types: Iterable[str]) -> list[str]:
    recipients = ["police"]
    if legal_status in _PROBATION_STATUSES:
        recipients.append("probation")
    if _VICTIM_ALERT_TYPES & set(open_alert_types):
        recipients.append("victim_liaison")
    return recipients


@dataclass(frozen=True)
class ReleaseFacts:
    today: dt.date
    release_due_on: dt.date | None
    court_order_reference: str
    authorities: list[AuthorityFacts]
    property_outstanding: int  # items still in store
    cash_balance_minor: int
    notifications_needed: list[str]
    notifications_queued: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReleaseCheck:
    code: str
    passed: bool
    message: str
    overridable: bool

    def as_dict(self) -> dict:
        return {"code": self.code, "passed": self.passed, "message": self.message, "overridable": self.overridable}


def format_money(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def release_checks(facts: ReleaseFacts) -> list[ReleaseCheck]:
    """Every check, passed or failed, with a plain message, in the order staff work through them."""
    checks: list[ReleaseCheck] = []

    court_order = facts.court_order_reference.strip()
    if court_order:
        checks.append(ReleaseCheck("release_date", True, f"Immediate release on court order {court_order}.", False))
    elif facts.release_due_on is None:
        checks.append(
            ReleaseCheck(
                "release_date",
                False,
                "No release date is recorded. Give the court order reference for an immediate release.",
                False,
            )
        )
    elif facts.release_due_on > facts.today:
        checks.append(
            ReleaseCheck(
                "release_date",
                False,
                f"The release date is {facts.release_due_on:%d %B %Y}, not yet reached. "
                "Give the court order reference for an immediate release.",
                False,
            )
        )
    else:
        checks.append(
            ReleaseCheck("release_date", True, f"Release date {facts.release_due_on:%d %B %Y} reached.", False)
        )

    holds = [a for a in facts.authorities if a.is_open and a.kind in HOLD_KINDS]
    if holds:
        references = ", ".join(a.reference for a in holds)
        checks.append(
            ReleaseCheck(
                "holds",
                False,
                f"Outstanding warrant or detainer: {references}. Hand over to the holding authority, or end the "
                "hold when it is lifted.",
                False,
            )
        )
    else:
        checks.append(ReleaseCheck("holds", True, "No outstanding warrant or detainer.", False))

    if facts.property_outstanding:
        checks.append(
            ReleaseCheck(
                "property",
                False,
                f"{facts.property_outstanding} property item(s) still in store. Return or dispose of them.",
                True,
            )
        )
    else:
        checks.append(ReleaseCheck("property", True, "All stored property returned or disposed of.", True))

    if facts.cash_balance_minor:
        checks.append(
            ReleaseCheck(
                "cash",
                False,
                f"Cash balance is {format_money(facts.cash_balance_minor)}, not zero. Return the cash held.",
                True,
            )
        )
    else:
        checks.append(ReleaseCheck("cash", True, "Cash balance is zero.", True))

    missing = [r for r in facts.notifications_needed if r not in facts.notifications_queued]
    if missing:
        names = ", ".join(r.replace("_", " ") for r in missing)
        checks.append(ReleaseCheck("notifications", False, f"Release notifications not yet queued for: {names}.", True))
    else:
        names = ", ".join(r.replace("_", " ") for r in facts.notifications_needed)
        checks.append(ReleaseCheck("notifications", True, f"Release notifications queued for: {names}.", True))
    return checks


def blocking_checks(checks: Iterable[ReleaseCheck], *, may_override: bool, override_reason: str) -> list[ReleaseCheck]:
    """The failed checks that still stop a release: all of them, unless a supervisor gives a reason, in
    which case only those that can never be overridden."""
    failed = [c for c in checks if not c.passed]
    if may_override and override_reason.strip():
        return [c for c in failed if not c.overridable]
    return failed


def held_past_release(
    *, today: dt.date, release_due_on: dt.date | None, latest_authority_expiry: dt.date | None
) -> dt.date | None:
    """The date from which a person is held without a current basis, or None. The release date (from
    sentencing, when known) decides; without one, the latest expiry of the open lawful authorities,
    when every one of them has an expiry (an authority without an expiry holds indefinitely)."""
    if release_due_on is not None:
        return release_due_on if release_due_on < today else None
    if latest_authority_expiry is not None and latest_authority_expiry < today:
        return latest_authority_expiry
    return None
