"""Ending site links and allocations, removing addresses and contacts, and the photograph API.

Each use case: allowed for alice (records officer at Prison A), 403 for charlie (programme facilitator
at Prison A, no people.edit), 404 for bob (records officer at Prison B: the record is out of scope),
bad input refused with a field-named error; each change writes one audit event with its reason."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Scope
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.people import queries, services
from oms.people.models import Address, Allocation, Contact, PersonPhoto, PersonSiteLink
from tests.factories import actor_of, login_verified, make_user
from tests.people.conftest import make_person
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/people/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def record(alice, prison_a):
    """A person at Prison A with a second site link, an allocation, an address and a contact."""
    person = make_person(prison_a)
    return {
        "person": person,
        "link": person.site_links.get(site=prison_a),
        "allocation": Allocation.objects.create(
            person=person, staff=alice, site=prison_a, started_on=dt.date(2024, 1, 1)
        ),
        "address": Address.objects.create(person=person, line1="1 High Street", postcode="AB1 2CD"),
        "contact": Contact.objects.create(person=person, name="Mary Smith", relationship="Sister", phone="0123"),
    }


def _calls(record):
    pid = record["person"].public_id
    return {
        "end_site_link": lambda a: services.end_site_link(
            a, person_id=pid, link_id=record["link"].pk, reason="Transferred out"
        ),
        "end_allocation": lambda a: services.end_allocation(
            a, person_id=pid, allocation_id=record["allocation"].pk, reason="Case closed"
        ),
        "remove_address": lambda a: services.remove_address(
            a, person_id=pid, address_id=record["address"].pk, reason="Recorded in error"
        ),
        "remove_contact": lambda a: services.remove_contact(
            a, person_id=pid, contact_id=record["contact"].pk, reason="Asked to be removed"
        ),
    }


ACTIONS = {
    "end_site_link": ("people.site_link_ended", "Transferred out"),
    "end_allocation": ("people.allocation_ended", "Case closed"),
    "remove_address": ("people.address_removed", "Recorded in error"),
    "remove_contact": ("people.contact_removed", "Asked to be removed"),
}


# --- services ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", ACTIONS)
def test_allowed_and_audited_with_the_reason(case, alice, record):
    version = record["person"].version
    _calls(record)[case](actor_of(alice))
    action, reason = ACTIONS[case]
    event = AuditEvent.objects.get(action=action)
    assert event.reason == reason and event.actor_username == "alice"
    assert event.subject_person_id == record["person"].pk and event.changed_fields
    record["person"].refresh_from_db()
    assert record["person"].version == version + 1
    # Values of personal data never reach the audit trail (AUD-2).
    assert "High Street" not in str(event.details) and "Mary" not in str(event.details)


def test_the_changes_are_made(alice, record):
    for call in _calls(record).values():
        call(actor_of(alice))
    record["link"].refresh_from_db()
    record["allocation"].refresh_from_db()
    assert record["link"].ended_on == clock.today()
    assert record["allocation"].ended_on == clock.today()
    assert not Address.objects.filter(pk=record["address"].pk).exists()
    assert not Contact.objects.filter(pk=record["contact"].pk).exists()


@pytest.mark.parametrize("case", ACTIONS)
def test_wrong_role_is_forbidden(case, charlie, record):
    with pytest.raises(PermissionDenied):
        _calls(record)[case](actor_of(charlie))
    assert not AuditEvent.objects.filter(action=ACTIONS[case][0]).exists()


@pytest.mark.parametrize("case", ACTIONS)
def test_other_site_is_not_found(case, bob, record):
    with pytest.raises(NotFound):
        _calls(record)[case](actor_of(bob))


@pytest.mark.parametrize("case", ACTIONS)
def test_a_reason_is_required(case, alice, record):
    pid = record["person"].public_id
    ids = {
        "end_site_link": {"link_id": record["link"].pk},
        "end_allocation": {"allocation_id": record["allocation"].pk},
        "remove_address": {"address_id": record["address"].pk},
        "remove_contact": {"contact_id": record["contact"].pk},
    }[case]
    with pytest.raises(RuleViolation) as error:
        getattr(services, case)(actor_of(alice), person_id=pid, reason="  ", **ids)
    assert error.value.field == "reason"


def test_a_link_at_a_site_out_of_reach_is_not_found(alice, bob, prison_b, record):
    # Bob's site also works with the person: the record is now in both scopes, but alice may end
    # only her own site's link.
    other = PersonSiteLink.objects.create(
        person=record["person"], site=prison_b, kind="custody", started_on=dt.date(2024, 1, 1)
    )
    with pytest.raises(NotFound):
        services.end_site_link(actor_of(alice), person_id=record["person"].public_id, link_id=other.pk, reason="x")
    services.end_site_link(actor_of(bob), person_id=record["person"].public_id, link_id=other.pk, reason="Left")


def test_ending_the_last_link_takes_the_record_out_of_scope_after_that_day(alice, record):
    services.end_site_link(
        actor_of(alice), person_id=record["person"].public_id, link_id=record["link"].pk, reason="Released"
    )
    # A link counts up to and including its end date (queries.scope_condition).
    assert queries.get_person(actor_of(alice), record["person"].public_id)
    with clock.freeze(clock.now() + dt.timedelta(days=1)), pytest.raises(NotFound):
        queries.get_person(actor_of(alice), record["person"].public_id)


def test_end_dates_are_checked(alice, record):
    pid = record["person"].public_id
    with pytest.raises(RuleViolation) as before_start:
        services.end_allocation(
            actor_of(alice),
            person_id=pid,
            allocation_id=record["allocation"].pk,
            reason="x",
            ended_on=dt.date(2023, 12, 31),
        )
    assert before_start.value.field == "ended_on"
    with pytest.raises(RuleViolation) as future:
        services.end_site_link(
            actor_of(alice),
            person_id=pid,
            link_id=record["link"].pk,
            reason="x",
            ended_on=clock.today() + dt.timedelta(days=1),
        )
    assert future.value.code == "people.date_in_future"
    ended = services.end_allocation(
        actor_of(alice), person_id=pid, allocation_id=record["allocation"].pk, reason="x", ended_on=dt.date(2024, 6, 1)
    )
    assert ended.ended_on == dt.date(2024, 6, 1)


def test_ending_twice_is_a_conflict(alice, record):
    pid = record["person"].public_id
    services.end_allocation(actor_of(alice), person_id=pid, allocation_id=record["allocation"].pk, reason="x")
    with pytest.raises(Conflict):
        services.end_allocation(actor_of(alice), person_id=pid, allocation_id=record["allocation"].pk, reason="x")


def test_another_persons_address_is_not_found(alice, prison_a, record):
    other = make_person(prison_a, family="Jones", given="Ann")
    with pytest.raises(NotFound):
        services.remove_address(actor_of(alice), person_id=other.public_id, address_id=record["address"].pk, reason="x")
    assert Address.objects.filter(pk=record["address"].pk).exists()


# --- API ---------------------------------------------------------------------------------------------
def _api_calls(record):
    url = f"{BASE}{record['person'].public_id}"
    return {
        "end_site_link": (f"{url}/site-links/{record['link'].pk}/end", {"reason": "Transferred out"}, 200),
        "end_allocation": (f"{url}/allocations/{record['allocation'].pk}/end", {"reason": "Case closed"}, 200),
        "remove_address": (f"{url}/addresses/{record['address'].pk}/remove", {"reason": "Recorded in error"}, 204),
        "remove_contact": (f"{url}/contacts/{record['contact'].pk}/remove", {"reason": "Asked to be removed"}, 204),
    }


@pytest.mark.parametrize("case", ACTIONS)
def test_api_permission_matrix(case, client, alice, bob, charlie, record):
    path, body, ok = _api_calls(record)[case]
    post = lambda user, payload=body: client.post(path, payload, content_type="application/json", **bearer(user))  # noqa: E731
    assert post(charlie).status_code == 403
    assert post(bob).status_code == 404
    missing_reason = post(alice, {})
    assert missing_reason.status_code == 422
    unknown_field = post(alice, {**body, "person": "x"})
    assert unknown_field.status_code == 422
    answer = post(alice)
    assert answer.status_code == ok
    assert AuditEvent.objects.filter(action=ACTIONS[case][0]).count() == 1


def test_api_end_returns_the_ended_link_and_allocation(client, alice, prison_a, record):
    paths = _api_calls(record)
    link = client.post(
        paths["end_site_link"][0],
        {"reason": "Moved", "ended_on": clock.today().isoformat()},
        content_type="application/json",
        **bearer(alice),
    ).json()
    assert link == {
        "id": record["link"].pk,
        "site": str(prison_a.public_id),
        "kind": record["link"].kind,
        "started_on": record["link"].started_on.isoformat(),
        "ended_on": clock.today().isoformat(),
    }


def test_api_bad_end_date_names_the_field(client, alice, record):
    path, _, _ = _api_calls(record)["end_allocation"]
    answer = client.post(
        path, {"reason": "x", "ended_on": "2000-01-01"}, content_type="application/json", **bearer(alice)
    )
    assert answer.status_code == 422 and answer.json()["field"] == "ended_on"


# --- photograph API ------------------------------------------------------------------------------------
def _upload(client, user, person, content, name="me.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"{BASE}{person.public_id}/photo", {"photo": SimpleUploadedFile(name, content)}, **bearer(user))


def test_photo_api_upload_then_read_the_latest(client, alice, record):
    person = record["person"]
    assert client.get(f"{BASE}{person.public_id}/photo", **bearer(alice)).status_code == 404
    first = _upload(client, alice, person, PNG)
    assert first.status_code == 201 and first.json()["content_type"] == "image/png"
    assert first.json()["size"] == len(PNG)
    second = _upload(client, alice, person, JPEG, name="me.jpg")
    assert second.status_code == 201
    answer = client.get(f"{BASE}{person.public_id}/photo", **bearer(alice))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/jpeg" and answer.content == JPEG
    assert answer["Cache-Control"] == "no-store"
    assert "sandbox" in answer["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="people.photo_added").count() == 2
    assert AuditEvent.objects.filter(action="people.photo_viewed").count() == 1


def test_photo_api_validates_like_the_page(client, alice, record):
    person = record["person"]
    wrong_type = _upload(client, alice, person, b"GIF89a" + b"\x00" * 10, name="me.gif")
    assert wrong_type.status_code == 422 and wrong_type.json()["field"] == "photo"
    disguised = _upload(client, alice, person, JPEG, name="me.png")
    assert disguised.status_code == 422 and disguised.json()["code"] == "people.photo_type"
    empty = _upload(client, alice, person, b"", name="me.png")
    assert empty.status_code == 422
    too_large = _upload(client, alice, person, PNG + b"\x00" * (2 * 1024 * 1024), name="me.png")
    assert too_large.status_code == 422 and too_large.json()["code"] == "people.photo_too_large"
    assert not PersonPhoto.objects.exists()


def test_photo_api_refuses_a_body_that_is_not_multipart_with_a_clear_error(client, alice, record):
    response = client.post(
        f"{BASE}{record['person'].public_id}/photo",
        data=b"not a multipart body",
        content_type="multipart/form-data",  # no boundary: Django cannot parse it
        **bearer(alice),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert not PersonPhoto.objects.exists()


def test_photo_api_permission_matrix(client, alice, bob, charlie, prison_a, record):
    person = record["person"]
    assert _upload(client, charlie, person, PNG).status_code == 403
    assert _upload(client, bob, person, PNG).status_code == 404
    assert _upload(client, alice, person, PNG).status_code == 201
    assert client.get(f"{BASE}{person.public_id}/photo", **bearer(bob)).status_code == 404
    # Reading needs people.view: someone at the prison without it is refused.
    no_view = make_user("nadia", roles=(), sites=(prison_a,), scope=Scope.SITES)
    assert client.get(f"{BASE}{person.public_id}/photo", **bearer(no_view)).status_code == 403
    assert client.get(f"{BASE}{person.public_id}/photo", **bearer(charlie)).status_code == 200


def test_photo_is_in_the_openapi_document_as_an_image(client):
    document = client.get("/api/v1/openapi.json").json()
    get = document["paths"]["/api/v1/people/{person_id}/photo"]["get"]
    assert set(get["responses"]["200"]["content"]) == {"image/jpeg", "image/png"}


# --- pages -----------------------------------------------------------------------------------------------
def _page_urls(record):
    base = f"/people/{record['person'].public_id}"
    return {
        "end_site_link": f"{base}/sites/{record['link'].pk}/end",
        "end_allocation": f"{base}/caseloads/{record['allocation'].pk}/end",
        "remove_address": f"{base}/addresses/{record['address'].pk}/remove",
        "remove_contact": f"{base}/contacts/{record['contact'].pk}/remove",
    }


@pytest.mark.parametrize("case", ACTIONS)
def test_page_asks_for_a_reason_then_acts(case, client, alice, record):
    login_verified(client, alice)
    url = _page_urls(record)[case]
    form = client.get(url)
    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    empty = client.post(url, {"reason": ""})
    assert empty.status_code == 422
    body = empty.content.decode()
    assert "govuk-error-summary" in body and "Enter why this" in body
    done = client.post(url, {"reason": ACTIONS[case][1]})
    assert done.status_code == 302
    assert AuditEvent.objects.get(action=ACTIONS[case][0]).reason == ACTIONS[case][1]


@pytest.mark.parametrize("case", ACTIONS)
def test_page_permission_matrix(case, client, bob, charlie, record):
    url = _page_urls(record)[case]
    login_verified(client, charlie)
    assert client.post(url, {"reason": "x"}).status_code == 403
    login_verified(client, bob)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not AuditEvent.objects.filter(action=ACTIONS[case][0]).exists()


def test_overview_offers_the_actions_to_editors_only(client, alice, charlie, record):
    login_verified(client, alice)
    page = client.get(f"/people/{record['person'].public_id}/").content.decode()
    for url in _page_urls(record).values():
        assert f'href="{url}"' in page
    assert "Sites and caseloads" in page
    login_verified(client, charlie)
    page = client.get(f"/people/{record['person'].public_id}/").content.decode()
    for url in _page_urls(record).values():
        assert f'href="{url}"' not in page
