"""The participant portal's pages and API: the participant's own programme, hours logging (GOV.UK errors,
422), check-in, reading a message; staff get 403, another participant's records 404, and no page takes a
person from the URL."""

import datetime as dt

import pytest

from oms.diversion.models import CoordinatorMessage, HoursEntry, PortalCheckIn
from oms.diversion.services import messages
from tests.diversion import test_portal as shared
from tests.diversion.test_pages import date_fields
from tests.diversion.test_services import reqs
from tests.factories import login_verified
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
API = "/api/v1/diversion/portal"
# The portal's fixtures (an active participation, its participant jade, another participant kofi).
participation, jade, other = shared.participation, shared.jade, shared.other


def hours_form(**kw):
    return {
        **date_fields("worked_on", dt.date(2026, 6, 1)),
        "minutes": "2.5",
        "place": "Northtown food bank",
        "supervisor_name": "Ruth Adeyemi",
        **kw,
    }


def test_portal_page_shows_requirements_due_dates_and_progress(client, jade, participation):
    page = login_verified(client, jade).get("/diversion/portal/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "First-time offender programme" in body and "Community service: 20 hours" in body
    assert "1 Aug 2026" in body and "% complete" in body and "Check in" in body
    assert "Shoplifting" not in body  # the offence summary is the staff record's, not the portal's


def test_log_hours_through_the_portal(client, jade, participation):
    cs = reqs(participation)["community_service"]
    as_jade = login_verified(client, jade)
    url = f"/diversion/portal/requirements/{cs.public_id}/hours/new/"
    assert as_jade.get(url).status_code == 200
    empty = as_jade.post(url, {})
    assert empty.status_code == 422 and "Enter where you worked" in empty.content.decode()
    odd = as_jade.post(url, hours_form(minutes="2.1"))
    assert odd.status_code == 422 and "quarter hours" in odd.content.decode()
    done = as_jade.post(url, hours_form())
    assert done.status_code == 302 and done.url == "/diversion/portal/"
    entry = HoursEntry.objects.get()
    assert (entry.minutes, entry.place, entry.verified_at) == (150, "Northtown food bank", None)
    assert "Awaiting verification" in as_jade.get("/diversion/portal/").content.decode()


def test_check_in_page(client, jade, participation):
    as_jade = login_verified(client, jade)
    assert as_jade.post("/diversion/portal/check-in/", {}).status_code == 422
    assert as_jade.post("/diversion/portal/check-in/", {"wellbeing": "okay"}).status_code == 302
    again = as_jade.post("/diversion/portal/check-in/", {"wellbeing": "okay"})
    assert again.status_code == 422 and "already checked in today" in again.content.decode()
    assert PortalCheckIn.objects.count() == 1
    assert "You have checked in today" in as_jade.get("/diversion/portal/").content.decode()


def test_reading_a_message_marks_it_read(client, jade, participation, cora_actor):
    sent = messages.send_message(
        cora_actor, participation_id=participation.public_id, subject="Class moved", body="Now on Thursday."
    )
    as_jade = login_verified(client, jade)
    home = as_jade.get("/diversion/portal/").content.decode()
    assert "Class moved" in home and "1 unread" in home
    page = as_jade.get(f"/diversion/portal/messages/{sent.public_id}/")
    assert page.status_code == 200 and "Now on Thursday." in page.content.decode()
    sent.refresh_from_db()
    assert sent.read_at is not None
    assert "unread" not in as_jade.get("/diversion/portal/").content.decode()


def test_staff_get_403_and_participants_get_no_staff_pages(client, cora, jade, participation):
    as_cora = login_verified(client, cora)
    assert as_cora.get("/diversion/portal/").status_code == 403
    as_jade = login_verified(client, jade)
    assert as_jade.get("/diversion/").status_code == 403
    assert as_jade.get(f"/diversion/participants/{participation.public_id}/").status_code == 403
    entry_url = f"/diversion/requirements/{reqs(participation)['community_service'].public_id}/hours/new/"
    assert as_jade.get(entry_url).status_code == 403


def test_another_participants_records_are_404(client, jade, participation, other, cora_actor):
    theirs, kofi = other
    sent = messages.send_message(cora_actor, participation_id=theirs.public_id, subject="For Kofi", body="Private")
    as_jade = login_verified(client, jade)
    cs = reqs(theirs)["community_service"]
    assert as_jade.get(f"/diversion/portal/requirements/{cs.public_id}/hours/new/").status_code == 404
    assert as_jade.post(f"/diversion/portal/requirements/{cs.public_id}/hours/new/", hours_form()).status_code == 404
    assert as_jade.get(f"/diversion/portal/messages/{sent.public_id}/").status_code == 404
    assert "For Kofi" not in as_jade.get("/diversion/portal/").content.decode()
    sent.refresh_from_db()
    assert sent.read_at is None and HoursEntry.objects.count() == 0


# --- API -----------------------------------------------------------------------------------------


def test_portal_api(client, jade, participation, cora_actor):
    auth = bearer(jade)
    mine = client.get(API, **auth)
    assert mine.status_code == 200, mine.content
    body = mine.json()
    assert body["participation_id"] == str(participation.public_id) and body["state"] == "active"
    assert "offence_summary" not in body
    cs = next(r for r in body["requirements"] if r["kind"] == "community_service")
    logged = client.post(
        f"{API}/requirements/{cs['id']}/hours",
        {"worked_on": "2026-06-01", "minutes": 90, "place": "Park clean-up", "supervisor_name": "T. Obi"},
        content_type="application/json",
        **auth,
    )
    assert logged.status_code == 201, logged.content
    cs = next(r for r in logged.json()["requirements"] if r["kind"] == "community_service")
    assert [(h["minutes"], h["verified"]) for h in cs["hours"]] == [(90, False)]
    missing = client.post(
        f"{API}/requirements/{cs['id']}/hours",
        {"worked_on": "2026-06-01", "minutes": 90},
        content_type="application/json",
        **auth,
    )
    assert missing.status_code == 422
    checked = client.post(f"{API}/check-ins", {"wellbeing": "well"}, content_type="application/json", **auth)
    assert checked.status_code == 201 and checked.json()["counted_as_attendance"] is True
    twice = client.post(f"{API}/check-ins", {"wellbeing": "well"}, content_type="application/json", **auth)
    assert twice.status_code == 409 and twice.json()["code"] == "diversion.already_checked_in"

    sent = messages.send_message(cora_actor, participation_id=participation.public_id, subject="Hello", body="Welcome")
    listed = client.get(f"{API}/messages", **auth).json()
    assert [(m["subject"], m["read_at"]) for m in listed] == [("Hello", None)]
    read = client.post(f"{API}/messages/{sent.public_id}/read", **auth)
    assert read.status_code == 200 and read.json()["read_at"] is not None


def test_portal_api_permission_cases(client, cora, jade, participation, other, cora_actor):
    theirs, _ = other
    assert client.get(API, **bearer(cora)).status_code == 403
    auth = bearer(jade)
    cs = reqs(theirs)["community_service"]
    refused = client.post(
        f"{API}/requirements/{cs.public_id}/hours",
        {"worked_on": "2026-06-01", "minutes": 90, "place": "X", "supervisor_name": "Y"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 404
    sent = messages.send_message(cora_actor, participation_id=theirs.public_id, subject="Kofi", body="Private")
    assert client.post(f"{API}/messages/{sent.public_id}/read", **auth).status_code == 404
    entry = HoursEntry.objects.create(
        requirement=reqs(participation)["community_service"],
        worked_on=dt.date(2026, 6, 1),
        minutes=60,
        logged_at=participation.created_at,
        logged_by=jade,
    )
    # The staff verify operation is not the participant's: 403, whoever logged the hours.
    assert client.post(f"/api/v1/diversion/hours/{entry.public_id}/verify", **auth).status_code == 403
    assert client.get(f"/api/v1/diversion/participations/{participation.public_id}", **auth).status_code == 403
    assert CoordinatorMessage.objects.filter(read_at__isnull=False).count() == 0


def test_a_participant_not_on_a_programme_gets_a_plain_answer(client, person):
    from tests.factories import make_participant

    page = login_verified(client, make_participant(person)).get("/diversion/portal/")
    assert page.status_code == 200 and "You are not on a diversion programme" in page.content.decode()
