"""The movements and observations API: the same services, typed answers, every bad batch row listed,
keep-apart conflicts with their explanation, and the permission matrix (401/403/404)."""

from __future__ import annotations

import pytest

from oms.core import clock
from oms.custody.models import CustodyEpisode, Movement, NonAssociation
from oms.custody.services import observations as observation_services
from tests.custody.factories import make_prisoner
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/custody"


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


@pytest.fixture
def housed(prison_a, estate_a):
    return make_prisoner(prison_a, family="Hale", bed=estate_a["A-1-1-01-1"])


def test_out_list_and_return(client, olive, housed, prison_a):
    auth = bearer(olive)
    out = post(
        client,
        "/movements",
        {"episode_id": str(housed.public_id), "kind": "court", "destination": "Leeds Crown", "escort": "Van 1"},
        auth,
    )
    assert out.status_code == 201, out.content
    assert out.json()["direction"] == "out" and out.json()["escort"] == "Van 1"
    day = client.get(f"{BASE}/sites/{prison_a.public_id}/movements", **auth).json()
    assert [m["id"] for m in day["movements"]] == [out.json()["id"]]
    back = post(client, f"/episodes/{housed.public_id}/return", {}, auth)
    assert back.status_code == 201 and back.json()["return_of"] == out.json()["id"]
    again = post(client, f"/episodes/{housed.public_id}/return", {}, auth)
    assert again.status_code == 409 and again.json()["code"] == "custody.not_out"
    empty_day = client.get(f"{BASE}/sites/{prison_a.public_id}/movements", {"date": "2001-01-01"}, **auth).json()
    assert empty_day["movements"] == []


def test_schedule_and_cancel(client, olive, housed):
    auth = bearer(olive)
    planned = post(
        client,
        "/movements",
        {
            "episode_id": str(housed.public_id),
            "kind": "hospital",
            "schedule": True,
            "scheduled_at": "2030-01-02T09:00:00Z",
            "destination": "LGI",
        },
        auth,
    )
    assert planned.status_code == 201 and planned.json()["status"] == "scheduled"
    cancelled = post(client, f"/movements/{planned.json()['id']}/cancel", {"reason": "Clinic moved"}, auth)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert post(client, f"/movements/{planned.json()['id']}/record", {}, auth).status_code == 409
    again = post(
        client,
        "/movements",
        {
            "episode_id": str(housed.public_id),
            "kind": "hospital",
            "schedule": True,
            "scheduled_at": "2030-01-02T09:00:00Z",
            "destination": "LGI",
            "escort": "Two officers",
        },
        auth,
    )
    done = post(client, f"/movements/{again.json()['id']}/record", {}, auth)
    assert done.status_code == 201 and done.json()["status"] == "completed" and done.json()["occurred_at"]
    assert done.json()["scheduled_at"].startswith("2030-01-02")


def test_batch_reports_every_bad_row_and_writes_nothing(client, olive, housed, estate_a, prison_a):
    auth = bearer(olive)
    body = {
        "site_id": str(prison_a.public_id),
        "items": [
            {"episode_id": str(housed.public_id), "kind": "internal", "to_location_id": str(estate_a["EDU"].public_id)},
            {"booking_number": "NOPE", "kind": "return"},
            {"episode_id": str(housed.public_id), "kind": "court"},
        ],
    }
    rejected = post(client, "/movements/batch", body, auth)
    assert rejected.status_code == 422
    answer = rejected.json()
    assert answer["code"] == "custody.batch_rejected"
    found = {(e["row"], e["field"], e["code"]) for e in answer["errors"]}
    assert found == {
        (1, "episode", "custody.episode_not_found"),
        (2, "destination", "custody.required"),
        (2, "escort", "custody.required"),
        (2, "episode", "custody.duplicate_row"),
    }
    assert not Movement.objects.exists()
    body["items"] = body["items"][:1]
    done = post(client, "/movements/batch", body, auth)
    assert done.status_code == 201 and done.json()["recorded"] == 1
    CustodyEpisode.objects.get(pk=housed.pk, current_location=estate_a["EDU"])
    unknown_field = post(client, "/movements/batch", {**body, "extra": 1}, auth)
    assert unknown_field.status_code == 422


def test_keep_apart_conflict_is_explained(client, olive, prison_a, estate_a):
    one = make_prisoner(prison_a, family="Ames", bed=estate_a["A-1-1-01-1"])
    two = make_prisoner(prison_a, family="Boyd", bed=estate_a["A-1-1-02-1"])
    low, high = sorted([one.person, two.person], key=lambda p: p.pk)
    now = clock.now()
    NonAssociation.objects.create(
        person_a=low,
        person_b=high,
        role_a="victim",
        role_b="perpetrator",
        reason="threat",
        restriction_level="cell",
        comment="threats",
        authorised_by="Gov",
        created_at=now,
        updated_at=now,
    )
    items = [
        {"episode_id": str(e.public_id), "kind": "court", "destination": "York", "escort": "Van"} for e in (one, two)
    ]
    answer = post(client, "/movements/batch", {"site_id": str(prison_a.public_id), "items": items}, bearer(olive))
    assert answer.status_code == 409
    body = answer.json()
    assert body["code"] == "custody.keep_apart_conflict" and "must be kept apart" in body["conflicts"][0]
    assert not Movement.objects.exists()


def test_transfer_send_and_receive(client, olive, oscar, housed, prison_b):
    sent = post(
        client,
        "/movements",
        {
            "episode_id": str(housed.public_id),
            "kind": "transfer",
            "to_site_id": str(prison_b.public_id),
            "escort": "Van",
        },
        bearer(olive),
    )
    assert sent.status_code == 201 and sent.json()["status"] == "en_route"
    oscar_auth = bearer(oscar)
    incoming = client.get(f"{BASE}/sites/{prison_b.public_id}/transfers/incoming", **oscar_auth).json()
    assert [m["id"] for m in incoming] == [sent.json()["id"]]
    received = post(client, f"/transfers/{sent.json()['id']}/receive", {}, oscar_auth)
    assert received.status_code == 201 and received.json()["kind"] == "transfer"
    housed.refresh_from_db()
    assert housed.site == prison_b and housed.in_reception


def test_permission_matrix(client, olive, charlie, oscar, housed, prison_a):
    body = {"episode_id": str(housed.public_id), "kind": "escape"}
    assert post(client, "/movements", body, {}).status_code == 401
    assert post(client, "/movements", body, bearer(charlie)).status_code == 403
    assert post(client, "/movements", body, bearer(oscar)).status_code == 404
    assert client.get(f"{BASE}/sites/{prison_a.public_id}/movements", **bearer(oscar)).status_code == 404
    assert post(client, "/movements", body, bearer(olive)).status_code == 201


def test_observations(client, olive, sam, housed, prison_a):
    sam_auth, olive_auth = bearer(sam), bearer(olive)
    bad = post(
        client,
        "/observations",
        {"episode_id": str(housed.public_id), "reason": "medical", "interval_minutes": 2},
        sam_auth,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "interval_minutes"
    plan = post(
        client,
        "/observations",
        {"episode_id": str(housed.public_id), "reason": "medical", "interval_minutes": 15},
        sam_auth,
    )
    assert plan.status_code == 201, plan.content
    assert (
        post(
            client,
            "/observations",
            {"episode_id": str(housed.public_id), "reason": "medical", "interval_minutes": 15},
            olive_auth,
        ).status_code
        == 403
    )
    check = post(client, f"/observations/{plan.json()['id']}/checks", {"outcome": "seen_well"}, olive_auth)
    assert check.status_code == 201 and check.json()["late_by_minutes"] == 0
    listed = client.get(f"{BASE}/sites/{prison_a.public_id}/observations", **olive_auth).json()
    assert [p["id"] for p in listed] == [plan.json()["id"]]
    assert client.get(f"{BASE}/sites/{prison_a.public_id}/observations", {"overdue": "true"}, **olive_auth).json() == []
    ended = post(client, f"/observations/{plan.json()['id']}/end", {"reason": "Reviewed"}, sam_auth)
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert observation_services  # the API calls the same services the pages do
