"""Incident reports: write a draft, say who was involved and whether force was used, submit it, then
review, investigate and close it (the table in ``rules.workflow``). A submitted report is never edited:
a reviewer requests a correction and the reporter answers with an addendum.

Permissions: ``incidents.report`` to write, submit and add addenda; ``incidents.review`` to start a
review, request corrections, start an investigation and close; ``incidents.investigate`` to record
findings. Every change writes one audit event about the incident (``incidents.incident_<verb>``);
adding a person in OMS writes it with ``subject_person_id``, and submitting and closing write one more
event per person involved, so the incident appears on each person's timeline.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from oms.accounts.models import RolePermission, User
from oms.audit.services import record_event
from oms.core import clock, notifications
from oms.core.actor import Actor, Scope
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.core.ids import parse_public_id
from oms.facilities.models import Location, Site
from oms.incidents.models import Addendum, CorrectionRequest, Incident, Involvement, UseOfForce
from oms.incidents.queries.reports import get_incident, site_in_scope
from oms.incidents.rules import questions as question_rules
from oms.incidents.rules import workflow
from oms.incidents.services.types import latest_active_type
from oms.people.queries.records import find_person, people_in_scope

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
USE_OF_FORCE_TYPE = "use_of_force"
TECHNIQUES = ("guiding_hold", "escort_hold", "ground_restraint", "wrist_flexion", "baton", "pava", "shield", "other")
RESTRAINTS = ("handcuffs", "leg_restraints", "body_belt", "spit_guard")


def _text(value, field: str, *, limit: int, required: str = "") -> str:
    value = str(value or "").strip()
    if required and not value:
        raise RuleViolation(required, code="incidents.required", field=field)
    if len(value) > limit:
        raise RuleViolation(f"Enter {limit} characters or less", code="incidents.too_long", field=field)
    return value


def _check(action: str, incident: Incident) -> None:
    if code := workflow.refusal(action, incident.status):
        raise Conflict(f"This incident is {incident.get_status_display().lower()}.", code=code, field="status")


def _answers(incident_type, answers, *, complete: bool) -> dict:
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise RuleViolation("Answers must be an object", code="incidents.invalid_answers", field="answers")
    answers = question_rules.clean_answers(incident_type.questions, answers)
    if problems := question_rules.validate_answers(incident_type.questions, answers, complete=complete):
        field, message = problems[0]
        raise RuleViolation(message, code="incidents.invalid_answer", field=field)
    return answers


def _occurred_at(value) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise RuleViolation("Enter when it happened", code="incidents.required", field="occurred_at")
    if value.tzinfo is None:
        raise RuleViolation("Give the time with its time zone", code="incidents.naive_time", field="occurred_at")
    if value > clock.now() + FUTURE_TOLERANCE:
        raise RuleViolation("The incident cannot be in the future", code="incidents.future_time", field="occurred_at")
    return value


def _location(site: Site, location_id) -> Location | None:
    if location_id in (None, ""):
        return None
    wanted = parse_public_id(location_id, code="incidents.location_not_found")
    location = Location.objects.filter(public_id=wanted, site=site).first()
    if location is None:
        raise RuleViolation(
            "Select a location at this facility", code="incidents.location_not_at_facility", field="location"
        )
    return location


def _own_draft(actor: Actor, incident: Incident) -> None:
    _check("edit", incident)
    if incident.reported_by_id != actor.user_id and not actor.is_system:
        raise PermissionDenied("Only the reporter can change a draft.", code="incidents.not_your_draft")


def _audit(actor: Actor, incident: Incident, action: str, *, person_id: int | None = None, **kwargs) -> None:
    record_event(
        actor,
        f"incidents.{action}",
        object_type="incident",
        object_id=str(incident.public_id),
        subject_person_id=person_id,
        site_id=incident.facility_id,
        **kwargs,
    )


def _audit_each_person(actor: Actor, incident: Incident, action: str) -> None:
    """One event per person in OMS involved, so the incident is on their timelines."""
    person_ids = set(incident.involvements.filter(person__isnull=False).values_list("person_id", flat=True))
    for person_id in sorted(person_ids):
        _audit(actor, incident, action, person_id=person_id, details={"reference": incident.reference})


def _next_reference(site: Site, year: int) -> str:
    prefix = f"IR-{site.code[:5].upper()}-{year}-"
    last = (
        Incident.objects.filter(reference__startswith=prefix).order_by("-reference").values_list("reference", flat=True)
    ).first()
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def create_report(
    actor: Actor,
    *,
    type_code: str,
    facility_id,
    occurred_at: dt.datetime,
    description: str,
    location_id=None,
    answers: dict | None = None,
) -> Incident:
    """Start a draft against the latest active version of the type. Answers may be incomplete until
    submission but must fit the questions. The reference (``IR-<SITE>-<YEAR>-<6 digits>``) is given at
    once so staff can quote it; ``incidents.report``, audited as ``incidents.incident_drafted``."""
    actor.require("incidents.report")
    site = site_in_scope(actor, facility_id)
    incident_type = latest_active_type(str(type_code or ""))
    if incident_type is None:
        raise RuleViolation("Select the type of incident", code="incidents.unknown_type", field="type_code")
    values = {
        "incident_type": incident_type,
        "facility": site,
        "location": _location(site, location_id),
        "occurred_at": _occurred_at(occurred_at),
        "description": _text(description, "description", limit=20000, required="Describe what happened"),
        "answers": _answers(incident_type, answers, complete=False),
        "reported_by_id": actor.user_id,
        "created_at": clock.now(),
    }
    for attempt in range(5):
        # The site row is locked so two reports at one site take numbers in turn (PostgreSQL); the
        # unique reference and the retry cover SQLite and a year's first number.
        Site.objects.select_for_update().filter(pk=site.pk).first()
        reference = _next_reference(site, clock.now().year)
        try:
            with transaction.atomic():
                incident = Incident.objects.create(reference=reference, **values)
            break
        except IntegrityError:
            if attempt == 4:
                raise Conflict("Try again.", code="incidents.reference_taken") from None
    _audit(
        actor,
        incident,
        "incident_drafted",
        changed_fields=["incident_type", "occurred_at", "location", "description", "answers"],
        details={"reference": incident.reference, "type": incident_type.code, "type_version": incident_type.version},
    )
    return incident


def update_report(
    actor: Actor,
    *,
    incident_id,
    version: int,
    occurred_at: dt.datetime | None = None,
    description: str | None = None,
    location_id=...,
    answers: dict | None = None,
) -> Incident:
    """Change a draft (only the reporter, only while draft). ``version`` must be the one read, so two
    tabs do not overwrite each other. Audited as ``incidents.incident_edited``."""
    incident = get_incident(actor, incident_id, permission="incidents.report", for_update=True)
    _own_draft(actor, incident)
    if version != incident.version:
        raise Conflict("The report changed since you opened it.", code="incidents.stale_version", field="version")
    changed = []
    if occurred_at is not None:
        incident.occurred_at = _occurred_at(occurred_at)
        changed.append("occurred_at")
    if description is not None:
        incident.description = _text(description, "description", limit=20000, required="Describe what happened")
        changed.append("description")
    if location_id is not ...:
        incident.location = _location(incident.facility, location_id)
        changed.append("location")
    if answers is not None:
        incident.answers = _answers(incident.incident_type, answers, complete=False)
        changed.append("answers")
    incident.version += 1
    incident.save(update_fields=[*changed, "version"])
    _audit(actor, incident, "incident_edited", changed_fields=changed)
    return incident


def add_involvement(
    actor: Actor,
    *,
    incident_id,
    role: str,
    person_id=None,
    system_number: str = "",
    staff_username: str = "",
    name: str = "",
    injured: bool = False,
    injury_details: str = "",
    taken_to_hospital: bool = False,
    referred_to_police: bool = False,
    details: str = "",
) -> Involvement:
    """Say who was involved and how: a person in OMS (by public id or system number, in scope), a
    member of staff (username), or someone named only (a visitor). Draft only. Audited as
    ``incidents.incident_person_added`` about the person, so it is on their timeline."""
    incident = get_incident(actor, incident_id, permission="incidents.report", for_update=True)
    _own_draft(actor, incident)
    if role not in Involvement.Role.values:
        raise RuleViolation("Select how they were involved", code="incidents.invalid_role", field="role")
    person = staff = None
    if person_id:
        person = find_person(actor, person_id)
    elif system_number:
        number = str(system_number).strip().upper()
        match = find_person_by_number(actor, number)
        if match is None:
            raise RuleViolation(
                "No person with that system number", code="incidents.person_not_found", field="system_number"
            )
        person = match
    elif staff_username:
        staff = User.objects.filter(username=str(staff_username).strip()).first()
        if staff is None:
            raise RuleViolation(
                "No member of staff with that username", code="incidents.staff_not_found", field="staff_username"
            )
    name = _text(name, "name", limit=200)
    if person is None and staff is None and not name:
        raise RuleViolation("Give the person, the member of staff or a name", code="incidents.required", field="name")
    if person is not None and incident.involvements.filter(person=person, role=role).exists():
        raise Conflict("This person is already listed in that role.", code="incidents.already_involved", field="person")
    injury_details = _text(injury_details, "injury_details", limit=1000)
    if injured and not injury_details:
        raise RuleViolation("Describe the injury", code="incidents.required", field="injury_details")
    involvement = Involvement.objects.create(
        incident=incident,
        role=role,
        person=person,
        staff=staff,
        name=name,
        injured=bool(injured),
        injury_details=injury_details if injured else "",
        taken_to_hospital=bool(taken_to_hospital),
        referred_to_police=bool(referred_to_police),
        details=_text(details, "details", limit=2000),
    )
    incident.version += 1
    incident.save(update_fields=["version"])
    _audit(
        actor,
        incident,
        "incident_person_added",
        person_id=person.pk if person else None,
        changed_fields=["involvements"],
        details={"reference": incident.reference, "role": role, "injured": bool(injured)},
    )
    return involvement


def find_person_by_number(actor: Actor, number: str):
    return people_in_scope(actor).filter(system_number=number).first()


def remove_involvement(actor: Actor, *, incident_id, involvement_id) -> None:
    """Take someone off a draft (a mistake while writing). Audited as ``incidents.incident_person_removed``."""
    incident = get_incident(actor, incident_id, permission="incidents.report", for_update=True)
    _own_draft(actor, incident)
    wanted = parse_public_id(involvement_id, code="incidents.involvement_not_found")
    involvement = incident.involvements.filter(public_id=wanted).first()
    if involvement is None:
        raise NotFound("Not found.", code="incidents.involvement_not_found")
    person_id = involvement.person_id
    involvement.delete()
    incident.version += 1
    incident.save(update_fields=["version"])
    _audit(actor, incident, "incident_person_removed", person_id=person_id, changed_fields=["involvements"])


def record_use_of_force(
    actor: Actor,
    *,
    incident_id,
    techniques: list[str],
    justification: str,
    restraints: list[str] | None = None,
    planned: bool = False,
    injuries: str = "",
    medical_check_done: bool = False,
    medical_check_at: dt.datetime | None = None,
) -> UseOfForce:
    """Record (or replace, while draft) how force was used. A justification is always required; a
    medical check time only when the check was done. Audited as ``incidents.incident_force_recorded``."""
    incident = get_incident(actor, incident_id, permission="incidents.report", for_update=True)
    _own_draft(actor, incident)
    techniques = list(techniques or [])
    restraints = list(restraints or [])
    if not techniques or any(t not in TECHNIQUES for t in techniques):
        raise RuleViolation("Select the techniques used", code="incidents.invalid_techniques", field="techniques")
    if any(r not in RESTRAINTS for r in restraints):
        raise RuleViolation("Select restraints from the list", code="incidents.invalid_restraints", field="restraints")
    justification = _text(justification, "justification", limit=5000, required="Say why force was necessary")
    if medical_check_at is not None:
        if not medical_check_done:
            raise RuleViolation(
                "Say the medical check was done", code="incidents.invalid_medical_check", field="medical_check_done"
            )
        if medical_check_at.tzinfo is None or medical_check_at > clock.now() + FUTURE_TOLERANCE:
            raise RuleViolation("Enter a past time", code="incidents.future_time", field="medical_check_at")
    values = {
        "techniques": sorted(set(techniques)),
        "restraints": sorted(set(restraints)),
        "justification": justification,
        "planned": bool(planned),
        "injuries": _text(injuries, "injuries", limit=2000),
        "medical_check_done": bool(medical_check_done),
        "medical_check_at": medical_check_at,
    }
    use_of_force, _ = UseOfForce.objects.update_or_create(incident=incident, defaults=values)
    incident.version += 1
    incident.save(update_fields=["version"])
    _audit(actor, incident, "incident_force_recorded", changed_fields=sorted(values))
    return use_of_force


def submit_report(actor: Actor, *, incident_id, version: int) -> Incident:
    """Submit a draft: every shown required question answered, and force described for a use-of-force
    type. From now on the report is only added to (addenda). A ``notify_immediately`` type tells the
    facility's supervisors at once (``supervisors_of``). Audited as ``incidents.incident_submitted``."""
    incident = get_incident(actor, incident_id, permission="incidents.report", for_update=True)
    if incident.status != Incident.Status.DRAFT:
        _check("submit", incident)
    _own_draft(actor, incident)
    if version != incident.version:
        raise Conflict("The report changed since you opened it.", code="incidents.stale_version", field="version")
    _answers(incident.incident_type, incident.answers, complete=True)
    if incident.incident_type.code == USE_OF_FORCE_TYPE and not UseOfForce.objects.filter(incident=incident).exists():
        raise RuleViolation("Describe the force used", code="incidents.use_of_force_missing", field="use_of_force")
    incident.status = workflow.next_status("submit", incident.status)
    incident.submitted_at = clock.now()
    incident.version += 1
    incident.save(update_fields=["status", "submitted_at", "version"])
    _audit(actor, incident, "incident_submitted", changed_fields=["status"], details={"reference": incident.reference})
    _audit_each_person(actor, incident, "incident_involved_in")
    if incident.incident_type.notify_immediately:
        transaction.on_commit(lambda: _notify_supervisors(incident))
    return incident


def supervisors_of(site: Site) -> list[User]:
    """Active users holding ``incidents.review`` through a role whose scope reaches the site."""
    roles = RolePermission.objects.filter(permission="incidents.review").values("role_id")
    users = User.objects.filter(is_active=True, role_grants__role_id__in=roles).filter(
        Q(scope=Scope.NATIONAL)
        | Q(scope=Scope.ORGANISATION, organisation_id=site.organisation_id)
        | Q(scope__in=[Scope.SITES, Scope.CASELOAD], sites=site)
    )
    return list(users.distinct().order_by("username"))


def _notify_supervisors(incident: Incident) -> None:
    recipients = tuple(
        notifications.Recipient(name=user.username, email=user.email or "")
        for user in supervisors_of(incident.facility)
    )
    notifications.notify(
        notifications.Message(
            kind="incidents.serious_incident",
            subject=f"{incident.incident_type.title} reported at {incident.facility.name}: {incident.reference}",
            body=f"A {incident.incident_type.get_severity_display().lower()} incident was reported.",
            recipients=recipients,
            link=f"/incidents/reports/{incident.public_id}/",
            details={"reference": incident.reference, "type": incident.incident_type.code},
        )
    )


def _move(actor: Actor, incident_id, action: str, **changes) -> Incident:
    incident = get_incident(actor, incident_id, permission=workflow.permission_for(action), for_update=True)
    _check(action, incident)
    incident.status = workflow.next_status(action, incident.status)
    for key, value in changes.items():
        setattr(incident, key, value)
    incident.version += 1
    incident.save(update_fields=["status", "version", *changes])
    return incident


def start_review(actor: Actor, *, incident_id) -> Incident:
    """A supervisor takes a submitted report for review. Audited as ``incidents.incident_review_started``."""
    incident = _move(actor, incident_id, "start_review", reviewer_id=actor.user_id)
    _audit(actor, incident, "incident_review_started", changed_fields=["status", "reviewer"])
    return incident


def start_investigation(actor: Actor, *, incident_id, investigator_username: str = "") -> Incident:
    """Open an investigation with an investigator (default: the reviewer themself), who must hold
    ``incidents.investigate`` and reach the facility."""
    incident = get_incident(actor, incident_id, permission="incidents.review")
    investigator_id = actor.user_id
    if investigator_username:
        user = User.objects.filter(username=str(investigator_username).strip(), is_active=True).first()
        if user is None or user.pk not in {u.pk for u in investigators_of(incident.facility)}:
            raise RuleViolation(
                "Select someone who can investigate at this facility",
                code="incidents.invalid_investigator",
                field="investigator_username",
            )
        investigator_id = user.pk
    incident = _move(actor, incident_id, "start_investigation", investigator_id=investigator_id)
    _audit(actor, incident, "incident_investigation_started", changed_fields=["status", "investigator"])
    return incident


def investigators_of(site: Site) -> list[User]:
    roles = RolePermission.objects.filter(permission="incidents.investigate").values("role_id")
    users = User.objects.filter(is_active=True, role_grants__role_id__in=roles).filter(
        Q(scope=Scope.NATIONAL)
        | Q(scope=Scope.ORGANISATION, organisation_id=site.organisation_id)
        | Q(scope__in=[Scope.SITES, Scope.CASELOAD], sites=site)
    )
    return list(users.distinct().order_by("username"))


def record_findings(actor: Actor, *, incident_id, findings: str) -> Incident:
    """The investigator's findings (replaced while the investigation is open)."""
    findings = _text(findings, "findings", limit=20000, required="Enter the findings")
    incident = _move(actor, incident_id, "record_findings", findings=findings)
    _audit(actor, incident, "incident_findings_recorded", changed_fields=["findings"])
    return incident


def close_incident(actor: Actor, *, incident_id, closing_note: str) -> Incident:
    """Close after review or after an investigation with findings; a closing note is required."""
    closing_note = _text(closing_note, "closing_note", limit=5000, required="Enter a closing note")
    incident = get_incident(actor, incident_id, permission="incidents.review")
    if incident.status == Incident.Status.INVESTIGATION and not incident.findings:
        raise Conflict("Record the findings first.", code="incidents.findings_missing", field="findings")
    incident = _move(actor, incident_id, "close", closing_note=closing_note, closed_at=clock.now())
    _audit(actor, incident, "incident_closed", changed_fields=["status", "closing_note"])
    _audit_each_person(actor, incident, "incident_closed")
    return incident


def request_correction(actor: Actor, *, incident_id, text: str) -> CorrectionRequest:
    """A reviewer asks the reporter to correct or add something; answered with an addendum."""
    text = _text(text, "text", limit=5000, required="Say what needs correcting")
    incident = get_incident(actor, incident_id, permission="incidents.review", for_update=True)
    _check("request_correction", incident)
    request = CorrectionRequest.objects.create(
        incident=incident, text=text, requested_by_id=actor.user_id, requested_at=clock.now()
    )
    _audit(actor, incident, "incident_correction_requested", changed_fields=["correction_requests"])
    return request


def add_addendum(actor: Actor, *, incident_id, text: str, correction_request_id=None) -> Addendum:
    """Append text to a submitted report, optionally answering a correction request (which the reporter
    of the incident answers). The report itself is not changed."""
    text = _text(text, "text", limit=20000, required="Enter the addendum")
    incident = get_incident(actor, incident_id, permission="incidents.report", for_update=True)
    _check("add_addendum", incident)
    request = None
    if correction_request_id:
        wanted = parse_public_id(correction_request_id, code="incidents.correction_request_not_found")
        request = incident.correction_requests.filter(public_id=wanted).first()
        if request is None:
            raise NotFound("Correction request not found.", code="incidents.correction_request_not_found")
        if request.answered_at is not None:
            raise Conflict("That correction was already answered.", code="incidents.correction_answered")
        if incident.reported_by_id != actor.user_id:
            raise PermissionDenied("Only the reporter answers a correction.", code="incidents.not_the_reporter")
    addendum = Addendum.objects.create(
        incident=incident, text=text, written_by_id=actor.user_id, written_at=clock.now(), correction_request=request
    )
    if request is not None:
        request.answered_at = addendum.written_at
        request.save(update_fields=["answered_at"])
    _audit(actor, incident, "incident_addendum_added", changed_fields=["addenda"])
    return addendum
