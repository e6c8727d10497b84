"""The estate API: the same services as the pages, public ids, error bodies {code, detail, field},
strict input and the permission matrix (ada allowed, charlie 403, bea 404)."""

from __future__ import annotations

import secrets

import pytest

from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.audit.models import AuditEvent
from oms.facilities.models import Location
from tests.factories import actor_of

pytestmark = pytest.mark.django_db
BASE = "/api/v1/facilities"


def bearer(user) -> dict:
    secret = secrets.token_urlsafe(24)
    scopes = sorted(actor_of(user).permissions)
    ApiToken.objects.create(user=user, name="test", prefix=secret[:8], token_hash=hash_token(secret), scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def test_sites_and_the_tree(client, ada, prison_a, prison_b, estate_a):
    auth = bearer(ada)
    sites = client.get(f"{BASE}/sites", **auth)
    assert sites.status_code == 200
    assert [s["code"] for s in sites.json()] == ["PRA"]
    tree = client.get(f"{BASE}/sites/{prison_a.public_id}/locations", **auth)
    assert tree.status_code == 200
    body = tree.json()
    assert body["count"] == len(estate_a) and body["site"]["id"] == str(prison_a.public_id)
    items = {i["key"]: i for i in body["items"]}
    assert items["A"]["totals"] == {"certified_capacity": 4, "working_capacity": 4, "maximum_capacity": 4}
    assert items["A-1-1-01-1"]["parent_id"] == str(estate_a["A-1-1-01"].public_id)
    assert items["A-1-1-01-1"]["totals"] is None and items["A-1-1-01-1"]["usable"] is True
    assert client.get(f"{BASE}/sites/{prison_b.public_id}/locations", **auth).status_code == 404


def test_create_read_update_deactivate_reactivate(client, ada, prison_a, estate_a):
    auth = bearer(ada)
    created = post(
        client,
        f"{BASE}/sites/{prison_a.public_id}/locations",
        {
            "parent_id": str(estate_a["A-1-1"].public_id),
            "kind": "cell",
            "code": "03",
            "working_capacity": 1,
            "maximum_capacity": 1,
        },
        auth,
    )
    assert created.status_code == 201, created.content
    cell = created.json()
    assert cell["key"] == "A-1-1-03" and cell["depth"] == 3 and cell["version"] == 1
    read = client.get(f"{BASE}/locations/{cell['id']}", **auth)
    assert read.status_code == 200 and read.json()["parent_id"] == str(estate_a["A-1-1"].public_id)
    changed = client.patch(
        f"{BASE}/locations/{cell['id']}",
        {"version": 1, "accessible": True, "name": "Ground floor"},
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200 and changed.json()["accessible"] and changed.json()["version"] == 2
    stale = client.patch(
        f"{BASE}/locations/{cell['id']}", {"version": 1, "name": "X"}, content_type="application/json", **auth
    )
    assert stale.status_code == 409 and stale.json()["code"] == "facilities.version_conflict"
    wing = estate_a["A-1"].public_id
    off = post(
        client,
        f"{BASE}/locations/{wing}/deactivate",
        {"reason": "Refurbishment", "expected_return_on": "2099-01-01"},
        auth,
    )
    assert off.status_code == 200 and off.json()["active"] is False and off.json()["usable"] is False
    below = client.get(f"{BASE}/locations/{cell['id']}", **auth).json()
    assert below["active"] is True and below["usable"] is False
    on = post(client, f"{BASE}/locations/{wing}/reactivate", {"version": 2}, auth)
    assert on.status_code == 200 and on.json()["active"] is True
    assert AuditEvent.objects.filter(action__startswith="facilities.location_", channel="api").count() == 4


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"kind": "bed", "code": "1"}, 422, "facilities.kind_not_allowed", "kind"),
        ({"kind": "unit", "code": "A"}, 409, "facilities.duplicate_key", "code"),
        ({"kind": "unit", "code": "B-1"}, 422, "facilities.invalid_code", "code"),
        (
            {"kind": "unit", "code": "B", "certified_capacity": 5},
            422,
            "facilities.capacity_not_allowed",
            "certified_capacity",
        ),
        ({"kind": "unit", "code": "B", "colour": "red"}, 422, "validation_error", "colour"),
        ({"kind": "palace", "code": "B"}, 422, "validation_error", "kind"),
        ({"kind": "cell", "code": "B", "working_capacity": -1}, 422, "validation_error", "working_capacity"),
        (
            {"kind": "wing", "code": "1", "parent_id": "00000000-0000-0000-0000-000000000000"},
            404,
            "facilities.parent_not_found",
            "parent_id",
        ),
    ],
)
def test_bad_input_gets_a_clear_error(client, ada, prison_a, estate_a, body, status, code, field):
    response = post(client, f"{BASE}/sites/{prison_a.public_id}/locations", body, bearer(ada))
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["field"] == field


def test_permission_matrix(client, ada, bea, charlie, prison_a, estate_a):
    unit = estate_a["A"].public_id
    calls = [
        ("post", f"{BASE}/sites/{prison_a.public_id}/locations", {"kind": "unit", "code": "Q"}),
        ("patch", f"{BASE}/locations/{unit}", {"version": 1, "name": "Q"}),
        ("post", f"{BASE}/locations/{unit}/deactivate", {"reason": "Q"}),
        ("post", f"{BASE}/sites/{prison_a.public_id}/locations/import", {"csv": "parent_key,code,kind\n,Q,unit\n"}),
    ]
    for who, expected in ((charlie, 403), (bea, 404)):
        auth = bearer(who)
        for method, url, body in calls:
            response = getattr(client, method)(url, body, content_type="application/json", **auth)
            assert response.status_code == expected, (who.username, url, response.content)
    assert client.get(f"{BASE}/locations/{unit}", **bearer(charlie)).status_code == 200  # charlie may read
    assert client.get(f"{BASE}/locations/{unit}", **bearer(bea)).status_code == 404
    assert client.get(f"{BASE}/sites").status_code == 401
    assert not Location.objects.filter(key="Q").exists()


def test_import_through_the_api(client, ada, prison_a):
    auth = bearer(ada)
    url = f"{BASE}/sites/{prison_a.public_id}/locations/import"
    text = "parent_key,code,kind\n,A,unit\nA,1,wing\nA-1,1,bed\nZ,1,wing\n"
    dry = post(client, url, {"csv": text, "dry_run": True}, auth)
    assert dry.status_code == 200, dry.content
    assert dry.json()["dry_run"] is True and dry.json()["created"] == 2
    assert [(r["row"], r["column"]) for r in dry.json()["rejected"]] == [(4, "kind"), (5, "parent_key")]
    assert not Location.objects.filter(site=prison_a).exists()
    done = post(client, url, {"csv": text}, auth)
    assert done.status_code == 200 and done.json()["created"] == 2
    assert set(Location.objects.filter(site=prison_a).values_list("key", flat=True)) == {"A", "A-1"}
    bad = post(client, url, {"csv": "code,kind\n"}, auth)
    assert (
        bad.status_code == 422 and bad.json()["code"] == "facilities.import_bad_header" and bad.json()["field"] == "csv"
    )


def test_a_body_over_the_request_limit_is_413_not_a_server_error(client, ada, prison_a):
    text = "parent_key,code,kind,name\n" + "".join(f",U{n},unit,{'x' * 150}\n" for n in range(20_000))
    response = post(client, f"{BASE}/sites/{prison_a.public_id}/locations/import", {"csv": text}, bearer(ada))
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"
    assert not Location.objects.filter(site=prison_a).exists()


def test_a_retried_create_with_the_same_idempotency_key_creates_once(client, ada, prison_a):
    auth = {**bearer(ada), "HTTP_IDEMPOTENCY_KEY": "add-unit-k-1"}
    url = f"{BASE}/sites/{prison_a.public_id}/locations"
    first = post(client, url, {"kind": "unit", "code": "K"}, auth)
    again = post(client, url, {"kind": "unit", "code": "K"}, auth)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Location.objects.filter(site=prison_a, key="K").count() == 1
    reused = post(client, url, {"kind": "unit", "code": "L"}, auth)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency.key_reused"
