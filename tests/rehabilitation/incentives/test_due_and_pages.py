"""The reviews due list (most overdue first, with days overdue; scoped to the actor's facilities or
caseload), and the pages: a person's incentive level with history and the review form, the levels of a
facility with the form to change them, and the profile panel."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.core import clock
from oms.rehabilitation.models import IncentiveLevel, IncentiveReview
from oms.rehabilitation.queries import incentives as queries
from oms.rehabilitation.services import incentives as services
from tests.custody.factories import make_episode
from tests.factories import actor_of, login_verified
from tests.people.conftest import make_person
from tests.rehabilitation.factories import make_incentive_levels

pytestmark = pytest.mark.django_db
D = dt.date


def held_at(site, family, given="Sam"):
    person = make_person(site, family=family, given=given)
    make_episode(person, site)
    return person


def reviewed(actor, person, level, on):
    return services.record_review(actor, person_id=person.public_id, level=level, reasons="Review", reviewed_on=on)


@pytest.fixture
def due_people(olly_actor, prison_a, prison_b, levels_a):
    """At Prison A: one basic review 10 days overdue, one 3 days overdue, one not due; one at Prison B."""
    make_incentive_levels(prison_b)
    late = held_at(prison_a, "Late")
    later = held_at(prison_a, "Later")
    fine = held_at(prison_a, "Fine")
    reviewed(olly_actor, late, "basic", D(2026, 5, 15))  # due 22 May: 10 days overdue
    reviewed(olly_actor, later, "standard", D(2025, 5, 29))  # due 29 May 2026: 3 days overdue
    reviewed(olly_actor, fine, "enhanced", D(2026, 5, 1))  # due 1 May 2027
    elsewhere = held_at(prison_b, "Elsewhere")
    reviewed(services_actor_b(prison_b), elsewhere, "basic", D(2026, 5, 1))
    return {"late": late, "later": later, "fine": fine, "elsewhere": elsewhere}


def services_actor_b(prison_b):
    from tests.factories import make_user

    return actor_of(make_user("bea", roles=("case_manager",), sites=(prison_b,)))


def test_due_list_is_most_overdue_first_with_days_overdue(olly_actor, due_people):
    due = queries.reviews_due(olly_actor)
    assert [(d.review.person.family_name, d.days_overdue) for d in due] == [("Late", 10), ("Later", 3)]
    assert all(d.overdue for d in due)
    soon = queries.reviews_due(olly_actor, within_days=400)
    assert [d.review.person.family_name for d in soon][-1] == "Fine" and soon[-1].days_until == 334


def test_due_list_by_facility_and_scope(olly_actor, bob, due_people, prison_a):
    assert queries.reviews_due(olly_actor, site_code="PRB") == []
    assert [d.review.person.family_name for d in queries.reviews_due(actor_of(bob))] == ["Elsewhere"]
    national = actor_of_national()
    assert len(queries.reviews_due(national)) == 3
    assert len(queries.reviews_due(national, site_code="PRA")) == 2


def actor_of_national():
    from oms.core.actor import Actor

    return Actor.system()


def test_a_person_who_left_is_not_due_at_the_old_facility(olly_actor, due_people):
    from oms.custody.models import CustodyEpisode

    CustodyEpisode.objects.filter(person=due_people["late"]).update(status="released")
    assert [d.review.person.family_name for d in queries.reviews_due(olly_actor)] == ["Later"]


def test_due_page_lists_overdue_reviews(client, olly, due_people):
    login_verified(client, olly)
    page = client.get("/rehabilitation/incentives/")
    body = page.content.decode()
    assert page.status_code == 200 and "Incentive reviews due" in body
    assert body.index("LATE") < body.index("LATER") and "by 10 days" in body and "by 3 days" in body
    assert "ELSEWHERE" not in body
    filtered = client.get("/rehabilitation/incentives/", {"site": "PRA", "within_days": "366"}).content.decode()
    assert "FINE" in filtered
    bad = client.get("/rehabilitation/incentives/", {"within_days": "lots"})
    assert bad.status_code == 422 and "There is a problem" in bad.content.decode()


def test_person_page_records_a_review_and_shows_history(client, olly, held):
    login_verified(client, olly)
    url = f"/rehabilitation/people/{held.public_id}/incentives/"
    page = client.get(url)
    assert page.status_code == 200 and "No incentive level has been set" in page.content.decode()
    assert "Record the review" in page.content.decode()

    answer = client.post(url + "review/", {"level": "basic", "reasons": "Threatened staff"})

    assert answer.status_code == 302
    shown = client.get(url).content.decode()
    assert "Basic at Prison A" in shown and "8 June 2026" in shown and "Threatened staff" in shown
    assert "£4.00 a week to spend, 2 visits a month" in shown


def test_person_page_bad_review_keeps_what_was_typed(client, casey, held):
    login_verified(client, casey)
    url = f"/rehabilitation/people/{held.public_id}/incentives/review/"
    empty = client.post(url, {"level": "enhanced", "reasons": ""})
    assert empty.status_code == 422 and "There is a problem" in empty.content.decode()
    future = client.post(
        url,
        {
            "level": "enhanced",
            "reasons": "Kept this text",
            "reviewed_on_day": "2",
            "reviewed_on_month": "6",
            "reviewed_on_year": "2026",
        },
    )
    body = future.content.decode()
    assert future.status_code == 422 and "Review date must be today or in the past" in body and "Kept this text" in body
    unknown = client.post(url, {"level": "platinum", "reasons": "x"})
    assert unknown.status_code == 422
    assert not IncentiveReview.objects.exists()


def test_person_page_access(client, charlie, bob, held):
    url = f"/rehabilitation/people/{held.public_id}/incentives/"
    login_verified(client, charlie)
    page = client.get(url)
    assert page.status_code == 200 and "Record the review" not in page.content.decode()
    assert client.post(url + "review/", {"level": "basic", "reasons": "x"}).status_code == 403
    login_verified(client, bob)
    assert client.get(url).status_code == 404


def test_levels_page_configures_a_level(client, sam, prison_a, levels_a):
    login_verified(client, sam)
    facilities = client.get("/rehabilitation/incentives/levels/").content.decode()
    url = f"/rehabilitation/incentives/levels/{prison_a.public_id}/"
    assert url in facilities and "Basic, Standard, Enhanced" in facilities
    page = client.get(url)
    assert page.status_code == 200 and "£15.50" in page.content.decode()
    form = client.get(url, {"code": "enhanced"}).content.decode()
    assert 'value="25.50"' in form

    answer = client.post(
        url,
        {
            "code": "enhanced_2",
            "name": "Enhanced 2",
            "rank": "4",
            "spending_limit": "£30.50",
            "visits_per_month": "5",
            "privileges": "Own clothing\nExtra gym",
            "active": "on",
        },
    )

    assert answer.status_code == 302
    level = IncentiveLevel.objects.get(facility=prison_a, code="enhanced_2")
    assert level.spending_limit_pence == 3050 and level.privileges == ["Own clothing", "Extra gym"]
    bad = client.post(url, {"code": "x", "name": "X", "rank": "2", "spending_limit": "1.234", "visits_per_month": "1"})
    assert bad.status_code == 422 and "like 15.50" in bad.content.decode()
    clash = client.post(
        url, {"code": "x", "name": "X", "rank": "2", "spending_limit": "1", "visits_per_month": "1", "active": "on"}
    )
    assert clash.status_code == 422 and "already has rank 2" in clash.content.decode()


def test_levels_page_access(client, olly, bob, prison_a, levels_a):
    url = f"/rehabilitation/incentives/levels/{prison_a.public_id}/"
    login_verified(client, olly)
    page = client.get(url)
    assert page.status_code == 200 and "Save level" not in page.content.decode()
    assert client.post(url, {"code": "x"}).status_code == 200  # a reader's POST changes nothing
    assert not IncentiveLevel.objects.filter(code="x").exists()
    login_verified(client, bob)
    assert client.get(url).status_code == 404


def test_profile_panel_shows_level_and_next_review(client, olly, charlie, held):
    actor = actor_of(olly)
    services.record_review(actor, person_id=held.public_id, level="basic", reasons="x", reviewed_on=D(2026, 5, 20))
    login_verified(client, olly)
    page = client.get(f"/people/{held.public_id}/").content.decode()
    assert "Incentive level" in page and "Basic (Prison A)" in page and "27 May 2026" in page
    assert "Overdue by 5 days" in page
    from oms.people.queries import profile_panels
    from tests.factories import make_user

    partner = make_user("pat", roles=("partner_agency_user",), scope="national")
    assert "Incentive level" not in [p.title for p in profile_panels(actor_of(partner), held)]
    with clock.freeze(dt.datetime(2026, 5, 27, 9, tzinfo=dt.UTC)):
        assert "Overdue" not in client.get(f"/people/{held.public_id}/").content.decode()
