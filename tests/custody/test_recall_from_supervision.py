"""A breach ending in recall on a licence tells custody (``supervision.recall_issued``, subscribed by name:
custody does not import supervision): custody records the recall, the person's legal status becomes
recall, the releasing prison's action plan lists them as expected back, and reception closes the recall
when it receives them (with a warning until the recall notice is recorded). One recall per case; a person
already held gets the recall notice as an authority at once; a revoked probation order tells custody
nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor
from oms.core.events import Event, publish
from oms.custody import queries, services
from oms.custody.models import LawfulAuthority, Recall
from oms.people.models import Person, PersonSiteLink
from oms.people.queries.timeline import timeline
from oms.supervision.services import breach as breach_services
from tests.custody.factories import make_episode
from tests.factories import actor_of, login_verified
from tests.people.conftest import make_person
from tests.people.test_api import bearer
from tests.supervision.factories import make_case

pytestmark = pytest.mark.django_db

DOB = dt.date(1988, 4, 12)


@pytest.fixture
def released(prison_a, office_c):
    """Released on licence from Prison A a month ago; supervised from Office C."""
    person = make_person(office_c, family="Okafor", given="Dan", dob=DOB)
    episode = make_episode(
        person,
        prison_a,
        legal_status="sentenced",
        received_at=clock.now() - dt.timedelta(days=400),
        status="released",
        released_at=clock.now() - dt.timedelta(days=30),
        release_reason="licence",
    )
    PersonSiteLink.objects.filter(person=person, site=prison_a).update(ended_on=clock.today() - dt.timedelta(days=30))
    Person.objects.filter(pk=person.pk).update(legal_status="licence")
    person.refresh_from_db()
    return person, episode


def recall(frank, person, office_c, *, kind="licence", outcome="recalled"):
    actor = actor_of(frank)
    case = make_case(
        person,
        kind=kind,
        office=office_c,
        officer=frank,
        reference="LIC/2026/77",
        starts_on=clock.today() - dt.timedelta(days=30),
    )
    breach = breach_services.start_breach(actor, case_id=case.public_id, reason="Failed to reside at approved premises")
    breach = breach_services.advance_breach(
        actor, breach_id=breach.public_id, version=breach.version, state="warrant", reason="Whereabouts unknown"
    )
    breach_services.advance_breach(
        actor,
        breach_id=breach.public_id,
        version=breach.version,
        state="proven",
        reason="Risk no longer manageable in the community",
        outcome=outcome,
    )
    return case


def test_a_recall_is_recorded_and_expected_back_at_the_releasing_prison(released, frank, office_c, prison_a, olive):
    person, _ = released
    case = recall(frank, person, office_c)

    found = Recall.objects.get()
    assert (found.person, found.expected_at, found.status) == (person, prison_a, "awaited")
    assert found.supervision_case_id == str(case.public_id)
    assert found.licence_reference == "LIC/2026/77" and found.recalled_on == clock.today()
    person.refresh_from_db()
    assert person.legal_status == "recall"
    event = AuditEvent.objects.get(action="custody.recall_recorded")
    assert event.subject_person_id == person.pk and event.site_id == prison_a.pk
    assert event.actor_username == "frank"
    assert event.details["trigger"] == "supervision.recall_issued"
    assert "unlawfully at large" in event.reason
    # The person's timeline says so in words.
    entries = timeline(Actor.system(), person)
    assert any(e.title == "Recall recorded" and "LIC/2026/77" in e.detail for e in entries)

    plan = queries.action_plan(actor_of(olive), prison_a.public_id)
    assert [r.person for r in plan.recalls_awaited] == [person]


def test_the_action_plan_page_lists_the_recall(client, released, frank, office_c, prison_a, olive):
    person, _ = released
    recall(frank, person, office_c)
    body = login_verified(client, olive).get(f"/custody/sites/{prison_a.public_id}/action-plan/").content.decode()
    assert "Recalled from licence, expected back (1)" in body
    assert "OKAFOR, Dan" in body and "Unlawfully at large" in body


def test_reception_closes_the_recall_and_asks_for_the_notice(released, frank, office_c, prison_a, olive):
    person, _ = released
    recall(frank, person, office_c)
    officer = actor_of(olive)
    episode = services.receive_person(
        officer,
        site_id=prison_a.public_id,
        legal_status="recall",
        held_elsewhere_person_id=person.public_id,
        new_person=services.NewPerson(family_name="Okafor", given_name="Dan", date_of_birth=DOB),
        received_from="Metropolitan Police",
    )
    found = Recall.objects.get()
    assert (found.status, found.returned_episode) == ("returned", episode)
    assert AuditEvent.objects.filter(action="custody.recall_returned", subject_person_id=person.pk).exists()
    warning = next(w for w in episode.reception_warnings if w["code"] == "custody.recall_notice_missing")
    assert "LIC/2026/77" in warning["detail"] and not warning.get("resolved_at")
    assert queries.action_plan(officer, prison_a.public_id).recalls_awaited == []

    services.add_lawful_authority(
        officer,
        episode_id=episode.public_id,
        authority=services.NewAuthority(
            kind="recall", reference="LIC/2026/77", issued_by="Probation", document_seen=True
        ),
    )
    episode.refresh_from_db()
    warning = next(w for w in episode.reception_warnings if w["code"] == "custody.recall_notice_missing")
    assert warning.get("resolved_at")


def test_received_with_the_notice_no_warning(released, frank, office_c, prison_a, olive):
    person, _ = released
    recall(frank, person, office_c)
    episode = services.receive_person(
        actor_of(olive),
        site_id=prison_a.public_id,
        legal_status="recall",
        held_elsewhere_person_id=person.public_id,
        new_person=services.NewPerson(family_name="Okafor", given_name="Dan", date_of_birth=DOB),
        authorities=[services.NewAuthority(kind="recall", reference="LIC/2026/77", document_seen=True)],
    )
    assert "custody.recall_notice_missing" not in [w["code"] for w in episode.reception_warnings]
    assert Recall.objects.get().status == "returned"


def test_the_same_recall_twice_is_recorded_once(released, frank, office_c):
    person, _ = released
    case = recall(frank, person, office_c)
    again = Event(
        "supervision.recall_issued",
        {"person_id": str(person.public_id), "case_id": str(case.public_id), "recalled_on": clock.today().isoformat()},
    )
    publish(actor_of(frank), again)
    assert Recall.objects.count() == 1
    assert AuditEvent.objects.filter(action="custody.recall_recorded").count() == 1


def test_a_person_already_in_custody_is_returned_at_once_with_the_notice(released, frank, office_c, prison_b):
    person, _ = released
    held = make_episode(person, prison_b, legal_status="remand")
    recall(frank, person, office_c)
    found = Recall.objects.get()
    assert (found.status, found.returned_episode, found.expected_at) == ("returned", held, prison_b)
    notice = LawfulAuthority.objects.get(episode=held, kind="recall")
    assert notice.reference == "LIC/2026/77" and notice.issued_on == clock.today()


def test_a_revoked_probation_order_tells_custody_nothing(released, frank, office_c):
    person, _ = released
    recall(frank, person, office_c, kind="probation", outcome="revoked")
    assert not Recall.objects.exists()
    assert not AuditEvent.objects.filter(action="custody.recall_recorded").exists()


def test_the_action_plan_api_lists_the_recall(client, released, frank, office_c, prison_a, olive):
    person, _ = released
    recall(frank, person, office_c)
    body = client.get(f"/api/v1/custody/sites/{prison_a.public_id}/action-plan", **bearer(olive)).json()
    assert body["recalls_awaited"] == [
        {
            "recall_id": str(Recall.objects.get().public_id),
            "person_id": str(person.public_id),
            "system_number": person.system_number,
            "name": "OKAFOR, Dan",
            "recalled_on": clock.today().isoformat(),
            "licence_reference": "LIC/2026/77",
        }
    ]
