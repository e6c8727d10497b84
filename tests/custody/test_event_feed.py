"""GET /api/v1/custody/events: the custody outbox, limited to the caller's sites."""

import pytest

from oms.core import outbox
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


def test_feed_pages_by_id_and_shows_only_sites_in_reach(client, olive, prison_a, prison_b):
    first = outbox.write("custody.person_received", {"booking_number": "A1"}, site_code=prison_a.code)
    outbox.write("custody.person_received", {"booking_number": "B1"}, site_code=prison_b.code)
    outbox.write("people.person_merged", {}, site_code=prison_a.code)  # not a custody event
    second = outbox.write("custody.cell_moved", {"booking_number": "A1"}, site_code=prison_a.code)
    login_verified(client, olive)
    body = client.get("/api/v1/custody/events").json()
    assert [e["id"] for e in body["events"]] == [first.id, second.id]
    assert body["next_after"] == second.id
    again = client.get(f"/api/v1/custody/events?after={second.id}").json()
    assert again == {"events": [], "next_after": second.id}


def test_feed_needs_custody_view(client, charlie):
    login_verified(client, charlie)
    assert client.get("/api/v1/custody/events").status_code == 403


def test_feed_rejects_a_negative_cursor(client, olive):
    login_verified(client, olive)
    response = client.get("/api/v1/custody/events?after=-1")
    assert response.status_code == 422
    assert response.json()["field"] == "after"
