"""Running the release-date engine for a person and storing the result.

``recalculate`` is the one way a calculation is made: sentence and adjustment services call it in the
same transaction as their change (so an input the engine rejects — a consecutive link to a later
sentence, a cycle — refuses the change with the engine's explanation), and manual requests call it
through ``request_calculation``.
"""

from __future__ import annotations

import datetime as dt
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
from oms.people.queries import find_person
from oms.sentencing.models import Adjustment, Calculation, Sentence, SiteProfile
from oms.sentencing.profile_files import available_profiles
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
from oms.sentencing.services.facts import facts_for

CALCULATED_EVENT = "sentencing.release_dates_calculated"


SENTENCE_FIELDS = (
    "public_id",
    "kind",
    "sentenced_on",
    "offence_committed_on",
    "years",
    "months",
    "weeks",
    "days",
    "consecutive_to__public_id",
    "court_case__case_number",
    "line_number",
)
ADJUSTMENT_FIELDS = ("kind", "days", "from_date", "to_date", "sentence__sentenced_on", "source")
# The order the engine sees sentences and adjustments in; bulk recalculation sorts its batches the same
# way so a person's inputs (and their hash) are identical on both paths.
SENTENCE_ORDER = ("sentenced_on", "court_case_id", "line_number", "id")
ADJUSTMENT_ORDER = ("id",)


def active_sentences():
    return Sentence.objects.filter(status=Sentence.Status.ACTIVE)


def active_adjustments():
    return Adjustment.objects.filter(status=Adjustment.Status.ACTIVE)


def build_request(person: Person) -> CalculationRequest:
    """The engine's request from the person's active sentences and adjustments, with the profile facts
    that apps above sentencing provide (``services.facts``)."""
    sentences = active_sentences().filter(person=person).order_by(*SENTENCE_ORDER).values(*SENTENCE_FIELDS)
    adjustments = active_adjustments().filter(person=person).order_by(*ADJUSTMENT_ORDER).values(*ADJUSTMENT_FIELDS)
    facts = facts_for([person.pk]).get(person.pk, {})
    return request_from_values(person.date_of_birth, list(sentences), list(adjustments), facts)


def request_from_values(
    date_of_birth, sentences: list[dict], adjustments: list[dict], facts: dict | None = None
) -> CalculationRequest:
    """The request from rows read with SENTENCE_FIELDS and ADJUSTMENT_FIELDS: shared by the single-person
    path and bulk recalculation (which reads rows for a batch of people at once)."""
    return CalculationRequest(
        date_of_birth=date_of_birth,
        sentences=tuple(
            SentenceInput(
                ref=str(s["public_id"]),
                kind=SentenceKind(s["kind"]),
                sentenced_on=s["sentenced_on"],
                offence_committed_on=s["offence_committed_on"],
                duration=Duration(s["years"], s["months"], s["weeks"], s["days"]),
                consecutive_to=str(s["consecutive_to__public_id"]) if s["consecutive_to__public_id"] else None,
                label=f"{s['court_case__case_number']} line {s['line_number']}",
            )
            for s in sentences
        ),
        adjustments=tuple(
            AdjustmentInput(
                kind=AdjustmentKind(a["kind"]),
                days=a["days"],
                from_date=a["from_date"],
                to_date=a["to_date"],
                applies_to_sentences_from=a["sentence__sentenced_on"],
                source=a["source"],
            )
            for a in adjustments
        ),
        facts=dict(sorted((facts or {}).items())),
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
                "label": s.label,
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


# --- the documented JSON request format (CLI and preview API) ---------------------------------------


def _day(data: dict, key: str, path: str, *, required: bool) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise CalculationError(f"{key} is required.", f"{path}{key}", "missing_field")
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CalculationError(f"{key} must be a date (YYYY-MM-DD).", f"{path}{key}", "invalid_date") from None


def _whole(data: dict, key: str, path: str, *, default: int | None = 0, maximum: int = 100_000) -> int:
    value = data.get(key, default)
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
        raise CalculationError(f"{key} must be a whole number from 0 to {maximum:,}.", f"{path}{key}", "invalid_number")
    return value


def _choice(data: dict, key: str, path: str, kinds: type) -> object:
    try:
        return kinds(data.get(key))
    except ValueError:
        allowed = ", ".join(k.value for k in kinds)
        raise CalculationError(f"{key} must be one of: {allowed}.", f"{path}{key}", "invalid_choice") from None


def _object(value, path: str) -> dict:
    if not isinstance(value, dict):
        raise CalculationError("Expected an object.", path, "invalid_request")
    return value


def _list(data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise CalculationError(f"{key} must be a list.", key, "invalid_request")
    return value


def request_from_json(data: object) -> CalculationRequest:
    """Parse the documented request format (``request_as_json``'s shape) into a request. Bad input raises
    CalculationError whose ``field`` is the path the engine uses too, e.g. ``sentences[1].sentenced_on``."""
    data = _object(data, "")
    known = {"date_of_birth", "sentences", "adjustments", "facts", "profile"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise CalculationError(f"Unknown field {unknown[0]!r}.", unknown[0], "unknown_field")
    sentences = []
    for n, raw in enumerate(_list(data, "sentences")):
        path = f"sentences[{n}]."
        row = _object(raw, path.rstrip("."))
        ref = row.get("ref") or str(n + 1)
        consecutive_to = row.get("consecutive_to")
        sentences.append(
            SentenceInput(
                ref=str(ref),
                kind=_choice(row, "kind", path, SentenceKind),
                sentenced_on=_day(row, "sentenced_on", path, required=True),
                offence_committed_on=_day(row, "offence_committed_on", path, required=False)
                or _day(row, "sentenced_on", path, required=True),
                duration=Duration(
                    _whole(row, "years", path, maximum=200),
                    _whole(row, "months", path, maximum=2_400),
                    _whole(row, "weeks", path, maximum=10_000),
                    _whole(row, "days", path),
                ),
                consecutive_to=str(consecutive_to) if consecutive_to not in (None, "") else None,
                label=str(row.get("label") or ""),
            )
        )
    adjustments = []
    for n, raw in enumerate(_list(data, "adjustments")):
        path = f"adjustments[{n}]."
        row = _object(raw, path.rstrip("."))
        adjustments.append(
            AdjustmentInput(
                kind=_choice(row, "kind", path, AdjustmentKind),
                days=_whole(row, "days", path, default=None),
                from_date=_day(row, "from_date", path, required=False),
                to_date=_day(row, "to_date", path, required=False),
                applies_to_sentences_from=_day(row, "applies_to_sentences_from", path, required=False),
                source=str(row.get("source") or "")[:200],
            )
        )
    facts = data.get("facts") or {}
    return CalculationRequest(
        sentences=tuple(sentences),
        adjustments=tuple(adjustments),
        date_of_birth=_day(data, "date_of_birth", "", required=False),
        facts=dict(_object(facts, "facts")),
    )


# --- profiles ---------------------------------------------------------------------------------------


def all_profiles() -> tuple[profiles.Profile, ...]:
    """Built-in profiles plus the data-defined ones (shipped files and OMS_RELEASE_PROFILES_DIR), the
    files read once per process rather than on every calculation."""
    return (*profiles.BUILT_IN, *available_profiles())


def choose_profile(profile_code: str, on: dt.date | None = None) -> profiles.Profile:
    """The version of ``profile_code`` in force on ``on`` (default today). Raises CalculationError."""
    return profiles.choose(profile_code, on or clock.today(), extra=available_profiles())


def profile_code_for(person: Person) -> str:
    """The profile of the facility holding the person (open custody link), else the default."""
    site_id = (
        PersonSiteLink.objects.filter(person=person, kind=PersonSiteLink.Kind.CUSTODY, ended_on__isnull=True)
        .order_by("pk")
        .values_list("site_id", flat=True)
        .first()
    )
    if site_id is not None:
        chosen = SiteProfile.objects.filter(site_id=site_id).values_list("profile_code", flat=True).first()
        if chosen:
            return chosen
    return settings.RELEASE_PROFILE


def calculate_with(request: CalculationRequest, profile: profiles.Profile) -> CalculationResult:
    """The engine under ``profile``; date arithmetic outside years 1-9999 (a typing mistake in a date, a
    length or a number of days) is the caller's input, not a fault: CalculationError like the rest."""
    try:
        return profiles.calculate(request, profile)
    except CalculationError:
        raise
    except (OverflowError, ValueError) as error:
        raise CalculationError(
            "The dates, lengths and days given lead to a date outside the calendar.", "sentences", "date_out_of_range"
        ) from error


def run_engine(request: CalculationRequest, profile_code: str) -> tuple[profiles.Profile, CalculationResult]:
    """Choose the profile version in force today and calculate. Raises CalculationError."""
    profile = choose_profile(profile_code)
    return profile, calculate_with(request, profile)


def date_changes(before: dict | None, after: dict) -> list[dict]:
    """Which dates moved between two stored results: [{"type", "before", "after"}]."""
    old = {t: d["date"] for t, d in (before or {}).get("dates", {}).items()}
    new = {t: d["date"] for t, d in after.get("dates", {}).items()}
    return [
        {"type": t, "before": old.get(t), "after": new.get(t)}
        for t in sorted(set(old) | set(new))
        if old.get(t) != new.get(t)
    ]


def event_body(person_public_id, calculation_public_id, stored: dict) -> dict:
    """The payload of ``sentencing.release_dates_calculated`` (in-process event and outbox message)."""
    return {
        "person_id": str(person_public_id),
        "calculation_id": str(calculation_public_id),
        "release_date": stored["release_date"],
        "release_date_type": stored["release_date_type"],
    }


def recalculate(actor: Actor, person: Person, *, reason: str, detail: str = "") -> Calculation | None:
    """Calculate the person's dates from their current records and store the calculation.

    Returns None when the person has no sentences and never had a calculation (nothing to store).
    An input the engine rejects raises RuleViolation naming the problem, so the calling change is
    refused and nothing is lost from the form or request that made it. Callers have checked permission
    and scope; audited as ``sentencing.release_dates_calculated`` and published as the event of that
    name (custody keeps the release date of the open custody episode from it).
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
            CALCULATED_EVENT,
            object_type="calculation",
            object_id=str(calculation.public_id),
            subject_person_id=person.pk,
            details={
                "reason": reason,
                "profile": f"{profile.code} v{profile.version}",
                "changes": calculation.changes,
                "detail": detail[:500],
            },
        )
        body = event_body(person.public_id, calculation.public_id, stored)
        outbox.write(CALCULATED_EVENT, body, person_public_id=person.public_id)
        publish(actor, Event(CALCULATED_EVENT, body))
    return calculation


def request_calculation(actor: Actor, *, person_id, detail: str = "") -> Calculation:
    """A manual request to calculate a person's dates now (sentencing.calculate; person in scope, else
    NotFound). Stored with reason "manual" and the requester; RuleViolation when there is nothing to
    calculate or the engine refuses the records."""
    actor.require("sentencing.calculate")
    person = find_person(actor, person_id)
    calculation = recalculate(actor, person, reason=Calculation.Reason.MANUAL, detail=detail.strip())
    if calculation is None:
        raise RuleViolation(
            "There is nothing to calculate: the person has no active sentence.", code="sentencing.nothing_to_calculate"
        )
    return calculation


def preview_calculation(actor: Actor, data: object) -> tuple[profiles.Profile, CalculationResult]:
    """Run the engine on a request in the documented JSON format (plus "profile", default the
    installation's) without storing anything. Needs sentencing.view: it reads and writes no record, so
    anyone who may read release dates may try the rules. Bad input raises RuleViolation whose ``field``
    is the path into the request, e.g. ``sentences[1].sentenced_on``."""
    actor.require("sentencing.view")
    code = settings.RELEASE_PROFILE
    if isinstance(data, dict) and data.get("profile"):
        code = str(data["profile"])
    try:
        request = request_from_json(data)
        return run_engine(request, code)
    except CalculationError as error:
        raise RuleViolation(error.detail, code=f"sentencing.{error.code}", field=error.field or None) from error


def recalculate_on_birth_date_change(actor: Actor, event: Event) -> None:
    """Subscriber of ``people.person_updated``: a corrected date of birth can change which rules apply
    (under 18 at release), so a person with release dates is recalculated in the same transaction."""
    if "date_of_birth" not in event.payload["changed_fields"]:
        return
    if not Calculation.objects.filter(person_id=event.payload["person_id"], is_latest=True).exists():
        return
    person = Person.objects.get(pk=event.payload["person_id"])
    recalculate(actor, person, reason=Calculation.Reason.BIRTH_DATE_CORRECTED)


def recalculate_when_the_facility_changes(actor: Actor, event: Event) -> None:
    """Subscriber of custody's ``custody.person_received`` and ``custody.person_transferred`` (by name:
    sentencing sits below custody and never imports it). A person now held at a facility with another
    release-date profile is recalculated under it (reason profile_changed), in the same transaction."""
    person = Person.objects.filter(public_id=event.payload["person_id"]).first()
    if person is None:
        return
    latest = Calculation.objects.filter(person=person, is_latest=True).values_list("profile_code", flat=True).first()
    if latest is None or latest == profile_code_for(person):
        return
    site = event.payload.get("to_site") or event.payload.get("site", "")
    recalculate(actor, person, reason=Calculation.Reason.PROFILE_CHANGED, detail=f"Now held at {site}")
