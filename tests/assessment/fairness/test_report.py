"""The fairness report over stored assessments: the query (scope, current completed only, site and
date filters, bad filters named), the API, the page with its CSV download, and the CLI."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from oms.assessment.queries import fairness as queries
from oms.audit.models import AuditEvent
from oms.core.errors import PermissionDenied, RuleViolation
from tests.assessment.fairness.conftest import completed, population
from tests.assessment.records.conftest import actor
from tests.factories import login_verified
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def assessed(prison_a, prison_b, casey):
    """Prison A: 12 men aged 36 (medium, score 6) and 10 women aged 22 (high, score 12).
    Prison B: 11 men aged 60 (low, score 1). Plus assessments that must not count."""
    men = population(prison_a, casey, 12, score=6.0, band="medium", dob=dt.date(1990, 1, 1))
    women = population(
        prison_a, casey, 10, sex="female", ethnicity="Black British", score=12.0, band="high", dob=dt.date(2004, 1, 1)
    )
    elders = population(prison_b, casey, 11, score=1.0, band="low", dob=dt.date(1966, 1, 1))
    # Not current (superseded), a draft, and another instrument: none of them is in the report.
    completed(men[0].person, casey, score=20.0, band="high", is_current=False)
    completed(men[1].person, casey, score=None, band="", status="draft", is_current=False)
    completed(men[2].person, casey, instrument="ogrs3", score=50.0, band="medium")
    return men, women, elders


def test_the_analyst_sees_the_national_report(ana, assessed):
    report = queries.fairness_report(actor(ana), instrument="criminogenic-needs")
    assert report.population == 33 and not report.suppressed
    assert report.distribution.median == 6 and report.distribution.mean == pytest.approx((72 + 120 + 11) / 33)
    by_sex = {g.group: g for g in report.breakdowns["sex"]}
    assert by_sex["male"].count == 23 and by_sex["male"].band_counts == {"low": 11, "medium": 12, "high": 0}
    assert by_sex["female"].band_rates["high"] == 1.0
    by_age = {g.group: g.count for g in report.breakdowns["age_group"]}
    assert by_age == {"35-44": 12, "18-24": 10, "55+": 11}
    [event] = AuditEvent.objects.filter(action="assessment.fairness_report_viewed")
    assert event.object_id == "criminogenic-needs" and event.details["population"] == 33


def test_a_supervisor_sees_their_sites_people_and_an_override_counts_as_its_band(sam, assessed):
    men, _, _ = assessed
    men[3].override_band = "high"
    men[3].save()
    report = queries.fairness_report(actor(sam), instrument="criminogenic-needs")
    assert report.population == 22
    by_sex = {g.group: g for g in report.breakdowns["sex"]}
    assert by_sex["male"].band_counts == {"low": 0, "medium": 11, "high": 1}


def test_site_and_date_filters(ana, assessed):
    men, _, _ = assessed
    at_b = queries.fairness_report(actor(ana), instrument="criminogenic-needs", site_code="PRB")
    assert at_b.population == 11
    for a in men:
        a.completed_on = dt.date(2025, 1, 1)
        a.save()
    recent = queries.fairness_report(actor(ana), instrument="criminogenic-needs", completed_from=dt.date(2026, 1, 1))
    assert recent.population == 21
    old = queries.fairness_report(actor(ana), instrument="criminogenic-needs", completed_to=dt.date(2025, 12, 31))
    assert old.population == 12


def test_a_small_population_is_suppressed(ana, prison_a, casey):
    population(prison_a, casey, 4)
    report = queries.fairness_report(actor(ana), instrument="criminogenic-needs")
    assert report.suppressed and report.distribution is None


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"instrument": "astrology"}, "instrument"),
        ({"instrument": "criminogenic-needs", "site_code": "NOPE"}, "site"),
        (
            {"instrument": "criminogenic-needs", "completed_from": TODAY, "completed_to": TODAY - dt.timedelta(1)},
            "completed_to",
        ),
    ],
)
def test_bad_filters_name_the_field(ana, filters, field):
    with pytest.raises(RuleViolation) as error:
        queries.fairness_report(actor(ana), **filters)
    assert error.value.field == field


def test_only_report_readers_may_see_it(casey, alice):
    for user in (casey, alice):
        with pytest.raises(PermissionDenied):
            queries.fairness_report(actor(user), instrument="criminogenic-needs")


# ---- API -------------------------------------------------------------------------------------------


def test_the_api_report(client, ana, casey, assessed):
    answer = client.get("/api/v1/assessment/fairness?instrument=criminogenic-needs&site=PRA", **bearer(ana))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["population"], body["suppressed"], body["bands"]) == (22, False, ["low", "medium", "high"])
    assert [b["label"] for b in body["distribution"]["bins"]][:2] == ["0-2", "3-5"]
    assert {g["group"]: g["count"] for g in body["by_age_group"]} == {"35-44": 12, "18-24": 10}
    assert {g["group"] for g in body["by_ethnicity"]} == {"White British", "Black British"}
    refused = client.get("/api/v1/assessment/fairness?instrument=criminogenic-needs", **bearer(casey))
    assert refused.status_code == 403
    unknown = client.get("/api/v1/assessment/fairness?instrument=astrology", **bearer(ana))
    assert unknown.status_code == 422 and unknown.json()["field"] == "instrument"
    missing = client.get("/api/v1/assessment/fairness", **bearer(ana))
    assert missing.status_code == 422
    assert client.get("/api/v1/assessment/fairness?instrument=ogrs3").status_code == 401


# ---- page ------------------------------------------------------------------------------------------


def test_the_page_shows_a_table_per_breakdown_and_offers_the_csv(client, ana, assessed):
    login_verified(client, ana)
    empty = client.get("/assessment/fairness/")
    assert empty.status_code == 200 and b"Show the report" in empty.content
    page = client.get("/assessment/fairness/?instrument=criminogenic-needs")
    assert page.status_code == 200
    text = page.content.decode()
    for caption in ("By sex", "By ethnicity", "By age group at completion", "Scores"):
        assert caption in text
    assert "100.0% (10)" in text and "Download this report (CSV)" in text
    download = client.get("/assessment/fairness/report.csv?instrument=criminogenic-needs&site=PRB")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().splitlines()
    assert lines[0].startswith("section,group,count") and "population,all,11" in lines[1]


def test_the_page_names_a_bad_filter_and_refuses_other_roles(client, ana, casey, assessed):
    login_verified(client, ana)
    bad = client.get("/assessment/fairness/?instrument=criminogenic-needs&site=NOPE")
    assert bad.status_code == 422 and b"There is no site" in bad.content
    wrong = client.get("/assessment/fairness/?instrument=astrology")
    assert wrong.status_code == 422 and b"There is a problem" in wrong.content
    bad_csv = client.get("/assessment/fairness/report.csv?instrument=astrology")
    assert bad_csv.status_code == 422
    client.logout()
    login_verified(client, casey)
    assert client.get("/assessment/fairness/").status_code == 403


def test_the_page_says_when_the_population_is_suppressed(client, ana, prison_a, casey):
    population(prison_a, casey, 3)
    login_verified(client, ana)
    page = client.get("/assessment/fairness/?instrument=criminogenic-needs")
    assert b"fairness-suppressed" in page.content and b"Download" not in page.content


# ---- CLI -------------------------------------------------------------------------------------------


def test_the_cli_prints_csv_and_json(capsys, assessed):
    call_command("fairness_report", "criminogenic-needs", "--site", "PRA")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("section,group,count") and out[1].startswith("population,all,22")
    call_command("fairness_report", "criminogenic-needs", "--format", "json")
    body = json.loads(capsys.readouterr().out)
    assert body["population"] == 33 and body["by_sex"][0]["group"] == "male"


@pytest.mark.parametrize(
    "args", [("astrology",), ("criminogenic-needs", "--site", "NOPE"), ("criminogenic-needs", "--from", "june")]
)
def test_the_cli_refuses_bad_arguments_plainly(args):
    with pytest.raises(CommandError):
        call_command("fairness_report", *args)
