"""The reception API receiving a person whose record is held outside the caller's scope.

The same people-layer functions as the page (purpose "reception", audited): oscar, custody officer at
Prison B, looks up the record only Prison A can see, picks it and receives it; the record is then in his
scope the ordinary way. A pick that does not match the details typed is refused as on the page.
"""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.custody.models import CustodyEpisode
from oms.people.models import Person, PersonSiteLink
from tests.custody.factories import make_estate
from tests.factories import login_verified
from tests.people.conftest import make_person
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/custody"
DOB = dt.date(1984, 6, 2)


@pytest.fixture
def estate_b(prison_b):
    return make_estate(prison_b)


@pytest.fixture
def held_at_a(prison_a):
    """A record linked only to Prison A."""
    return make_person(prison_a, family="Okafor", given="Tunde", dob=DOB)


def post(client, url, body, auth=None):
    return client.post(f"{BASE}{url}", body, content_type="application/json", **(auth or {}))


def lookup(site):
    return {
        "site_id": str(site.public_id),
        "family_name": "Okafor",
        "given_name": "Tunde",
        "date_of_birth": "1984-06-02",
    }


def reception(site, **fields):
    return {
        "site_id": str(site.public_id),
        "legal_status": "remand",
        "new_person": {"family_name": "Okafor", "given_name": "Tunde", "date_of_birth": "1984-06-02"},
        **fields,
    }


def test_oscar_looks_up_and_receives_a_person_held_only_at_a(client, oscar, prison_b, held_at_a, estate_b):
    auth = bearer(oscar)
    assert client.get(f"/api/v1/people/{held_at_a.public_id}", **auth).status_code == 404  # out of scope

    found = post(client, "/receptions/held-elsewhere", lookup(prison_b), auth)
    assert found.status_code == 200, found.content
    [match] = found.json()
    assert set(match) == {"id", "family_name", "given_name", "date_of_birth", "system_number", "matched_on"}
    assert match["id"] == str(held_at_a.public_id) and match["system_number"] == held_at_a.system_number
    assert (match["family_name"], match["given_name"], match["date_of_birth"]) == ("Okafor", "Tunde", "1984-06-02")
    assert match["matched_on"]
    viewed = AuditEvent.objects.get(action="people.present_person_match_viewed", subject_person_id=held_at_a.pk)
    assert viewed.details["purpose"] == "reception" and viewed.site_id == prison_b.pk

    received = post(client, "/receptions", reception(prison_b, held_elsewhere_person_id=match["id"]), auth)
    assert received.status_code == 201, received.content
    body = received.json()
    assert body["person_id"] == str(held_at_a.public_id) and body["site"] == "PRB"
    assert Person.objects.filter(family_name="Okafor").count() == 1  # no duplicate created
    assert CustodyEpisode.objects.get(public_id=body["id"]).person_id == held_at_a.pk
    chosen = AuditEvent.objects.get(action="people.present_person_chosen", subject_person_id=held_at_a.pk)
    assert chosen.details["purpose"] == "reception" and chosen.site_id == prison_b.pk
    assert PersonSiteLink.objects.filter(person=held_at_a, site=prison_b, kind="custody", ended_on=None).exists()

    readable = client.get(f"/api/v1/people/{held_at_a.public_id}", **auth)
    assert readable.status_code == 200 and readable.json()["system_number"] == held_at_a.system_number
    # Once in scope the record is no longer "held elsewhere".
    assert post(client, "/receptions/held-elsewhere", lookup(prison_b), auth).json() == []


def test_a_pick_not_matching_the_details_is_refused_as_on_the_page(client, oscar, prison_a, prison_b, estate_b):
    other = make_person(prison_a, family="Zielinski", given="Marta", dob=dt.date(1990, 1, 1))
    refused = post(
        client, "/receptions", reception(prison_b, held_elsewhere_person_id=str(other.public_id)), bearer(oscar)
    )
    assert refused.status_code == 404
    assert refused.json() == {"code": "people.not_found", "detail": "Person not found.", "field": "person"}
    assert not PersonSiteLink.objects.filter(person=other, site=prison_b).exists()
    assert not CustodyEpisode.objects.filter(site=prison_b).exists()
    assert not AuditEvent.objects.filter(action="people.present_person_chosen").exists()

    login_verified(client, oscar)
    page = client.post(
        "/custody/reception/",
        {
            "site": str(prison_b.public_id),
            "action": "receive",
            "family_name": "Okafor",
            "given_name": "Tunde",
            "date_of_birth_day": "2",
            "date_of_birth_month": "6",
            "date_of_birth_year": "1984",
            "sex": "male",
            "legal_status": "remand",
            "authority_kind": "",
            "cash": "",
            "property": "",
            "held_elsewhere_id": str(other.public_id),
        },
    )
    assert page.status_code == 422 and "Person not found." in page.content.decode()


def test_lookup_needs_custody_receive_and_a_site_in_reach(client, charlie, oscar, prison_a, prison_b, held_at_a):
    assert post(client, "/receptions/held-elsewhere", lookup(prison_b), bearer(charlie)).status_code == 403
    refused = post(
        client, "/receptions", reception(prison_a, held_elsewhere_person_id=str(held_at_a.public_id)), bearer(charlie)
    )
    assert refused.status_code == 403
    assert post(client, "/receptions/held-elsewhere", lookup(prison_b)).status_code == 401
    assert (
        post(client, "/receptions", reception(prison_b, held_elsewhere_person_id=str(held_at_a.public_id))).status_code
        == 401
    )
    # Prison A is out of oscar's reach: 404 like a missing site, and nothing is shown or audited.
    assert post(client, "/receptions/held-elsewhere", lookup(prison_a), bearer(oscar)).status_code == 404
    assert not AuditEvent.objects.filter(action="people.present_person_match_viewed").exists()


def test_held_elsewhere_clashes_with_person_id_and_needs_the_details(client, oscar, prison_b, held_at_a, estate_b):
    auth = bearer(oscar)
    mine = make_person(prison_b, family="Nowak", given="Anna", dob=dt.date(1991, 3, 4))
    clash = post(
        client,
        "/receptions",
        reception(prison_b, person_id=str(mine.public_id), held_elsewhere_person_id=str(held_at_a.public_id)),
        auth,
    )
    assert clash.status_code == 422
    assert clash.json()["code"] == "custody.person_ambiguous"
    assert clash.json()["field"] == "held_elsewhere_person_id"
    body = reception(prison_b, held_elsewhere_person_id=str(held_at_a.public_id))
    del body["new_person"]
    missing = post(client, "/receptions", body, auth)
    assert missing.status_code == 422 and missing.json()["code"] == "custody.person_required"
    blank = post(client, "/receptions/held-elsewhere", {**lookup(prison_b), "family_name": ""}, auth)
    assert blank.status_code == 422 and blank.json()["field"] == "family_name"
    assert not CustodyEpisode.objects.exists()
    assert not AuditEvent.objects.filter(action="people.present_person_chosen").exists()
