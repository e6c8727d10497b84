"""Adjudication punishments, findings and charge transitions (pure: no Django, no ORM, no I/O).

England and Wales as shipped data, with sources:
- Prison Rules 1999 r.55(1): the punishments a governor may impose and their maxima (sub-paragraph
  letters are not cited: we could not confirm them);
- r.55A: an independent adjudicator may also award up to 42 additional days (governors have not
  awarded additional days since the 2002 amendment following Ezeh and Connors v UK);
- r.57: suspension up to six months, activated by a later offence committed while suspended;
- Prison Adjudications Policy (PSI 05/2018 and its successor framework).

Sources checked against legislation.gov.uk: r.55 as made (uksi/1999/728/article/55/made) gives the
kinds, 42 days of privileges, 21 of exclusion from work, 84 of stoppage of earnings, caution alone
(r.55(2)) and at most 42 additional days in total for charges from one incident (r.55(3)); its
cellular confinement maximum was 14 days, raised to 21 by a later amendment (the same change is
visible in the Young Offender Institution Rules 2000 r.65 as revised), which is what OMS ships.
The Prison (Amendment) (No. 2) Rules 2002 (uksi/2002/2116) took additional days from governors to the
independent adjudicator (r.53A, r.55A).

The combined kind ``removal_from_activity`` covers removal from activity (21 days) and removal from
the wing (28 days): the lower maximum applies. Damages have no cap here (the adjudicator enters what
is due).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

GOVERNOR = "governor"
INDEPENDENT = "independent"

CAUTION = "caution"
LOSS_OF_PRIVILEGES = "loss_of_privileges"
CONFINEMENT_TO_CELL = "confinement_to_cell"
REMOVAL_FROM_ACTIVITY = "removal_from_activity"
STOPPAGE_OF_EARNINGS = "stoppage_of_earnings"
EXCLUSION_FROM_WORK = "exclusion_from_work"
DAMAGES = "damages"
ADDITIONAL_DAYS = "additional_days"

SUSPENSION_MAX_MONTHS = 6  # r.57(1)


@dataclass(frozen=True)
class Limit:
    max_days: int | None  # None: no duration (caution, damages)
    source: str
    needs_amount: bool = False


_GOVERNOR_LIMITS = {
    CAUTION: Limit(None, "Prison Rules 1999 r.55(1)"),
    LOSS_OF_PRIVILEGES: Limit(42, "Prison Rules 1999 r.55(1): up to 42 days"),
    EXCLUSION_FROM_WORK: Limit(21, "Prison Rules 1999 r.55(1): up to 21 days"),
    STOPPAGE_OF_EARNINGS: Limit(84, "Prison Rules 1999 r.55(1): up to 84 days", needs_amount=True),
    CONFINEMENT_TO_CELL: Limit(21, "Prison Rules 1999 r.55(1): cellular confinement up to 21 days"),
    REMOVAL_FROM_ACTIVITY: Limit(21, "Prison Rules 1999 r.55(1): up to 21 days (the lower of the two)"),
    DAMAGES: Limit(None, "Prison Rules 1999 r.55(1)", needs_amount=True),
}

# Which punishments each kind of adjudicator may award, and their maxima.
LIMITS: dict[str, dict[str, Limit]] = {
    GOVERNOR: _GOVERNOR_LIMITS,
    INDEPENDENT: {
        **_GOVERNOR_LIMITS,
        ADDITIONAL_DAYS: Limit(42, "Prison Rules 1999 r.55A(1): up to 42 additional days"),
    },
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    code: str


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError("unreachable")


def check_punishment(
    *,
    kind: str,
    adjudicator_kind: str,
    days: int | None,
    amount_pence: int | None,
    suspended_until: dt.date | None,
    awarded_on: dt.date,
) -> list[Problem]:
    """Everything wrong with this award (empty when it may be made)."""
    allowed = LIMITS.get(adjudicator_kind, {})
    if kind not in LIMITS[INDEPENDENT]:
        return [Problem("kind", "Select a kind of punishment", "incidents.punishment_kind_unknown")]
    limit = allowed.get(kind)
    if limit is None:
        return [
            Problem(
                "kind",
                "Only an independent adjudicator may award additional days (Prison Rules 1999 r.55A)",
                "incidents.punishment_not_allowed",
            )
        ]
    problems = []
    if limit.max_days is not None:
        if days is None or days < 1:
            problems.append(
                Problem("days", "Enter the number of days (1 or more)", "incidents.punishment_days_required")
            )
        elif days > limit.max_days:
            problems.append(
                Problem(
                    "days",
                    f"The most that may be awarded is {limit.max_days} days ({limit.source})",
                    "incidents.punishment_days_too_many",
                )
            )
    elif days:
        problems.append(Problem("days", "This punishment has no duration", "incidents.punishment_days_not_allowed"))
    if limit.needs_amount and (amount_pence is None or amount_pence < 1):
        problems.append(Problem("amount_pence", "Enter the amount in pence", "incidents.punishment_amount_required"))
    if suspended_until is not None:
        if kind == CAUTION:
            problems.append(
                Problem("suspended_until", "A caution cannot be suspended", "incidents.suspension_not_allowed")
            )
        elif suspended_until <= awarded_on:
            problems.append(
                Problem("suspended_until", "The suspension must end after today", "incidents.suspension_in_past")
            )
        elif suspended_until > add_months(awarded_on, SUSPENSION_MAX_MONTHS):
            problems.append(
                Problem(
                    "suspended_until",
                    f"A punishment may be suspended for at most {SUSPENSION_MAX_MONTHS} months"
                    " (Prison Rules 1999 r.57)",
                    "incidents.suspension_too_long",
                )
            )
    return problems


INCIDENT_ADDITIONAL_DAYS_MAX = 42  # r.55(3) as made, and r.55A for the independent adjudicator


def check_awards_together(kinds: list[str]) -> list[Problem]:
    """r.55(2): a caution is not combined with any other punishment for the same charge."""
    if CAUTION in kinds and len(kinds) > 1:
        return [
            Problem(
                "kind",
                "A caution cannot be combined with another punishment for the same charge (Prison Rules 1999 r.55(2))",
                "incidents.caution_combined",
            )
        ]
    return []


def check_incident_additional_days(*, already: int, days: int) -> list[Problem]:
    """r.55(3): for several charges arising out of one incident, the additional days added in total are
    at most 42. ``already``: the days standing on the person's other charges from the same incident."""
    if already + days > INCIDENT_ADDITIONAL_DAYS_MAX:
        return [
            Problem(
                "days",
                f"Additional days for charges from one incident total at most {INCIDENT_ADDITIONAL_DAYS_MAX}; "
                f"{already} already awarded (Prison Rules 1999 r.55(3))",
                "incidents.incident_additional_days_too_many",
            )
        ]
    return []


def schedule(starts_on: dt.date, days: int | None, kind: str = "") -> tuple[dt.date, dt.date | None]:
    """First and last day of a punishment running ``days`` days from ``starts_on`` (inclusive).
    Additional days do not run from the award: they are added to the release date (sentencing), so
    they have a start (the day they took effect) and no end."""
    if not days or kind == ADDITIONAL_DAYS:
        return starts_on, None
    return starts_on, starts_on + dt.timedelta(days=days - 1)


def can_activate(*, suspended_until: dt.date | None, activating_offence_on: dt.date) -> bool:
    """A suspended punishment is activated by a later charge proved for an offence committed while it
    was suspended (r.57(2))."""
    return suspended_until is not None and activating_offence_on <= suspended_until


def check_restoration(*, awarded: int | None, already_restored: int, days) -> list[Problem]:
    """Restoring additional days (Prison Rules 1999 r.61: a punishment may be remitted): a whole number of
    days, at least one, and never more than the award has left unrestored. Whether the person has earned
    it (time since the award without a proven charge, behaviour) is the governor's judgement under local
    policy, recorded in the reasons, not a figure OMS imposes."""
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        return [Problem("days", "Enter the number of days to restore (1 or more)", "incidents.days_invalid")]
    left = (awarded or 0) - already_restored
    if days > left:
        return [
            Problem(
                "days",
                f"Only {left} of the {awarded or 0} additional days awarded are left to restore",
                "incidents.restoration_too_many",
            )
        ]
    return []


# --- charge status transitions -------------------------------------------------------------------------

AWAITING = "awaiting_hearing"
SCHEDULED = "scheduled"
ADJOURNED = "adjourned"
REFERRED_POLICE = "referred_police"
REFERRED_INDEPENDENT = "referred_independent"
PROVED = "proved"
DISMISSED = "dismissed"
NOT_PROCEEDED = "not_proceeded"
QUASHED = "quashed"

FINDINGS = {PROVED, DISMISSED, NOT_PROCEEDED}

# From each status, the statuses a charge may move to. A hearing's outcome sets the status named after
# it; scheduling (or rescheduling after an adjournment or a referral) sets "scheduled"; only an appeal
# quashes a proved charge. Dismissed, not proceeded and quashed are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    AWAITING: frozenset({SCHEDULED, NOT_PROCEEDED}),
    SCHEDULED: frozenset(
        {SCHEDULED, ADJOURNED, PROVED, DISMISSED, NOT_PROCEEDED, REFERRED_POLICE, REFERRED_INDEPENDENT}
    ),
    ADJOURNED: frozenset({SCHEDULED, NOT_PROCEEDED}),
    REFERRED_POLICE: frozenset({SCHEDULED, NOT_PROCEEDED}),
    REFERRED_INDEPENDENT: frozenset({SCHEDULED, NOT_PROCEEDED}),
    PROVED: frozenset({QUASHED}),
    DISMISSED: frozenset(),
    NOT_PROCEEDED: frozenset(),
    QUASHED: frozenset(),
}

# Hearing outcome -> charge status.
OUTCOME_STATUS = {
    "adjourned": ADJOURNED,
    "proved": PROVED,
    "dismissed": DISMISSED,
    "not_proceeded": NOT_PROCEEDED,
    "referred_police": REFERRED_POLICE,
    "referred_independent": REFERRED_INDEPENDENT,
}


def can_move(current: str, wanted: str) -> bool:
    return wanted in TRANSITIONS.get(current, frozenset())


PLEAS = {"guilty", "not_guilty", "refused", "unfit", "not_asked"}


def check_outcome(*, plea: str, outcome: str, adjournment_reason: str, has_punishments: bool) -> list[Problem]:
    problems = []
    if plea not in PLEAS:
        problems.append(Problem("plea", "Select the plea", "incidents.plea_unknown"))
    if outcome not in OUTCOME_STATUS:
        problems.append(Problem("outcome", "Select the outcome", "incidents.outcome_unknown"))
    if outcome == "adjourned" and not adjournment_reason.strip():
        problems.append(
            Problem(
                "adjournment_reason", "Give the reason for the adjournment", "incidents.adjournment_reason_required"
            )
        )
    if has_punishments and outcome != "proved":
        problems.append(
            Problem("punishments", "Punishments are awarded only on a proved charge", "incidents.punishment_not_proved")
        )
    return problems
