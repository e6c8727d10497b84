"""Demo diversion, loaded after the population: two programmes at the demo diversion site (adult and young
adult, with eligibility criteria and a full fee), and referrals of people the population placed there in
every state: just referred (intake), assessed eligible, assessed ineligible, agreement signed and
starting soon, active (community-service hours logged, some verified and some awaiting verification;
classes, drug tests and check-ins recorded; restitution on a payment plan with payments; the programme
fee paid, reduced or waived on the sliding scale), completed with a dismissal recommendation, and
terminated after a new arrest (returned to prosecution).

Everything goes through the diversion services, played in time order with the clock frozen at each step
(``History``), as the operator acting as the demo diversion coordinator (or a demo user when the demo
staff do not exist); hours are logged by a placement supervisor (a demo user) so the coordinator can
verify them. Deterministic for a seed; loading again adds nothing (a programme that has participations
is left alone). Synthetic text only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field

from django.conf import settings

from oms.accounts.models import User
from oms.accounts.queries import actor_for_user
from oms.audit.services import record_event
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.demo.supervision import History, demo_user, local, open_demo_portal, weekday_on_or_after
from oms.diversion.models import Participation, Programme, Requirement
from oms.diversion.services import messages as message_services
from oms.diversion.services import participations as participation_services
from oms.diversion.services import portal as portal_services
from oms.diversion.services import programmes as programme_services
from oms.diversion.services import progress as progress_services
from oms.facilities.models import Site
from oms.people.models import Person, PersonSiteLink

SITE = "DIV-PTH"
COORDINATOR_USERNAME = "demo.diversion_coordinator"  # oms.demo.services.demo_username("diversion_coordinator")
ACTING_USERNAME = "demo.diversion.coordinator"
PLACEMENT_USERNAME = "demo.diversion.placement"
PARTICIPANT_USERNAME = "demo.participant.diversion"
PROGRAMMES = [
    (
        "Pathways adult diversion",
        "Twelve weeks for adults charged with a first or second low-level offence: community service, a "
        "victim awareness course and, where there is a loss, restitution.",
        {
            "min_age": 18,
            "max_prior_convictions": 2,
            "excluded_offence_categories": ["violence", "sexual"],
            "allow_pending_charges": False,
            "referrer_kinds": ["police", "prosecutor"],
        },
        15_000,
    ),
    (
        "Young adults fresh start",
        "For 18 to 25 year olds referred by the police: mentoring, classes and a drug education course.",
        {"min_age": 18, "max_age": 25, "max_prior_convictions": 1, "referrer_kinds": ["police"]},
        5_000,
    ),
]
# The course of each participation at the main programme, then the second programme.
STORIES = [
    "referred",
    "referred",
    "eligible",
    "ineligible",
    "signed",
    "active",
    "active",
    "active",
    "active",
    "completed",
    "completed",
    "terminated",
]
SECOND_STORIES = ["referred", "active", "active", "completed"]
OFFENCES = [
    ("Theft from a shop: goods worth 85 pounds", "theft", 8_500),
    ("Criminal damage to a bus shelter", "criminal_damage", 24_000),
    ("Possession of cannabis", "drugs", 0),
    ("Theft of a bicycle", "theft", 32_000),
    ("Public order: threatening words in the town centre", "public_order", 0),
    ("Fraud: used a found bank card twice", "fraud", 6_400),
]
PLACES = [
    ("Larkford food bank", "Sorting donations"),
    ("Riverside community garden", "Clearing beds and paths"),
    ("St Anne's charity shop", "Stock room and till"),
]
INCOMES = [
    (1_400_000, 1, False),
    (2_600_000, 2, False),
    (4_800_000, 3, False),
    (900_000, 1, True),
    (9_000_000, 2, False),
]


@dataclass
class DiversionReport:
    programmes: int = 0
    participations: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    hours_logged: int = 0
    hours_verified: int = 0
    payments: int = 0
    attendances: int = 0
    participant: str = ""  # the demo portal login, when made


@dataclass
class _Plan:
    person: Person
    programme: Programme
    story: str
    referred_on: dt.date
    participation: Participation | None = None
    requirements: dict[str, Requirement] = field(default_factory=dict)


class _Loader:
    def __init__(self, coordinator: Actor, placement: Actor, rng: random.Random, report: DiversionReport) -> None:
        self.coordinator = coordinator
        self.placement = placement
        self.rng = rng
        self.report = report
        self.history = History()
        self.today = clock.today()
        self.plans: list[_Plan] = []

    def programme(self, site: Site, name: str, description: str, eligibility: dict, fee: int) -> Programme:
        existing = Programme.objects.filter(site=site, name=name).first()
        if existing is not None:
            return existing
        self.report.programmes += 1
        return programme_services.create_programme(
            self.coordinator,
            site_id=site.public_id,
            name=name,
            description=description,
            eligibility=eligibility,
            full_fee_minor=fee,
        )

    def plan(self, person: Person, programme: Programme, story: str) -> None:
        rng = self.rng
        ago = {
            "referred": rng.randint(1, 4),
            "eligible": rng.randint(6, 10),
            "ineligible": rng.randint(6, 12),
            "signed": rng.randint(8, 14),
            "active": rng.randint(30, 70),
            "completed": rng.randint(120, 160),
            "terminated": rng.randint(60, 90),
        }[story]
        plan = _Plan(person, programme, story, self.today - dt.timedelta(days=ago))
        self.plans.append(plan)
        self.history.at(local(plan.referred_on, 10), self._refer, plan)
        if story == "referred":
            return
        assessed = plan.referred_on + dt.timedelta(days=3)
        self.history.at(local(assessed, 11), self._assess, plan)
        if story in ("eligible", "ineligible"):
            return
        signed = plan.referred_on + dt.timedelta(days=7)
        self.history.at(local(signed, 14), self._sign, plan, signed)
        if story == "signed":
            return
        self.history.at(local(signed, 14, 30), self._start, plan)
        last = {"active": self.today - dt.timedelta(days=1), "completed": signed + dt.timedelta(days=100)}
        last = last.get(story, self.today - dt.timedelta(days=2))
        self._progress(plan, signed, last)
        if story == "completed":
            self.history.at(local(signed + dt.timedelta(days=108), 16), self._complete, plan)
        elif story == "terminated":
            arrested = self.today - dt.timedelta(days=rng.randint(12, 20))
            self.history.at(local(arrested + dt.timedelta(days=1), 9), self._arrest, plan, arrested)
            self.history.at(local(arrested + dt.timedelta(days=6), 15), self._terminate, plan)

    def _progress(self, plan: _Plan, signed: dt.date, last: dt.date) -> None:
        """Weekly community service and check-ins, fortnightly classes and tests, payments on the plan's
        dates (an odd one missed unless the participant goes on to complete)."""
        rng = self.rng
        completing = plan.story == "completed"
        day = weekday_on_or_after(signed + dt.timedelta(days=3))
        week = 0
        while day <= last:
            if week < 10:  # 10 sessions of 4 hours: the 40 hours
                hours_day = day + dt.timedelta(days=5) if day.weekday() < 5 else day
                hours_day = min(hours_day, last)
                verify = completing or hours_day < self.today - dt.timedelta(days=7) or rng.random() < 0.4
                self.history.at(local(hours_day, 17), self._hours, plan, hours_day, 240, verify)
            if week % 2 == 0 and week < 12:
                self.history.at(local(day, 18), self._attend, plan, "classes", day, completing)
                self.history.at(local(day, 12), self._attend, plan, "drug_tests", day, completing)
            self.history.at(local(day, 10, 15), self._attend, plan, "check_ins", day, completing)
            day += dt.timedelta(days=7)
            week += 1
        instalment = signed + dt.timedelta(days=14)  # the payment plan's dates (every 14 days from then)
        while instalment <= last:
            self.history.at(local(instalment, 9, 30), self._pay, plan, instalment, completing)
            instalment += dt.timedelta(days=14)

    # --- steps -----------------------------------------------------------------------------------

    def _refer(self, plan: _Plan) -> None:
        summary, category, _ = self.rng.choice(OFFENCES)
        police = self.rng.random() < 0.7 or plan.programme.eligibility.get("referrer_kinds") == ["police"]
        plan.participation = participation_services.refer(
            self.coordinator,
            person_id=plan.person.public_id,
            programme_id=plan.programme.public_id,
            referrer_kind="police" if police else "prosecutor",
            referrer_name="PC 4471 Hollis, Larkford station" if police else "Crown Prosecution Service, Larkford",
            referrer_reference=f"{'LK' if police else 'CPS'}/{plan.referred_on:%y}/{self.rng.randint(1000, 9999)}",
            offence_summary=summary,
            offence_category=category,
            referred_on=plan.referred_on,
        )
        self.report.participations += 1

    def _fresh(self, plan: _Plan) -> Participation:
        plan.participation = Participation.objects.get(pk=plan.participation.pk)
        return plan.participation

    def _assess(self, plan: _Plan) -> None:
        participation = self._fresh(plan)
        participation_services.assess_eligibility(
            self.coordinator,
            participation_id=participation.public_id,
            version=participation.version,
            prior_convictions=5 if plan.story == "ineligible" else self.rng.choice((0, 0, 1)),
            pending_charges=False,
        )

    def _sign(self, plan: _Plan, signed: dt.date) -> None:
        participation = self._fresh(plan)
        _, _, loss = self.rng.choice([o for o in OFFENCES if o[2]])
        due = signed + dt.timedelta(weeks=12)
        requirements = [
            {"kind": "community_service", "target": 40, "due_on": due, "detail": "Unpaid work at a placement"},
            {"kind": "classes", "target": 6, "due_on": due, "detail": "Victim awareness course, six sessions"},
            {"kind": "drug_tests", "target": 6, "due_on": due, "detail": "Fortnightly tests at the office"},
            {"kind": "check_ins", "target": 10, "due_on": due, "detail": "Weekly check-in"},
            {
                "kind": "restitution",
                "target": loss,
                "due_on": due,
                "detail": "Repay the loss to the victim",
                "instalment_minor": -(-loss // 6),
                "instalment_every_days": 14,
                "first_instalment_on": signed + dt.timedelta(days=14),
            },
            {"kind": "no_new_arrest", "due_on": due, "detail": "No new arrest during the programme"},
        ]
        income, size, benefit = self.rng.choice(INCOMES)
        participation_services.sign_agreement(
            self.coordinator,
            participation_id=participation.public_id,
            version=participation.version,
            requirements=requirements,
            signed_on=signed,
            starts_on=signed if plan.story != "signed" else self.today + dt.timedelta(days=5),
            household_income_minor=income,
            household_size=size,
            means_tested_benefit=benefit,
        )
        plan.requirements = {r.kind: r for r in participation.requirements.all()}

    def _start(self, plan: _Plan) -> None:
        participation = self._fresh(plan)
        participation_services.start(
            self.coordinator, participation_id=participation.public_id, version=participation.version
        )

    def _hours(self, plan: _Plan, on: dt.date, minutes: int, verify: bool) -> None:
        if self._fresh(plan).state != "active":
            return
        place, task = self.rng.choice(PLACES)
        entry = progress_services.log_hours(
            self.placement,
            requirement_id=plan.requirements["community_service"].public_id,
            worked_on=on,
            minutes=minutes,
            description=f"{task} at {place}",
        )
        self.report.hours_logged += 1
        if verify:
            progress_services.verify_hours(self.coordinator, entry_id=entry.public_id)
            self.report.hours_verified += 1

    def _attend(self, plan: _Plan, kind: str, on: dt.date, always: bool) -> None:
        if self._fresh(plan).state != "active":
            return
        requirement = plan.requirements[kind]
        if requirement.attendances.filter(outcome="attended").count() >= (requirement.target or 0):
            return
        missed = not always and self.rng.random() < 0.1
        outcome = "missed" if missed else "attended"
        progress_services.record_attendance(
            self.coordinator,
            requirement_id=requirement.public_id,
            on=on,
            outcome=outcome,
            test_result="negative" if kind == "drug_tests" and outcome == "attended" else "",
            note="" if outcome == "attended" else "Did not come and did not call",
        )
        self.report.attendances += 1

    def _pay(self, plan: _Plan, on: dt.date, always: bool) -> None:
        participation = self._fresh(plan)
        if participation.state != "active":
            return
        restitution = plan.requirements["restitution"]
        paid = sum(e.amount_minor for e in restitution.ledger.filter(kind="payment"))
        left = restitution.target - paid
        if left <= 0 or (not always and self.rng.random() < 0.15):
            return
        progress_services.record_ledger_entry(
            self.coordinator,
            participation_id=participation.public_id,
            kind="payment",
            amount_minor=min(left, restitution.instalment_minor or left),
            on=on,
            requirement_id=restitution.public_id,
            note="Instalment paid at the office",
        )
        self.report.payments += 1

    def _complete(self, plan: _Plan) -> None:
        participation = self._fresh(plan)
        restitution = plan.requirements["restitution"]
        paid = sum(e.amount_minor for e in restitution.ledger.filter(kind="payment"))
        if paid < restitution.target:
            progress_services.record_ledger_entry(
                self.coordinator,
                participation_id=participation.public_id,
                kind="payment",
                amount_minor=restitution.target - paid,
                requirement_id=restitution.public_id,
                note="Final payment",
            )
        participation_services.complete(
            self.coordinator,
            participation_id=participation.public_id,
            version=participation.version,
            reason="Every requirement met: dismissal recommended to the prosecutor.",
        )

    def _arrest(self, plan: _Plan, arrested: dt.date) -> None:
        progress_services.record_new_arrest(
            self.coordinator,
            requirement_id=plan.requirements["no_new_arrest"].public_id,
            arrested_on=arrested,
            note="Arrested for shoplifting in Westbridge; charged and bailed.",
        )

    def _terminate(self, plan: _Plan) -> None:
        participation = self._fresh(plan)
        participation_services.terminate(
            self.coordinator,
            participation_id=participation.public_id,
            version=participation.version,
            reason="New arrest during the programme: returned to the prosecutor.",
        )


def _portal(coordinator: Actor, plan: _Plan, report: DiversionReport) -> None:
    """The demo participant login for an active participant, who has since logged hours on the portal
    (awaiting the coordinator's verification), checked in, and been sent a message."""
    if User.objects.filter(username=PARTICIPANT_USERNAME).exists():
        return
    today = clock.today()
    with clock.freeze(local(plan.referred_on + dt.timedelta(days=7), 15)):
        user = open_demo_portal(coordinator, plan.person, PARTICIPANT_USERNAME)
    report.participant = user.username
    participant = actor_for_user(user, channel="web")
    participation = Participation.objects.get(pk=plan.participation.pk)
    with clock.freeze(local(today - dt.timedelta(days=3), 11)):
        message_services.send_message(
            coordinator,
            participation_id=participation.public_id,
            subject="Your next victim awareness session",
            body="The next session is on Thursday at 6pm at the Pathways office. Please bring your workbook.",
        )
    with clock.freeze(local(today - dt.timedelta(days=1), 19)):
        portal_services.log_own_hours(
            participant,
            requirement_id=plan.requirements["community_service"].public_id,
            worked_on=today - dt.timedelta(days=1),
            minutes=180,
            place="Larkford food bank",
            supervisor_name="Mrs Okafor (volunteer lead)",
            description="Sorting the weekend donations",
        )
        portal_services.check_in(participant, wellbeing="okay", note="Busy week but keeping up.")
    report.hours_logged += 1


def _people(site: Site, count: int) -> list[Person]:
    return list(
        Person.objects.filter(
            site_links__site=site,
            site_links__kind=PersonSiteLink.Kind.DIVERSION,
            site_links__ended_on__isnull=True,
            status="active",
        )
        .exclude(diversion_participations__isnull=False)
        .distinct()
        .order_by("id")[:count]
    )


def load_diversion(actor: Actor, *, seed: int = 1) -> DiversionReport:
    """The demo programmes and participations at the demo diversion site, unless its programmes already
    have participations (operator only)."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    report = DiversionReport()
    site = Site.objects.filter(code=SITE).first()
    if site is None:
        return report
    user = User.objects.filter(username=COORDINATOR_USERNAME, is_active=True).first()
    coordinator = dataclasses.replace(actor, user_id=user.pk, username=user.username) if user else None
    coordinator = coordinator or demo_user(actor, ACTING_USERNAME, "Diversion coordinator")
    placement = demo_user(actor, PLACEMENT_USERNAME, "Placement supervisor")
    loader = _Loader(coordinator, placement, random.Random(seed), report)
    with clock.freeze(local(clock.today() - dt.timedelta(days=200), 9)):
        programmes = [loader.programme(site, *spec) for spec in PROGRAMMES]
    if Participation.objects.filter(programme__in=programmes).exists():
        return report  # loaded before, or real participations: left alone
    people = _people(site, len(STORIES) + len(SECOND_STORIES))
    young = [p for p in people if p.date_of_birth and (clock.today() - p.date_of_birth).days < 25 * 365]
    second = young[: len(SECOND_STORIES)]
    first = [p for p in people if p not in second][: len(STORIES)]
    for person, story in zip(first, STORIES, strict=False):
        loader.plan(person, programmes[0], story)
    for person, story in zip(second, SECOND_STORIES, strict=False):
        loader.plan(person, programmes[1], story)
    loader.history.run()
    active = [p for p in loader.plans if p.story == "active" and p.programme == programmes[0]]
    if settings.DEMO_MODE and user is not None and active:
        _portal(coordinator, active[0], report)
    states = Participation.objects.filter(programme__in=programmes).values_list("state", flat=True)
    for state in states:
        report.by_state[state] = report.by_state.get(state, 0) + 1
    report.by_state = dict(sorted(report.by_state.items()))
    if report.participations:
        record_event(
            actor,
            "demo.diversion_loaded",
            object_type="diversion",
            details={"programmes": report.programmes, "participations": report.participations},
        )
    return report
