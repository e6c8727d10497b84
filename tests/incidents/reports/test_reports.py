"""Incident reports: drafts, people involved, use of force, submission, the workflow, corrections and
addenda, notifications for serious types, timelines and the permission matrix."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.incidents.models import Incident, IncidentType
from oms.incidents.queries import reports as queries
from oms.incidents.services import reports as services
from oms.people.queries.timeline import timeline
from tests.custody.factories import make_location
from tests.factories import actor_of
from tests.incidents.reports.conftest import draft

pytestmark = pytest.mark.django_db


def test_a_draft_gets_a_reference_and_the_latest_type_version(fight, prison_a):
    assert fight.reference == "IR-PRA-2026-000001"
    assert fight.status == Incident.Status.DRAFT
    assert fight.incident_type.code == "fight" and fight.incident_type.version == 1
    assert AuditEvent.objects.filter(action="incidents.incident_drafted", object_id=str(fight.public_id)).count() == 1


def test_references_count_up_per_site_and_year(fight, olly_actor, prison_a):
    second = draft(olly_actor, prison_a)
    assert second.reference == "IR-PRA-2026-000002"
    with clock.freeze(dt.datetime(2027, 1, 2, 9, 0, tzinfo=dt.UTC)):
        assert draft(olly_actor, prison_a).reference == "IR-PRA-2027-000001"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type_code": "picnic"}, "type_code"),
        ({"occurred_at": dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)}, "occurred_at"),
        ({"occurred_at": dt.datetime(2026, 5, 2, 9, 0)}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"description": "  "}, "description"),
        ({"answers": {"weapon_used": "maybe"}}, "answers.weapon_used"),
        ({"answers": {"colour": "red"}}, "answers.colour"),
        ({"answers": "yes"}, "answers"),
    ],
)
def test_bad_drafts_name_the_field(shipped_types, olly_actor, prison_a, change, field):
    with pytest.raises(RuleViolation) as error:
        draft(olly_actor, prison_a, **change)
    assert error.value.field == field
    assert not Incident.objects.exists()


def test_location_must_be_in_the_facility_tree(shipped_types, olly_actor, prison_a, prison_b):
    wing = make_location(prison_a, None, "wing", "A")
    assert draft(olly_actor, prison_a, location_id=wing.public_id).location == wing
    elsewhere = make_location(prison_b, None, "wing", "B")
    with pytest.raises(RuleViolation) as error:
        draft(olly_actor, prison_a, location_id=elsewhere.public_id)
    assert error.value.field == "location"


def test_hidden_follow_up_answers_are_dropped_on_save(shipped_types, olly_actor, prison_a):
    incident = draft(olly_actor, prison_a, answers={"weapon_used": "no", "weapon_kind": "bladed", "injuries": ""})
    assert incident.answers == {"weapon_used": "no"}


def test_edit_needs_the_current_version(fight, olly_actor):
    edited = services.update_report(olly_actor, incident_id=fight.public_id, version=1, description="Changed")
    assert edited.version == 2 and edited.description == "Changed"
    with pytest.raises(Conflict) as error:
        services.update_report(olly_actor, incident_id=fight.public_id, version=1, description="Again")
    assert error.value.code == "incidents.stale_version"


def test_submit_needs_complete_answers(shipped_types, olly_actor, prison_a):
    incident = draft(olly_actor, prison_a, answers={"weapon_used": "yes"})
    with pytest.raises(RuleViolation) as error:
        services.submit_report(olly_actor, incident_id=incident.public_id, version=incident.version)
    assert error.value.field == "answers.weapon_kind"
    incident.refresh_from_db()
    assert incident.status == Incident.Status.DRAFT


def test_use_of_force_type_needs_force_details(shipped_types, olly_actor, prison_a):
    incident = draft(olly_actor, prison_a, type_code="use_of_force", answers={"planned": "no", "body_worn_video": "no"})
    with pytest.raises(RuleViolation) as error:
        services.submit_report(olly_actor, incident_id=incident.public_id, version=1)
    assert error.value.field == "use_of_force"
    with pytest.raises(RuleViolation) as error:
        services.record_use_of_force(
            olly_actor, incident_id=incident.public_id, techniques=["guiding_hold"], justification=""
        )
    assert error.value.field == "justification"
    with pytest.raises(RuleViolation) as error:
        services.record_use_of_force(olly_actor, incident_id=incident.public_id, techniques=["kick"], justification="x")
    assert error.value.field == "techniques"
    force = services.record_use_of_force(
        olly_actor,
        incident_id=incident.public_id,
        techniques=["guiding_hold", "ground_restraint"],
        restraints=["handcuffs"],
        justification="He was hitting another prisoner and would not stop.",
        medical_check_done=True,
        medical_check_at=clock.now() - dt.timedelta(minutes=20),
    )
    assert force.techniques == ["ground_restraint", "guiding_hold"]
    submitted = services.submit_report(olly_actor, incident_id=incident.public_id, version=2)
    assert submitted.status == Incident.Status.SUBMITTED


def _submitted(actor, incident):
    return services.submit_report(actor, incident_id=incident.public_id, version=incident.version)


def test_the_whole_workflow(fight, olly_actor, sam_actor):
    _submitted(olly_actor, fight)
    reviewed = services.start_review(sam_actor, incident_id=fight.public_id)
    assert reviewed.status == "under_review" and reviewed.reviewer_id == sam_actor.user_id
    request = services.request_correction(sam_actor, incident_id=fight.public_id, text="Which landing?")
    addendum = services.add_addendum(
        olly_actor, incident_id=fight.public_id, text="Landing 2.", correction_request_id=request.public_id
    )
    request.refresh_from_db()
    assert request.answered_at == addendum.written_at
    with pytest.raises(Conflict) as error:
        services.add_addendum(
            olly_actor, incident_id=fight.public_id, text="Again", correction_request_id=request.public_id
        )
    assert error.value.code == "incidents.correction_answered"
    services.start_investigation(sam_actor, incident_id=fight.public_id)
    with pytest.raises(Conflict) as error:
        services.close_incident(sam_actor, incident_id=fight.public_id, closing_note="Done")
    assert error.value.code == "incidents.findings_missing"
    services.record_findings(sam_actor, incident_id=fight.public_id, findings="A debt over tobacco.")
    closed = services.close_incident(sam_actor, incident_id=fight.public_id, closing_note="Charges laid.")
    assert closed.status == "closed" and closed.closed_at == clock.now()
    actions = list(
        AuditEvent.objects.filter(object_id=str(fight.public_id), subject_person_id__isnull=True)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "incidents.incident_drafted",
        "incidents.incident_submitted",
        "incidents.incident_review_started",
        "incidents.incident_correction_requested",
        "incidents.incident_addendum_added",
        "incidents.incident_investigation_started",
        "incidents.incident_findings_recorded",
        "incidents.incident_closed",
    ]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda a, i: services.start_investigation(a, incident_id=i), "incidents.cannot_start_investigation"),
        (lambda a, i: services.record_findings(a, incident_id=i, findings="x"), "incidents.cannot_record_findings"),
        (lambda a, i: services.close_incident(a, incident_id=i, closing_note="x"), "incidents.cannot_close"),
        (lambda a, i: services.add_addendum(a, incident_id=i, text="x"), "incidents.draft_has_no_addenda"),
        (lambda a, i: services.request_correction(a, incident_id=i, text="x"), "incidents.cannot_request_correction"),
    ],
)
def test_refused_transitions_from_draft_answer_conflict(fight, sam_actor, olly_actor, call, code):
    actor = olly_actor if "addend" in code else sam_actor
    with pytest.raises(Conflict) as error:
        call(actor, fight.public_id)
    assert error.value.code == code


def test_a_submitted_report_is_never_edited(fight, olly_actor, person):
    _submitted(olly_actor, fight)
    fight.refresh_from_db()
    before = {f.name: getattr(fight, f.attname) for f in Incident._meta.concrete_fields}
    edits = [
        lambda: services.update_report(olly_actor, incident_id=fight.public_id, version=fight.version, description="x"),
        lambda: services.submit_report(olly_actor, incident_id=fight.public_id, version=fight.version),
        lambda: services.add_involvement(
            olly_actor, incident_id=fight.public_id, role="witness", person_id=person.public_id
        ),
        lambda: services.record_use_of_force(
            olly_actor, incident_id=fight.public_id, techniques=["guiding_hold"], justification="x"
        ),
    ]
    for edit in edits:
        with pytest.raises(Conflict) as error:
            edit()
        assert error.value.code in {"incidents.not_draft", "incidents.already_submitted"}
    services.add_addendum(olly_actor, incident_id=fight.public_id, text="He later said it was about a debt.")
    fight.refresh_from_db()
    assert {f.name: getattr(fight, f.attname) for f in Incident._meta.concrete_fields} == before
    assert fight.addenda.count() == 1


def test_only_the_reporter_changes_a_draft(fight, prison_a):
    from tests.factories import make_user

    other = actor_of(make_user("olga", roles=("custody_officer",), sites=(prison_a,)))
    with pytest.raises(NotFound):  # another officer's draft is not theirs to see
        services.update_report(other, incident_id=fight.public_id, version=1, description="x")


def test_people_involved_and_their_timelines(fight, olly_actor, sam_actor, person, other_person, sam):
    services.add_involvement(
        olly_actor, incident_id=fight.public_id, role="perpetrator", system_number=person.system_number.lower()
    )
    services.add_involvement(
        olly_actor,
        incident_id=fight.public_id,
        role="victim",
        person_id=other_person.public_id,
        injured=True,
        injury_details="Cut above the eye",
        taken_to_hospital=True,
    )
    services.add_involvement(olly_actor, incident_id=fight.public_id, role="staff", staff_username="sam")
    services.add_involvement(olly_actor, incident_id=fight.public_id, role="visitor", name="A visitor")
    with pytest.raises(Conflict):
        services.add_involvement(
            olly_actor, incident_id=fight.public_id, role="perpetrator", person_id=person.public_id
        )
    with pytest.raises(RuleViolation) as error:
        services.add_involvement(olly_actor, incident_id=fight.public_id, role="witness", injured=True, name="X")
    assert error.value.field == "injury_details"
    with pytest.raises(RuleViolation) as error:
        services.add_involvement(olly_actor, incident_id=fight.public_id, role="witness", system_number="Z9999ZZ")
    assert error.value.field == "system_number"
    with pytest.raises(RuleViolation) as error:
        services.add_involvement(olly_actor, incident_id=fight.public_id, role="bystander", name="X")
    assert error.value.field == "role"
    fight.refresh_from_db()
    _submitted(olly_actor, fight)
    assert [i.role for i in queries.involvements(fight)] == ["perpetrator", "victim", "staff", "visitor"]
    for someone in (person, other_person):
        titles = [entry.title for entry in timeline(sam_actor, someone)]
        assert "Incident person added" in titles
        assert "Incident involved in" in titles


def test_involved_person_out_of_scope_is_not_found(fight, olly_actor, prison_b):
    from tests.people.conftest import make_person

    stranger = make_person(prison_b, family="Stranger")
    with pytest.raises(NotFound):
        services.add_involvement(olly_actor, incident_id=fight.public_id, role="witness", person_id=stranger.public_id)


def test_serious_types_notify_the_facility_supervisors_at_once(
    shipped_types, olly_actor, prison_a, prison_b, sam, memory_notifier, django_capture_on_commit_callbacks
):
    from tests.factories import make_user

    make_user("sid", roles=("supervisor",), sites=(prison_b,))
    escape = draft(
        olly_actor,
        prison_a,
        type_code="escape",
        answers={"from_where": "escort", "recaptured": "no", "police_informed": "yes"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(olly_actor, escape)
    assert len(memory_notifier) == 1
    message = memory_notifier[0]
    assert message.kind == "incidents.serious_incident"
    assert [r.name for r in message.recipients] == ["sam"]  # not olly (reporter), not sid (Prison B)
    assert escape.reference in message.subject


def test_other_types_notify_nobody(fight, olly_actor, memory_notifier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(olly_actor, fight)
    assert memory_notifier == []


def test_supervisors_out_of_scope_are_not_told(shipped_types, prison_a, prison_b, sam):
    from tests.factories import make_user

    make_user("sid", roles=("supervisor",), sites=(prison_b,))
    assert [u.username for u in services.supervisors_of(prison_a)] == ["sam"]


# --- permission matrix --------------------------------------------------------------------------------


def test_olly_reports_but_does_not_review(fight, olly_actor):
    _submitted(olly_actor, fight)
    with pytest.raises(PermissionDenied):
        services.start_review(olly_actor, incident_id=fight.public_id)


def test_alice_has_no_incident_permissions(shipped_types, alice, prison_a, fight):
    with pytest.raises(PermissionDenied):
        draft(actor_of(alice), prison_a)
    with pytest.raises(PermissionDenied):
        queries.get_incident(actor_of(alice), fight.public_id)


def test_otto_at_another_prison_gets_not_found(shipped_types, otto, prison_a, fight, olly_actor, sam_actor):
    otto_actor = actor_of(otto)
    with pytest.raises(NotFound):
        draft(otto_actor, prison_a)
    _submitted(olly_actor, fight)
    with pytest.raises(NotFound):
        queries.get_incident(otto_actor, fight.public_id)
    with pytest.raises(NotFound):
        services.add_addendum(otto_actor, incident_id=fight.public_id, text="x")
    assert queries.awaiting_review(otto_actor) == []
    assert [i.pk for i in queries.awaiting_review(sam_actor)] == [fight.pk]


def test_lists(fight, olly_actor, sam_actor, prison_a):
    assert queries.my_drafts(olly_actor) == [fight]
    assert queries.my_drafts(sam_actor) == []
    _submitted(olly_actor, fight)
    assert queries.my_drafts(olly_actor) == []
    services.start_review(sam_actor, incident_id=fight.public_id)
    services.start_investigation(sam_actor, incident_id=fight.public_id)
    assert queries.under_investigation(olly_actor) == [fight]
    assert queries.incidents_at(olly_actor, prison_a.public_id, type_code="fight") == [fight]
    assert queries.incidents_at(olly_actor, prison_a.public_id, status="closed") == []
    assert IncidentType.objects.filter(code="fight").count() == 1
