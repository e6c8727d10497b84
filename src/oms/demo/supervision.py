"""Demo community supervision, loaded after the population (and custody, sentencing, rehabilitation and
incidents): at each demo probation office, cases for people the population placed there on a community
order or licence, with their requirements, a few months of appointments with outcomes (mostly attended,
some failures, a warning, one breach in progress), upcoming appointments, drug tests with results, a
violation answered through the sanctions matrix and one still awaiting a response.

The main office's cases go to the demo probation officer (when the demo staff exist), so their caseload
page is full and ranked: a new case waiting for its induction, people overdue a contact, a test due
today, a violation awaiting a response, a breach in progress. Levels come from an OGRS3 score completed
for most of the people (the rest are unassessed, which the supervision app treats as high), and one
case carries an audited override.

Everything goes through the supervision (and assessment) services as the operator acting as a demo
user, played in time order with the clock frozen at each step (``History``), so an appointment kept in
August was recorded in August. Deterministic for a seed; loading again adds nothing (an office that
already has supervision cases is left alone). Synthetic text only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.assessment.rules import ogrs3
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.assessment import _ogrs3_answers, assessor_actor
from oms.demo.models import DemoAccount
from oms.facilities.models import Site
from oms.people.models import Person, PersonSiteLink
from oms.people.services import portal as portal_services
from oms.supervision.models import Appointment, SupervisionCase, Violation
from oms.supervision.queries import sanctions as sanction_queries
from oms.supervision.services import appointments as appointment_services
from oms.supervision.services import breach as breach_services
from oms.supervision.services import cases as case_services
from oms.supervision.services import checkins as checkin_services
from oms.supervision.services import requirements as requirement_services
from oms.supervision.services import sanctions as sanction_services
from oms.supervision.services import testing as testing_services

MAIN_OFFICE = "PRB-LKF"  # where the demo probation officer works
CASES = {MAIN_OFFICE: 22}  # cases per office; other offices DEFAULT_CASES
DEFAULT_CASES = 6
OFFICER_USERNAME = "demo.probation_officer"  # oms.demo.services.demo_username("probation_officer")
ACTING_USERNAME = "demo.supervision.duty_officer"  # books and records when no demo officer exists
ASSESSED_SHARE = 0.7  # people given an OGRS3 score (their level); the rest stay unassessed
HISTORY_WEEKS = 10  # appointments recorded over the last weeks, at most
AHEAD_WEEKS = 4  # appointments booked ahead
COMMUNITY = ("community_order", "licence")

OUTCOMES = [
    ("attended", 86),
    ("failed_acceptable", 6),
    ("failed_unacceptable", 5),
    ("unacceptable_behaviour", 3),
]
OUTCOME_NOTES = {
    "attended": [
        "Discussed progress with unpaid work; no concerns.",
        "Reviewed accommodation and employment; engaging well.",
        "Talked through the sentence plan targets; motivated.",
        "Reported a new job interview; positive session.",
        "Attended on time; discussed family contact.",
    ],
    "failed_acceptable": [
        "Rang in advance: hospital appointment, letter seen.",
        "Child unwell; evidence provided the next day.",
    ],
    "failed_unacceptable": [
        "Did not attend and gave no reason when contacted.",
        "Did not attend; said he forgot.",
    ],
    "unacceptable_behaviour": ["Arrived under the influence and was abusive to reception staff."],
}
PROBATION_REQUIREMENTS = [
    ("unpaid_work", "Unpaid work with the community payback team", (60, 80, 100, 150, 200)),
    ("rehabilitation_activity", "Rehabilitation activity requirement", (10, 15, 20, 30)),
    ("drug_treatment", "Drug rehabilitation requirement: weekly sessions with the treatment provider", None),
    ("alcohol_treatment", "Alcohol treatment requirement with the local service", None),
    ("curfew", "Curfew 19:00 to 07:00 at the home address, electronically monitored", None),
]
LICENCE_CONDITIONS = [
    "Reside permanently at an address approved by the supervising officer",
    "Not to contact the victim directly or indirectly",
    "Not to enter the exclusion zone marked on the licence map",
    "Attend all appointments with the drug treatment provider",
    "Comply with any requirements to attend a programme",
    "Tell the supervising officer about any developing intimate relationship",
]
SUBSTANCES = [["Cocaine"], ["Cannabis"], ["Opiates"], ["Cocaine", "Cannabis"]]
PARTICIPANT_USERNAME = "demo.participant.supervision"
PARTICIPANT_ROLE = "participant"
CHECK_IN_CASES = 3  # steady cases at the main office given weekly remote check-ins (the participant's first)


class History:
    """Steps of a demo's history run in time order, the clock frozen at each step's moment."""

    def __init__(self) -> None:
        self._steps: list[tuple[dt.datetime, int, Callable[[], None]]] = []

    def at(self, when: dt.datetime, step: Callable[..., None], *args, **kwargs) -> None:
        self._steps.append((when, len(self._steps), functools.partial(step, *args, **kwargs)))

    def run(self) -> None:
        for when, _, step in sorted(self._steps, key=lambda s: (s[0], s[1])):
            with clock.freeze(when):
                step()
        self._steps.clear()


def demo_user(actor: Actor, username: str, surname: str) -> Actor:
    """The operator acting as a named demo user (made on first use, unable to sign in), so records name
    someone, as the other demo loaders do."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_active": False, "first_name": "Demo", "last_name": surname}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return dataclasses.replace(actor, user_id=user.pk, username=user.username)


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A wall-clock time in the configured zone (the demo offices keep it), as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass
class SupervisionReport:
    offices: int = 0
    cases: int = 0
    allocated: int = 0
    assessed: int = 0
    requirements: int = 0
    appointments: int = 0
    outcomes: int = 0
    warnings: int = 0
    breaches: int = 0
    tests: int = 0
    violations: int = 0
    responses: int = 0
    check_ins: int = 0
    participant: str = ""  # the demo portal login, when made
    outcomes_by_kind: dict[str, int] = field(default_factory=dict)


@dataclass
class _Case:
    """What the loader plans for one case; ``case`` and the appointments fill in as the history runs."""

    person: Person
    office: Site
    kind: str
    starts_on: dt.date
    ends_on: dt.date
    officer_id: object
    actor: Actor  # who books and records: the demo officer at the main office, a duty officer elsewhere
    story: str  # "steady", "overdue", "new", "warning", "breach", "positive", "awaiting", "override"
    case: SupervisionCase | None = None
    appointments: list[Appointment] = field(default_factory=list)
    planned: list[tuple[dt.datetime, str]] = field(default_factory=list)  # past appointment times, outcomes


class _Loader:
    def __init__(self, actor: Actor, officer: Actor | None, rng: random.Random, report: SupervisionReport) -> None:
        self.actor = actor
        duty = demo_user(actor, ACTING_USERNAME, "Duty probation officer")
        self.actors = {False: duty, True: officer or duty}
        self.rng = rng
        self.report = report
        self.history = History()
        self.today = clock.today()
        self.now = clock.now()
        self.plans: list[_Case] = []

    # --- planning --------------------------------------------------------------------------------

    def office(self, office: Site, count: int, officer: User | None) -> None:
        people = list(
            Person.objects.filter(
                site_links__site=office,
                site_links__kind=PersonSiteLink.Kind.SUPERVISION,
                site_links__ended_on__isnull=True,
                legal_status__in=COMMUNITY,
                status="active",
            )
            .exclude(supervision_cases__status=SupervisionCase.Status.OPEN)
            .distinct()
            .order_by("id")[:count]
        )
        if not people:
            return
        self.report.offices += 1
        stories = self._stories(len(people), main=officer is not None)
        for person, story in zip(people, stories, strict=True):
            self._plan(person, office, officer, story)

    def _stories(self, count: int, *, main: bool) -> list[str]:
        scripted = ["new", "overdue", "overdue", "warning", "breach", "positive", "awaiting", "override"]
        if not main:
            scripted = ["overdue", "positive"]
        stories = scripted[:count] + ["steady"] * max(0, count - len(scripted))
        self.rng.shuffle(stories)
        return stories

    def _plan(self, person: Person, office: Site, officer: User | None, story: str) -> None:
        rng = self.rng
        kind = SupervisionCase.Kind.LICENCE if person.legal_status == "licence" else SupervisionCase.Kind.PROBATION
        if story == "new":
            starts_on = self.today - dt.timedelta(days=rng.randint(2, 4))
        else:
            starts_on = self.today - dt.timedelta(days=rng.randint(50, 330))
        months = rng.choice((12, 18, 24)) if kind == SupervisionCase.Kind.PROBATION else rng.choice((6, 9, 12, 24))
        ends_on = starts_on + dt.timedelta(days=months * 30)
        if ends_on <= self.today + dt.timedelta(days=AHEAD_WEEKS * 7):  # the series ahead must fit
            ends_on = self.today + dt.timedelta(days=rng.randint(AHEAD_WEEKS * 7 + 3, 60))
        officer_id = officer.public_id if officer else None
        plan = _Case(person, office, kind, starts_on, ends_on, officer_id, self.actors[officer is not None], story)
        self.plans.append(plan)
        if rng.random() < ASSESSED_SHARE or story == "override":
            self.history.at(local(starts_on, 8, 30) - dt.timedelta(days=7), self._assess, person)
        self.history.at(local(starts_on, 9), self._open, plan)
        self._plan_appointments(plan)
        self._plan_story(plan)

    def _plan_appointments(self, plan: _Case) -> None:
        """Office appointments weekly (or fortnightly) from the start or ``HISTORY_WEEKS`` ago, booked in
        two series: the past ones at the start, the next ones now."""
        rng = self.rng
        repeat = "weekly" if rng.random() < 0.6 or plan.story in ("breach", "warning", "overdue") else "fortnightly"
        step = 7 if repeat == "weekly" else 14
        earliest = max(plan.starts_on + dt.timedelta(days=1), self.today - dt.timedelta(weeks=HISTORY_WEEKS))
        first_day = weekday_on_or_after(earliest)
        hour = rng.choice((9, 10, 11, 14, 15))
        first = local(first_day, hour, rng.choice((0, 30)))
        past = []
        at = first
        while at.date() < self.today:
            past.append(at)
            at = at + dt.timedelta(days=step)  # wall-clock arithmetic: 10:00 stays 10:00 across a clock change
        if plan.story == "new":
            past = []
        outcomes, weights = zip(*OUTCOMES, strict=True)
        planned = [(t, rng.choices(outcomes, weights)[0]) for t in past]
        if plan.story == "overdue" and len(planned) >= 2:  # the last two missed, so a contact is overdue
            planned[-2:] = [(planned[-2][0], "failed_acceptable"), (planned[-1][0], "failed_unacceptable")]
        if plan.story in ("warning", "breach") and len(planned) >= 3:
            planned[-3:] = [(t, "failed_unacceptable") for t, _ in planned[-3:]]
            planned[-2] = (planned[-2][0], "attended") if plan.story == "warning" else planned[-2]
        if plan.story not in ("overdue", "warning", "breach"):  # the others keep their latest contact
            planned = [(t, o if i < len(planned) - 1 else "attended") for i, (t, o) in enumerate(planned)]
        plan.planned = planned
        if planned:
            booked_at = max(local(plan.starts_on, 9, 15), planned[0][0] - dt.timedelta(days=7))
            self.history.at(booked_at, self._book, plan, planned[0][0], repeat, len(planned) * step)
        ahead = weekday_on_or_after(self.today + dt.timedelta(days=rng.randint(1, 6)))
        if plan.story != "overdue":
            self.history.at(self.now - dt.timedelta(minutes=30), self._book_ahead, plan, local(ahead, hour), repeat)
        for index, (when, outcome) in enumerate(planned):
            self.history.at(when + dt.timedelta(minutes=50), self._outcome, plan, index, outcome)

    def _plan_story(self, plan: _Case) -> None:
        rng = self.rng
        last_failed = [t for t, o in plan.planned if o == "failed_unacceptable"]
        if plan.story == "warning" and last_failed:
            self.history.at(last_failed[0] + dt.timedelta(days=1, hours=1), self._warn, plan, 0)
        elif plan.story == "breach" and len(last_failed) >= 2:
            self.history.at(last_failed[0] + dt.timedelta(days=1, hours=1), self._warn, plan, 0)
            initiated = last_failed[-1] + dt.timedelta(days=1, hours=2)
            self.history.at(initiated, self._breach, plan)
        elif plan.story == "positive":
            for weeks_ago in (6, 4, 2):
                due = weekday_on_or_after(self.today - dt.timedelta(weeks=weeks_ago))
                if due > plan.starts_on:
                    result = "positive" if weeks_ago == 2 else "negative"
                    self.history.at(local(due, 12), self._test, plan, due, result, respond=True)
        elif plan.story == "awaiting":
            due = weekday_on_or_after(self.today - dt.timedelta(days=rng.randint(3, 8)))
            if due < self.today:
                self.history.at(local(due, 12), self._test, plan, due, "missed", respond=False)
        elif plan.story == "override":
            self.history.at(local(plan.starts_on, 16), self._override, plan)
        if plan.story == "steady" and rng.random() < 0.25:
            due = weekday_on_or_after(self.today - dt.timedelta(days=rng.randint(7, 40)))
            if due > plan.starts_on and due < self.today:
                self.history.at(local(due, 12), self._test, plan, due, "negative", respond=False)
        if plan.story == "positive" or (plan.story == "steady" and rng.random() < 0.2):
            self.history.at(self.now - dt.timedelta(minutes=20), self._order_today, plan)

    # --- the steps (clock frozen) ----------------------------------------------------------------

    def _assess(self, person: Person) -> None:
        if person.assessments.filter(instrument_code=ogrs3.CODE).exists():
            return
        answers = _ogrs3_answers(person, self.rng, clock.today())
        if answers is None:
            return
        from oms.assessment.services import assessments as assessment_services

        acting = assessor_actor(self.actor)
        draft = assessment_services.start_assessment(
            acting, person_id=person.public_id, instrument=ogrs3.CODE, answers=answers
        )
        assessment_services.complete_assessment(acting, assessment_id=draft.public_id)
        self.report.assessed += 1

    def _open(self, plan: _Case) -> None:
        rng = self.rng
        prefix = "LIC" if plan.kind == SupervisionCase.Kind.LICENCE else "CO"
        plan.case = case_services.open_case(
            plan.actor,
            person_id=plan.person.public_id,
            kind=plan.kind,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            reference=f"{prefix}/{plan.starts_on:%y}/{rng.randint(10000, 99999)}",
            office_id=plan.office.public_id,
            officer_id=plan.officer_id,
        )
        self.report.cases += 1
        self.report.allocated += plan.officer_id is not None
        if plan.kind == SupervisionCase.Kind.LICENCE:
            chosen = [("licence_condition", text, None) for text in rng.sample(LICENCE_CONDITIONS, rng.randint(2, 4))]
            if plan.story == "positive":
                chosen.append(("drug_treatment", "Drug testing and treatment as directed", None))
        else:
            pool = PROBATION_REQUIREMENTS[:2] + rng.sample(PROBATION_REQUIREMENTS[2:], 1)
            chosen = rng.sample(pool, rng.randint(1, 3))
            if plan.story == "positive" and not any(k == "drug_treatment" for k, _, _ in chosen):
                chosen.append(PROBATION_REQUIREMENTS[2])
        for kind, detail, amounts in chosen:
            requirement_services.add_requirement(
                plan.actor,
                case_id=plan.case.public_id,
                kind=kind,
                detail=detail,
                amount=rng.choice(amounts) if amounts else None,
            )
            self.report.requirements += 1

    def _book(self, plan: _Case, first: dt.datetime, repeat: str, days: int) -> None:
        booked = appointment_services.book_appointments(
            plan.actor,
            case_id=plan.case.public_id,
            kind="office",
            starts_at=first,
            repeat=repeat,
            weeks=max(1, -(-days // 7)),
        )
        plan.appointments = booked[: len(plan.planned)]
        self.report.appointments += len(booked)

    def _book_ahead(self, plan: _Case, first: dt.datetime, repeat: str) -> None:
        kind = "office" if self.rng.random() < 0.8 else self.rng.choice(("home_visit", "video", "phone"))
        booked = appointment_services.book_appointments(
            plan.actor, case_id=plan.case.public_id, kind=kind, starts_at=first, repeat=repeat, weeks=AHEAD_WEEKS
        )
        self.report.appointments += len(booked)

    def _outcome(self, plan: _Case, index: int, outcome: str) -> None:
        if index >= len(plan.appointments):
            return
        appointment_services.record_outcome(
            plan.actor,
            appointment_id=plan.appointments[index].public_id,
            outcome=outcome,
            notes=self.rng.choice(OUTCOME_NOTES[outcome]),
        )
        self.report.outcomes += 1
        self.report.outcomes_by_kind[outcome] = self.report.outcomes_by_kind.get(outcome, 0) + 1

    def _warn(self, plan: _Case, which: int) -> None:
        failed = list(
            Appointment.objects.filter(pk__in=[a.pk for a in plan.appointments], outcome="failed_unacceptable")
        )
        if len(failed) <= which:
            return
        breach_services.issue_warning(
            plan.actor,
            case_id=plan.case.public_id,
            reason="Failed to attend without an acceptable reason: first warning given in writing.",
            appointment_id=failed[which].public_id,
        )
        self.report.warnings += 1

    def _breach(self, plan: _Case) -> None:
        breach = breach_services.start_breach(
            plan.actor,
            case_id=plan.case.public_id,
            reason="A further unacceptable failure to attend within the warning period.",
        )
        breach_services.advance_breach(
            plan.actor,
            breach_id=breach.public_id,
            version=breach.version,
            state="summons",
            reason="Breach report sent to the magistrates' court; summons requested.",
        )
        self.report.breaches += 1

    def _test(self, plan: _Case, due: dt.date, result: str, *, respond: bool) -> None:
        test = testing_services.order_test(
            plan.actor, case_id=plan.case.public_id, due_on=due, notes="Officer request: treatment requirement"
        )
        test = testing_services.record_result(
            plan.actor,
            test_id=test.public_id,
            result=result,
            substances=self.rng.choice(SUBSTANCES) if result == "positive" else (),
        )
        self.report.tests += 1
        if test.violation_id:
            self.report.violations += 1
            if respond:
                self._respond(plan, test.violation)

    def _respond(self, plan: _Case, violation: Violation) -> None:
        allowed = sanction_queries.allowed_for(violation, violation.case.kind)
        response = "treatment_referral" if "treatment_referral" in allowed else allowed[0]
        sanction_services.respond(
            plan.actor,
            violation_id=violation.public_id,
            response=response,
            reason="First positive test on this order; referred back to the treatment provider.",
        )
        self.report.responses += 1

    def _override(self, plan: _Case) -> None:
        case = SupervisionCase.objects.get(pk=plan.case.pk)
        case_services.override_level(
            plan.actor.lent(case_services.OVERRIDE),
            case_id=case.public_id,
            version=case.version,
            level="very_high",
            reason="Partner agency reports escalating domestic abuse concerns; weekly contact and home visits.",
        )

    def _order_today(self, plan: _Case) -> None:
        if plan.case.drug_tests.filter(due_on=clock.today()).exists():
            return
        testing_services.order_test(plan.actor, case_id=plan.case.public_id, notes="Random test: attend today")
        self.report.tests += 1


def open_demo_portal(actor: Actor, person: Person, username: str) -> User:
    """A participant portal account for ``person`` through the portal service, then given the demo password
    (no change forced) and listed with the demo logins, like the demo staff (demo mode only, AUTH-5). The
    participant enrols TOTP at first sign-in like everyone."""
    from oms.demo.services import DEMO_PASSWORD  # the services module is the demo's entry point

    user, _ = portal_services.open_portal_account(actor, person.public_id, username=username)
    user.set_password(DEMO_PASSWORD)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    DemoAccount.objects.get_or_create(user=user, defaults={"role_code": PARTICIPANT_ROLE})
    return user


def _check_ins(loader: _Loader, report: SupervisionReport) -> None:
    """Weekly remote check-ins on a few steady cases of the demo officer's caseload. The first person gets
    the demo participant login: last week's check-in submitted and reviewed, the one before expired, and
    this week's submitted, waiting on the caseload for the officer's review."""
    steady = [p for p in loader.plans if p.story == "steady" and p.officer_id is not None]
    # The participant answers the identity questions with the postcode on their record, so needs one.
    housed = [p for p in steady if p.person.addresses.filter(is_primary=True).exclude(postcode="").exists()]
    if not housed or User.objects.filter(username=PARTICIPANT_USERNAME).exists():
        return
    chosen = [housed[0], *[p for p in steady if p is not housed[0]]][:CHECK_IN_CASES]
    today = loader.today
    starts_on = today - dt.timedelta(days=15)  # the current week's check-in opened yesterday
    for plan in chosen:
        with clock.freeze(local(starts_on, 8)):
            checkin_services.set_schedule(
                plan.actor, case_id=plan.case.public_id, frequency="weekly", starts_on=starts_on
            )
    first = chosen[0]
    with clock.freeze(local(starts_on, 8, 30)):
        user = open_demo_portal(first.actor, first.person, PARTICIPANT_USERNAME)
    report.participant = user.username
    participant = actor_for_user(user, channel="web")
    address = first.person.addresses.filter(is_primary=True).first()
    identity = {"date_of_birth": first.person.date_of_birth, "postcode": address.postcode if address else ""}
    answers = {"accommodation": "settled", "employment": "working", "substance_use": "none", "wellbeing": "okay"}
    with clock.freeze(local(today - dt.timedelta(days=11), 9)):
        checkin_services.expire_check_ins(loader.actor)  # the first week's, never submitted
    with clock.freeze(local(today - dt.timedelta(days=8), 8)):
        opened = checkin_services.open_due_check_ins(loader.actor)
    mine = [c for c in opened if c.case_id == first.case.pk]
    if mine:
        with clock.freeze(local(today - dt.timedelta(days=8), 19)):
            done = checkin_services.submit_check_in(
                participant,
                check_in_id=mine[0].public_id,
                answers=answers,
                message="All fine, working nights.",
                **identity,
            )
        with clock.freeze(local(today - dt.timedelta(days=7), 10)):
            checkin_services.review_check_in(
                first.actor,
                check_in_id=done.public_id,
                outcome="satisfactory",
                note="Read; no concerns.",
                version=done.version,
            )
        report.check_ins += 1
    with clock.freeze(local(today - dt.timedelta(days=4), 9)):
        checkin_services.expire_check_ins(loader.actor)
    with clock.freeze(max(local(today - dt.timedelta(days=1), 8), loader.now - dt.timedelta(hours=20))):
        opened = checkin_services.open_due_check_ins(loader.actor)
    mine = [c for c in opened if c.case_id == first.case.pk]
    if mine:
        with clock.freeze(max(mine[0].opens_at + dt.timedelta(hours=2), loader.now - dt.timedelta(hours=3))):
            checkin_services.submit_check_in(
                participant,
                check_in_id=mine[0].public_id,
                answers={**answers, "accommodation": "at_risk"},
                message="My landlord has given me notice. Can we talk about it?",
                **identity,
            )
        report.check_ins += 1


def load_supervision(actor: Actor, *, seed: int = 1) -> SupervisionReport:
    """Cases, appointments, warnings, a breach, tests and violations at each demo probation office that
    has no supervision cases yet (operator only)."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    report = SupervisionReport()
    officer = User.objects.filter(username=OFFICER_USERNAME, is_active=True).first()
    as_officer = dataclasses.replace(actor, user_id=officer.pk, username=officer.username) if officer else None
    loader = _Loader(actor, as_officer, random.Random(seed), report)
    for office in Site.objects.filter(kind=Site.Kind.PROBATION_OFFICE, code__startswith="PRB-").order_by("code"):
        if SupervisionCase.objects.filter(office=office).exists():
            continue  # loaded before, or real cases: left alone
        at_main = office.code == MAIN_OFFICE
        loader.office(office, CASES.get(office.code, DEFAULT_CASES), officer if at_main else None)
    loader.history.run()
    if settings.DEMO_MODE and as_officer is not None:
        _check_ins(loader, report)
    if report.cases:
        record_event(
            actor,
            "demo.supervision_loaded",
            object_type="supervision",
            details={"offices": report.offices, "cases": report.cases, "appointments": report.appointments},
        )
    return report
