"""The housing and keep-apart API: same services as the pages, conflicts listed on 409, strict input."""

from __future__ import annotations

import secrets

import pytest

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.core import clock
from oms.custody.models import BedAssignment, IntakeScreening
from tests.custody.factories import make_episode
from tests.factories import actor_of
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/custody"


def bearer(user) -> dict:
    secret = secrets.token_urlsafe(24)
    scopes = sorted(actor_of(user).permissions)
    ApiToken.objects.create(user=user, name="test", prefix=secret[:8], token_hash=hash_token(secret), scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def prisoner(site, family="Able", *, bed=None, sharing="standard"):
    episode = make_episode(make_person(site, family=family, sex="male"), site, bed=bed)
    IntakeScreening.objects.create(episode=episode, cell_sharing=sharing, screened_at=clock.now())
    return episode


def post(client, url, body, auth):
    return client.post(f"{BASE}{url}", body, content_type="application/json", **auth)


def test_assign_then_read_the_bed(client, olive, prison_a, estate_a):
    episode = prisoner(prison_a)
    auth = bearer(olive)
    bed = estate_a["A-1-1-01-1"]

    answer = post(
        client, f"/episodes/{episode.public_id}/bed", {"bed_id": str(bed.public_id), "reason": "Induction"}, auth
    )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["bed"] == "A-1-1-01-1" and answer.json()["cell"] == "A-1-1-01"
    read = client.get(f"{BASE}/episodes/{episode.public_id}/bed", **auth).json()
    assert read["in_reception"] is False and read["current"]["bed"] == "A-1-1-01-1" and len(read["history"]) == 1


def test_conflicts_come_back_listed_and_only_a_supervisor_overrides(client, olive, sam, prison_a, estate_a):
    prisoner(prison_a, "Baker", bed=estate_a["A-1-1-01-1"])
    episode = prisoner(prison_a, sharing="share_with_care")
    url = f"/episodes/{episode.public_id}/bed"
    body = {"bed_id": str(estate_a["A-1-1-01-2"].public_id)}

    refused = post(client, url, body, bearer(olive))
    assert refused.status_code == 409
    assert refused.json()["code"] == "custody.housing_conflict" and refused.json()["field"] == "bed_id"
    assert refused.json()["conflicts"] == [
        {
            "code": "housing.share_with_care",
            "check": "Cell sharing",
            "explanation": "The person may share a cell only with care and the cell is occupied.",
            "overridable": True,
            "other_person": None,
        }
    ]
    assert post(client, url, {**body, "override_reason": "Agreed"}, bearer(olive)).status_code == 403
    allowed = post(client, url, {**body, "override_reason": "Agreed at case review"}, bearer(sam))
    assert allowed.status_code == 200 and allowed.json()["overridden_checks"] == ["housing.share_with_care"]


def test_bad_input_unknown_bed_other_facility_and_wrong_role(client, olive, oscar, charlie, prison_a, estate_a):
    episode = prisoner(prison_a)
    url = f"/episodes/{episode.public_id}/bed"
    unknown = post(client, url, {"bed_id": "00000000-0000-0000-0000-000000000000"}, bearer(olive))
    assert unknown.status_code == 404 and unknown.json()["code"] == "custody.bed_not_found"
    assert post(client, url, {"bed_id": "nope"}, bearer(olive)).status_code == 422
    extra = post(
        client, url, {"bed_id": str(estate_a["A-1-1-01-1"].public_id), "ended_at": "2020-01-01"}, bearer(olive)
    )
    assert extra.status_code == 422
    assert post(client, url, {"bed_id": str(estate_a["A-1-1-01-1"].public_id)}, bearer(oscar)).status_code == 404
    assert post(client, url, {"bed_id": str(estate_a["A-1-1-01-1"].public_id)}, bearer(charlie)).status_code == 403
    assert not BedAssignment.objects.exists()


def test_bed_suggestions(client, olive, prison_a, estate_a):
    prisoner(prison_a, "Baker", bed=estate_a["A-1-1-01-1"])
    episode = prisoner(prison_a)
    answer = client.get(f"{BASE}/episodes/{episode.public_id}/bed-suggestions?limit=2", **bearer(olive))
    assert answer.status_code == 200
    assert [(s["bed"], s["valid"]) for s in answer.json()] == [("A-1-1-02-1", True), ("A-1-1-02-2", True)]


def test_non_association_lifecycle(client, sam, olive, prison_a):
    able, baker = make_person(prison_a, family="Able"), make_person(prison_a, family="Baker")
    body = {
        "person_id": str(baker.public_id),
        "other_person_id": str(able.public_id),
        "role": "victim",
        "other_role": "perpetrator",
        "reason": "violence",
        "restriction_level": "landing",
        "comment": "Assault on the servery",
        "authorised_by": "Duty governor",
    }
    assert post(client, "/non-associations", body, bearer(olive)).status_code == 403
    created = post(client, "/non-associations", body, bearer(sam))
    assert created.status_code == 201, created.json()
    pair_id = created.json()["id"]
    again = post(client, "/non-associations", body, bearer(sam))
    assert again.status_code == 409 and again.json()["code"] == "custody.non_association_exists"
    assert post(client, "/non-associations", {**body, "role": "boss"}, bearer(sam)).status_code == 422

    listed = client.get(f"{BASE}/non-associations?person_id={able.public_id}", **bearer(olive)).json()
    assert listed["count"] == 1
    sides = listed["items"][0]["people"]
    assert [(s["person"]["family_name"], s["role"]) for s in sides] == [("Able", "perpetrator"), ("Baker", "victim")]

    patched = client.patch(
        f"{BASE}/non-associations/{pair_id}",
        {"restriction_level": "wing", "roles": {str(able.public_id): "both"}},
        content_type="application/json",
        **bearer(sam),
    )
    assert patched.status_code == 200 and patched.json()["restriction_level"] == "wing"
    keep = client.get(f"{BASE}/people/{baker.public_id}/keep-aparts", **bearer(olive)).json()
    assert [(k["other_person"]["family_name"], k["restriction_level"]) for k in keep["keep_aparts"]] == [
        ("Able", "wing")
    ]

    assert post(client, f"/non-associations/{pair_id}/close", {"reason": ""}, bearer(sam)).status_code == 422
    closed = post(client, f"/non-associations/{pair_id}/close", {"reason": "Moved on"}, bearer(sam))
    assert closed.status_code == 200 and closed.json()["closed_reason"] == "Moved on"
    assert client.get(f"{BASE}/non-associations?person_id={able.public_id}", **bearer(olive)).json()["count"] == 0
    everything = client.get(f"{BASE}/non-associations?open_only=false", **bearer(olive)).json()
    assert everything["count"] == 1


def test_other_facility_cannot_see_the_pair(client, sam, oscar, prison_a):
    from oms.custody.services.non_associations import create_non_association

    able, baker = make_person(prison_a, family="Able"), make_person(prison_a, family="Baker")
    pair = create_non_association(
        actor_of(sam),
        person_id=able.public_id,
        other_person_id=baker.public_id,
        role="victim",
        other_role="perpetrator",
        reason="threat",
        restriction_level="cell",
        comment="c",
        authorised_by="g",
    )
    assert client.get(f"{BASE}/non-associations/{pair.public_id}", **bearer(oscar)).status_code == 404
    assert client.get(f"{BASE}/people/{able.public_id}/keep-aparts", **bearer(oscar)).status_code == 404
    assert client.get(f"{BASE}/non-associations", **bearer(oscar)).json()["count"] == 0


def test_group_endpoints(client, sam, olive, prison_a):
    able, baker, cole = (make_person(prison_a, family=n) for n in ("Able", "Baker", "Cole"))
    created = post(
        client,
        "/keep-apart-groups",
        {
            "name": "Co-defendants R v Able",
            "kind": "co_defendants",
            "restriction_level": "wing",
            "comment": "Same trial",
            "authorised_by": "Court order",
            "member_ids": [str(able.public_id), str(baker.public_id)],
        },
        bearer(sam),
    )
    assert created.status_code == 201, created.json()
    group_id = created.json()["id"]
    added = post(client, f"/keep-apart-groups/{group_id}/members", {"person_id": str(cole.public_id)}, bearer(sam))
    assert [m["person"]["family_name"] for m in added.json()["members"]] == ["Able", "Baker", "Cole"]
    removed = post(
        client, f"/keep-apart-groups/{group_id}/members/{cole.public_id}/remove", {"reason": "Acquitted"}, bearer(sam)
    )
    assert removed.status_code == 200 and removed.json()["members"][2]["removed_at"] is not None
    assert len(client.get(f"{BASE}/keep-apart-groups", **bearer(olive)).json()) == 1
    assert (
        post(client, f"/keep-apart-groups/{group_id}/close", {"reason": "Trial over"}, bearer(olive)).status_code == 403
    )
    closed = post(client, f"/keep-apart-groups/{group_id}/close", {"reason": "Trial over"}, bearer(sam))
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    assert client.get(f"{BASE}/keep-apart-groups", **bearer(olive)).json() == []
