"""The attendance API under /api/v1/rehabilitation: a session's marks in one request (422 naming the
mark, 409 on a stale version), corrections, sessions, notes, completion, qualifications, progress."""

from __future__ import annotations

import pytest

from oms.rehabilitation.models import Attendance, ProgrammeSession
from tests.custody.test_housing_api import bearer
from tests.rehabilitation.attendance.conftest import allocate_many

pytestmark = pytest.mark.django_db
BASE = "/api/v1/rehabilitation"


def post(client, url, body, auth):
    return client.post(url, body, content_type="application/json", **auth)


def test_a_session_of_twenty_is_recorded_in_one_request(client, charlie, sam, prison_a, programme, session):
    places = allocate_many(prison_a, programme, sam, 20)
    marks = [{"allocation_id": str(p.public_id), "outcome": "attended"} for p in places]
    answer = post(client, f"{BASE}/sessions/{session.public_id}/attendance", {"marks": marks}, bearer(charlie))
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["created"] == 20 and len(body["session_register"]["marks"]) == 20
    assert all(m["version"] == 1 and m["recorded_by"] == "charlie" for m in body["session_register"]["marks"])

    register = client.get(f"{BASE}/sessions/{session.public_id}", **bearer(charlie)).json()
    assert {m["outcome"] for m in register["marks"]} == {"attended"}


def test_bad_marks_answer_422_naming_the_mark(client, charlie, session, allocation):
    bad = {"marks": [{"allocation_id": str(allocation.public_id), "outcome": "asleep"}]}
    answer = post(client, f"{BASE}/sessions/{session.public_id}/attendance", bad, bearer(charlie))
    assert answer.status_code == 422 and answer.json()["field"] == "marks[0].outcome"
    extra = {"marks": [{"allocation_id": str(allocation.public_id), "outcome": "attended", "who": "x"}]}
    assert post(client, f"{BASE}/sessions/{session.public_id}/attendance", extra, bearer(charlie)).status_code == 422


def test_correction_with_version_and_conflict(client, charlie, session, allocation):
    mark = {"allocation_id": str(allocation.public_id), "outcome": "refused"}
    post(client, f"{BASE}/sessions/{session.public_id}/attendance", {"marks": [mark]}, bearer(charlie))
    url = f"{BASE}/sessions/{session.public_id}/attendance/{allocation.public_id}"
    fixed = client.put(url, {"outcome": "sick", "version": 1}, content_type="application/json", **bearer(charlie))
    assert fixed.status_code == 200 and fixed.json()["version"] == 2
    stale = client.put(url, {"outcome": "attended", "version": 1}, content_type="application/json", **bearer(charlie))
    assert stale.status_code == 409
    again = post(client, f"{BASE}/sessions/{session.public_id}/attendance", {"marks": [mark]}, bearer(charlie))
    assert again.status_code == 409 and Attendance.objects.get().outcome == "sick"


def test_permission_matrix(client, charlie, casey, bob, fiona, session, allocation):
    body = {"marks": [{"allocation_id": str(allocation.public_id), "outcome": "attended"}]}
    url = f"{BASE}/sessions/{session.public_id}/attendance"
    assert post(client, url, body, bearer(casey)).status_code == 403
    assert post(client, url, body, bearer(fiona)).status_code == 404
    assert client.get(f"{BASE}/sessions/{session.public_id}", **bearer(bob)).status_code == 404
    assert post(client, url, body, bearer(charlie)).status_code == 200


def test_sessions_generate_list_and_cancel(client, sam, charlie, prison_a, programme):
    made = post(
        client,
        f"{BASE}/sessions/generate",
        {"programme_id": str(programme.public_id), "from_date": "2026-06-01", "to_date": "2026-06-07"},
        bearer(sam),
    )
    assert made.status_code == 201 and len(made.json()) == 5
    day = client.get(f"{BASE}/sessions?site={prison_a.public_id}&on=2026-06-02", **bearer(charlie))
    assert day.status_code == 200 and len(day.json()) == 1
    session_id = made.json()[0]["id"]
    assert (
        post(client, f"{BASE}/sessions/{session_id}/cancel", {"reason": "Closed"}, bearer(charlie)).status_code == 403
    )
    cancelled = post(client, f"{BASE}/sessions/{session_id}/cancel", {"reason": "Closed"}, bearer(sam))
    assert cancelled.status_code == 200 and ProgrammeSession.objects.filter(status="cancelled").count() == 1


def test_notes_completion_qualifications_and_progress(client, charlie, person, allocation, other_allocation):
    note = post(
        client, f"{BASE}/allocations/{allocation.public_id}/progress-notes", {"text": "Focused"}, bearer(charlie)
    )
    assert note.status_code == 201
    assert len(client.get(f"{BASE}/allocations/{allocation.public_id}/progress-notes", **bearer(charlie)).json()) == 1
    done = post(
        client,
        f"{BASE}/allocations/{allocation.public_id}/complete",
        {"version": 1, "qualification": {"certificate_number": "C-9"}},
        bearer(charlie),
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    ended = post(
        client, f"{BASE}/allocations/{other_allocation.public_id}/not-completed", {"reason": "nope"}, bearer(charlie)
    )
    assert ended.status_code == 422 and ended.json()["field"] == "reason"
    made = post(
        client,
        f"{BASE}/people/{person.public_id}/qualifications",
        {"title": "Forklift licence", "achieved_on": "2025-11-01"},
        bearer(charlie),
    )
    assert made.status_code == 201
    titles = {
        q["title"] for q in client.get(f"{BASE}/people/{person.public_id}/qualifications", **bearer(charlie)).json()
    }
    assert titles == {"Forklift licence", "Certificate in Thinking Skills"}
    progress = client.get(f"{BASE}/people/{person.public_id}/progress", **bearer(charlie)).json()
    assert len(progress["done"]) == 1 and progress["attendance_rate"]["percent"] is None
