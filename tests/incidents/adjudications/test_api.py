"""The adjudications API end to end: lay, schedule, hold with punishments, activate, reduce, quash, the
lists; bad input is 422 naming the field; olly charges, sam adjudicates, alice 403, otto 404."""

import datetime as dt

import pytest

from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/incidents/adjudications"


def post(client, path, body, user):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **bearer(user))


def charge_body(person, **fields):
    return {
        "person_id": str(person.public_id),
        "paragraph": "1",
        "offence_at": "2026-06-01T07:00:00Z",
        "particulars": "Punched another prisoner on the landing.",
        **fields,
    }


def test_a_charge_through_the_api(client, olly, sam, alice, otto, person, held, paragraph):
    assert post(client, "/charges", charge_body(person), alice).status_code == 403
    assert post(client, "/charges", charge_body(person), otto).status_code == 404
    laid = post(client, "/charges", charge_body(person), olly)
    assert laid.status_code == 201, laid.content
    charge = laid.json()
    assert charge["first_hearing_due_by"].startswith("2026-06-03T09:00") and charge["status"] == "awaiting_hearing"
    charge_id = charge["id"]
    assert client.get(f"{BASE}/charges/{charge_id}", **bearer(otto)).status_code == 404
    assert [c["id"] for c in client.get(f"{BASE}/hearings-due", **bearer(sam)).json()] == [charge_id]
    assert (
        post(client, f"/charges/{charge_id}/hearings", {"scheduled_for": "2026-06-02T10:00:00Z"}, olly).status_code
        == 403
    )
    other = post(client, f"/charges/{charge_id}/hearings", {"scheduled_for": "2026-06-02T10:00:00Z"}, otto)
    assert other.status_code in (403, 404)
    late = post(client, f"/charges/{charge_id}/hearings", {"scheduled_for": "2026-06-05T10:00:00Z"}, sam)
    assert late.status_code == 422 and late.json()["field"] == "late_reason"
    scheduled = post(
        client,
        f"/charges/{charge_id}/hearings",
        {"scheduled_for": "2026-06-01T10:00:00Z", "adjudicator_kind": "independent", "version": 1},
        sam,
    )
    assert scheduled.status_code == 201, scheduled.content
    hearing_id = scheduled.json()["hearings"][0]["id"]
    too_many = post(
        client,
        f"/hearings/{hearing_id}/outcome",
        {"plea": "guilty", "outcome": "proved", "punishments": [{"kind": "additional_days", "days": 43}]},
        sam,
    )
    assert too_many.status_code == 422 and too_many.json()["field"] == "punishments.0.days"
    held_ = post(
        client,
        f"/hearings/{hearing_id}/outcome",
        {
            "plea": "guilty",
            "outcome": "proved",
            "punishments": [
                {"kind": "loss_of_privileges", "days": 14, "privilege": "Television"},
                {"kind": "confinement_to_cell", "days": 3, "suspended_until": "2026-09-01"},
            ],
        },
        sam,
    )
    assert held_.status_code == 200, held_.content
    body = held_.json()
    assert body["status"] == "proved"
    assert [(p["kind"], p["status"], p["ends_on"]) for p in body["punishments"]] == [
        ("loss_of_privileges", "active", "2026-06-14"),
        ("confinement_to_cell", "suspended", None),
    ]
    ending = client.get(f"{BASE}/punishments-ending?within_days=14", **bearer(sam)).json()
    assert [(e["punishment"]["kind"], e["days_left"]) for e in ending] == [("loss_of_privileges", 13)]
    lop = body["punishments"][0]["id"]
    assert post(client, f"/punishments/{lop}/reduce", {"days": 7, "reasons": "Too long"}, olly).status_code == 403
    reduced = post(client, f"/punishments/{lop}/reduce", {"days": 7, "reasons": "Too long"}, sam)
    assert reduced.status_code == 200 and reduced.json()["ends_on"] == "2026-06-07"
    quashed = post(client, f"/charges/{charge_id}/quash", {"grounds": "Unfair", "reasons": "Agreed"}, sam)
    assert quashed.status_code == 200 and quashed.json()["status"] == "quashed"
    assert {p["status"] for p in quashed.json()["punishments"]} == {"quashed"}
    assert [a["outcome"] for a in quashed.json()["appeals"]] == ["reduced", "quashed"]
    again = post(client, f"/charges/{charge_id}/quash", {"grounds": "Unfair", "reasons": "Agreed"}, sam)
    assert again.status_code == 409
    mine = client.get(f"{BASE}/people/{person.public_id}/charges", **bearer(olly)).json()
    assert [c["reference"] for c in mine] == [charge["reference"]]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"paragraph": "99"}, "paragraph"),
        ({"particulars": ""}, "particulars"),
        ({"offence_at": "2026-06-01T07:00:00"}, "offence_at"),
        ({"offence_at": "not a date"}, "offence_at"),
        ({"person_id": "nope"}, None),
    ],
)
def test_bad_charges(client, olly, person, held, paragraph, fields, field):
    answer = post(client, "/charges", charge_body(person, **fields), olly)
    assert answer.status_code in (404, 422), answer.content
    if field:
        assert answer.status_code == 422 and field in str(answer.json())


def test_paragraphs_and_lists_need_the_view_permission(client, olly, alice, paragraph):
    assert client.get(f"{BASE}/paragraphs", **bearer(alice)).status_code == 403
    listed = client.get(f"{BASE}/paragraphs", **bearer(olly)).json()
    assert [(p["code"], p["version"]) for p in listed] == [("1", 1)]
    assert client.get(f"{BASE}/deadlines-missed", **bearer(olly)).json() == []


def test_restoring_additional_days_through_the_api(client, olly, sam, person, held, paragraph):
    from oms.incidents.models import Punishment
    from oms.incidents.services import adjudications as services
    from tests.factories import actor_of
    from tests.sentencing.factories import make_sentence

    make_sentence(person, years=2)
    charge = post(client, "/charges", charge_body(person), olly).json()
    sam_actor = actor_of(sam)
    hearing = services.schedule_hearing(
        sam_actor,
        charge_id=charge["id"],
        scheduled_for=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
        adjudicator_kind="independent",
    )
    services.hold_hearing(
        sam_actor,
        hearing_id=hearing.public_id,
        plea="guilty",
        outcome="proved",
        punishments=[{"kind": "additional_days", "days": 12}],
    )
    punishment = Punishment.objects.get()
    url = f"/punishments/{punishment.public_id}/restore"
    assert post(client, url, {"days": 4, "reasons": "Good behaviour"}, olly).status_code == 403
    assert post(client, url, {"days": 0, "reasons": "x"}, sam).status_code == 422
    too_many = post(client, url, {"days": 13, "reasons": "x"}, sam)
    assert too_many.status_code == 422 and too_many.json()["field"] == "days"
    restored = post(client, url, {"days": 4, "reasons": "Good behaviour"}, sam)
    assert restored.status_code == 200, restored.content
    body = restored.json()
    assert body["days_restored"] == 4 and body["restorations"][0]["decided_by"] == "sam"
    assert body["restorations"][0]["adjustment_id"]


def test_lodging_and_dismissing_an_appeal_through_the_api(client, olly, sam, alice, person, held, paragraph):
    from oms.incidents.services import adjudications as services
    from tests.factories import actor_of

    charge = post(client, "/charges", charge_body(person), olly).json()
    sam_actor = actor_of(sam)
    hearing = services.schedule_hearing(
        sam_actor, charge_id=charge["id"], scheduled_for=dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    )
    services.hold_hearing(sam_actor, hearing_id=hearing.public_id, plea="guilty", outcome="proved")
    lodge = f"/charges/{charge['id']}/appeals"
    assert post(client, lodge, {"grounds": "x"}, alice).status_code == 403
    assert post(client, lodge, {"grounds": ""}, olly).status_code == 422
    lodged = post(client, lodge, {"grounds": "Not asked to plead", "lodged_on": "2026-06-01"}, olly)
    assert lodged.status_code == 201, lodged.content
    assert lodged.json()["appeals"][0]["outcome"] == "pending"
    assert post(client, lodge, {"grounds": "again"}, olly).status_code == 409
    waiting = client.get(f"{BASE}/appeals-pending", **bearer(sam))
    assert [a["charge"]["id"] for a in waiting.json()] == [charge["id"]]
    assert post(client, f"/charges/{charge['id']}/uphold", {"reasons": "x"}, olly).status_code == 403
    upheld = post(client, f"/charges/{charge['id']}/uphold", {"reasons": "Plea was taken"}, sam)
    assert upheld.status_code == 200 and upheld.json()["appeals"][0]["outcome"] == "upheld"
    assert client.get(f"{BASE}/appeals-pending", **bearer(sam)).json() == []
