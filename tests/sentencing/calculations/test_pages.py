"""Release-date pages: key dates side by side with overrides, calculate now, history with changes, one
calculation with its "why", override and withdraw forms, facility profiles, and the profile panel."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.sentencing.models import Calculation, DateOverride, SiteProfile
from oms.sentencing.rules.calendar import fmt
from oms.sentencing.services import calculations as services
from oms.sentencing.services import overrides
from tests.factories import actor_of, login_verified
from tests.sentencing.factories import make_adjustment

pytestmark = pytest.mark.django_db


def date_parts(prefix: str, value: dt.date) -> dict:
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def test_calculate_now_from_the_key_dates_page_then_read_why(client, alice, turner):
    login_verified(client, alice)
    page = client.get(f"/sentencing/people/{turner.public_id}/release-dates/")
    assert page.status_code == 200 and b"No release dates have been calculated" in page.content
    assert b"Calculate now" in page.content

    answer = client.post(f"/sentencing/people/{turner.public_id}/release-dates/calculate/", {"reason": "Check"})

    calculation = Calculation.objects.get(person=turner)
    assert answer.status_code == 302 and str(calculation.public_id) in answer["Location"]
    shown = client.get(answer["Location"]).content.decode()
    assert f'id="date-{calculation.release_date_type}"' in shown
    assert calculation.result["dates"][calculation.release_date_type]["steps"][0]["text"][:20] in shown
    assert "Inputs snapshot" in shown and "Manual request" in shown


def test_history_lists_each_calculation_with_what_changed(client, alice, turner):
    actor = actor_of(alice)
    services.request_calculation(actor, person_id=turner.public_id)
    make_adjustment(turner, "additional_days", 12)
    latest = services.request_calculation(actor, person_id=turner.public_id)
    login_verified(client, alice)

    page = client.get(f"/sentencing/people/{turner.public_id}/release-dates/history/").content.decode()

    assert page.count("Manual request") == 2 and "First calculation" in page
    change = next(c for c in latest.changes if c["type"] == latest.release_date_type)
    before, after = (dt.date.fromisoformat(change[k]) for k in ("before", "after"))
    assert f"{change['type']}: {fmt(before)} → {fmt(after)}" in page  # as people write dates, not ISO


def test_override_and_withdraw_pages_show_calculated_and_overridden_side_by_side(client, alice, sam, turner):
    calculation = services.request_calculation(actor_of(alice), person_id=turner.public_id)
    login_verified(client, sam)
    new_date = calculation.release_date + dt.timedelta(days=10)

    form = client.get(f"/sentencing/people/{turner.public_id}/release-dates/override/")
    assert form.status_code == 200
    empty = client.post(f"/sentencing/people/{turner.public_id}/release-dates/override/", {})
    assert empty.status_code == 200 and b"There is a problem" in empty.content
    done = client.post(
        f"/sentencing/people/{turner.public_id}/release-dates/override/",
        {"date_type": calculation.release_date_type, "reason": "Court order", **date_parts("date", new_date)},
    )
    assert done.status_code == 302
    page = client.get(f"/sentencing/people/{turner.public_id}/release-dates/").content.decode()
    assert calculation.release_date.strftime("%-d %b %Y") in page and new_date.strftime("%-d %b %Y") in page
    assert "Court order" in page

    made = DateOverride.objects.get(person=turner)
    withdrawn = client.post(f"/sentencing/overrides/{made.public_id}/withdraw/", {"reason": "Set aside"})
    assert withdrawn.status_code == 302
    made.refresh_from_db()
    assert made.status == "withdrawn"


def test_pages_answer_403_and_404_like_the_services(client, bob, charlie, alice, turner):
    calculation = services.request_calculation(actor_of(alice), person_id=turner.public_id)
    login_verified(client, charlie)
    assert client.get(f"/sentencing/people/{turner.public_id}/release-dates/").status_code == 403
    login_verified(client, bob)
    assert client.get(f"/sentencing/people/{turner.public_id}/release-dates/").status_code == 404
    assert client.get(f"/sentencing/calculations/{calculation.public_id}/").status_code == 404
    login_verified(client, alice)
    assert client.get(f"/sentencing/people/{turner.public_id}/release-dates/override/").status_code == 403


def test_the_person_profile_shows_key_dates_with_a_why_link(client, alice, sam, turner):
    login_verified(client, alice)
    before = client.get(f"/people/{turner.public_id}/").content.decode()
    assert "No release dates have been calculated." in before
    calculation = services.request_calculation(actor_of(alice), person_id=turner.public_id)
    overrides.override_date(
        actor_of(sam),
        person_id=turner.public_id,
        date_type=calculation.release_date_type,
        new_date=calculation.release_date + dt.timedelta(days=2),
        reason="Court order",
    )

    page = client.get(f"/people/{turner.public_id}/").content.decode()

    why = f"/sentencing/calculations/{calculation.public_id}/#date-{calculation.release_date_type}"
    assert why in page and "Overridden" in page
    assert (calculation.release_date + dt.timedelta(days=2)).strftime("%-d %B %Y") in page


def test_the_profile_has_no_release_dates_panel_without_sentencing_view(client, charlie, turner):
    login_verified(client, charlie)
    page = client.get(f"/people/{turner.public_id}/").content.decode()
    assert "Release dates" not in page


def test_an_administrator_chooses_a_facility_profile_on_its_page(client, ada, alice, prison_a, turner):
    services.request_calculation(actor_of(alice), person_id=turner.public_id)
    login_verified(client, ada)
    page = client.get("/sentencing/release-date-profiles/")
    assert page.status_code == 200 and b"Prison A" in page.content

    answer = client.post(
        "/sentencing/release-date-profiles/", {"site": str(prison_a.public_id), "site-pra-profile": "us-federal"}
    )

    assert answer.status_code == 302
    assert SiteProfile.objects.get(site=prison_a).profile_code == "us-federal"
    assert Calculation.objects.get(person=turner, is_latest=True).reason == "profile_changed"
    login_verified(client, alice)
    assert client.get("/sentencing/release-date-profiles/").status_code == 403


def test_the_people_panel_hook_keeps_one_registration_and_skips_empty_panels(alice, turner):
    from oms.people.queries import ProfilePanel, profile_panels, register_profile_panel, unregister_profile_panel

    def nothing(actor, person):
        return None

    def extra(actor, person):
        return ProfilePanel(title="Extra")

    before = [p.title for p in profile_panels(actor_of(alice), turner)]
    register_profile_panel(nothing)
    register_profile_panel(extra)
    register_profile_panel(extra)
    try:
        assert [p.title for p in profile_panels(actor_of(alice), turner)] == [*before, "Extra"]
    finally:
        unregister_profile_panel(nothing)
        unregister_profile_panel(extra)
    assert "Release dates" in before  # other apps (assessment, rehabilitation) add their own panels
