"""The person API: the same services as the pages, error bodies {code, detail, field}, strict input,
idempotent creates and role-shaped output."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.audit.models import AuditEvent
from oms.people import services
from oms.people.models import Person
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/people/"


def bearer(user) -> dict:
    secret = secrets.token_urlsafe(24)
    scopes = sorted(actor_of(user).permissions)
    ApiToken.objects.create(user=user, name="test", prefix=secret[:8], token_hash=hash_token(secret), scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


NEW_PERSON = {
    "family_name": "Kowalski",
    "given_name": "Piotr",
    "date_of_birth": "1985-02-03",
    "identifiers": [{"kind": "pnc", "value": "2005/123456X"}],
}


def test_create_then_read_search_and_update(client, alice):
    auth = bearer(alice)
    created = client.post(BASE, NEW_PERSON, content_type="application/json", **auth)
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["identifiers"][0]["value"] == "2005/123456X"
    read = client.get(f"{BASE}{person['id']}", **auth)
    assert read.status_code == 200 and read.json()["system_number"] == person["system_number"]
    found = client.get(BASE, {"q": "cowalsky"}, **auth).json()
    assert [i["id"] for i in found["items"]] == [person["id"]]
    assert client.get(BASE, {"q": "2005/123456x"}, **auth).json()["items"][0]["match"] == "identifier"
    changed = client.patch(
        f"{BASE}{person['id']}", {"version": 1, "middle_names": "Jan"}, content_type="application/json", **auth
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = client.patch(
        f"{BASE}{person['id']}", {"version": 1, "middle_names": "X"}, content_type="application/json", **auth
    )
    assert stale.status_code == 409 and stale.json()["code"] == "people.version_conflict"


def test_idempotency_key_replays_and_rejects_a_different_body(client, alice):
    auth = {**bearer(alice), "HTTP_IDEMPOTENCY_KEY": "create-kowalski-1"}
    first = client.post(BASE, NEW_PERSON, content_type="application/json", **auth)
    again = client.post(BASE, NEW_PERSON, content_type="application/json", **auth)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Person.objects.count() == 1
    other = client.post(BASE, {**NEW_PERSON, "given_name": "Pawel"}, content_type="application/json", **auth)
    assert other.status_code == 409 and other.json()["code"] == "idempotency.key_reused"
    assert Person.objects.count() == 1


def test_duplicate_answer_lists_candidates_and_is_not_replayed(client, alice, prison_a):
    existing = make_person(prison_a, family="Kowalski", given="Piotr", dob=dt.date(1985, 2, 3))
    auth = {**bearer(alice), "HTTP_IDEMPOTENCY_KEY": "k-2"}
    body = {"family_name": "Kovalski", "given_name": "Piotr", "date_of_birth": "1985-02-03"}
    answer = client.post(BASE, body, content_type="application/json", **auth)
    assert answer.status_code == 409
    data = answer.json()
    assert data["code"] == "people.possible_duplicates" and data["field"] == "duplicate_override_reason"
    assert data["candidates"][0]["id"] == str(existing.public_id)
    body["duplicate_override_reason"] = "Checked: different person"
    # The same key with a different body is now allowed: the first answer was rolled back with its key.
    assert client.post(BASE, body, content_type="application/json", **auth).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({**NEW_PERSON, "is_admin": True}, "is_admin"),
        ({**NEW_PERSON, "family_name": "x" * 10_000}, "family_name"),
        ({**NEW_PERSON, "sex": "unknown-value"}, "sex"),
        ({**NEW_PERSON, "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({**NEW_PERSON, "given_name": "!!!"}, "given_name"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, alice, body, field):
    answer = client.post(BASE, body, content_type="application/json", **bearer(alice))
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field


def test_permissions_and_scope(client, alice, bob, charlie, prison_a):
    person = make_person(prison_a)
    url = f"{BASE}{person.public_id}"
    assert client.get(url, **bearer(bob)).status_code == 404
    assert client.get(f"{BASE}00000000-0000-0000-0000-000000000000", **bearer(alice)).status_code == 404
    assert client.post(BASE, NEW_PERSON, content_type="application/json", **bearer(charlie)).status_code == 403
    assert (
        client.post(
            f"{url}/alerts", {"type": "violence"}, content_type="application/json", **bearer(charlie)
        ).status_code
        == 403
    )
    assert (
        client.post(f"{url}/alerts", {"type": "violence"}, content_type="application/json", **bearer(bob)).status_code
        == 404
    )
    assert client.get(url).status_code == 401


def test_sub_resources(client, alice, prison_a):
    person = make_person(prison_a)
    auth = bearer(alice)
    url = f"{BASE}{person.public_id}"
    alias = client.post(
        f"{url}/aliases", {"family_name": "Smythe", "given_name": "Jack"}, content_type="application/json", **auth
    )
    assert alias.status_code == 201
    assert client.delete(f"{url}/aliases/{alias.json()['id']}", **auth).status_code == 204
    ident = client.post(
        f"{url}/identifiers", {"kind": "cro", "value": "123/45A"}, content_type="application/json", **auth
    )
    assert ident.status_code == 201
    assert client.delete(f"{url}/identifiers/{ident.json()['id']}", **auth).status_code == 204
    alert = client.post(f"{url}/alerts", {"type": "escape", "level": "high"}, content_type="application/json", **auth)
    assert alert.status_code == 201
    closed = client.post(
        f"{url}/alerts/{alert.json()['id']}/close", {"reason": "Reviewed"}, content_type="application/json", **auth
    )
    assert closed.status_code == 200 and closed.json()["closed_reason"] == "Reviewed"
    assert len(client.get(f"{url}/alerts", **auth).json()) == 1
    note = client.post(
        f"{url}/notes", {"type": "general", "text": "Seen today."}, content_type="application/json", **auth
    )
    assert note.status_code == 201
    timeline = client.get(f"{url}/timeline", **auth).json()
    assert {"Alert closed", "Case note added", "Person created"} <= {e["title"] for e in timeline}


def test_health_notes_are_left_out_for_roles_without_the_permission(client, alice, prison_a):
    person = make_person(prison_a)
    nurse = make_user("nurse", roles=("health_worker",), sites=(prison_a,))
    services.add_case_note(actor_of(nurse), person_id=person.public_id, type="health", text="Asthma review")
    services.add_case_note(actor_of(alice), person_id=person.public_id, type="general", text="Seen")
    url = f"{BASE}{person.public_id}/notes"
    assert [n["type"] for n in client.get(url, **bearer(alice)).json()] == ["general"]
    assert {n["type"] for n in client.get(url, **bearer(nurse)).json()} == {"general", "health"}


def test_merge_and_merged_record_answers_people_merged(client, alice, prison_a):
    survivor = make_person(prison_a, family="Smith", given="John")
    duplicate = make_person(prison_a, family="Smyth", given="Jon")
    auth = bearer(alice)
    merged = client.post(
        f"{BASE}merge",
        {"survivor_id": str(survivor.public_id), "duplicate_id": str(duplicate.public_id), "reason": "Same person"},
        content_type="application/json",
        **auth,
    )
    assert merged.status_code == 200, merged.content
    gone = client.get(f"{BASE}{duplicate.public_id}", **auth)
    assert gone.status_code == 404 and gone.json()["code"] == "people.merged"
    assert str(survivor.public_id) in gone.json()["detail"]
    assert AuditEvent.objects.filter(action="people.person_merged").count() == 2


@pytest.mark.parametrize("path", ["aliases/99999999999999999999999", "identifiers/-1", "identifiers/abc"])
def test_out_of_range_sub_record_ids_are_422(client, alice, prison_a, path):
    person = make_person(prison_a)
    answer = client.delete(f"{BASE}{person.public_id}/{path}", **bearer(alice))
    assert answer.status_code == 422
