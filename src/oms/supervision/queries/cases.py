"""Reading supervision cases: one case with its requirements, appointments, entries, level and
compliance; the cases of a person or of the actor's reach; the officer's caseload by urgency.

Every read goes through the person: a case whose person the actor cannot reach answers NotFound,
exactly like a missing one (security.md AZ-3). ``find_*`` are for services (no permission check, no
audit, optional row lock); ``get_*``/``list_*``/``caseload`` check supervision.view, and reading one
case is audited as ``supervision.case_viewed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from oms.assessment.models import Assessment
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.monitoring.models import Alert as MonitoringAlert
from oms.people.models import Person
from oms.people.queries.records import find_person, one_in_scope, rows_in_scope
from oms.supervision.models import Appointment, Breach, CaseEntry, DrugTest, Requirement, SupervisionCase, Violation
from oms.supervision.queries import checkins as checkin_queries
from oms.supervision.rules import caseload as caseload_rules
from oms.supervision.rules import checkins as checkin_rules
from oms.supervision.rules import contact as rules

VIEW = "supervision.view"
TIERING = "tiering"
RISK = "ogrs3"
LIST_LIMIT = 500


def phone_counts() -> bool:
    """Setting ``OMS_SUPERVISION_PHONE_COUNTS``: whether a phone call counts toward compliance (default no)."""
    return bool(getattr(settings, "OMS_SUPERVISION_PHONE_COUNTS", False))


def local_date(instant: dt.datetime) -> dt.date:
    return timezone.localdate(instant)


# --- for services --------------------------------------------------------------------------------


def find_case(actor: Actor, public_id, *, for_update: bool = False) -> SupervisionCase:
    return one_in_scope(
        actor,
        SupervisionCase.objects.select_related("person", "office", "officer"),
        public_id,
        person_path="person",
        code="supervision.case_not_found",
        for_update=for_update,
    )


def find_requirement(actor: Actor, public_id, *, for_update: bool = False) -> Requirement:
    return one_in_scope(
        actor,
        Requirement.objects.select_related("case__person"),
        public_id,
        person_path="case__person",
        code="supervision.requirement_not_found",
        for_update=for_update,
    )


def find_appointment(actor: Actor, public_id, *, for_update: bool = False) -> Appointment:
    return one_in_scope(
        actor,
        Appointment.objects.select_related("case__person"),
        public_id,
        person_path="case__person",
        code="supervision.appointment_not_found",
        for_update=for_update,
    )


# --- level, next contact, compliance ---------------------------------------------------------------


@dataclass(frozen=True)
class AssessedLevel:
    tier: str  # the current tier band, "" when none
    risk_band: str  # the current OGRS3 band, "" when none


def _current_bands(person_ids) -> dict[int, AssessedLevel]:
    """The current tier and OGRS3 band of each person (one query)."""
    rows = (
        Assessment.objects.filter(
            person_id__in=list(person_ids),
            instrument_code__in=(TIERING, RISK),
            is_current=True,
            status__in=(Assessment.Status.COMPLETED, Assessment.Status.COUNTERSIGNED),
        )
        .order_by("completed_at", "id")
        .values_list("person_id", "instrument_code", "override_band", "computed_band")
    )
    found: dict[int, dict[str, str]] = {}
    for person_id, code, override_band, computed_band in rows:
        found.setdefault(person_id, {})[code] = override_band or computed_band
    return {pid: AssessedLevel(bands.get(TIERING, ""), bands.get(RISK, "")) for pid, bands in found.items()}


@dataclass
class CaseStatus:
    """What the caseload and the case page show about where a case stands."""

    case: SupervisionCase
    level: str
    level_source: str  # override, tier, risk or unassessed
    assessed: AssessedLevel
    standard: rules.ContactStandard
    last_attended_on: dt.date | None
    next_due_on: dt.date
    urgency: rules.Urgency
    # Filled by the caseload only: what else needs the officer's attention.
    open_breach_state: str = ""
    violations_awaiting: int = 0
    tests_due: int = 0
    # Filled by the caseload only (``_monitoring_and_expiry``): the kinds of the person's open monitoring
    # alerts (one per alert, oldest first) and the days until the order or licence ends.
    open_alerts: tuple[str, ...] = ()
    ends_in_days: int | None = None
    # Filled by the caseload only (``queries.checkins.add_check_ins_to_review``).
    check_ins_to_review: int = 0
    check_in_flagged: bool = False

    @property
    def level_label(self) -> str:
        return self.level.replace("_", " ").capitalize()

    @property
    def open_alert_labels(self) -> list[str]:
        return [MonitoringAlert.Kind(k).label if k in MonitoringAlert.Kind.values else k for k in self.open_alerts]

    @property
    def expiring(self) -> bool:
        return caseload_rules.expiring(self.ends_in_days)

    @property
    def expiry_label(self) -> str:
        days = self.ends_in_days
        if days is None or not self.expiring:
            return ""
        if days < 0:
            return "Past its end date"
        return "Ends today" if days == 0 else f"Ends in {days} day{'s' if days != 1 else ''}"


def _status(case: SupervisionCase, assessed: AssessedLevel, last_attended: dt.datetime | None, today) -> CaseStatus:
    level, source = rules.effective_level(
        override=case.level_override, tier=assessed.tier, risk_band=assessed.risk_band
    )
    last_on = local_date(last_attended) if last_attended else None
    due = rules.next_contact_due(level=level, starts_on=case.starts_on, last_attended_on=last_on)
    return CaseStatus(
        case=case,
        level=level,
        level_source=source,
        assessed=assessed,
        standard=rules.CONTACT_STANDARDS[level],
        last_attended_on=last_on,
        next_due_on=due,
        urgency=rules.urgency(due, today),
    )


def statuses(cases: list[SupervisionCase]) -> list[CaseStatus]:
    """Level, next contact due and urgency of each case, in three queries whatever the number of cases."""
    today = clock.today()
    bands = _current_bands({c.person_id for c in cases})
    last = dict(
        Appointment.objects.filter(
            case__in=[c.pk for c in cases],
            counts_toward_compliance=True,
            outcome__in=sorted(rules.ATTENDED_OUTCOMES),
        )
        .values("case_id")
        .annotate(last=Max("starts_at"))
        .values_list("case_id", "last")
    )
    empty = AssessedLevel("", "")
    return [_status(c, bands.get(c.person_id, empty), last.get(c.pk), today) for c in cases]


def compliance_of(case: SupervisionCase, *, since: dt.date | None = None) -> rules.Compliance:
    """The case's compliance counts since ``since`` (default: the case start; the breach slice passes
    the date the previous breach was resolved)."""
    contacts = [
        rules.Contact(local_date(a.starts_at), a.counts_toward_compliance, a.outcome) for a in case.appointments.all()
    ]
    return rules.compliance(contacts, since=since or case.starts_on, today=clock.today())


# --- pages and the API ---------------------------------------------------------------------------


@dataclass
class CaseDetail:
    case: SupervisionCase
    status: CaseStatus
    requirements: list[Requirement]
    appointments: list[Appointment]
    entries: list[CaseEntry]
    compliance: rules.Compliance  # since the previous resolved breach (breach.since)
    breach: object  # queries.breach.BreachSummary: the period, warnings, breaches and advice
    violations: list  # queries.sanctions.ViolationView: each violation with the responses allowed
    drug_tests: list  # DrugTest, newest first


def detail_of(case: SupervisionCase) -> CaseDetail:
    """The case read fresh with everything the case page and the API show (no check, no audit)."""
    from oms.supervision.queries.breach import summary_of  # it reads compliance_of from here
    from oms.supervision.queries.sanctions import violations_of

    case = (
        SupervisionCase.objects.select_related("person", "office", "officer", "level_overridden_by")
        .prefetch_related("appointments__recorded_by", "requirements", "entries__recorded_by")
        .get(pk=case.pk)
    )
    summary = summary_of(case)
    return CaseDetail(
        case=case,
        status=statuses([case])[0],
        requirements=list(case.requirements.all()),
        appointments=list(case.appointments.all()),
        entries=list(case.entries.all()),
        compliance=summary.compliance,
        breach=summary,
        violations=violations_of(case),
        drug_tests=list(case.drug_tests.select_related("recorded_by", "violation")),
    )


def get_case(actor: Actor, case_id) -> CaseDetail:
    """One case (supervision.view, person in scope); audited as ``supervision.case_viewed``."""
    actor.require(VIEW)
    case = find_case(actor, case_id)
    record_event(
        actor,
        "supervision.case_viewed",
        object_type="supervision_case",
        object_id=case.public_id,
        subject_person_id=case.person_id,
    )
    return detail_of(case)


def list_cases(actor: Actor, *, person_id=None, status: str | None = None) -> list[CaseStatus]:
    """Cases of the people the actor can reach (supervision.view), newest first; for one person when
    ``person_id`` is given (that read is audited as ``supervision.cases_listed``)."""
    actor.require(VIEW)
    rows = rows_in_scope(actor, SupervisionCase.objects.select_related("person", "office", "officer"), "person")
    person = None
    if person_id is not None:
        person = find_person(actor, person_id)
        rows = rows.filter(person=person)
    if status:
        rows = rows.filter(status=status)
    cases = list(rows.order_by("-starts_on", "-id")[:LIST_LIMIT])
    if person is not None:
        record_event(
            actor,
            "supervision.cases_listed",
            object_type="person",
            object_id=person.public_id,
            subject_person_id=person.pk,
        )
    return statuses(cases)


def cases_of_person(actor: Actor, person: Person) -> list[SupervisionCase]:
    """A person already read in scope: their cases (for the profile link), no audit."""
    return list(SupervisionCase.objects.filter(person=person).order_by("-starts_on", "-id"))


def caseload(actor: Actor) -> list[CaseStatus]:
    """The actor's own open cases (supervision.view), most urgent first: needing action today (contact
    overdue, a drug test due, a violation awaiting a response, an open monitoring alert other than a low
    battery, a case past its end date), then to follow (contact due within 7 days, an open breach, the
    order or licence ending within 28 days), then the rest; by due date within each (``rules.contact.
    caseload_key`` raised by ``rules.caseload.more_attention_key``)."""
    actor.require(VIEW)
    if actor.user_id is None:
        return []  # the system has no caseload (and must not see the unallocated cases as its own)
    rows = rows_in_scope(
        actor,
        SupervisionCase.objects.select_related("person", "office", "officer").filter(
            Q(officer_id=actor.user_id), status=SupervisionCase.Status.OPEN
        ),
        "person",
    )
    found = statuses(list(rows[:LIST_LIMIT]))
    today = clock.today()
    _attention(found, today)
    _monitoring_and_expiry(found, today)
    checkin_queries.add_check_ins_to_review(found)
    return sorted(
        found,
        key=lambda s: (
            *checkin_rules.caseload_rank(
                caseload_rules.more_attention_key(
                    rules.caseload_key(
                        s.next_due_on,
                        today,
                        tests_due=s.tests_due,
                        violations_awaiting=s.violations_awaiting,
                        breach_open=bool(s.open_breach_state),
                    ),
                    alert_kinds=s.open_alerts,
                    ends_in=s.ends_in_days,
                ),
                to_review=s.check_ins_to_review,
                flagged=s.check_in_flagged,
            ),
            s.case.person.family_name,
        ),
    )


def _attention(found: list[CaseStatus], today: dt.date) -> None:
    """Open breaches, violations awaiting a response and tests due (today or missed) of the cases, in
    three queries."""
    ids = [s.case.pk for s in found]
    breaches = dict(
        Breach.objects.filter(case__in=ids, state__in=("initiated", "summons", "warrant")).values_list(
            "case_id", "state"
        )
    )
    awaiting = dict(
        Violation.objects.filter(case__in=ids, response="")
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    tests = dict(
        DrugTest.objects.filter(case__in=ids, result="pending", due_on__lte=today)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    for status in found:
        status.open_breach_state = breaches.get(status.case.pk, "")
        status.violations_awaiting = awaiting.get(status.case.pk, 0)
        status.tests_due = tests.get(status.case.pk, 0)


def _monitoring_and_expiry(found: list[CaseStatus], today: dt.date) -> None:
    """The open electronic monitoring alerts of each case's person (one query; the monitoring app's
    alerts, read here because supervision sits above it) and the days until each order or licence ends."""
    person_ids = {s.case.person_id for s in found}
    kinds: dict[int, list[str]] = {}
    rows = (
        MonitoringAlert.objects.filter(order__person_id__in=person_ids, closed_at__isnull=True)
        .order_by("opened_at", "id")
        .values_list("order__person_id", "kind")
    )
    for person_id, kind in rows:
        kinds.setdefault(person_id, []).append(kind)
    for status in found:
        status.open_alerts = tuple(kinds.get(status.case.person_id, ()))
        status.ends_in_days = caseload_rules.ends_in_days(status.case.ends_on, today)
