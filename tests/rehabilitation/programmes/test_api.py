"""The programmes API: the same services as the pages, 422 naming the field, 409 listing the
allocation problems, strict input, and the permission matrix."""

from __future__ import annotations

import secrets

import pytest

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.rehabilitation.models import Allocation, Referral
from tests.factories import actor_of
from tests.rehabilitation.factories import make_allocation, make_referral
from tests.rehabilitation.programmes.conftest import keep_apart

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rehabilitation"


def bearer(user) -> dict:
    secret = secrets.token_urlsafe(24)
    scopes = sorted(actor_of(user).permissions)
    ApiToken.objects.create(user=user, name="test", prefix=secret[:8], token_hash=hash_token(secret), scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):
    return client.post(f"{BASE}{url}", body, content_type="application/json", **auth)


NEW = {
    "facility": "PRA",
    "code": "EDU-1",
    "title": "Functional skills English",
    "kind": "education",
    "capacity": 8,
    "timetable": [{"weekday": 2, "start": "09:00", "end": "11:00"}],
    "eligibility": {"min_days_to_serve": 60},
}


def test_add_read_change_and_retire_a_programme(client, sam):
    auth = bearer(sam)
    added = post(client, "/programmes", NEW, auth)
    assert added.status_code == 201, added.json()
    body = added.json()
    assert (
        body["code"] == "EDU-1"
        and body["allocated"] == 0
        and body["eligibility_described"] == ["Time left to serve: at least 60 days"]
    )
    url = f"/programmes/{body['id']}"
    assert client.get(f"{BASE}{url}", **auth).json()["title"] == "Functional skills English"
    changed = client.patch(f"{BASE}{url}", {"version": 1, "capacity": 10}, content_type="application/json", **auth)
    assert changed.status_code == 200 and changed.json()["capacity"] == 10 and changed.json()["version"] == 2
    stale = client.patch(f"{BASE}{url}", {"version": 1, "capacity": 11}, content_type="application/json", **auth)
    assert stale.status_code == 409 and stale.json()["field"] == "version"
    listed = client.get(f"{BASE}/programmes?kind=education&facility=PRA", **auth).json()
    assert [p["code"] for p in listed] == ["EDU-1"]
    retired = post(client, f"{url}/retire", {"version": 2, "reason": "Course moved"}, auth)
    assert retired.status_code == 200 and retired.json()["status"] == "retired"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timetable": [{"weekday": 2, "start": "9am", "end": "11:00"}]}, "timetable[0].start"),
        ({"timetable": [{"weekday": 7, "start": "09:00", "end": "11:00"}]}, "timetable[0].weekday"),
        ({"eligibility": {"sexes": ["men"]}}, "eligibility.sexes"),
        ({"kind": "juggling"}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"facility": "NOPE"}, "facility"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_programmes_answer_4xx_naming_the_field(client, sam, change, field):
    answer = post(client, "/programmes", {**NEW, **change}, bearer(sam))
    assert answer.status_code in (404, 422), answer.json()
    assert answer.json()["field"] == field


def test_refer_approve_and_allocate_over_the_api(client, casey, sam, person, tsp):
    referred = post(
        client,
        "/referrals",
        {"person_id": str(person.public_id), "programme_id": str(tsp.public_id), "reason": "Need", "priority": 2},
        bearer(casey),
    )
    assert referred.status_code == 201, referred.json()
    referral_id = referred.json()["id"]
    sam_auth = bearer(sam)
    listed = client.get(f"{BASE}/programmes/{tsp.public_id}/waiting-list", **sam_auth).json()
    assert listed[0]["referral"]["id"] == referral_id and listed[0]["eligibility"]["status"] == "eligible"
    approved = post(client, f"/referrals/{referral_id}/approve", {"version": 1}, sam_auth)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    refused_again = post(client, f"/referrals/{referral_id}/decline", {"reason": "No"}, sam_auth)
    assert refused_again.status_code == 409 and refused_again.json()["code"] == "rehabilitation.referral_status"
    placed = post(client, "/allocations", {"referral_id": referral_id}, sam_auth)
    assert placed.status_code == 201, placed.json()
    allocation_id = placed.json()["id"]
    assert client.get(f"{BASE}/referrals/{referral_id}", **sam_auth).json()["status"] == "allocated"
    people = client.get(f"{BASE}/people/{person.public_id}/allocations", **sam_auth).json()
    assert [a["id"] for a in people] == [allocation_id]
    suspended = post(client, f"/allocations/{allocation_id}/suspend", {"reason": "Hospital"}, sam_auth)
    assert suspended.json()["status"] == "suspended"
    assert post(client, f"/allocations/{allocation_id}/reinstate", {}, sam_auth).json()["status"] == "active"
    removed = post(client, f"/allocations/{allocation_id}/remove", {"end_reason": "security"}, sam_auth)
    assert removed.status_code == 200 and removed.json()["status"] == "removed"
    bad = post(client, f"/allocations/{allocation_id}/remove", {"end_reason": "bored"}, sam_auth)
    assert bad.status_code == 422 and bad.json()["field"] == "end_reason"


def test_a_refused_allocation_lists_its_problems_and_writes_nothing(client, sam, person, other_person, tsp):
    make_allocation(other_person, tsp, sam)
    keep_apart(person, other_person)
    referral = make_referral(person, tsp, sam, status="approved")
    answer = post(client, "/allocations", {"referral_id": str(referral.public_id), "override_reason": "x"}, bearer(sam))
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "rehabilitation.allocation_refused"
    assert body["problems"] == [
        {"check": "non_association", "detail": body["problems"][0]["detail"], "overridable": False}
    ]
    assert Referral.objects.get(pk=referral.pk).status == "approved"
    assert not Allocation.objects.filter(person=person).exists()


def test_the_permission_matrix(
    client, sam, casey, frank, charlie, bob, person, probation_person, tsp, community_course
):
    refer = {"person_id": str(person.public_id), "programme_id": str(tsp.public_id), "reason": "Need"}
    place = {"person_id": str(person.public_id), "programme_id": str(tsp.public_id)}
    # Charlie facilitates: he may read, not refer or allocate.
    assert client.get(f"{BASE}/programmes/{tsp.public_id}", **bearer(charlie)).status_code == 200
    assert post(client, "/referrals", refer, bearer(charlie)).status_code == 403
    assert post(client, "/allocations", place, bearer(charlie)).status_code == 403
    # Casey refers but does not allocate.
    assert post(client, "/allocations", place, bearer(casey)).status_code == 403
    assert post(client, "/referrals", refer, bearer(casey)).status_code == 201
    # Frank refers his own people to a programme in his reach.
    community = {
        "person_id": str(probation_person.public_id),
        "programme_id": str(community_course.public_id),
        "reason": "Relationship need",
    }
    assert post(client, "/referrals", community, bearer(frank)).status_code == 201
    assert post(client, "/referrals", refer, bearer(frank)).status_code == 404
    # Bob is at Prison B: Prison A's programme and person do not exist for him.
    assert client.get(f"{BASE}/programmes/{tsp.public_id}", **bearer(bob)).status_code == 404
    assert client.get(f"{BASE}/people/{person.public_id}/referrals", **bearer(bob)).status_code == 404
    # Sam allocates.
    assert post(client, "/allocations", place, bearer(sam)).status_code == 201


def test_bad_ids_and_unauthenticated_calls(client, sam):
    auth = bearer(sam)
    assert client.get(f"{BASE}/programmes/not-an-id", **auth).status_code == 404
    assert client.get(f"{BASE}/referrals/not-an-id", **auth).status_code == 404
    assert post(client, "/allocations/not-an-id/suspend", {"reason": "x"}, auth).status_code == 404
    assert client.get(f"{BASE}/programmes").status_code == 401


def test_a_persons_eligibility_for_a_programme(client, alice, person, tsp):
    tsp.eligibility = {"min_days_to_serve": 30, "sexes": ["female"]}
    tsp.save()
    person.sex = "male"
    person.save()
    answer = client.get(f"{BASE}/programmes/{tsp.public_id}/eligibility/{person.public_id}", **bearer(alice))
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "not_eligible"
    assert [(f["rule"], f["unknown"]) for f in body["findings"]] == [("days_to_serve", True), ("sex", False)]
