"""The fairness report of one instrument: reads the current completed assessments the actor may see
(optionally of people at one site, completed within a date range) and hands plain rows to
``rules.fairness`` (distribution, band rates by sex, ethnicity and age group, small groups suppressed).

Permission ``assessment.view_reports`` (analysts and supervisors): the report holds counts and rates,
never a person. The people scope still applies: a site-scoped supervisor's report covers their sites.
Each report read is audited as ``assessment.fairness_report_viewed`` (it is computed from special
category data, ethnicity).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from oms.assessment.models import Assessment
from oms.assessment.queries.assessments import assessments_in_scope
from oms.assessment.rules import fairness, ogrs3
from oms.assessment.services import instruments
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.facilities.models import Site
from oms.people.models import PersonSiteLink

VIEW_REPORTS = "assessment.view_reports"
MAX_RANGE_DAYS = 366 * 20


def instrument_bands(code: str) -> tuple[tuple[str, ...], tuple[float, float] | None]:
    """The bands (lowest first) and the score range of the latest version of an instrument."""
    if code == ogrs3.CODE:
        return tuple(name for _, name in ogrs3.BANDS), (1.0, 99.0)
    if code == instruments.TIERING_CODE:
        return instruments.TIERS, None
    definition = instruments.catalogue().get(code)
    return tuple(b.name for b in definition.bands), definition.score_range()


def _check(instrument: str, site_code: str | None, completed_from, completed_to) -> Site | None:
    if instrument not in instruments.codes():
        raise RuleViolation(
            f"There is no instrument {instrument!r}.", code="assessment.unknown_instrument", field="instrument"
        )
    if completed_from and completed_to and completed_from > completed_to:
        raise RuleViolation(
            "The end of the date range is before its start.", code="assessment.bad_date_range", field="completed_to"
        )
    if not site_code:
        return None
    site = Site.objects.filter(code=site_code).first()
    if site is None:
        raise RuleViolation(f"There is no site {site_code!r}.", code="assessment.unknown_site", field="site")
    return site


def fairness_rows(
    actor: Actor,
    *,
    instrument: str,
    site: Site | None = None,
    completed_from: dt.date | None = None,
    completed_to: dt.date | None = None,
) -> list[fairness.FairnessRow]:
    found = assessments_in_scope(actor).filter(
        instrument_code=instrument,
        is_current=True,
        status__in=(Assessment.Status.COMPLETED, Assessment.Status.COUNTERSIGNED),
    )
    if completed_from:
        found = found.filter(completed_on__gte=completed_from)
    if completed_to:
        found = found.filter(completed_on__lte=completed_to)
    if site is not None:
        today = clock.today()
        at_site = PersonSiteLink.objects.filter(person_id=OuterRef("person_id"), site=site).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today)
        )
        found = found.filter(Exists(at_site))
    values = found.values_list(
        "score",
        "computed_band",
        "override_band",
        "person__sex",
        "person__ethnicity",
        "person__date_of_birth",
        "completed_on",
    )
    return [
        fairness.FairnessRow(score, override or computed, sex, ethnicity, fairness.age_on(birth, completed_on))
        for score, computed, override, sex, ethnicity, birth, completed_on in values.iterator(chunk_size=2000)
    ]


def fairness_report(
    actor: Actor,
    *,
    instrument: str,
    site_code: str | None = None,
    completed_from: dt.date | None = None,
    completed_to: dt.date | None = None,
) -> fairness.FairnessReport:
    """The report over the current completed assessments of ``instrument`` in the actor's scope."""
    actor.require(VIEW_REPORTS)
    site = _check(instrument, site_code, completed_from, completed_to)
    rows = fairness_rows(
        actor, instrument=instrument, site=site, completed_from=completed_from, completed_to=completed_to
    )
    bands, score_range = instrument_bands(instrument)
    report = fairness.fairness_report(instrument, rows, bands, score_range)
    record_event(
        actor,
        "assessment.fairness_report_viewed",
        object_type="instrument",
        object_id=instrument,
        site_id=site.pk if site else None,
        details={
            "site": site_code or None,
            "completed_from": completed_from.isoformat() if completed_from else None,
            "completed_to": completed_to.isoformat() if completed_to else None,
            "population": report.population,
        },
    )
    return report
