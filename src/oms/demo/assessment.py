"""Demo assessments: for some of the people in custody, a criminogenic-needs assessment, an OGRS3 score
and a custody classification, each completed through the assessment services so the results, audit
events and knock-on effects are real (a completed needs assessment opens the person's case plan with
goals; a classification sets the custody episode's security level). Answers are drawn at random from
each instrument's own options. Synthetic data only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from oms.accounts.models import User
from oms.assessment.rules import ogrs3
from oms.assessment.services import assessments as services
from oms.assessment.services.instruments import catalogue
from oms.core import clock
from oms.core.actor import Actor
from oms.core.errors import PermissionDenied
from oms.people.models import Person

DEMO_USERNAME = "demo.assessor"
NEEDS = "criminogenic-needs"
CLASSIFICATION = "custody-classification"
# Most people have few needs: weights for no need / standard / severe.
NEED_WEIGHTS = (0.55, 0.3, 0.15)


@dataclass
class AssessmentsReport:
    needs: int = 0
    ogrs3: int = 0
    classifications: int = 0


def assessor_actor(actor: Actor) -> Actor:
    """The operator acting as the demo assessor (a named user made on first use, unable to sign in):
    the workflow records a named assessor on every assessment."""
    user, created = User.objects.get_or_create(username=DEMO_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return dataclasses.replace(actor, user_id=user.pk, username=user.username)


def _complete(actor: Actor, person: Person, instrument: str, answers: dict) -> None:
    draft = services.start_assessment(actor, person_id=person.public_id, instrument=instrument, answers=answers)
    services.complete_assessment(actor, assessment_id=draft.public_id)


def _choice_answers(instrument_code: str, rng: random.Random, weights=None) -> dict:
    instrument = catalogue().get(instrument_code, catalogue().versions(instrument_code)[-1])
    answers = {}
    for item in instrument.items:
        values = [o.value for o in item.options]
        answers[item.code] = rng.choices(values, weights=weights)[0] if weights else rng.choice(values)
    return answers


def _ogrs3_answers(person: Person, rng: random.Random, today: dt.date) -> dict | None:
    birth = person.date_of_birth
    if birth is None or (today - birth).days < 18 * 365:
        return None
    first_age = rng.randint(15, 30)
    first = birth + dt.timedelta(days=365 * first_age + rng.randint(0, 300))
    conviction = today - dt.timedelta(days=rng.randint(30, 400))
    if first > conviction:
        first = conviction
    return {
        "sex": "female" if person.sex == "female" else "male",
        "offence_category": rng.randrange(len(ogrs3.OFFENCE_CATEGORIES)),
        "previous_sanctions": rng.choice([0, 0, 1, 2, 3, 5, 8, 12]),
        "birth_date": birth.isoformat(),
        "conviction_date": conviction.isoformat(),
        "first_sanction_date": first.isoformat(),
    }


def load_assessments(actor: Actor, *, people: Iterable[Person], seed: int = 1) -> AssessmentsReport:
    """Complete a needs assessment, OGRS3 and a classification for each of ``people`` who has no
    assessment yet (operator only)."""
    if not actor.is_system:
        raise PermissionDenied("Only the operator can load demo data.", code="demo.operator_only")
    acting = assessor_actor(actor)
    rng = random.Random(seed)
    today = clock.today()
    report = AssessmentsReport()
    for person in people:
        if person.assessments.exists():
            continue
        _complete(acting, person, NEEDS, _choice_answers(NEEDS, rng, NEED_WEIGHTS))
        report.needs += 1
        answers = _ogrs3_answers(person, rng, today)
        if answers is not None:
            _complete(acting, person, ogrs3.CODE, answers)
            report.ogrs3 += 1
        _complete(acting, person, CLASSIFICATION, _choice_answers(CLASSIFICATION, rng))
        report.classifications += 1
    return report
