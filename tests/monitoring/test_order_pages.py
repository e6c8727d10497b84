"""Order pages for the monitoring centre: make an order for a person with its first condition (refused
without one), add a curfew or a zone (GeoJSON pasted or uploaded, a FeatureCollection adding one zone per
feature), vary the order (a new version with a reason, conditions kept or dropped); the wrong role is 403,
a person or order at another office 404, a stale version a conflict on the page."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oms.monitoring.models import MonitoringOrder
from oms.monitoring.services import orders as order_services
from tests.factories import login_verified
from tests.monitoring.factories import HOME, SQUARE, curfew, exclusion

pytestmark = pytest.mark.django_db

START = {"starts_on_day": "1", "starts_on_month": "6", "starts_on_year": "2026", "time_zone": "Europe/London"}
CURFEW = {
    "kind": "curfew",
    "label": "Home address",
    "geojson": json.dumps({"type": "Point", "coordinates": list(HOME)}),
    "radius_m": "100",
    "days": ["0", "1", "2", "3", "4"],
    "start": "19:00",
    "end": "07:00",
}


def made_order(actor, person, *conditions):
    return order_services.make_order(
        actor, person_id=person.public_id, starts_on=dt.date(2026, 6, 1), conditions=list(conditions) or [curfew()]
    )


def new_url(person):
    return f"/monitoring/people/{person.public_id}/orders/new/"


def test_make_an_order_with_a_curfew(client, mona, person):
    login_verified(client, mona)
    listing = client.get(f"/monitoring/people/{person.public_id}/orders/")
    assert listing.status_code == 200 and new_url(person) in listing.content.decode()
    assert client.get(new_url(person)).status_code == 200
    answer = client.post(new_url(person), {**START, "reference": "T1", **CURFEW})
    assert answer.status_code == 302, answer.content.decode()
    order = MonitoringOrder.objects.get()
    assert answer["Location"] == f"/monitoring/orders/{order.public_id}/"
    condition = order.conditions.get()
    assert (condition.kind, condition.zone.radius_m) == ("curfew", 100)
    assert condition.timetable == [{"days": [0, 1, 2, 3, 4], "start": "19:00", "end": "07:00"}]
    page = client.get(answer["Location"]).content.decode()
    assert f"/monitoring/orders/{order.public_id}/vary/" in page
    assert f"/monitoring/orders/{order.public_id}/conditions/new/" in page


def test_an_order_without_a_condition_is_refused(client, mona, person):
    answer = login_verified(client, mona).post(new_url(person), {**START})
    assert answer.status_code == 422
    assert "An order needs at least one condition" in answer.content.decode()
    assert not MonitoringOrder.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"geojson": "not json"}, "The place must be GeoJSON"),
        ({"geojson": ""}, "This condition needs a place"),
        ({"start": "25:00"}, "Times are HH:MM"),
        ({"days": []}, "Days are numbers"),
        ({"radius_m": ""}, "radius"),
    ],
)
def test_bad_conditions_show_on_the_form(client, mona, person, changes, message):
    answer = login_verified(client, mona).post(new_url(person), {**START, **CURFEW, **changes})
    assert answer.status_code == 422
    assert message in answer.content.decode()
    assert "govuk-error-summary" in answer.content.decode()
    assert not MonitoringOrder.objects.exists()


def test_add_a_zone_pasted_as_geojson(client, mona, mona_actor, person):
    order = made_order(mona_actor, person)
    url = f"/monitoring/orders/{order.public_id}/conditions/new/"
    login_verified(client, mona)
    assert client.get(url).status_code == 200
    no_reason = client.post(url, {"version": "1", "kind": "exclusion_zone", "geojson": json.dumps(SQUARE)})
    assert no_reason.status_code == 422 and "Enter the reason for the variation" in no_reason.content.decode()
    answer = client.post(
        url,
        {"version": "1", "kind": "exclusion_zone", "label": "Park", "geojson": json.dumps(SQUARE), "reason": "Court"},
    )
    assert answer.status_code == 302
    new = MonitoringOrder.objects.get(status="active")
    assert new.version == 2 and new.variation_reason == "Court"
    assert [c.kind for c in new.conditions.order_by("position")] == ["curfew", "exclusion_zone"]


def test_upload_a_feature_collection_of_zones(client, mona, mona_actor, person):
    order = made_order(mona_actor, person)
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"name": "Home area"}, "geometry": SQUARE},
            {
                "type": "Feature",
                "properties": {"name": "Work", "radius_m": 200},
                "geometry": {"type": "Point", "coordinates": [0.1, 51.1]},
            },
        ],
    }
    upload = SimpleUploadedFile("zones.geojson", json.dumps(collection).encode(), "application/geo+json")
    answer = login_verified(client, mona).post(
        f"/monitoring/orders/{order.public_id}/conditions/new/",
        {"version": "1", "kind": "inclusion_zone", "geojson_file": upload, "reason": "Zones from the court"},
    )
    assert answer.status_code == 302, answer.content.decode()
    new = MonitoringOrder.objects.get(status="active")
    assert [(c.kind, c.label) for c in new.conditions.order_by("position")] == [
        ("curfew", "Home curfew"),
        ("inclusion_zone", "Home area"),
        ("inclusion_zone", "Work"),
    ]


def test_vary_drops_a_condition_and_changes_the_end_date(client, mona, mona_actor, person):
    order = made_order(mona_actor, person, curfew(), exclusion())
    url = f"/monitoring/orders/{order.public_id}/vary/"
    keep = str(order.conditions.get(kind="exclusion_zone").public_id)
    login_verified(client, mona)
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "version": "1",
            "keep": [keep],
            "reference": "T2",
            "ends_on_day": "1",
            "ends_on_month": "12",
            "ends_on_year": "2026",
            "reason": "Curfew lifted on review",
        },
    )
    assert answer.status_code == 302, answer.content.decode()
    new = MonitoringOrder.objects.get(status="active")
    assert (new.version, new.reference, new.ends_on) == (2, "T2", dt.date(2026, 12, 1))
    assert [c.kind for c in new.conditions.all()] == ["exclusion_zone"]


def test_vary_refuses_dropping_every_condition_and_a_stale_version(client, mona, mona_actor, person):
    order = made_order(mona_actor, person)
    url = f"/monitoring/orders/{order.public_id}/vary/"
    login_verified(client, mona)
    none_left = client.post(url, {"version": "1", "reason": "No conditions"})
    assert none_left.status_code == 422 and "An order needs at least one condition" in none_left.content.decode()
    keep = str(order.conditions.get().public_id)
    stale = client.post(url, {"version": "7", "keep": [keep], "reason": "Stale"})
    assert stale.status_code == 422 and "Someone else changed this order" in stale.content.decode()
    assert MonitoringOrder.objects.count() == 1


def test_wrong_role_is_403(client, frank, mona_actor, person):
    order = made_order(mona_actor, person)
    login_verified(client, frank)  # probation officer: monitoring.view only
    assert client.get(new_url(person)).status_code == 403
    assert client.post(new_url(person), {**START, **CURFEW}).status_code == 403
    assert client.get(f"/monitoring/orders/{order.public_id}/vary/").status_code == 403
    assert client.post(f"/monitoring/orders/{order.public_id}/conditions/new/", {}).status_code == 403
    listing = client.get(f"/monitoring/people/{person.public_id}/orders/")
    assert listing.status_code == 200 and new_url(person) not in listing.content.decode()
    assert MonitoringOrder.objects.count() == 1


def test_other_office_is_404(client, owen, mona_actor, person):
    order = made_order(mona_actor, person)
    login_verified(client, owen)  # monitoring officer at Office D; the person is at Office C
    assert client.get(f"/monitoring/people/{person.public_id}/orders/").status_code == 404
    assert client.get(new_url(person)).status_code == 404
    assert client.post(new_url(person), {**START, **CURFEW}).status_code == 404
    assert client.get(f"/monitoring/orders/{order.public_id}/vary/").status_code == 404
    answer = client.post(
        f"/monitoring/orders/{order.public_id}/conditions/new/",
        {"version": "1", "kind": "exclusion_zone", "geojson": json.dumps(SQUARE), "reason": "x"},
    )
    assert answer.status_code == 404
    assert MonitoringOrder.objects.count() == 1


def test_the_persons_record_links_to_their_monitoring_orders(client, mona, person):
    profile = login_verified(client, mona).get(f"/people/{person.public_id}/")
    assert profile.status_code == 200
    assert f'href="/monitoring/people/{person.public_id}/orders/"' in profile.content.decode()
