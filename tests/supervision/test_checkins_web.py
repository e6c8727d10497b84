"""Remote check-ins through the pages and the API: the participant portal (own check-ins only, never
a person from the URL), the officer's schedule and review pages, the caseload, the API with its
permission matrix (wrong role 403, other office 404, participant only their own)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oms.core import notifications
from oms.people.models import Address
from oms.supervision.models import CheckIn
from oms.supervision.services import checkins as services
from tests.factories import actor_of, login_verified, make_participant
from tests.people.test_api import bearer
from tests.supervision.factories import make_case

BASE = "/api/v1/supervision"
MONDAY = dt.date(2026, 6, 1)
GOOD = {"accommodation": "settled", "employment": "working", "substance_use": "none", "wellbeing": "good"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def memory_notifier(settings):
    settings.OMS_NOTIFIERS = ["memory"]
    notifications.sent.clear()


@pytest.fixture
def case(person, office_c, frank):
    Address.objects.create(person=person, postcode="LS1 4AB", is_primary=True)
    return make_case(person, office=office_c, officer=frank, starts_on=dt.date(2026, 5, 1))


@pytest.fixture
def check_in(case, frank_actor):
    services.set_schedule(frank_actor, case_id=case.public_id, frequency="weekly", starts_on=MONDAY)
    return case.check_ins.get()


@pytest.fixture
def participant(person):
    return make_participant(person, "ana")


@pytest.fixture
def other_check_in(other_person, office_c, frank_actor):
    other = make_case(other_person, office=office_c, starts_on=dt.date(2026, 5, 1))
    services.set_schedule(frank_actor, case_id=other.public_id, frequency="weekly", starts_on=MONDAY)
    return other.check_ins.get()


def form_data(**overrides):
    data = {
        "date_of_birth_day": "9",
        "date_of_birth_month": "7",
        "date_of_birth_year": "1985",
        "postcode": "LS1 4AB",
        **GOOD,
        "message": "All fine",
    }
    data.update(overrides)
    return data


def submitted(check_in, participant, **answers):
    return services.submit_check_in(
        actor_of(participant),
        check_in_id=check_in.public_id,
        date_of_birth=dt.date(1985, 7, 9),
        postcode="LS1 4AB",
        answers={**GOOD, **answers},
    )


# --- the portal ----------------------------------------------------------------------------------


def test_portal_home_shows_own_open_check_in_and_appointments(client, participant, check_in, other_check_in):
    login_verified(client, participant)
    page = client.get("/supervision/portal/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/supervision/portal/check-ins/{check_in.public_id}/" in body
    assert str(other_check_in.public_id) not in body


def test_portal_check_in_form_submits_with_photo(client, participant, check_in):
    login_verified(client, participant)
    url = f"/supervision/portal/check-ins/{check_in.public_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {**form_data(), "photo": SimpleUploadedFile("me.png", PNG, "image/png")})
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == "submitted" and check_in.photo_content_type == "image/png"
    assert check_in.answers["message"] == "All fine"


def test_portal_check_in_form_shows_errors(client, participant, check_in):
    login_verified(client, participant)
    url = f"/supervision/portal/check-ins/{check_in.public_id}/"
    response = client.post(url, form_data(wellbeing="", postcode=""))
    assert response.status_code == 422
    assert "Enter your postcode" in response.content.decode()
    bad_photo = client.post(url, {**form_data(), "photo": SimpleUploadedFile("me.png", b"GIF89a000", "image/png")})
    assert bad_photo.status_code == 422
    assert "must be a JPEG or PNG" in bad_photo.content.decode()
    check_in.refresh_from_db()
    assert check_in.state == "created"


def test_participant_cannot_open_anyone_elses_check_in_or_staff_pages(client, participant, check_in, other_check_in):
    login_verified(client, participant)
    assert client.get(f"/supervision/portal/check-ins/{other_check_in.public_id}/").status_code == 404
    assert client.post(f"/supervision/portal/check-ins/{other_check_in.public_id}/", form_data()).status_code == 404
    assert client.get("/supervision/").status_code == 403
    assert client.get(f"/supervision/check-ins/{check_in.public_id}/review/").status_code == 403


def test_staff_have_no_portal(client, frank):
    login_verified(client, frank)
    assert client.get("/supervision/portal/").status_code == 403


# --- officer pages -------------------------------------------------------------------------------


def test_schedule_page(client, frank, case):
    login_verified(client, frank)
    url = f"/supervision/cases/{case.public_id}/check-ins/schedule/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"frequency": "weekly", "window_hours": "0"})
    assert bad.status_code == 422
    response = client.post(
        url,
        {
            "frequency": "fortnightly",
            "starts_on_day": "1",
            "starts_on_month": "6",
            "starts_on_year": "2026",
            "window_hours": "48",
        },
    )
    assert response.status_code == 302
    assert case.check_in_schedules.get(active=True).frequency == "fortnightly"
    case_page = client.get(f"/supervision/cases/{case.public_id}/").content.decode()
    assert "Remote check-ins" in case_page and "Fortnightly" in case_page


def test_review_page_and_caseload(client, frank, participant, check_in):
    submitted(check_in, participant, accommodation="none")
    login_verified(client, frank)
    caseload = client.get("/supervision/").content.decode()
    assert "Check-in to review" in caseload
    url = f"/supervision/check-ins/{check_in.public_id}/review/"
    page = client.get(url).content.decode()
    assert "No accommodation" in page and "Confirmed" in page
    assert client.post(url, {"outcome": "concerns", "note": "", "version": "2"}).status_code == 422
    response = client.post(url, {"outcome": "concerns", "note": "Housing referral", "version": "2"})
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == "reviewed" and check_in.review_outcome == "concerns"


def test_review_page_scope(client, pete, alice, participant, check_in):
    submitted(check_in, participant)
    login_verified(client, pete)
    assert client.get(f"/supervision/check-ins/{check_in.public_id}/review/").status_code == 404
    client.logout()
    login_verified(client, alice)
    assert client.get(f"/supervision/check-ins/{check_in.public_id}/review/").status_code == 403


def test_photo_is_served_as_an_attachment(client, frank, pete, participant, check_in):
    services.submit_check_in(
        actor_of(participant),
        check_in_id=check_in.public_id,
        date_of_birth=dt.date(1985, 7, 9),
        postcode="LS1 4AB",
        answers=GOOD,
        photo_name="me.png",
        photo_content=PNG,
    )
    login_verified(client, frank)
    response = client.get(f"/supervision/check-ins/{check_in.public_id}/photo/")
    assert response.status_code == 200 and response.content == PNG
    assert response["Content-Disposition"].startswith("attachment")
    client.logout()
    login_verified(client, pete)
    assert client.get(f"/supervision/check-ins/{check_in.public_id}/photo/").status_code == 404


# --- API -----------------------------------------------------------------------------------------


def test_api_schedule_list_review(client, frank, case, participant):
    auth = bearer(frank)
    response = client.put(
        f"{BASE}/cases/{case.public_id}/check-in-schedule",
        {"frequency": "weekly", "starts_on": "2026-06-01"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    listed = client.get(f"{BASE}/check-ins?case_id={case.public_id}", **auth).json()
    assert [c["state"] for c in listed] == ["created"]
    check_in = CheckIn.objects.get(public_id=listed[0]["id"])
    submitted(check_in, participant)
    one = client.get(f"{BASE}/check-ins/{check_in.public_id}", **auth).json()
    assert one["identity_confirmed"] is True and one["answers"]["wellbeing"] == "good"
    review = client.post(
        f"{BASE}/check-ins/{check_in.public_id}/review",
        {"outcome": "satisfactory", "version": one["version"]},
        content_type="application/json",
        **auth,
    )
    assert review.status_code == 200 and review.json()["state"] == "reviewed"
    stale = client.post(
        f"{BASE}/check-ins/{check_in.public_id}/review",
        {"outcome": "satisfactory", "version": one["version"]},
        content_type="application/json",
        **auth,
    )
    assert stale.status_code == 409


def test_api_participant_submits_own_only(client, participant, check_in, other_check_in):
    auth = bearer(participant)
    mine = client.get(f"{BASE}/portal/check-ins", **auth).json()
    assert [c["id"] for c in mine] == [str(check_in.public_id)]
    assert mine[0]["answers"] is None
    body = {"date_of_birth": "1985-07-09", "postcode": "LS1 4AB", "answers": GOOD}
    other = client.post(
        f"{BASE}/portal/check-ins/{other_check_in.public_id}", body, content_type="application/json", **auth
    )
    assert other.status_code == 404
    bad = client.post(
        f"{BASE}/portal/check-ins/{check_in.public_id}",
        {**body, "answers": {**GOOD, "wellbeing": "meh"}},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    ok = client.post(f"{BASE}/portal/check-ins/{check_in.public_id}", body, content_type="application/json", **auth)
    assert ok.status_code == 201 and ok.json()["state"] == "submitted"
    assert client.get(f"{BASE}/check-ins", **auth).status_code == 403  # staff list


@pytest.mark.parametrize(
    ("who", "status"),
    [("frank", 200), ("pete", 404), ("alice", 403), ("ann", 403)],
)
def test_api_permission_matrix_for_review(client, request, who, status, participant, check_in):
    submitted(check_in, participant)
    user = request.getfixturevalue(who)
    response = client.post(
        f"{BASE}/check-ins/{check_in.public_id}/review",
        {"outcome": "satisfactory", "version": 2},
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == status


@pytest.mark.parametrize(("who", "status"), [("frank", 200), ("pete", 404), ("alice", 403)])
def test_api_permission_matrix_for_schedule(client, request, who, status, case):
    user = request.getfixturevalue(who)
    response = client.put(
        f"{BASE}/cases/{case.public_id}/check-in-schedule",
        {"frequency": "weekly", "starts_on": "2026-06-01"},
        content_type="application/json",
        **bearer(user),
    )
    assert response.status_code == status


def test_stop_check_ins_page_and_api(client, frank, pete, case, check_in):
    login_verified(client, frank)
    assert client.post(f"/supervision/cases/{case.public_id}/check-ins/stop/").status_code == 302
    assert not case.check_in_schedules.filter(active=True).exists()
    check_in.refresh_from_db()
    assert check_in.state == "created"  # the open one stays open
    again = client.post(f"/supervision/cases/{case.public_id}/check-ins/stop/", follow=True)
    assert "no check-in schedule" in again.content.decode()
    url = f"{BASE}/cases/{case.public_id}/check-in-schedule"
    assert client.delete(url, **bearer(frank)).status_code == 409
    assert client.delete(url, **bearer(pete)).status_code == 404


def test_an_oversized_photo_is_stopped_while_uploading(client, participant, check_in):
    login_verified(client, participant)
    big = SimpleUploadedFile("me.jpg", b"\xff\xd8\xff" + b"\x00" * (2 * 1024 * 1024), "image/jpeg")
    response = client.post(f"/supervision/portal/check-ins/{check_in.public_id}/", {**form_data(), "photo": big})
    assert response.status_code == 422
    assert "smaller than 2 MB" in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.state == "created"
