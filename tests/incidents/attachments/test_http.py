"""Evidence over HTTP: the API (multipart upload, list, download headers) and the pages, with the
403/404 matrix and nothing left on disk after a refused upload."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oms.incidents.models import Attachment, Incident
from tests.factories import login_verified
from tests.incidents.factories import make_incident
from tests.people.test_api import bearer

from .conftest import PDF, PNG, files_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(prison_a, olly):
    return make_incident(prison_a, olly, status=Incident.Status.SUBMITTED)


def api_url(incident, tail=""):
    return f"/api/v1/incidents/{incident.public_id}/attachments{tail}"


def upload(client, incident, auth, name="photo.png", content=PNG, **extra):
    return client.post(api_url(incident), {"file": SimpleUploadedFile(name, content), **extra}, **auth)


def test_api_upload_list_and_download(client, incident, olly, attachments_dir):
    auth = bearer(olly)
    made = upload(client, incident, auth, name="..\\..\\evil\x00.pdf", content=PDF, description="Statement")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["name"] == "evil.pdf" and body["sha256"] == hashlib.sha256(PDF).hexdigest()
    listed = client.get(api_url(incident), **auth).json()
    assert [a["id"] for a in listed] == [body["id"]]
    got = client.get(api_url(incident, f"/{body['id']}"), **auth)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert got["Content-Disposition"].startswith("attachment;") and "evil.pdf" in got["Content-Disposition"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Content-Security-Policy"].startswith("sandbox")
    assert got["Content-Type"] == "application/pdf"


def test_api_refusals_are_422_naming_the_field_and_leave_nothing(client, incident, olly, attachments_dir):
    auth = bearer(olly)
    for name, content, code in [
        ("photo.png", b"GIF89a-not-png", "incidents.attachment_content"),
        ("run.exe", b"MZ", "incidents.attachment_type"),
        ("big.png", PNG + b"\x00" * 2000, "incidents.attachment_too_large"),
    ]:
        refused = upload(client, incident, auth, name=name, content=content)
        assert refused.status_code == 422, refused.content
        assert refused.json()["code"] == code and refused.json()["field"] == "file"
    assert files_in(attachments_dir) == [] and not Attachment.objects.exists()


def test_api_declared_length_far_over_the_limit_is_refused_before_reading(client, incident, olly, settings):
    settings.INCIDENT_ATTACHMENT_MAX_BYTES = 10
    refused = upload(client, incident, bearer(olly), content=PNG + b"\x00" * 70_000)
    assert refused.status_code == 422 and refused.json()["code"] == "incidents.attachment_too_large"


def test_api_matrix(client, incident, olly, alice, otto, ann):
    made = upload(client, incident, bearer(olly)).json()
    assert upload(client, incident, bearer(alice)).status_code == 403
    assert upload(client, incident, bearer(ann)).status_code == 403
    assert upload(client, incident, bearer(otto)).status_code == 404
    assert client.get(api_url(incident), **bearer(alice)).status_code == 403
    assert client.get(api_url(incident), **bearer(otto)).status_code == 404
    assert client.get(api_url(incident, f"/{made['id']}"), **bearer(otto)).status_code == 404
    assert client.get(api_url(incident, f"/{made['id']}"), **bearer(alice)).status_code == 403
    missing = "/00000000-0000-0000-0000-000000000000"
    assert client.get(api_url(incident, missing), **bearer(olly)).status_code == 404


def test_page_lists_uploads_and_downloads(client, incident, olly, attachments_dir):
    login_verified(client, olly)
    page = client.get(f"/incidents/{incident.public_id}/attachments/")
    assert page.status_code == 200 and b"No evidence has been attached" in page.content
    posted = client.post(
        f"/incidents/{incident.public_id}/attachments/upload/",
        {"file": SimpleUploadedFile("cell.png", PNG), "description": "Cell door"},
    )
    assert posted.status_code == 302
    attachment = Attachment.objects.get()
    page = client.get(f"/incidents/{incident.public_id}/attachments/")
    assert b"cell.png" in page.content and b"Cell door" in page.content
    got = client.get(f"/incidents/{incident.public_id}/attachments/{attachment.public_id}/")
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;")
    assert got["Content-Security-Policy"].startswith("sandbox") and got["X-Content-Type-Options"] == "nosniff"


def test_page_too_big_is_a_form_error_and_leaves_nothing(client, incident, olly, attachments_dir):
    login_verified(client, olly)
    posted = client.post(
        f"/incidents/{incident.public_id}/attachments/upload/",
        {"file": SimpleUploadedFile("big.png", PNG + b"\x00" * 5000), "description": "kept"},
    )
    assert posted.status_code == 422
    assert b"smaller than 1 KB" in posted.content and b"kept" in posted.content
    assert files_in(attachments_dir) == [] and not Attachment.objects.exists()


def test_page_wrong_bytes_is_a_form_error(client, incident, olly, attachments_dir):
    login_verified(client, olly)
    posted = client.post(
        f"/incidents/{incident.public_id}/attachments/upload/", {"file": SimpleUploadedFile("a.pdf", PNG)}
    )
    assert posted.status_code == 422 and b"do not match its type" in posted.content
    assert files_in(attachments_dir) == []


def test_page_matrix(client, incident, alice, otto, prison_a, olly):
    for user, status in ((alice, 403), (otto, 404)):
        client.logout()
        login_verified(client, user)
        assert client.get(f"/incidents/{incident.public_id}/attachments/").status_code == status
        posted = client.post(
            f"/incidents/{incident.public_id}/attachments/upload/", {"file": SimpleUploadedFile("a.png", PNG)}
        )
        assert posted.status_code == status
    closed = make_incident(
        prison_a, olly, incident_type=incident.incident_type, status=Incident.Status.CLOSED, number=2
    )
    client.logout()
    login_verified(client, olly)
    page = client.get(f"/incidents/{closed.public_id}/attachments/")
    assert b"This incident is closed" in page.content and b'type="file"' not in page.content


def test_the_incident_page_shows_its_evidence(client, incident, olly, attachments_dir):
    login_verified(client, olly)
    client.post(
        f"/incidents/{incident.public_id}/attachments/upload/",
        {"file": SimpleUploadedFile("landing.png", PNG), "description": "Landing 2 after the fight"},
    )
    page = client.get(f"/incidents/reports/{incident.public_id}/")
    assert page.status_code == 200
    assert b"landing.png" in page.content and b"Landing 2 after the fight" in page.content
