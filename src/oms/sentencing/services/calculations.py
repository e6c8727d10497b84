"""Running the release-date engine for a person and storing the result.

``recalculate`` is the one way a calculation is made: sentence and adjustment services call it in the
same transaction as their change (so an input the engine rejects — a consecutive link to a later
sentence, a cycle — refuses the change with the engine's explanation), and manual requests call it
through ``request_calculation``.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import transaction

from oms.audit.services import record_event
from oms.core import clock, outbox
from oms.core.actor import Actor
from oms.core.errors import RuleViolation
from oms.core.events import Event, publish
from oms.people.models import Person, PersonSiteLink
from oms.sentencing.models import Adjustment, Calculation, Sentence, SiteProfile
from oms.sentencing.rules import profiles
from oms.sentencing.rules.types import (
    AdjustmentInput,
    AdjustmentKind,
    CalculationError,
    CalculationRequest,
    CalculationResult,
    Duration,
    SentenceInput,
    SentenceKind,
)

CALCULATED_EVENT = "sentencing.release_dates_calculated"


def build_request(person: Person) -> CalculationRequest:
    """The engine's request from the person's active sentences and adjustments."""
    sentences = list(
        Sentence.objects.filter(person=person, status=Sentence.Status.ACTIVE)
        .select_related("consecutive_to")
        .order_by("sentenced_on", "court_case_id", "line_number", "id")
    )
    adjustments = list(
        Adjustment.objects.filter(person=person, status=Adjustment.Status.ACTIVE)
        .select_related("sentence")
        .order_by("id")
    )
    return request_from_rows(person.date_of_birth, sentences, adjustments)


def request_from_rows(date_of_birth, sentences: list[Sentence], adjustments: list[Adjustment]) -> CalculationRequest:
    """Shared by the single-person path and bulk recalculation (which loads rows in batches)."""
    return CalculationRequest(
        date_of_birth=date_of_birth,
        sentences=tuple(
            SentenceInput(
                ref=str(s.public_id),
                kind=SentenceKind(s.kind),
                sentenced_on=s.sentenced_on,
                offence_committed_on=s.offence_committed_on,
                duration=Duration(s.years, s.months, s.weeks, s.days),
                consecutive_to=str(s.consecutive_to.public_id) if s.consecutive_to_id else None,
            )
            for s in sentences
        ),
        adjustments=tuple(
            AdjustmentInput(
                kind=AdjustmentKind(a.kind),
                days=a.days,
                from_date=a.from_date,
                to_date=a.to_date,
                applies_to_sentences_from=a.sentence.sentenced_on if a.sentence_id else None,
                source=a.source,
            )
            for a in adjustments
        ),
    )


def request_as_json(request: CalculationRequest) -> dict:
    """The stored inputs snapshot (and the documented JSON request format of the CLI and API)."""

    def day(value):
        return value.isoformat() if value else None

    return {
        "date_of_birth": day(request.date_of_birth),
        "sentences": [
            {
                "ref": s.ref,
                "kind": s.kind.value,
                "sentenced_on": day(s.sentenced_on),
                "offence_committed_on": day(s.offence_committed_on),
                "years": s.duration.years,
                "months": s.duration.months,
                "weeks": s.duration.weeks,
                "days": s.duration.days,
                "consecutive_to": s.consecutive_to,
            }
            for s in request.sentences
        ],
        "adjustments": [
            {
                "kind": a.kind.value,
                "days": a.days,
                "from_date": day(a.from_date),
                "to_date": day(a.to_date),
                "applies_to_sentences_from": day(a.applies_to_sentences_from),
                "source": a.source,
            }
            for a in request.adjustments
        ],
        "facts": dict(request.facts),
    }


def inputs_hash(inputs: dict, profile: profiles.Profile) -> str:
    canonical = json.dumps([profile.code, profile.version, inputs], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def all_profiles() -> tuple[profiles.Profile, ...]:
    """Built-in profiles plus the data-defined ones (shipped files and OMS_RELEASE_PROFILES_DIR)."""
    from oms.sentencing.profile_files import load_profiles

    return (*profiles.BUILT_IN, *load_profiles())


def profile_code_for(person: Person) -> str:
    """The profile of the facility holding the person (open custody link), else the default."""
    site_id = (
        PersonSiteLink.objects.filter(person=person, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True)
        .values_list("site_id", flat=True)
        .first()
    )
    if site_id is not None:
        chosen = SiteProfile.objects.filter(site_id=site_id).values_list("profile_code", flat=True).first()
        if chosen:
            return chosen
    return settings.RELEASE_PROFILE


def run_engine(request: CalculationRequest, profile_code: str) -> tuple[profiles.Profile, CalculationResult]:
    """Choose the profile version in force today and calculate. Raises CalculationError."""
    profile = profiles.choose(profile_code, clock.today(), extra=all_profiles()[len(profiles.BUILT_IN) :])
    return profile, profiles.calculate(request, profile)


def date_changes(before: dict | None, after: dict) -> list[dict]:
    """Which dates moved between two stored results: [{"type", "before", "after"}]."""
    old = {t: d["date"] for t, d in (before or {}).get("dates", {}).items()}
    new = {t: d["date"] for t, d in after.get("dates", {}).items()}
    return [
        {"type": t, "before": old.get(t), "after": new.get(t)}
        for t in sorted(set(old) | set(new))
        if old.get(t) != new.get(t)
    ]


def recalculate(actor: Actor, person: Person, *, reason: str, detail: str = "") -> Calculation | None:
    """Calculate the person's dates from their current records and store the calculation.

    Returns None when the person has no sentences and never had a calculation (nothing to store).
    An input the engine rejects raises RuleViolation naming the problem, so the calling change is
    refused and nothing is lost from the form or request that made it.
    """
    request = build_request(person)
    with transaction.atomic():
        previous = Calculation.objects.select_for_update().filter(person=person, is_latest=True).first()
        if not request.sentences and previous is None:
            return None
        try:
            profile, result = run_engine(request, profile_code_for(person))
        except CalculationError as error:
            raise RuleViolation(error.detail, code=f"sentencing.{error.code}", field=error.field or None) from error
        inputs = request_as_json(request)
        stored = result.as_dict()
        if previous is not None:
            Calculation.objects.filter(pk=previous.pk).update(is_latest=False)
        calculation = Calculation.objects.create(
            person=person,
            profile_code=profile.code,
            profile_version=profile.version,
            reason=reason,
            reason_detail=detail[:500],
            inputs=inputs,
            inputs_hash=inputs_hash(inputs, profile),
            result=stored,
            release_date=result.release_date,
            release_date_type=result.release_date_type.value if result.release_date_type else "",
            changes=date_changes(previous.result if previous else None, stored),
            previous=previous,
            is_latest=True,
            calculated_at=clock.now(),
            calculated_by_id=None if actor.is_system else actor.user_id,
        )
        record_event(
            actor,
            "sentencing.release_dates_calculated",
            object_type="calculation",
            object_id=str(calculation.public_id),
            subject_person_id=person.pk,
            details={"reason": reason, "profile": f"{profile.code} v{profile.version}", "changes": calculation.changes},
        )
        body = {
            "person_id": str(person.public_id),
            "calculation_id": str(calculation.public_id),
            "release_date": stored["release_date"],
            "release_date_type": stored["release_date_type"],
        }
        outbox.write(CALCULATED_EVENT, body, person_public_id=person.public_id)
        publish(actor, Event(CALCULATED_EVENT, body))
    return calculation
