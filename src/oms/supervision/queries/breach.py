"""Reading warnings and breaches: the current compliance period (since the previous resolved breach)
with its counts, warnings and open breach, and the advice on what the failures call for.

``find_breach`` is for services (scope through the case's person, NotFound otherwise; no audit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oms.core.actor import Actor
from oms.people.queries.records import one_in_scope
from oms.supervision.models import Breach, ComplianceWarning, SupervisionCase
from oms.supervision.queries import cases as case_queries
from oms.supervision.rules import breach as rules
from oms.supervision.rules import contact as contact_rules


def find_breach(actor: Actor, public_id, *, for_update: bool = False) -> Breach:
    return one_in_scope(
        actor,
        Breach.objects.select_related("case__person", "case__office"),
        public_id,
        person_path="case__person",
        code="supervision.breach_not_found",
        for_update=for_update,
    )


@dataclass
class BreachSummary:
    since: dt.date  # the start of the current compliance period
    compliance: contact_rules.Compliance
    warnings: int  # warnings issued in the period
    open_breach: Breach | None
    advice: rules.Advice
    all_warnings: list[ComplianceWarning]
    breaches: list[Breach]  # newest first, each with its steps prefetched


def summary_of(case: SupervisionCase) -> BreachSummary:
    breaches = list(
        case.breaches.select_related("created_by")
        .prefetch_related("steps__recorded_by")
        .order_by("-initiated_on", "-id")
    )
    since = rules.period_start(
        case.starts_on, [rules.PastBreach(b.state, b.initiated_on, b.resolved_on) for b in breaches]
    )
    warnings = list(case.warnings.select_related("issued_by", "appointment"))
    in_period = sum(1 for w in warnings if w.issued_on >= since)
    compliance = case_queries.compliance_of(case, since=since)
    open_breach = next((b for b in breaches if b.is_open), None)
    return BreachSummary(
        since=since,
        compliance=compliance,
        warnings=in_period,
        open_breach=open_breach,
        advice=rules.advice(failures=compliance.failures, warnings=in_period, breach_open=open_breach is not None),
        all_warnings=warnings,
        breaches=breaches,
    )
