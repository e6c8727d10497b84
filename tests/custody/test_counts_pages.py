"""Count pages: count times, starting a count, entering figures, a discrepancy named and resolved,
clearing (supervisor only), the printable sheet, and GOV.UK errors for bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from oms.custody.models import Count, CountSession, CountTime
from tests.custody.factories import make_estate, make_prisoner
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(prison_a):
    estate = make_estate(prison_a)
    make_prisoner(prison_a, family="Able", bed=estate["A-1-1-01-1"])
    make_prisoner(prison_a, family="Baker", bed=estate["A-1-1-01-2"])
    return estate


@pytest.fixture
def midday(prison_a):
    return CountTime.objects.create(site=prison_a, name="Midday", time_of_day=dt.time(12))


def test_count_times_are_managed_by_supervisors(client, olive, sam, prison_a, estate):
    url = reverse("custody:count_times", args=[prison_a.public_id])
    login_verified(client, olive)
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Night", "time_of_day": "22:00"}).status_code == 403
    client.logout()
    login_verified(client, sam)
    bad = client.post(url, {"name": "", "time_of_day": "25:99"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "There is a problem" in html and "Enter a name for the count" in html and "must be a time" in html
    made = client.post(url, {"name": "Night", "time_of_day": "22:00"})
    assert made.status_code == 302 and CountTime.objects.get(site=prison_a).name == "Night"
    duplicate = client.post(url, {"name": "Again", "time_of_day": "22:00"})
    assert duplicate.status_code == 422 and "already a count at 22:00" in duplicate.content.decode()


def test_a_count_on_the_pages(client, olive, sam, prison_a, estate, midday):
    login_verified(client, olive)
    counts_url = reverse("custody:counts", args=[prison_a.public_id])
    missing = client.post(counts_url, {"kind": "scheduled"})
    assert missing.status_code == 422 and "Select the count time" in missing.content.decode()
    started = client.post(counts_url, {"kind": "scheduled", "count_time": str(midday.pk)})
    assert started.status_code == 302
    count = Count.objects.get(site=prison_a)
    session = count.sessions.get()
    session_url = reverse("custody:count_session", args=[session.public_id])
    page = client.get(session_url).content.decode()
    assert "ABLE, John" in page and "Enter the number counted" in page

    negative = client.post(session_url, {"action": "enter", "enter-counted": "-1"})
    assert negative.status_code == 422 and "cannot be negative" in negative.content.decode()
    assert client.post(session_url, {"action": "enter", "enter-counted": "1"}).status_code == 302
    session.refresh_from_db()
    assert session.status == CountSession.Status.DISCREPANCY
    person_id = next(p["person_id"] for p in session.expected_people if p["name"] == "BAKER, John")
    client.post(
        session_url,
        {"action": "discrepancy", "discrepancy-person": person_id, "discrepancy-description": "Not in cell"},
    )
    discrepancy = session.discrepancies.get()
    assert discrepancy.person.family_name == "Baker"
    blank = client.post(
        session_url, {"action": "resolve", "resolve-discrepancy": discrepancy.pk, "resolve-resolution": ""}
    )
    assert blank.status_code == 422 and "Enter how the discrepancy was resolved" in blank.content.decode()
    client.post(
        session_url,
        {"action": "resolve", "resolve-discrepancy": discrepancy.pk, "resolve-resolution": "At healthcare"},
    )
    assert client.post(session_url, {"action": "clear"}).status_code == 403  # an officer cannot clear

    sheet = client.get(reverse("custody:count_sheet", args=[count.public_id])).content.decode()
    assert "Count sheet" in sheet and "BAKER, John" in sheet and "Number counted" in sheet

    client.logout()
    login_verified(client, sam)
    assert client.post(session_url, {"action": "clear", "clear-note": "Found"}).status_code == 302
    count_url = reverse("custody:count", args=[count.public_id])
    assert client.post(count_url, {"note": ""}).status_code == 302
    count.refresh_from_db()
    assert count.status == Count.Status.CLEARED
    history = client.get(counts_url).content.decode()
    assert "Midday" in history


def test_paper_entry_on_the_page(client, olive, sam, prison_a, estate, midday):
    login_verified(client, sam)
    client.post(reverse("custody:counts", args=[prison_a.public_id]), {"kind": "emergency", "reason": "Power cut"})
    session = CountSession.objects.get()
    client.logout()
    login_verified(client, olive)
    url = reverse("custody:count_session", args=[session.public_id])
    no_time = client.post(url, {"action": "enter", "enter-counted": "2", "enter-on_paper": "on"})
    assert no_time.status_code == 422 and "Enter the time the paper count was taken" in no_time.content.decode()
    assert (
        client.post(
            url, {"action": "enter", "enter-counted": "2", "enter-on_paper": "on", "enter-counted_time": "00:00"}
        ).status_code
        == 302
    )
    entry = session.entries.get()
    assert entry.on_paper and entry.counted_at < entry.entered_at


def test_count_pages_are_scoped(client, oscar, charlie, prison_a, estate, midday):
    login_verified(client, oscar)
    assert client.get(reverse("custody:counts", args=[prison_a.public_id])).status_code == 404
    client.logout()
    login_verified(client, charlie)
    assert client.get(reverse("custody:counts", args=[prison_a.public_id])).status_code == 403
