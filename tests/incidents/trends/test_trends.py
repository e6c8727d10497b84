"""Trends from real rows: the month-start population from bed assignments, incidents by unit, type and
month with use of force, scope (site and national), the API, the page with its SVG charts and tables,
and the CSV."""

import csv
import datetime as dt
import io

import pytest

from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from oms.custody.models import BedAssignment
from oms.incidents.models import Incident, UseOfForce
from oms.incidents.queries import trends as queries
from tests.custody.factories import make_estate, make_prisoner
from tests.factories import actor_of, login_verified
from tests.incidents.factories import make_incident, make_incident_type
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

APR1 = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
MAY1 = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


@pytest.fixture
def arranged(prison_a, olly):
    """Unit A holds 4 from March (one leaves mid-May), unit B holds 2 from late April."""
    estate = make_estate(prison_a, units=2, cells=2, beds_per_cell=2)
    early = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)
    for n, bed in enumerate(["A-1-1-01-1", "A-1-1-01-2", "A-1-1-02-1", "A-1-1-02-2"]):
        make_prisoner(prison_a, family=f"Able{n}", bed=estate[bed], received_at=early)
    leaver = BedAssignment.objects.get(bed=estate["A-1-1-02-2"])
    leaver.ended_at = dt.datetime(2026, 5, 15, tzinfo=dt.UTC)
    leaver.save()
    for n, bed in enumerate(["B-1-1-01-1", "B-1-1-01-2"]):
        make_prisoner(
            prison_a, family=f"Baker{n}", bed=estate[bed], received_at=dt.datetime(2026, 4, 20, tzinfo=dt.UTC)
        )
    fight, harm = make_incident_type("fight"), make_incident_type("self_harm")
    submitted = Incident.Status.SUBMITTED
    rows = [
        (1, fight, estate["A-1-1-01"], dt.datetime(2026, 4, 3, 12, tzinfo=dt.UTC), True),
        (2, fight, estate["B-1"], dt.datetime(2026, 5, 2, 12, tzinfo=dt.UTC), True),
        (3, harm, estate["A-1-1-02-1"], dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC), False),
        (4, harm, None, dt.datetime(2026, 5, 21, 12, tzinfo=dt.UTC), False),
    ]
    for number, kind, location, when, force in rows:
        incident = make_incident(
            prison_a, olly, incident_type=kind, number=number, location=location, occurred_at=when, status=submitted
        )
        if force:
            UseOfForce.objects.create(incident=incident, techniques=["guiding_hold"], justification="Separating")
    make_incident(prison_a, olly, incident_type=fight, number=5, occurred_at=APR1 + dt.timedelta(days=2))  # draft
    return estate


def report(user, **kw):
    values = {"site_code": "PRA", "date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 5, 31), **kw}
    return queries.incident_trends(actor_of(user), **values)


def test_rates_use_the_month_start_population(arranged, sam, prison_a):
    t = report(sam, site_code=prison_a.code).trends
    assert [(r.label, r.incidents, r.use_of_force, r.population, r.rate) for r in t.by_month] == [
        ("Apr 2026", 1, 1, 4, 25.0),  # 4 in unit A on 1 April; B was empty
        ("May 2026", 3, 1, 6, 50.0),  # 4 in A and 2 in B on 1 May
    ]
    units = {r.label.split(" ")[0]: r for r in t.by_unit}
    assert (units["A"].incidents, units["A"].population, units["A"].rate) == (2, 4.0, 50.0)
    assert (units["B"].incidents, units["B"].population, units["B"].rate) == (1, 1.0, 100.0)
    assert units["Location"].incidents == 1 and units["Location"].rate is None
    assert [(r.key, r.incidents) for r in t.by_type] == [("fight", 2), ("self_harm", 2)]
    assert (t.total.incidents, t.total.use_of_force, t.total.population, t.total.rate) == (4, 2, 5.0, 80.0)


def test_scope_and_permissions(arranged, sam, olly, otto, ann, prison_a, prison_b):
    with pytest.raises(PermissionDenied):
        report(olly)  # officers do not see trends
    with pytest.raises(NotFound):
        report(ann, site_code="NOPE")
    national = report(ann, site_code=None)
    assert {s.code for s in national.sites} == {prison_a.code, prison_b.code}
    assert national.trends.total.incidents == 4 and national.trends.by_unit[0].label.startswith(prison_a.code)
    with pytest.raises(RuleViolation) as bad:
        report(sam, date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 5, 1))
    assert bad.value.field == "date_from"


def test_other_facility_is_404(arranged, prison_b):
    from tests.factories import make_user

    supervisor_b = make_user("sue", roles=("supervisor",), sites=(prison_b,))
    with pytest.raises(NotFound):
        report(supervisor_b)


def test_api(client, arranged, sam, ann, olly):
    url = "/api/v1/incidents/trends?site=PRA&date_from=2026-04-01&date_to=2026-05-31"
    got = client.get(url, **bearer(sam))
    assert got.status_code == 200, got.content
    body = got.json()
    assert body["total"]["incidents"] == 4 and body["by_month"][1]["rate_per_100"] == 50.0
    assert "1st of each month" in body["denominator"]
    assert client.get(url, **bearer(olly)).status_code == 403
    assert client.get("/api/v1/incidents/trends", **bearer(ann)).status_code == 200
    bad = client.get("/api/v1/incidents/trends?date_from=2026-06-01&date_to=2026-01-01", **bearer(ann))
    assert bad.status_code == 422 and bad.json()["field"] == "date_from"


def test_page_draws_svg_bars_and_tables_without_inline_styles(client, arranged, sam):
    login_verified(client, sam)
    got = client.get(
        "/incidents/trends/?site=PRA&date_from_day=1&date_from_month=4&date_from_year=2026"
        "&date_to_day=31&date_to_month=5&date_to_year=2026"
    )
    assert got.status_code == 200
    html = got.content.decode()
    assert html.count('<svg class="oms-chart"') == 4 and "<rect" in html
    assert "style=" not in html.split("<main", 1)[-1] and "<script" not in html.split("<main", 1)[-1]
    assert "Figures for: Incidents per 100 people in custody, by month" in html
    assert "May 2026" in html and "50.0" in html


def test_page_defaults_and_errors(client, arranged, sam, olly):
    login_verified(client, sam)
    assert client.get("/incidents/trends/").status_code == 200
    bad = client.get("/incidents/trends/?date_from_day=31&date_from_month=2&date_from_year=2026")
    assert bad.status_code == 422 and "must be a real date" in bad.content.decode()
    client.logout()
    login_verified(client, olly)
    assert client.get("/incidents/trends/").status_code == 403


def test_csv(client, arranged, sam):
    login_verified(client, sam)
    got = client.get(
        "/incidents/trends.csv?site=PRA&date_from_day=1&date_from_month=4&date_from_year=2026"
        "&date_to_day=31&date_to_month=5&date_to_year=2026"
    )
    assert got.status_code == 200 and got["Content-Type"].startswith("text/csv")
    assert got["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(got.content.decode())))
    total = next(r for r in rows if r["breakdown"] == "total")
    assert (total["incidents"], total["use_of_force"], total["rate_per_100"]) == ("4", "2", "80.0")
    assert {r["breakdown"] for r in rows} == {"month", "unit", "type", "total"}
