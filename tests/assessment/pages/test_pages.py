"""Assessment pages: the due list, a person's assessments with "start", the draft form (save, complete,
field errors that keep what was typed, version conflicts), the result with its explanation,
countersign, override, reassessment due, and the profile panel; 403 for the wrong role and 404 for
another facility, like the services."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from oms.assessment.models import Assessment
from oms.assessment.services import assessments as services
from tests.assessment.records.conftest import actor
from tests.factories import login_verified

pytestmark = pytest.mark.django_db

OGRS3_ANSWERS = {
    "sex": "male",
    "offence_category": "0",
    "previous_sanctions": "3",
    **{f"birth_date_{k}": v for k, v in (("day", "4"), ("month", "3"), ("year", "1990"))},
    **{f"conviction_date_{k}": v for k, v in (("day", "10"), ("month", "1"), ("year", "2026"))},
    **{f"first_sanction_date_{k}": v for k, v in (("day", "1"), ("month", "5"), ("year", "2008"))},
}


def person_url(person) -> str:
    return f"/assessment/people/{person.public_id}/"


def assessment_url(assessment) -> str:
    return f"/assessment/assessments/{assessment.public_id}/"


def answer_fields(answers: dict, *, version: int, action: str = "save") -> dict:
    return {"version": version, "action": action, **{f"answer-{k}": v for k, v in answers.items()}}


def start_through_the_page(client, person, instrument: str) -> Assessment:
    started = client.post(f"{person_url(person)}start/", {"instrument": instrument})
    assert started.status_code == 302
    made = Assessment.objects.get(person=person, instrument_code=instrument, status="draft")
    assert started["Location"] == assessment_url(made)
    return made


def completed_needs(user, person, answers) -> Assessment:
    draft = services.start_assessment(
        actor(user), person_id=person.public_id, instrument="criminogenic-needs", answers=answers
    )
    return services.complete_assessment(actor(user), assessment_id=draft.public_id)


def test_the_person_page_lists_assessments_and_offers_every_instrument(client, casey, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    login_verified(client, casey)

    page = client.get(person_url(person)).content.decode()

    assert "Criminogenic needs" in page and '<td class="govuk-table__cell">high</td>' in page
    assert done.reassessment_due_on.strftime("%-d %b %Y") in page
    for code, label in (("criminogenic-needs", "version 1"), ("ogrs3", "version 3"), ("tiering", "version 1")):
        assert f'value="{code}"' in page
    assert "OGRS3 reconviction predictor (version 3)" in page and "Start an assessment" in page


def test_a_reader_sees_assessments_without_the_start_form(client, alice, casey, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    login_verified(client, alice)
    page = client.get(person_url(person)).content.decode()
    assert "Criminogenic needs" in page and "Start an assessment" not in page
    shown = client.get(assessment_url(done)).content.decode()
    assert "Mark reassessment due" not in shown and "Override the band" not in shown
    assert client.post(f"{person_url(person)}start/", {"instrument": "ogrs3"}).status_code == 403


def test_needs_draft_saved_then_completed_through_the_page(client, casey, person, all_needs):
    login_verified(client, casey)
    draft = start_through_the_page(client, person, "criminogenic-needs")
    form = client.get(assessment_url(draft)).content.decode()
    assert (
        'name="answer-accommodation"' in form and "Severe need (2 points)" in form and "Standard need (1 point)" in form
    )
    assert 'name="version" value="1"' in form

    saved = client.post(assessment_url(draft), answer_fields({"accommodation": "severe"}, version=1))
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.answers == {"accommodation": "severe"} and draft.version == 2
    again = client.get(assessment_url(draft)).content.decode()
    assert re.search(r'value="severe"\s+checked', again) or 'value="severe" checked' in again

    done = client.post(assessment_url(draft), answer_fields(all_needs, version=2, action="complete"))
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "completed" and draft.score == 11 and draft.band == "high"
    result = client.get(assessment_url(draft)).content.decode()
    assert "How the score was reached" in result and "Severe need" in result
    table = result[result.index('data-testid="explanation"') :]
    points = [float(p) for p in re.findall(r'govuk-table__cell--numeric">(?:<strong>)?([\d.]+)', table)]
    assert sum(points[:-1]) == points[-1] == draft.score  # the items add up to the score


def test_an_incomplete_needs_assessment_names_the_missing_item_and_keeps_the_answers(client, casey, person):
    login_verified(client, casey)
    draft = start_through_the_page(client, person, "criminogenic-needs")

    refused = client.post(
        assessment_url(draft),
        answer_fields({"accommodation": "severe", "finance": "standard"}, version=1, action="complete"),
    )

    assert refused.status_code == 422
    page = refused.content.decode()
    assert "There is a problem" in page and "govuk-form-group--error" in page
    assert "Education, training and employment: has no answer" in page  # the label, not the item code
    assert re.search(r'value="severe"\s+checked', page) and re.search(r'value="standard"\s+checked', page)
    draft.refresh_from_db()
    # The answers were saved as a draft before completing was refused, so nothing typed is lost.
    assert draft.status == "draft" and draft.answers == {"accommodation": "severe", "finance": "standard"}
    assert f'name="version" value="{draft.version}"' in page


def test_a_bad_answer_is_shown_against_its_field(client, casey, person):
    login_verified(client, casey)
    draft = start_through_the_page(client, person, "criminogenic-needs")
    refused = client.post(assessment_url(draft), answer_fields({"finance": "huge"}, version=1))
    assert refused.status_code == 422
    assert 'href="#id_answer-finance' in refused.content.decode()
    draft.refresh_from_db()
    assert draft.answers == {} and draft.version == 1


def test_ogrs3_round_trip_and_a_date_error_keeps_what_was_typed(client, casey, person):
    login_verified(client, casey)
    draft = start_through_the_page(client, person, "ogrs3")
    form = client.get(assessment_url(draft)).content.decode()
    assert "Drug possession/supply" in form and 'name="answer-birth_date_day"' in form

    wrong_order = {**OGRS3_ANSWERS, "first_sanction_date_year": "2026", "first_sanction_date_month": "2"}
    refused = client.post(assessment_url(draft), answer_fields(wrong_order, version=1, action="complete"))
    assert refused.status_code == 422
    page = refused.content.decode()
    assert (
        "Date of the first sanction: is after the conviction date" in page
        and 'href="#id_answer-first_sanction_date' in page
    )
    assert 'value="1990"' in page and 'value="2026"' in page

    draft.refresh_from_db()
    done = client.post(assessment_url(draft), answer_fields(OGRS3_ANSWERS, version=draft.version, action="complete"))
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "completed" and draft.answers["birth_date"] == "1990-03-04"
    assert draft.answers["offence_category"] == 0 and draft.answers["previous_sanctions"] == 3
    result = client.get(assessment_url(draft)).content.decode()
    assert "1-year probability" in result and "2-year probability" in result
    assert f"({draft.explanation['percent_2']}%)" in result and draft.band in result
    assert "Override the band" not in result  # actuarial bands are not overridden


def test_a_version_conflict_keeps_the_typed_answers_and_shows_the_saved_ones(client, casey, sam, person):
    login_verified(client, casey)
    draft = start_through_the_page(client, person, "criminogenic-needs")
    services.update_answers(actor(sam), assessment_id=draft.public_id, version=1, answers={"finance": "severe"})

    clash = client.post(assessment_url(draft), answer_fields({"accommodation": "standard"}, version=1))

    assert clash.status_code == 409
    page = clash.content.decode()
    assert "Someone else saved this assessment" in page and 'data-testid="saved-answers"' in page
    assert re.search(r'id="id_answer-accommodation_1"[^>]*value="standard"\s+checked', page)
    assert 'name="version" value="2"' in page
    draft.refresh_from_db()
    assert draft.answers == {"finance": "severe"}


def test_countersign_and_override_through_the_page(client, casey, sam, person):
    tier = services.start_assessment(actor(casey), person_id=person.public_id, instrument="tiering", answers={})
    tier = services.complete_assessment(actor(casey), assessment_id=tier.public_id)
    login_verified(client, casey)
    own = client.get(assessment_url(tier)).content.decode()
    assert ">Countersign<" not in own and "Approve the override" not in own  # not the assessor's to do

    login_verified(client, sam)
    page = client.get(assessment_url(tier)).content.decode()
    assert ">Countersign<" in page and "Approve the override" in page and "How the tier was reached" in page
    assert client.post(f"{assessment_url(tier)}countersign/").status_code == 302
    tier.refresh_from_db()
    assert tier.status == "countersigned" and tier.countersigned_by == sam

    no_reason = client.post(f"{assessment_url(tier)}override/", {"band": "A3", "reason": ""})
    assert no_reason.status_code == 422 and b"There is a problem" in no_reason.content
    overridden = client.post(f"{assessment_url(tier)}override/", {"band": "A3", "reason": "MAPPA meeting"})
    assert overridden.status_code == 302
    tier.refresh_from_db()
    assert tier.override_band == "A3"
    shown = client.get(assessment_url(tier)).content.decode()
    assert "<strong>A3</strong> (overridden)" in shown and f"computed: {tier.computed_band}" in shown
    assert "MAPPA meeting" in shown


def test_the_assessor_posting_a_countersignature_is_refused(client, sam, person):
    tier = services.start_assessment(actor(sam), person_id=person.public_id, instrument="tiering", answers={})
    services.complete_assessment(actor(sam), assessment_id=tier.public_id)
    login_verified(client, sam)
    assert client.post(f"{assessment_url(tier)}countersign/").status_code == 403


def test_mark_reassessment_due_then_the_due_list_shows_it_overdue(client, casey, alice, person, prison_a, all_needs):
    done = completed_needs(casey, person, all_needs)
    login_verified(client, casey)
    empty = client.get("/assessment/due/").content.decode()
    assert 'data-testid="no-due-assessments"' in empty

    marked = client.post(f"{assessment_url(done)}reassessment-due/", {"reason": "New conviction at Leeds"})
    assert marked.status_code == 302
    done.refresh_from_db()
    assert done.reassessment_due_on == dt.date(2026, 6, 1) and done.reassessment_reason == "New conviction at Leeds"
    assert client.post(f"{assessment_url(done)}reassessment-due/", {"reason": ""}).status_code == 422

    Assessment.objects.filter(pk=done.pk).update(reassessment_due_on=dt.date(2026, 5, 20))
    login_verified(client, alice)
    due = client.get("/assessment/due/").content.decode()
    assert "OKAFOR, Daniel" in due and "Overdue" in due and "by 12 days" in due
    assert person_url(person) in due and assessment_url(done) in due
    at_site = client.get("/assessment/due/", {"site": prison_a.code, "within_days": "7"}).content.decode()
    assert "OKAFOR, Daniel" in at_site
    bad = client.get("/assessment/due/", {"within_days": "-3"})
    assert bad.status_code == 422 and b"There is a problem" in bad.content


def test_the_due_list_keeps_to_the_actors_scope_and_window(client, bob, casey, person, all_needs):
    done = completed_needs(casey, person, all_needs)  # due in 182 days
    login_verified(client, casey)
    assert "OKAFOR" not in client.get("/assessment/due/").content.decode()
    assert "OKAFOR" in client.get("/assessment/due/", {"within_days": "200"}).content.decode()
    Assessment.objects.filter(pk=done.pk).update(reassessment_due_on=dt.date(2026, 6, 2))
    login_verified(client, bob)
    assert "OKAFOR" not in client.get("/assessment/due/").content.decode()


def test_wrong_role_403_and_other_facility_404(client, bob, charlie, casey, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    draft = services.start_assessment(actor(casey), person_id=person.public_id, instrument="ogrs3")
    login_verified(client, charlie)
    for url in ("/assessment/due/", person_url(person), assessment_url(done), assessment_url(draft)):
        assert client.get(url).status_code == 403, url
    assert client.post(f"{person_url(person)}start/", {"instrument": "ogrs3"}).status_code == 403

    login_verified(client, bob)
    assert client.get("/assessment/due/").status_code == 200
    for url in (person_url(person), assessment_url(done), assessment_url(draft)):
        assert client.get(url).status_code == 404, url
    assert client.post(assessment_url(draft), answer_fields({"sex": "male"}, version=1)).status_code == 404
    assert client.get("/assessment/assessments/not-an-id/").status_code == 404


def test_other_facility_404_for_every_action(client, sam, casey, frank, person, all_needs):
    done = completed_needs(casey, person, all_needs)
    login_verified(client, frank)  # Office C: can assess, but Prison A's people are out of scope
    assert client.post(f"{person_url(person)}start/", {"instrument": "ogrs3"}).status_code == 404
    assert client.post(f"{assessment_url(done)}reassessment-due/", {"reason": "x"}).status_code == 404
    assert Assessment.objects.filter(person=person).count() == 1


def test_the_profile_shows_an_assessments_panel_and_link_to_readers_only(
    client, alice, charlie, casey, person, all_needs
):
    done = completed_needs(casey, person, all_needs)
    login_verified(client, alice)
    profile = client.get(f"/people/{person.public_id}/").content.decode()
    assert "Assessments" in profile and "Criminogenic needs" in profile
    assert done.reassessment_due_on.strftime("%-d %B %Y") in profile and person_url(person) in profile
    login_verified(client, charlie)
    other = client.get(f"/people/{person.public_id}/")
    if other.status_code == 200:  # a facilitator may read the profile but not assessments
        assert person_url(person) not in other.content.decode()


def test_tiering_draft_with_structured_answers_round_trip(client, casey, person):
    login_verified(client, casey)
    draft = start_through_the_page(client, person, "tiering")
    typed = {
        "rosh": "HIGH",
        "registrations": ["RCCO", "IIOM"],
        "convictions": "not json",
        "need_ACCOMMODATION": "SEVERE",
        "assessment_completed": "yes",
    }
    refused = client.post(assessment_url(draft), answer_fields(typed, version=1))
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Enter a JSON list" in page and "not json" in page and 'value="IIOM" checked' in page

    typed["convictions"] = '[{"breached": true, "previous_enforcement_activity": false}]'
    typed["sentences"] = '[{"custodial": false, "requirements": ["SUPERVISION"]}]'
    assert client.post(assessment_url(draft), answer_fields(typed, version=1, action="complete")).status_code == 302
    draft.refresh_from_db()
    assert draft.answers["registrations"] == ["RCCO", "IIOM"] and draft.answers["needs"] == {"ACCOMMODATION": "SEVERE"}
    assert draft.answers["convictions"] == [{"breached": True, "previous_enforcement_activity": False}]
    assert draft.status == "completed" and draft.band == draft.computed_band
    result = client.get(assessment_url(draft)).content.decode()
    assert "How the tier was reached" in result and "tier.rosh" in result and "awaiting countersignature" in result
