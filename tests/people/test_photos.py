"""Photographs (FILE-1): allowlisted type checked by signature, size limit while streaming,
served as an attachment under a sandbox CSP, scoped like the record, moved on merge."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oms.audit.models import AuditEvent
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.people import rules, services
from oms.people.models import PersonPhoto
from tests.factories import actor_of, login_verified
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.mark.parametrize(
    "filename, head, expected",
    [
        ("me.png", PNG, "image/png"),
        ("ME.JPG", JPEG, "image/jpeg"),
        ("me.jpeg", JPEG, "image/jpeg"),
        ("me.png", JPEG, None),
        ("me.gif", b"GIF89a", None),
        ("me.svg", b"<svg", None),
        ("noextension", PNG, None),
    ],
)
def test_photo_type_needs_extension_and_signature(filename, head, expected):
    assert rules.photo_content_type(filename, head) == expected


def test_add_photo_permissions_and_rules(alice, bob, charlie, prison_a):
    person = make_person(prison_a)
    with pytest.raises(PermissionDenied):
        services.add_photo(actor_of(charlie), person_id=person.public_id, filename="a.png", content=PNG)
    with pytest.raises(NotFound):
        services.add_photo(actor_of(bob), person_id=person.public_id, filename="a.png", content=PNG)
    with pytest.raises(RuleViolation):
        services.add_photo(actor_of(alice), person_id=person.public_id, filename="a.png", content=b"<html>")
    with pytest.raises(RuleViolation):
        services.add_photo(
            actor_of(alice), person_id=person.public_id, filename="a.png", content=PNG + b"\x00" * rules.PHOTO_MAX_BYTES
        )
    photo = services.add_photo(actor_of(alice), person_id=person.public_id, filename="a.png", content=PNG)
    event = AuditEvent.objects.get(action="people.photo_added")
    assert event.details["sha256"] == photo.sha256 and event.details["size"] == len(PNG)


def test_upload_and_serve_through_pages(client, alice, bob, prison_a):
    person = make_person(prison_a)
    login_verified(client, alice)
    url = f"/people/{person.public_id}/photo"
    assert client.get(url).status_code == 404
    uploaded = client.post(f"{url}/new", {"photo": SimpleUploadedFile("me.jpg", JPEG, content_type="image/jpeg")})
    assert uploaded.status_code == 302
    served = client.get(url)
    assert served.status_code == 200 and served.content == JPEG
    assert served["Content-Type"] == "image/jpeg" and served["Content-Disposition"].startswith("attachment")
    assert "sandbox" in served["Content-Security-Policy"]
    assert 'src="/people/' in client.get(f"/people/{person.public_id}/").content.decode()
    renamed = client.post(
        f"{url}/new", {"photo": SimpleUploadedFile("me.png", b"MZ\x90\x00", content_type="image/png")}
    )
    assert renamed.status_code == 422 and "JPEG or PNG" in renamed.content.decode()
    big = client.post(f"{url}/new", {"photo": SimpleUploadedFile("big.png", PNG + b"\x00" * (3 * 1024 * 1024))})
    assert big.status_code == 422 and "2 MB or smaller" in big.content.decode()
    assert PersonPhoto.objects.count() == 1
    client.logout()
    login_verified(client, bob)
    assert client.get(url).status_code == 404


def test_upload_page_still_checks_csrf(alice, prison_a):
    from django.test import Client

    person = make_person(prison_a)
    strict = login_verified(Client(enforce_csrf_checks=True), alice)
    refused = strict.post(f"/people/{person.public_id}/photo/new", {"photo": SimpleUploadedFile("me.png", PNG)})
    assert refused.status_code == 403
    assert not PersonPhoto.objects.exists()


def test_photos_move_on_merge(alice, prison_a):
    survivor = make_person(prison_a, family="Smith", given="John")
    duplicate = make_person(prison_a, family="Smyth", given="Jon")
    services.add_photo(actor_of(alice), person_id=duplicate.public_id, filename="a.png", content=PNG)
    services.merge_people(
        actor_of(alice), survivor_id=survivor.public_id, duplicate_id=duplicate.public_id, reason="Same person"
    )
    assert survivor.photos.count() == 1
