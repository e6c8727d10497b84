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


def search(client, body: dict, auth: dict):
    return client.post(f"{BASE}search", body, content_type="application/json", **auth)


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
    found = search(client, {"q": "cowalsky"}, auth).json()
    assert [i["id"] for i in found["items"]] == [person["id"]]
    assert search(client, {"q": "2005/123456x"}, auth).json()["items"][0]["match"] == "identifier"
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


# --- search keeps personal data out of URLs (DP-2) ---------------------------------------------------


def test_search_takes_its_terms_in_the_body_and_pages_like_before(client, alice, prison_a):
    auth = bearer(alice)
    for given in ("Anna", "Anne", "Annika"):
        make_person(prison_a, family="Wojcik", given=given)
    first = search(client, {"q": "wojcik", "limit": 2, "offset": 0}, auth)
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["limit"] == 2 and body["offset"] == 0 and len(body["items"]) == 2
    rest = search(client, {"q": "wojcik", "limit": 2, "offset": 2}, auth).json()
    assert len(rest["items"]) == 1
    assert {i["id"] for i in body["items"] + rest["items"]} == set(
        str(p) for p in Person.objects.filter(family_name="Wojcik").values_list("public_id", flat=True)
    )
    filtered = search(client, {"q": "wojcik", "date_of_birth": "1980-05-17", "status": "active"}, auth).json()
    assert len(filtered["items"]) == 3
    assert search(client, {"q": "wojcik", "date_of_birth": "1981-05-17"}, auth).json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"q": "wojcik", "surname": "x"},  # unknown fields are refused, not ignored
        {"q": "x" * 201},
        {"limit": 0},
        {"limit": 101},
        {"offset": -1},
        {"status": "merged-ish"},
        {"date_of_birth": "1980-02-30"},
        {"min_age": 151},
    ],
)
def test_search_refuses_bad_bodies_with_a_4xx(client, alice, body):
    answer = search(client, body, bearer(alice))
    assert answer.status_code == 422, answer.content
    assert set(answer.json()) >= {"code", "detail"}


def test_search_terms_are_not_accepted_in_the_url(client, alice, prison_a):
    auth = bearer(alice)
    make_person(prison_a, family="Wojcik", given="Anna")
    for url in (f"{BASE}?q=wojcik", f"{BASE}search?q=wojcik"):
        answer = client.get(url, **auth)
        assert answer.status_code in (404, 405), (url, answer.status_code)
        assert b"Wojcik" not in answer.content and b"WOJCIK" not in answer.content
    # A query string on the search call is not read as terms: the body alone says what to find.
    ignored = client.post(f"{BASE}search?q=wojcik", {}, content_type="application/json", **auth)
    assert ignored.status_code == 200 and ignored.json()["count"] == 0


def test_no_search_operation_in_the_api_document_takes_terms_in_the_url(client):
    document = client.get("/api/v1/openapi.json").json()
    people_paths = {path: operations for path, operations in document["paths"].items() if "/people" in path}
    for path, operations in people_paths.items():
        for method, operation in operations.items():
            in_url = {p["name"] for p in operation.get("parameters", []) if p["in"] in ("query", "path")}
            assert not in_url & {"q", "date_of_birth", "born_from", "born_to", "family_name", "given_name"}, (
                method,
                path,
            )
    assert "post" in people_paths["/api/v1/people/search"]


def test_portal_account_open_and_close_through_the_api(client, prison_a, prison_b):
    from oms.accounts.models import User
    from tests.factories import make_user
    from tests.people.conftest import make_person

    person = make_person(prison_a)
    officer = make_user(roles=("probation_officer",), sites=(prison_a,))
    path = f"{BASE}{person.public_id}/portal-account"
    body = {"username": "ada.api"}
    clerk = make_user(roles=("records_officer",), sites=(prison_a,))
    assert client.post(path, body, content_type="application/json", **bearer(clerk)).status_code == 403
    elsewhere = make_user(roles=("probation_officer",), sites=(prison_b,))
    assert client.post(path, body, content_type="application/json", **bearer(elsewhere)).status_code == 404
    auth = bearer(officer)
    assert client.post(path, {"username": ""}, content_type="application/json", **auth).status_code == 422
    opened = client.post(path, body, content_type="application/json", **auth)
    assert opened.status_code == 201
    assert User.objects.get(username="ada.api").check_password(opened.json()["one_time_password"])
    again = client.post(path, {"username": "other"}, content_type="application/json", **auth)
    assert again.status_code == 409 and again.json()["code"] == "people.portal_account_open"
    closed = client.post(f"{path}/close", {"reason": "Order ended"}, content_type="application/json", **auth)
    assert closed.status_code == 204
    assert not User.objects.get(username="ada.api").is_active
