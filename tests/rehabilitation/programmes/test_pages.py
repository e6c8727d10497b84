"""Programme pages: the catalogue with its filters, a programme's detail with the waiting list and
its buttons, the add/change form, refer from a person, allocation with its checks, and the
permission matrix (403 for the wrong role, 404 out of reach); bad input is a form error, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oms.rehabilitation.models import Allocation, Programme, Referral
from tests.factories import login_verified
from tests.rehabilitation.factories import make_allocation, make_referral
from tests.rehabilitation.programmes.conftest import current_assessment, keep_apart

pytestmark = pytest.mark.django_db


def test_the_catalogue_lists_and_filters(client, alice, tsp, prison_a):
    from tests.rehabilitation.factories import make_programme

    make_programme(prison_a, code="KITCHEN", title="Kitchen", kind="work")
    login_verified(client, alice)
    page = client.get(reverse("rehabilitation:programmes"))
    assert page.status_code == 200
    assert "Thinking Skills Programme" in page.text and "Kitchen" in page.text
    assert "Add a programme" not in page.text
    work = client.get(reverse("rehabilitation:programmes"), {"kind": "work"})
    assert "Kitchen" in work.text and "Thinking Skills" not in work.text
    odd = client.get(reverse("rehabilitation:programmes"), {"kind": "juggling", "facility": "<script>"})
    assert odd.status_code == 200


def test_a_supervisor_adds_a_programme_through_the_form(client, sam):
    login_verified(client, sam)
    url = reverse("rehabilitation:programme_new")
    assert client.get(url).status_code == 200
    form = {
        "facility": "PRA",
        "code": "EDU-2",
        "title": "Maths",
        "kind": "education",
        "capacity": "10",
        "timetable": "Monday 09:00-11:00\nwed 14:00 - 16:00",
        "risk_bands": "",
        "min_days_to_serve": "30",
        "sexes": ["male"],
    }
    done = client.post(url, form)
    assert done.status_code == 302, done.text
    programme = Programme.objects.get(code="EDU-2")
    assert programme.timetable == [
        {"weekday": 0, "start": "09:00", "end": "11:00"},
        {"weekday": 2, "start": "14:00", "end": "16:00"},
    ]
    assert programme.eligibility == {"min_days_to_serve": 30, "sexes": ["male"]}


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"timetable": "Someday 09:00-10:00"}, "Line 1: write a day and times"),
        ({"timetable": "Monday 11:00-10:00"}, "The end time must be after the start time"),
        ({"capacity": "lots"}, "Capacity must be a whole number"),
        ({"code": ""}, "Enter a short code"),
        ({"min_days_to_serve": "50", "max_days_to_serve": "10"}, "must not be below the fewest"),
        ({"code": "TSP"}, "already has a programme with the code TSP"),
    ],
)
def test_bad_programme_input_is_a_form_error(client, sam, tsp, change, words):
    login_verified(client, sam)
    form = {"facility": "PRA", "code": "NEW", "title": "New", "kind": "education", "capacity": "5", **change}
    answer = client.post(reverse("rehabilitation:programme_new"), form)
    assert answer.status_code == 422
    assert words in answer.text
    assert not Programme.objects.filter(code="NEW").exists()


def test_changing_a_programme_keeps_what_it_had(client, sam, tsp):
    tsp.eligibility = {"sexes": ["male"]}
    tsp.save()
    login_verified(client, sam)
    url = reverse("rehabilitation:programme_change", kwargs={"programme_id": tsp.public_id})
    page = client.get(url)
    assert page.status_code == 200 and "Monday 09:00-11:30" in page.text
    done = client.post(
        url,
        {
            "version": "1",
            "title": "Thinking Skills",
            "kind": "cognitive_behavioural",
            "capacity": "4",
            "timetable": "Tuesday 13:00-15:00",
            "sexes": ["male"],
        },
    )
    assert done.status_code == 302
    tsp.refresh_from_db()
    assert tsp.capacity == 4 and tsp.version == 2 and tsp.eligibility == {"sexes": ["male"]}
    stale = client.post(url, {"version": "1", "title": "X", "kind": "education", "capacity": "4"})
    assert stale.status_code == 422 and "changed since you read it" in stale.text


def test_the_programme_page_shows_places_and_the_waiting_list_with_buttons(
    client, sam, casey, person, other_person, tsp
):
    tsp.eligibility = {"risk_bands": ["high"], "risk_instrument": "ogrs3"}
    tsp.save()
    make_allocation(other_person, tsp, sam)
    make_referral(person, tsp, casey)
    login_verified(client, sam)
    page = client.get(reverse("rehabilitation:programme", kwargs={"programme_id": tsp.public_id}))
    assert page.status_code == 200
    assert "1 of 2 taken" in page.text
    assert "HUGHES" in page.text and "OKAFOR" in page.text
    assert "Cannot check" in page.text and "no current ogrs3 assessment" in page.text
    assert "Approve" in page.text and "Decline" in page.text and "Allocate" in page.text


def test_the_facilitator_sees_the_programme_without_decision_buttons(client, charlie, casey, person, tsp):
    make_referral(person, tsp, casey)
    login_verified(client, charlie)
    page = client.get(reverse("rehabilitation:programme", kwargs={"programme_id": tsp.public_id}))
    assert page.status_code == 200 and "OKAFOR" in page.text
    assert "Approve" not in page.text and "Allocate a person" not in page.text


def test_approve_decline_and_allocate_from_the_waiting_list(client, sam, casey, person, other_person, tsp):
    first = make_referral(person, tsp, casey)
    second = make_referral(other_person, tsp, casey)
    login_verified(client, sam)
    assert (
        client.post(reverse("rehabilitation:referral_approve", kwargs={"referral_id": first.public_id})).status_code
        == 302
    )
    assert Referral.objects.get(pk=first.pk).status == "approved"
    decline = reverse("rehabilitation:referral_decline", kwargs={"referral_id": second.public_id})
    missing = client.post(decline, {"reason": ""})
    assert missing.status_code == 422 and "Enter why the referral is declined" in missing.text
    assert client.post(decline, {"reason": "Already completed it"}).status_code == 302
    again = client.post(decline, {"reason": "Twice"})
    assert again.status_code == 422 and "cannot be declined" in again.text
    allocate = reverse("rehabilitation:referral_allocate", kwargs={"referral_id": first.public_id})
    assert client.get(allocate).status_code == 200
    assert client.post(allocate, {}).status_code == 302
    assert Allocation.objects.get(person=person).referral == first


def test_a_refused_allocation_lists_the_checks_and_an_override_lets_it_through(client, sam, person, tsp):
    tsp.eligibility = {"risk_bands": ["high"], "risk_instrument": "ogrs3"}
    tsp.save()
    current_assessment(person, sam, "ogrs3", band="low")
    login_verified(client, sam)
    url = reverse("rehabilitation:programme_allocate", kwargs={"programme_id": tsp.public_id})
    refused = client.post(url, {"system_number": person.system_number})
    assert refused.status_code == 422
    assert "The ogrs3 band is low" in refused.text and "enter your reason for overriding" in refused.text
    unknown = client.post(url, {"system_number": "X0000"})
    assert unknown.status_code == 422 and "No record with that system number" in unknown.text
    done = client.post(url, {"system_number": person.system_number, "override_reason": "Psychology assessed"})
    assert done.status_code == 302
    assert Allocation.objects.get(person=person).overrides[0]["reason"] == "Psychology assessed"


def test_a_non_association_refusal_says_it_cannot_be_overridden(client, sam, person, other_person, tsp):
    make_allocation(other_person, tsp, sam)
    keep_apart(person, other_person)
    login_verified(client, sam)
    url = reverse("rehabilitation:programme_allocate", kwargs={"programme_id": tsp.public_id})
    refused = client.post(url, {"system_number": person.system_number, "override_reason": "Please"})
    assert refused.status_code == 422
    assert "cannot be overridden" in refused.text and "must be kept apart" in refused.text


def test_suspend_reinstate_and_end_a_place(client, sam, person, tsp):
    allocation = make_allocation(person, tsp, sam)
    login_verified(client, sam)
    kwargs = {"allocation_id": allocation.public_id}
    assert client.post(reverse("rehabilitation:allocation_suspend", kwargs=kwargs), {"reason": ""}).status_code == 422
    assert (
        client.post(reverse("rehabilitation:allocation_suspend", kwargs=kwargs), {"reason": "Hospital"}).status_code
        == 302
    )
    assert client.post(reverse("rehabilitation:allocation_reinstate", kwargs=kwargs), {}).status_code == 302
    other = client.post(reverse("rehabilitation:allocation_remove", kwargs=kwargs), {"end_reason": "other"})
    assert other.status_code == 422 and "Enter the reason the place ends" in other.text
    assert (
        client.post(reverse("rehabilitation:allocation_remove", kwargs=kwargs), {"end_reason": "health"}).status_code
        == 302
    )
    assert Allocation.objects.get(pk=allocation.pk).status == "removed"


def test_refer_from_the_person_and_withdraw(client, casey, person, tsp):
    login_verified(client, casey)
    profile = client.get(reverse("people:profile", kwargs={"public_id": person.public_id}))
    programmes_url = reverse("rehabilitation:person_programmes", kwargs={"person_id": person.public_id})
    assert programmes_url in profile.text
    refer = reverse("rehabilitation:person_refer", kwargs={"person_id": person.public_id})
    assert "Thinking Skills Programme" in client.get(refer).text
    empty = client.post(refer, {})
    assert empty.status_code == 422 and "Select the programme" in empty.text
    done = client.post(refer, {"programme": str(tsp.public_id), "reason": "Thinking need", "priority": "2"})
    assert done.status_code == 302
    referral = Referral.objects.get(person=person)
    assert referral.priority == 2
    listed = client.get(programmes_url)
    assert "Thinking need" in listed.text and "Withdraw" in listed.text
    withdraw = reverse("rehabilitation:referral_withdraw", kwargs={"referral_id": referral.public_id})
    assert client.post(withdraw, {"reason": "Changed mind"}).status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == "withdrawn"


def test_the_permission_matrix_on_pages(client, charlie, casey, bob, person, tsp):
    referral = make_referral(person, tsp, casey)
    login_verified(client, charlie)
    assert client.get(reverse("rehabilitation:person_refer", kwargs={"person_id": person.public_id})).status_code == 403
    allocate = reverse("rehabilitation:programme_allocate", kwargs={"programme_id": tsp.public_id})
    assert client.post(allocate, {"system_number": person.system_number}).status_code == 403
    assert client.get(reverse("rehabilitation:programme_new")).status_code == 403
    login_verified(client, casey)
    assert (
        client.post(reverse("rehabilitation:referral_approve", kwargs={"referral_id": referral.public_id})).status_code
        == 403
    )
    login_verified(client, bob)
    assert client.get(reverse("rehabilitation:programme", kwargs={"programme_id": tsp.public_id})).status_code == 404
    assert (
        client.get(reverse("rehabilitation:person_programmes", kwargs={"person_id": person.public_id})).status_code
        == 404
    )
    assert client.get(reverse("rehabilitation:programme", kwargs={"programme_id": "nonsense"})).status_code == 404
