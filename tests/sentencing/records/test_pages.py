"""The legal record pages with the Django test client: the record page (what it shows, its read event,
403/404), the add and change forms with their GOV.UK errors, and the offence catalogue pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oms.audit.models import AuditEvent
from oms.sentencing.models import Adjustment, CourtCase, Hearing, Offence, Sentence, Warrant
from oms.sentencing.services import records as record_services
from oms.sentencing.services import sentences as sentence_services
from oms.sentencing.views.records import sentencing_profile_links
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db
BASE = "/sentencing"


def date_fields(prefix: str, value: dt.date) -> dict:
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


@pytest.fixture
def signed_in(client, alice):
    return login_verified(client, alice)


@pytest.fixture
def full_record(alice_actor, person, court_case, theft):
    record_services.add_hearing(
        alice_actor,
        court_case_id=court_case.public_id,
        kind="sentence",
        hearing_at=dt.datetime(2026, 1, 12, 10, tzinfo=dt.UTC),
        outcome="sentenced",
    )
    record_services.add_charge(
        alice_actor, court_case_id=court_case.public_id, offence_code=theft.code, committed_from=dt.date(2025, 9, 1)
    )
    first = sentence_services.record_sentence(
        alice_actor,
        court_case_id=court_case.public_id,
        kind="determinate",
        sentenced_on=dt.date(2026, 1, 12),
        offence_committed_on=dt.date(2025, 9, 1),
        years=2,
    )
    second = sentence_services.record_sentence(
        alice_actor,
        court_case_id=court_case.public_id,
        kind="determinate",
        sentenced_on=dt.date(2026, 1, 12),
        offence_committed_on=dt.date(2025, 9, 1),
        months=6,
        consecutive_to_id=first.public_id,
    )
    sentence_services.record_adjustment(alice_actor, person_id=person.public_id, kind="remand", days=20)
    record_services.record_warrant(
        alice_actor,
        person_id=person.public_id,
        kind="detainer",
        reference="HO-77",
        issued_by="Home Office",
        issued_on=dt.date(2026, 2, 1),
    )
    return first, second


def test_legal_record_page_shows_the_whole_record(signed_in, person, full_record):
    response = signed_in.get(f"{BASE}/people/{person.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("T20260001", "Sentenced", "TH68001", "Theft from a shop", "2 years", "6 months", "HO-77", "Remand"):
        assert text in html
    assert "Consecutive to T20260001 line 1" in html and "Concurrent" in html
    assert f'href="/sentencing/people/{person.public_id}/release-dates/"' in html  # the dates are one click away
    assert AuditEvent.objects.filter(action="sentencing.legal_record_viewed", subject_person_id=person.pk).count() == 1


def test_legal_record_page_permission_and_scope(client, bob, charlie, person):
    assert client.get(f"{BASE}/people/{person.public_id}/").status_code == 302  # to sign in
    assert login_verified(client, charlie).get(f"{BASE}/people/{person.public_id}/").status_code == 403
    assert login_verified(client, bob).get(f"{BASE}/people/{person.public_id}/").status_code == 404


def test_profile_link_for_readers_only(alice_actor, charlie_actor, person):
    [(label, url)] = sentencing_profile_links(alice_actor, person)
    assert url == f"{BASE}/people/{person.public_id}/" and "Legal record" in label
    assert sentencing_profile_links(charlie_actor, person) == []


def test_add_a_court_case_and_its_errors(signed_in, person):
    url = f"{BASE}/people/{person.public_id}/court-cases/new"
    assert signed_in.get(url).status_code == 200
    empty = signed_in.post(url, {})
    assert empty.status_code == 422 and "Enter the case number" in empty.content.decode()
    added = signed_in.post(url, {"case_number": "S2026/1", "court_name": "Leeds Crown Court"})
    assert added.status_code == 302 and added["Location"].startswith(f"{BASE}/people/{person.public_id}/#case-")
    assert CourtCase.objects.get(person=person).case_number == "S2026/1"
    duplicate = signed_in.post(url, {"case_number": "S2026/1", "court_name": "Leeds Crown Court"})
    assert duplicate.status_code == 422 and "already has a case numbered" in duplicate.content.decode()


def test_hearing_and_charge_forms(signed_in, court_case, theft):
    hearing_url = f"{BASE}/court-cases/{court_case.public_id}/hearings/new"
    adjourned = {
        "kind": "plea",
        **date_fields("hearing_on", dt.date(2026, 3, 2)),
        "time": "10:00",
        "outcome": "adjourned",
    }
    refused = signed_in.post(hearing_url, adjourned)
    assert refused.status_code == 422 and "needs the date of the next hearing" in refused.content.decode()
    added = signed_in.post(hearing_url, {**adjourned, **date_fields("next_hearing_on", dt.date(2026, 4, 1))})
    assert added.status_code == 302
    hearing = Hearing.objects.get(court_case=court_case)
    change = signed_in.get(f"{BASE}/hearings/{hearing.public_id}/change")
    assert change.status_code == 200 and 'value="10:00"' in change.content.decode()
    charge_url = f"{BASE}/court-cases/{court_case.public_id}/charges/new"
    unknown = signed_in.post(
        charge_url,
        {
            "offence_code": "ZZ999",
            "count_number": 1,
            "outcome": "pending",
            **date_fields("committed_from", dt.date(2025, 9, 1)),
        },
    )
    assert unknown.status_code == 422 and "no such offence code" in unknown.content.decode()
    good = signed_in.post(
        charge_url,
        {
            "offence_code": "th68001",
            "count_number": 1,
            "outcome": "pending",
            **date_fields("committed_from", dt.date(2025, 9, 1)),
        },
    )
    assert good.status_code == 302


def test_record_a_sentence_through_the_form(signed_in, person, court_case):
    url = f"{BASE}/court-cases/{court_case.public_id}/sentences/new"
    dates = {
        **date_fields("sentenced_on", dt.date(2026, 1, 12)),
        **date_fields("offence_committed_on", dt.date(2025, 9, 1)),
    }
    zero = signed_in.post(url, {"kind": "determinate", **dates})
    assert zero.status_code == 422 and "must have a length" in zero.content.decode()
    assert signed_in.post(url, {"kind": "determinate", "years": "2", **dates}).status_code == 302
    first = Sentence.objects.get(person=person)
    follows = signed_in.post(
        url, {"kind": "determinate", "months": "3", "consecutive_to": str(first.public_id), **dates}
    )
    assert follows.status_code == 302
    second = Sentence.objects.exclude(pk=first.pk).get()
    assert second.consecutive_to == first
    end = signed_in.post(
        f"{BASE}/sentences/{first.public_id}/end", {"status": "quashed", "reason": "Appeal", "version": 1}
    )
    assert end.status_code == 422 and "runs consecutively to this one" in end.content.decode()
    change_url = f"{BASE}/sentences/{second.public_id}/change"
    assert signed_in.get(change_url).status_code == 200
    concurrent = signed_in.post(
        change_url, {"kind": "determinate", "months": "3", "consecutive_to": "", "version": 1, **dates}
    )
    assert concurrent.status_code == 302
    ended = signed_in.post(
        f"{BASE}/sentences/{first.public_id}/end", {"status": "error", "reason": "Wrong person", "version": 1}
    )
    assert ended.status_code == 302 and Sentence.objects.get(pk=first.pk).status == "error"


def test_adjustment_forms(signed_in, person, court_case):
    url = f"{BASE}/people/{person.public_id}/adjustments/new"
    period = {**date_fields("from_date", dt.date(2025, 11, 1)), **date_fields("to_date", dt.date(2025, 11, 10))}
    mismatch = signed_in.post(url, {"kind": "remand", "days": "12", **period})
    assert mismatch.status_code == 422 and "is 10 days counting both ends" in mismatch.content.decode()
    assert signed_in.post(url, {"kind": "remand", **period}).status_code == 302
    adjustment = Adjustment.objects.get(person=person)
    assert adjustment.days == 10
    withdraw = signed_in.post(f"{BASE}/adjustments/{adjustment.public_id}/withdraw", {"reason": "Double counted"})
    assert withdraw.status_code == 302 and Adjustment.objects.get(pk=adjustment.pk).status == "withdrawn"
    assert signed_in.get(f"{BASE}/adjustments/{adjustment.public_id}/withdraw").status_code == 404


def test_warrant_forms(signed_in, person):
    url = f"{BASE}/people/{person.public_id}/warrants/new"
    assert signed_in.get(url).status_code == 200
    added = signed_in.post(
        url,
        {
            "kind": "arrest",
            "reference": "A-1",
            "issued_by": "York Magistrates",
            **date_fields("issued_on", dt.date(2026, 2, 1)),
        },
    )
    assert added.status_code == 302
    warrant = Warrant.objects.get(person=person)
    ended = signed_in.post(
        f"{BASE}/warrants/{warrant.public_id}/end",
        {"status": "executed", **date_fields("ended_on", dt.date(2026, 2, 3))},
    )
    assert ended.status_code == 302 and Warrant.objects.get(pk=warrant.pk).status == "executed"


def test_forms_answer_404_out_of_scope(client, bob, person, court_case):
    login_verified(client, bob)
    assert client.get(f"{BASE}/people/{person.public_id}/court-cases/new").status_code == 404
    assert client.get(f"{BASE}/court-cases/{court_case.public_id}/sentences/new").status_code == 404
    assert client.get(f"{BASE}/court-cases/not-an-id/hearings/new").status_code == 404


def test_offence_catalogue_pages(client, alice, ada, theft):
    Offence.objects.create(code="OLD1", title="Repealed theft", active=False)
    login_verified(client, alice)
    listing = client.get(f"{BASE}/offences/", {"q": "theft"})
    assert (
        listing.status_code == 200 and "TH68001" in listing.content.decode() and "OLD1" not in listing.content.decode()
    )
    assert "OLD1" in client.get(f"{BASE}/offences/", {"q": "theft", "include_inactive": "on"}).content.decode()
    assert client.get(f"{BASE}/offences/import").status_code == 403
    login_verified(client, ada)
    upload = SimpleUploadedFile(
        "offences.csv", b"code,title,severity\nNEW1,New offence,2\nBAD1,Bad,99\n", content_type="text/csv"
    )
    report = client.post(f"{BASE}/offences/import", {"file": upload})
    html = report.content.decode()
    assert (
        report.status_code == 200 and "1 added" in html and "The severity must be a whole number from 1 to 10" in html
    )
    assert Offence.objects.filter(code="NEW1").exists()
    exported = client.get(f"{BASE}/offences/export.csv")
    assert exported.status_code == 200 and b"NEW1,New offence,,2,,yes" in exported.content


def test_legal_record_page_queries_do_not_grow_with_the_record(signed_in, alice_actor, person, full_record, theft):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"{BASE}/people/{person.public_id}/"
    signed_in.get(url)  # the first request of a session also records the session
    with CaptureQueriesContext(connection) as small:
        signed_in.get(url)
    for n in range(3):
        case = record_services.create_court_case(
            alice_actor, person_id=person.public_id, case_number=f"EXTRA{n}", court_name="York Crown Court"
        )
        record_services.add_charge(
            alice_actor, court_case_id=case.public_id, offence_code=theft.code, committed_from=dt.date(2025, 9, 1)
        )
        sentence = sentence_services.record_sentence(
            alice_actor,
            court_case_id=case.public_id,
            kind="determinate",
            sentenced_on=dt.date(2026, 2, 1),
            offence_committed_on=dt.date(2025, 9, 1),
            months=4,
        )
        sentence_services.record_adjustment(
            alice_actor, person_id=person.public_id, kind="tagged_bail", days=5, sentence_id=sentence.public_id
        )
    with CaptureQueriesContext(connection) as large:
        signed_in.get(url)

    def record_reads(context):
        return [q["sql"] for q in context.captured_queries if "sentencing_" in q["sql"]]

    assert len(record_reads(large)) == len(record_reads(small)) <= 12


def test_a_fine_in_pounds_and_pence(signed_in, person, court_case):
    url = f"{BASE}/court-cases/{court_case.public_id}/sentences/new"
    dates = {
        **date_fields("sentenced_on", dt.date(2026, 1, 12)),
        **date_fields("offence_committed_on", dt.date(2025, 9, 1)),
    }
    bad = signed_in.post(url, {"kind": "fine", "fine_amount": "12.345", **dates})
    assert bad.status_code == 422 and "like 250 or 250.50" in bad.content.decode()
    assert signed_in.post(url, {"kind": "fine", "fine_amount": "£1,250.5", **dates}).status_code == 302
    fine = Sentence.objects.get(person=person)
    assert fine.fine_amount_pence == 125_050
    assert "fine £1,250.50" in signed_in.get(f"{BASE}/people/{person.public_id}/").content.decode()
    assert 'value="1250.50"' in signed_in.get(f"{BASE}/sentences/{fine.public_id}/change").content.decode()


def test_offence_entry_pages(client, alice, ada, theft):
    login_verified(client, alice)
    assert client.get(f"{BASE}/offences/new").status_code == 403
    login_verified(client, ada)
    bad = client.post(f"{BASE}/offences/new", {"code": "A B", "title": "Spaced", "severity": "2"})
    assert bad.status_code == 422 and "may only use letters" in bad.content.decode()
    taken = client.post(f"{BASE}/offences/new", {"code": "th68001", "title": "Again", "severity": "2"})
    assert taken.status_code == 422 and "already in the catalogue" in taken.content.decode()
    added = client.post(
        f"{BASE}/offences/new", {"code": "cd71001", "title": "Criminal damage", "severity": "3", "flags": ["violent"]}
    )
    assert added.status_code == 302
    damage = Offence.objects.get(code="CD71001")
    assert damage.flags == ["violent"] and damage.active is False  # the box was not ticked
    change = client.get(f"{BASE}/offences/CD71001/change")
    assert change.status_code == 200 and 'name="code"' not in change.content.decode()
    saved = client.post(
        f"{BASE}/offences/CD71001/change", {"title": "Criminal damage", "severity": "4", "active": "on"}
    )
    assert saved.status_code == 302
    damage.refresh_from_db()
    assert (damage.severity, damage.flags, damage.active) == (4, [], True)
    assert client.get(f"{BASE}/offences/NOPE/change").status_code == 404


def test_navigation_offers_offences_to_readers_and_release_profiles_to_administrators(client, alice, charlie):
    records_officer = login_verified(client, alice).get("/").content.decode()
    assert 'href="/sentencing/offences/"' in records_officer
    assert 'href="/sentencing/release-date-profiles/"' not in records_officer
    client.logout()
    administrator = login_verified(client, make_user("ada", roles=("administrator",))).get("/").content.decode()
    assert 'href="/sentencing/release-date-profiles/"' in administrator
    client.logout()
    facilitator = login_verified(client, charlie).get("/").content.decode()
    assert 'href="/sentencing/offences/"' not in facilitator  # no sentencing.view
