"""Movements and observations pages through the Django test client: lists, forms with GOV.UK errors,
the batch form, receiving a transfer, overdue checks highlighted, and the permission matrix."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from oms.core import clock
from oms.custody.models import CustodyEpisode, Movement
from oms.custody.services import movements as services
from oms.custody.services import observations as observation_services
from tests.custody.factories import make_prisoner
from tests.factories import actor_of, login_verified

pytestmark = pytest.mark.django_db


def url(site, name="movements"):
    return f"/custody/sites/{site.public_id}/{name}/"


@pytest.fixture
def two(prison_a, estate_a):
    return (
        make_prisoner(prison_a, family="Ames", bed=estate_a["A-1-1-01-1"]),
        make_prisoner(prison_a, family="Boyd", bed=estate_a["A-1-1-01-2"]),
    )


def test_record_out_then_see_who_is_out_and_back(client, olive, prison_a, two):
    one, _ = two
    login_verified(client, olive)
    page = client.get(url(prison_a))
    assert page.status_code == 200 and "Nobody is out." in page.content.decode()
    done = client.post(
        url(prison_a),
        {
            "action": "out",
            "out-episode": str(one.public_id),
            "out-kind": "court",
            "out-destination": "Leeds Crown Court",
            "out-escort": "Van 3",
        },
    )
    assert done.status_code == 302
    page = client.get(url(prison_a)).content.decode()
    assert "Out of the establishment (1)" in page and "Court: Leeds Crown Court" in page and "Van 3" in page
    back = client.post(url(prison_a), {"action": "return", "return-episode": str(one.public_id)})
    assert back.status_code == 302 and CustodyEpisode.objects.get(pk=one.pk).in_out == "in"


def test_errors_are_shown_govuk_style(client, olive, prison_a, two):
    one, _ = two
    login_verified(client, olive)
    page = client.post(url(prison_a), {"action": "out", "out-episode": str(one.public_id), "out-kind": "court"})
    assert page.status_code == 422
    html = page.content.decode()
    assert "There is a problem" in html and "Enter where the person is going" in html
    assert "govuk-form-group--error" in html
    assert not Movement.objects.exists()


def test_batch_form_moves_everyone_ticked_or_lists_every_problem(client, olive, prison_a, estate_a, two):
    login_verified(client, olive)
    ticked = [str(e.public_id) for e in two]
    bad = client.post(url(prison_a), {"action": "batch", "batch-episodes": ticked, "batch-kind": "court"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Row 1: Enter where the person is going" in html and "Row 2: Enter who is escorting the person" in html
    assert not Movement.objects.exists()
    ok = client.post(
        url(prison_a),
        {
            "action": "batch",
            "batch-episodes": ticked,
            "batch-kind": "internal",
            "batch-to_location": str(estate_a["EDU"].public_id),
        },
    )
    assert ok.status_code == 302
    assert CustodyEpisode.objects.filter(current_location=estate_a["EDU"]).count() == 2
    assert "At a place inside (2)" in client.get(url(prison_a)).content.decode()


def test_incoming_transfer_is_received_from_the_page(client, olive, oscar, prison_a, prison_b, two):
    one, _ = two
    sent = services.send_transfer(
        actor_of(olive), episode_id=one.public_id, to_site_id=prison_b.public_id, escort="Van"
    )
    login_verified(client, oscar)
    page = client.get(url(prison_b)).content.decode()
    assert "Transfers on their way here (1)" in page and one.booking_number in page
    received = client.post(url(prison_b), {"action": "receive", "receive-movement": str(sent.public_id)})
    assert received.status_code == 302
    one.refresh_from_db()
    assert one.site == prison_b and one.in_reception


def test_permission_matrix(client, olive, oscar, charlie, prison_a, two):
    assert client.get(url(prison_a)).status_code == 302  # sign in first
    login_verified(client, charlie)
    assert client.get(url(prison_a)).status_code == 403
    client.logout()
    login_verified(client, oscar)
    assert client.get(url(prison_a)).status_code == 404
    assert client.get(url(prison_a, "observations")).status_code == 404
    client.logout()
    login_verified(client, olive)
    assert client.get(url(prison_a)).status_code == 200


def test_observations_page_highlights_overdue_and_records_a_check(client, olive, sam, prison_a, two):
    one, _ = two
    start = clock.now() - dt.timedelta(minutes=50)
    with clock.freeze(start):
        plan = observation_services.start_observation_plan(
            actor_of(sam), episode_id=one.public_id, reason="suicide_self_harm", interval_minutes=15
        )
    login_verified(client, olive)
    html = client.get(url(prison_a, "observations")).content.decode()
    assert "govuk-tag--red" in html and "Check overdue by 35 minutes" in html
    overdue = client.get(url(prison_a, "observations/overdue")).content.decode()
    assert "AMES, John" in overdue and "35 minutes" in overdue
    missing_note = client.post(
        url(prison_a, "observations"),
        {"action": "check", "check-plan": str(plan.public_id), "check-outcome": "not_seen"},
    )
    assert missing_note.status_code == 422 and "Describe the concern" in missing_note.content.decode()
    done = client.post(
        url(prison_a, "observations"),
        {"action": "check", "check-plan": str(plan.public_id), "check-outcome": "seen_well"},
    )
    assert done.status_code == 302
    assert "govuk-tag--red" not in client.get(url(prison_a, "observations")).content.decode()
    # An officer cannot end a watch: that is for supervisors and healthcare.
    assert (
        client.post(
            url(prison_a, "observations"), {"action": "end", "end-plan": str(plan.public_id), "end-reason": "x"}
        ).status_code
        == 403
    )


def test_plan_a_movement_then_record_it_from_todays_list(client, olive, prison_a, two):
    one, _ = two
    login_verified(client, olive)
    later = (clock.now() + dt.timedelta(minutes=5)).astimezone(ZoneInfo(prison_a.time_zone))
    bad = client.post(
        url(prison_a), {"action": "schedule", "schedule-episode": str(one.public_id), "schedule-kind": "court"}
    )
    assert bad.status_code == 422 and "Enter the date" in bad.content.decode()
    planned = client.post(
        url(prison_a),
        {
            "action": "schedule",
            "schedule-episode": str(one.public_id),
            "schedule-kind": "court",
            "schedule-day_day": later.day,
            "schedule-day_month": later.month,
            "schedule-day_year": later.year,
            "schedule-time": later.strftime("%H:%M"),
            "schedule-destination": "Leeds Crown Court",
            "schedule-escort": "Van 2",
        },
    )
    assert planned.status_code == 302, planned.content.decode()[:2000]
    movement = Movement.objects.get(status="scheduled")
    # Entered in the site's local time, stored as the same instant in UTC.
    assert movement.scheduled_at == later.replace(second=0, microsecond=0)
    assert (
        client.post(url(prison_a), {"action": "carry_out", "carry_out-movement": str(movement.public_id)}).status_code
        == 302
    )
    movement.refresh_from_db()
    assert movement.status == "completed" and movement.occurred_at is not None
    assert CustodyEpisode.objects.get(pk=one.pk).in_out == "out"
