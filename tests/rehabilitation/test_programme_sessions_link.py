"""The programme page leads to its sessions' registers and to each allocated person's progress page."""

import datetime as dt

from tests.factories import login_verified
from tests.rehabilitation.factories import make_allocation, make_programme, make_session


def test_the_programme_page_lists_sessions_and_links_registers_and_places(client, prison_a, person, sam, charlie):
    programme = make_programme(prison_a)
    place = make_allocation(person, programme, sam)
    today = make_session(programme, dt.date(2026, 6, 1))
    make_session(programme, dt.date(2026, 8, 3))  # beyond the next fortnight: not listed
    url = f"/rehabilitation/programmes/{programme.public_id}/"
    login_verified(client, charlie)
    body = client.get(url).content.decode()
    assert f"/rehabilitation/sessions/{today.public_id}/" in body and "Today" in body
    assert body.count("/rehabilitation/sessions/") == 1
    assert f"/rehabilitation/allocations/{place.public_id}/progress/" in body
    assert "Add sessions from the timetable" not in body  # a facilitator does not manage the catalogue
    login_verified(client, sam)
    assert "Add sessions from the timetable" in client.get(url).content.decode()
