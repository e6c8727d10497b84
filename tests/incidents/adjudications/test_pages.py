"""Adjudication pages: the lists, a charge, laying a charge, scheduling and holding a hearing,
activation, appeal; olly charges, sam adjudicates, alice 403, otto 404; bad input shows on the form."""

import datetime as dt

import pytest

from oms.incidents.models import DisciplinaryCharge, Punishment
from oms.incidents.services import adjudications as services
from tests.factories import actor_of, login_verified
from tests.incidents.factories import make_incident

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def charge_form(**fields):
    return {
        "paragraph": "1",
        "offence_at_date_day": "1",
        "offence_at_date_month": "6",
        "offence_at_date_year": "2026",
        "offence_at_time": "08:00",
        "particulars": "Punched another prisoner on the landing.",
        **fields,
    }


def lay(actor, person):
    return services.lay_charge(
        actor, person_id=person.public_id, paragraph="1", offence_at=NOW - dt.timedelta(hours=1), particulars="x"
    )


def test_the_list_page(client, olly, alice, sam, olly_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    login_verified(client, alice)
    assert client.get("/incidents/adjudications/").status_code == 403
    login_verified(client, sam)
    page = client.get("/incidents/adjudications/")
    assert page.status_code == 200 and charge.reference in page.content.decode()
    assert client.get("/incidents/adjudications/?within_days=abc").status_code == 200


def test_laying_a_charge_from_a_person_and_an_incident(client, olly, alice, otto, person, held, paragraph, prison_a):
    url = f"/incidents/adjudications/charges/new/?person={person.public_id}"
    login_verified(client, alice)
    assert client.get(url).status_code == 403
    login_verified(client, otto)
    assert client.get(url).status_code == 404
    login_verified(client, olly)
    assert client.get(url).status_code == 200
    bad = client.post(url, charge_form(offence_at_time="25:99", particulars=""))
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "Enter the particulars of the charge" in body and "Enter a date and a time" in body
    incident = make_incident(prison_a, olly)
    made = client.post(f"{url}&incident={incident.public_id}", charge_form())
    assert made.status_code == 302, made.content.decode()[:2000]
    charge = DisciplinaryCharge.objects.get()
    assert charge.incident == incident and charge.offence_at == dt.datetime(2026, 6, 1, 7, 0, tzinfo=dt.UTC)
    assert client.get(made["Location"]).status_code == 200
    profile = client.get(f"/people/{person.public_id}/")
    assert "Adjudications (1 charge)" in profile.content.decode()
    listed = client.get(f"/incidents/adjudications/people/{person.public_id}/")
    assert charge.reference in listed.content.decode()
    # the incident lists the charges arising from it
    on_incident = client.get(f"/incidents/reports/{incident.public_id}/").content.decode()
    assert "Charges arising" in on_incident and charge.reference in on_incident


def test_schedule_hold_activate_and_appeal_pages(client, olly, sam, otto, olly_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    charge_url = f"/incidents/adjudications/charges/{charge.public_id}/"
    login_verified(client, otto)
    assert client.get(charge_url).status_code == 404
    login_verified(client, olly)
    assert client.get(f"{charge_url}schedule/").status_code == 403
    login_verified(client, sam)
    late = client.post(
        f"{charge_url}schedule/",
        {
            "scheduled_for_date_day": "5",
            "scheduled_for_date_month": "6",
            "scheduled_for_date_year": "2026",
            "scheduled_for_time": "10:00",
            "adjudicator_kind": "governor",
        },
    )
    assert late.status_code == 422 and "give the reason" in late.content.decode()
    scheduled = client.post(
        f"{charge_url}schedule/",
        {
            "scheduled_for_date_day": "2",
            "scheduled_for_date_month": "6",
            "scheduled_for_date_year": "2026",
            "scheduled_for_time": "10:00",
            "adjudicator_kind": "governor",
        },
    )
    assert scheduled.status_code == 302
    hearing = charge.hearings.get()
    hold_url = f"/incidents/adjudications/hearings/{hearing.public_id}/hold/"
    assert client.get(hold_url).status_code == 200
    too_long = client.post(
        hold_url, {"plea": "guilty", "outcome": "proved", "p0_kind": "confinement_to_cell", "p0_days": "30"}
    )
    assert too_long.status_code == 422 and "The most that may be awarded is 21 days" in too_long.content.decode()
    held_ = client.post(
        hold_url,
        {
            "plea": "guilty",
            "outcome": "proved",
            "p0_kind": "loss_of_privileges",
            "p0_days": "14",
            "p0_privilege": "Television",
            "p1_kind": "confinement_to_cell",
            "p1_days": "3",
            "p1_suspended_until_day": "1",
            "p1_suspended_until_month": "9",
            "p1_suspended_until_year": "2026",
        },
    )
    assert held_.status_code == 302, held_.content.decode()[:3000]
    page = client.get(charge_url).content.decode()
    assert "Loss of privileges, 14 days" in page and "Activate" in page and "Decide an appeal" in page
    suspended = Punishment.objects.get(status="suspended")
    # A later proved charge activates it.
    later = lay(olly_actor, person)
    sam_actor = actor_of(sam)
    hearing2 = services.schedule_hearing(sam_actor, charge_id=later.public_id, scheduled_for=NOW)
    services.hold_hearing(sam_actor, hearing_id=hearing2.public_id, plea="guilty", outcome="proved")
    activate_url = f"/incidents/adjudications/punishments/{suspended.public_id}/activate/"
    assert client.post(activate_url, {}).status_code == 422
    assert client.post(activate_url, {"charge_id": str(later.public_id)}).status_code == 302
    suspended.refresh_from_db()
    assert suspended.status == "activated"
    appeal_url = f"{charge_url}appeal/"
    missing = client.post(appeal_url, {"decision": "reduce", "grounds": "g", "reasons": "r"})
    assert missing.status_code == 422 and "Select the punishment to reduce" in missing.content.decode()
    quashed = client.post(appeal_url, {"decision": "quash", "grounds": "Unfair", "reasons": "Agreed"})
    assert quashed.status_code == 302
    assert DisciplinaryCharge.objects.get(pk=charge.pk).status == "quashed"


def test_restoring_additional_days_page(client, olly, sam, olly_actor, person, held, paragraph):
    from tests.sentencing.factories import make_sentence

    make_sentence(person, years=2)
    sam_actor = actor_of(sam)
    charge = lay(olly_actor, person)
    hearing = services.schedule_hearing(
        sam_actor, charge_id=charge.public_id, scheduled_for=NOW, adjudicator_kind="independent"
    )
    services.hold_hearing(
        sam_actor,
        hearing_id=hearing.public_id,
        plea="guilty",
        outcome="proved",
        punishments=[{"kind": "additional_days", "days": 20}],
    )
    punishment = Punishment.objects.get()
    url = f"/incidents/adjudications/punishments/{punishment.public_id}/restore/"
    login_verified(client, olly)
    assert client.get(url).status_code == 403
    login_verified(client, sam)
    charge_page = client.get(f"/incidents/adjudications/charges/{charge.public_id}/").content.decode()
    assert url in charge_page
    too_many = client.post(url, {"days": "21", "reasons": "Good behaviour"})
    assert too_many.status_code == 422 and "Only 20 of the 20 additional days" in too_many.content.decode()
    assert client.post(url, {"days": "", "reasons": ""}).status_code == 422
    done = client.post(url, {"days": "5", "reasons": "Good behaviour on the wing"})
    assert done.status_code == 302
    page = client.get(done["Location"]).content.decode()
    assert "Days restored" in page and "5 days" in page and "Good behaviour on the wing" in page
    assert punishment.restorations.get().days == 5


def test_a_late_charge_asks_for_the_exceptional_circumstances(client, olly, person, held, paragraph):
    url = f"/incidents/adjudications/charges/new/?person={person.public_id}"
    login_verified(client, olly)
    late = client.post(url, charge_form(offence_at_date_day="25", offence_at_date_month="5"))
    assert late.status_code == 422 and "give the exceptional circumstances" in late.content.decode()
    assert not DisciplinaryCharge.objects.exists()
    discovered = charge_form(
        offence_at_date_day="25",
        offence_at_date_month="5",
        discovered_at_date_day="1",
        discovered_at_date_month="6",
        discovered_at_date_year="2026",
        discovered_at_time="07:30",
    )
    assert client.post(url, discovered).status_code == 302
    explained = client.post(
        url, charge_form(offence_at_date_day="25", offence_at_date_month="5", late_reason="Officer off sick")
    )
    assert explained.status_code == 302
    page = client.get(explained["Location"]).content.decode()
    assert "More than 48 hours after discovery" in page and "Officer off sick" in page


def test_recording_and_dismissing_an_appeal_on_the_pages(client, olly, sam, olly_actor, person, held, paragraph):
    sam_actor = actor_of(sam)
    charge = lay(olly_actor, person)
    hearing = services.schedule_hearing(sam_actor, charge_id=charge.public_id, scheduled_for=NOW)
    services.hold_hearing(sam_actor, hearing_id=hearing.public_id, plea="guilty", outcome="proved")
    charge_url = f"/incidents/adjudications/charges/{charge.public_id}/"
    login_verified(client, olly)
    assert "Record an appeal" in client.get(charge_url).content.decode()
    lodge_url = f"{charge_url}appeal/lodge/"
    empty = client.post(lodge_url, {"lodged_on_day": "1", "lodged_on_month": "6", "lodged_on_year": "2026"})
    assert empty.status_code == 422 and "Enter the grounds of the appeal" in empty.content.decode()
    done = client.post(
        lodge_url,
        {
            "grounds": "I was not given time to prepare",
            "lodged_on_day": "1",
            "lodged_on_month": "6",
            "lodged_on_year": "2026",
        },
    )
    assert done.status_code == 302, done.content.decode()[:2000]
    assert "Record an appeal" not in client.get(charge_url).content.decode()  # one awaiting at a time
    login_verified(client, sam)
    listed = client.get("/incidents/adjudications/").content.decode()
    assert "Appeals awaiting a decision" in listed and charge.reference in listed
    form = client.get(f"{charge_url}appeal/").content.decode()
    assert "I was not given time to prepare" in form and "Dismiss the appeal" in form
    decided = client.post(f"{charge_url}appeal/", {"decision": "uphold", "reasons": "Adequate time was given"})
    assert decided.status_code == 302
    assert charge.appeals.get().outcome == "upheld"
    assert "No appeals are waiting" in client.get("/incidents/adjudications/").content.decode()
