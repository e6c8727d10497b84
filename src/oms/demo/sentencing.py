"""Demo legal records: an offence catalogue, and for each demo person in custody a court case with
charges and sentences (sentenced people) or a remand warrant (remanded people), then a release-date
calculation for everyone sentenced, so custody's release dates come from the engine.

Sentence dates are worked back from the release date the custody demo wanted (due today, held past
their date, months ahead), so the daily action plan still has people to act on; the engine then
decides the real date (it may move a weekend date back to the Friday before).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings

from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.custody.models import CustodyEpisode
from oms.sentencing.models import Adjustment, Charge, CourtCase, Offence, Sentence, Warrant
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationError,
    CalculationRequest,
    Duration,
    SentenceInput,
    SentenceKind,
)
from oms.sentencing.services.bulk import recalculate_in_bulk
from oms.sentencing.services.calculations import run_engine

# A synthetic catalogue (codes invented for the demo; titles are generic offence names).
DEMO_OFFENCES = [
    ("DEMO-TH01", "Theft from a shop", "Theft", 2, ["acquisitive"]),
    ("DEMO-TH02", "Theft from the person", "Theft", 3, ["acquisitive"]),
    ("DEMO-BU01", "Burglary of a dwelling", "Burglary", 5, ["acquisitive"]),
    ("DEMO-BU02", "Burglary of a building other than a dwelling", "Burglary", 4, ["acquisitive"]),
    ("DEMO-RB01", "Robbery", "Robbery", 7, ["violent", "acquisitive"]),
    ("DEMO-AS01", "Common assault", "Violence", 3, ["violent"]),
    ("DEMO-AS02", "Assault occasioning actual bodily harm", "Violence", 5, ["violent"]),
    ("DEMO-AS03", "Wounding with intent", "Violence", 8, ["violent", "weapon"]),
    ("DEMO-AS04", "Assault on an emergency worker", "Violence", 4, ["violent"]),
    ("DEMO-DA01", "Controlling or coercive behaviour", "Violence", 5, ["violent", "domestic_abuse"]),
    ("DEMO-DR01", "Possession of a controlled drug of class A", "Drugs", 3, ["drug"]),
    ("DEMO-DR02", "Possession with intent to supply a class A drug", "Drugs", 6, ["drug"]),
    ("DEMO-DR03", "Being concerned in the supply of a class B drug", "Drugs", 4, ["drug"]),
    ("DEMO-FR01", "Fraud by false representation", "Fraud", 4, ["acquisitive"]),
    ("DEMO-HS01", "Handling stolen goods", "Theft", 3, ["acquisitive"]),
    ("DEMO-CD01", "Criminal damage", "Criminal damage", 2, []),
    ("DEMO-CD02", "Arson", "Criminal damage", 6, []),
    ("DEMO-WE01", "Possession of a bladed article in a public place", "Weapons", 4, ["weapon"]),
    ("DEMO-MO01", "Driving while disqualified", "Motoring", 2, ["motoring"]),
    ("DEMO-MO02", "Dangerous driving", "Motoring", 4, ["motoring"]),
    ("DEMO-PO01", "Affray", "Public order", 4, ["violent"]),
    ("DEMO-BA01", "Failing to surrender to custody", "Bail offences", 2, []),
]

COURTS = ["Larkford Crown Court", "Westbridge Magistrates' Court", "Northvale Crown Court"]
# Lengths a court typically gives, (years, months): short, medium and long determinate sentences.
LENGTHS = [(0, 4), (0, 6), (0, 9), (1, 0), (1, 6), (2, 0), (3, 0), (4, 0), (6, 0)]


@dataclass
class SentencingReport:
    offences: int = 0
    court_cases: int = 0
    sentences: int = 0
    adjustments: int = 0
    warrants: int = 0
    calculated: int = 0


def _release_date(start, committed, years, months, remand, date_of_birth) -> dt.date | None:
    request = CalculationRequest(
        sentences=(
            SentenceInput("s", SentenceKind.DETERMINATE, start, min(committed, start), Duration(years, months)),
        ),
        adjustments=(AdjustmentInput(AdjustmentKind.REMAND, remand),) if remand else (),
        date_of_birth=date_of_birth,
    )
    try:
        result = run_engine(request, settings.RELEASE_PROFILE)[1]
    except CalculationError:
        return None
    # The date before any move off a weekend: the one that moves one-for-one with the sentence date.
    return result.dates[result.release_date_type].arithmetic_date if result.release_date_type else None


def load_sentencing(actor: Actor, *, seed: int = 1, progress=None) -> SentencingReport:
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    rng = random.Random(seed)
    report = SentencingReport()
    today = clock.today()
    existing = set(Offence.objects.values_list("code", flat=True))
    Offence.objects.bulk_create(
        [
            Offence(code=code, title=title, category=category, severity=severity, flags=flags)
            for code, title, category, severity, flags in DEMO_OFFENCES
            if code not in existing
        ]
    )
    report.offences = Offence.objects.count()
    offences = list(Offence.objects.filter(code__startswith="DEMO-").order_by("code"))
    episodes = list(
        CustodyEpisode.objects.filter(status=CustodyEpisode.Status.ACTIVE, person__court_cases__isnull=True)
        .select_related("person")
        .order_by("pk")
    )
    sentenced_people = []
    for n, episode in enumerate(episodes, start=1):
        person = episode.person
        court = rng.choice(COURTS)
        case = CourtCase.objects.create(
            person=person,
            case_number=f"D{episode.site_id:02d}{n:06d}",
            court_name=court,
            opened_on=(episode.received_at.date() - dt.timedelta(days=rng.randint(0, 60))),
        )
        report.court_cases += 1
        offence = rng.choice(offences)
        committed = case.opened_on - dt.timedelta(days=rng.randint(5, 120))
        charge = Charge.objects.create(court_case=case, offence=offence, committed_from=committed)
        if episode.legal_status != "sentenced" or episode.release_due_on is None:
            Warrant.objects.create(
                person=person,
                court_case=case,
                kind=Warrant.Kind.REMAND,
                reference=f"RW{rng.randint(100000, 999999)}",
                issued_by=court,
                issued_on=episode.received_at.date(),
            )
            report.warrants += 1
            continue
        # Work the sentence date back from the release date the custody demo wanted: guess, ask the
        # engine, shift the sentence date by the difference (release moves one-for-one with it).
        years, months = rng.choice(LENGTHS)
        remand = rng.choice([0, 0, 14, 30, 61])
        start = episode.release_due_on - dt.timedelta(days=(years * 365 + months * 30) // 2 - remand)
        for _ in range(3):
            got = _release_date(start, committed, years, months, remand, person.date_of_birth)
            if got is None or got == episode.release_due_on:
                break
            start += episode.release_due_on - got
        if start > today:
            # A long way off and a short sentence: sentenced today, with no remand (remand longer than
            # the custodial part would mean release on the day of sentence).
            start, remand = today, 0
        committed = min(committed, start)
        charge.outcome, charge.plea, charge.outcome_on = Charge.Outcome.CONVICTED, Charge.Plea.GUILTY, start
        charge.save(update_fields=["outcome", "plea", "outcome_on"])
        sentence = Sentence.objects.create(
            person=person,
            court_case=case,
            kind="determinate",
            sentenced_on=start,
            offence_committed_on=committed,
            years=years,
            months=months,
        )
        sentence.charges.add(charge)
        report.sentences += 1
        if remand:
            Adjustment.objects.create(
                person=person,
                kind="remand",
                days=remand,
                to_date=start - dt.timedelta(days=1),
                from_date=start - dt.timedelta(days=remand),
                sentence=sentence,
                source=f"Court record {case.case_number}",
            )
            report.adjustments += 1
        sentenced_people.append(person.pk)
    report.calculated = recalculate_in_bulk(actor, person_ids=sentenced_people, progress=progress).stored
    return report
