"""Estate pages with the Django test client: the sites list, the tree (indented, filtered by unit,
change links only for managers), add / change / deactivate / reactivate with GOV.UK errors, and the
CSV import page with its report of rejected rows."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from oms.facilities.models import Location
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


def test_the_sites_list_links_each_site_in_reach(client, ada, prison_a, prison_b):
    page = login_verified(client, ada).get(reverse("facilities:locations"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("facilities:site", args=[prison_a.public_id]) in html
    assert "Prison B" not in html


def test_the_tree_is_indented_with_totals_status_and_change_links(client, ada, prison_a, estate_a):
    login_verified(client, ada)
    bed = estate_a["A-1-1-01-1"]
    client.post(
        reverse("facilities:deactivate", args=[estate_a["A-1-1"].public_id]), {"reason": "Painting", "version": 1}
    )
    html = client.get(reverse("facilities:site", args=[prison_a.public_id])).content.decode()
    row = re.search(rf'<tr class="govuk-table__row" id="loc-{bed.public_id}">(.*?)</tr>', html, re.S).group(1)
    assert "govuk-!-padding-left-8" in row and "Out of use" in row and "A-1-1 is inactive" in row
    assert "Painting" in html and "Inactive" in html
    assert reverse("facilities:edit", args=[bed.public_id]) in row
    assert reverse("facilities:reactivate", args=[estate_a["A-1-1"].public_id]) in html
    assert reverse("facilities:import", args=[prison_a.public_id]) in html


def test_the_tree_filters_by_unit(client, ada, prison_a, estate_a):
    login_verified(client, ada)
    url = reverse("facilities:site", args=[prison_a.public_id])
    html = client.get(url, {"unit": str(estate_a["A"].public_id)}).content.decode()
    assert f"loc-{estate_a['A-1-1-01-1'].public_id}" in html
    assert f"loc-{estate_a['RECP'].public_id}" not in html
    assert f"loc-{estate_a['RECP'].public_id}" in client.get(url).content.decode()


def test_readers_see_no_change_links(client, charlie, prison_a, estate_a):
    html = login_verified(client, charlie).get(reverse("facilities:site", args=[prison_a.public_id])).content.decode()
    assert "A-1-1-01" in html
    assert "/edit" not in html and "Deactivate" not in html and "Import from CSV" not in html
    assert client.get(reverse("facilities:edit", args=[estate_a["A"].public_id])).status_code == 403
    assert client.get(reverse("facilities:import", args=[prison_a.public_id])).status_code == 403


def test_another_sites_administrator_gets_not_found(client, bea, prison_a, estate_a):
    login_verified(client, bea)
    assert client.get(reverse("facilities:site", args=[prison_a.public_id])).status_code == 404
    assert client.get(reverse("facilities:edit", args=[estate_a["A"].public_id])).status_code == 404
    response = client.post(
        reverse("facilities:add", args=[prison_a.public_id]), {"kind": "unit", "code": "Z", "sex": "any"}
    )
    assert response.status_code == 404 and not Location.objects.filter(key="Z").exists()


def test_add_a_location_under_a_chosen_parent(client, ada, prison_a, estate_a):
    login_verified(client, ada)
    url = reverse("facilities:add", args=[prison_a.public_id])
    landing = estate_a["A-1-1"]
    form = client.get(url, {"parent": str(landing.public_id)})
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="cell"' in html and 'value="unit"' not in html  # only kinds allowed under a landing
    response = client.post(
        url,
        {
            "parent": str(landing.public_id),
            "kind": "cell",
            "code": "03",
            "sex": "any",
            "working_capacity": "1",
            "maximum_capacity": "1",
            "certified_capacity": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cell = Location.objects.get(site=prison_a, key="A-1-1-03")
    assert cell.parent_id == landing.pk and cell.working_capacity == 1
    assert f"#loc-{cell.public_id}" in response["Location"]


def test_add_shows_gov_uk_errors(client, ada, prison_a, estate_a):
    login_verified(client, ada)
    url = reverse("facilities:add", args=[prison_a.public_id])
    empty = client.post(url, {})
    assert empty.status_code == 422
    html = empty.content.decode()
    assert "There is a problem" in html and "Enter a code" in html and "Select the kind of location" in html
    duplicate = client.post(url, {"kind": "unit", "code": "a", "sex": "any"})
    assert duplicate.status_code == 422 and "There is already a location A in this site" in duplicate.content.decode()
    over = client.post(
        url, {"kind": "classroom", "code": "E2", "sex": "any", "working_capacity": "9", "maximum_capacity": "5"}
    )
    assert over.status_code == 422
    assert "Working capacity must be the same as or less than maximum capacity" in over.content.decode()
    assert 'id="id_working_capacity-error"' in over.content.decode()


def test_edit_a_location(client, ada, estate_a):
    login_verified(client, ada)
    cell = estate_a["A-1-1-01"]
    url = reverse("facilities:edit", args=[cell.public_id])
    assert 'value="2"' in client.get(url).content.decode()
    data = {
        "version": 1,
        "name": "Safe cell",
        "sex": "male",
        "specialist_type": "safe_cell",
        "working_capacity": 1,
        "maximum_capacity": 2,
        "certified_capacity": 2,
    }
    assert client.post(url, data).status_code == 302
    cell.refresh_from_db()
    assert (cell.name, cell.specialist_type, cell.working_capacity, cell.version) == ("Safe cell", "safe_cell", 1, 2)
    stale = client.post(url, {**data, "name": "Other"})
    assert stale.status_code == 422 and "Someone else changed this location" in stale.content.decode()


def test_deactivate_and_reactivate(client, ada, estate_a):
    login_verified(client, ada)
    wing = estate_a["A-1"]
    url = reverse("facilities:deactivate", args=[wing.public_id])
    missing = client.post(url, {"version": 1})
    assert missing.status_code == 422 and "Enter a reason for the deactivation" in missing.content.decode()
    past = client.post(
        url,
        {
            "version": 1,
            "reason": "Flood",
            "expected_return_on_day": "1",
            "expected_return_on_month": "1",
            "expected_return_on_year": "2001",
        },
    )
    assert past.status_code == 422 and "Expected return date must be today or in the future" in past.content.decode()
    done = client.post(
        url,
        {
            "version": 1,
            "reason": "Flood",
            "expected_return_on_day": "1",
            "expected_return_on_month": "1",
            "expected_return_on_year": "2099",
        },
    )
    assert done.status_code == 302
    wing.refresh_from_db()
    assert not wing.active and wing.expected_return_on.year == 2099
    back = reverse("facilities:reactivate", args=[wing.public_id])
    assert "Flood" in client.get(back).content.decode()
    assert client.post(back, {"version": 2}).status_code == 302
    wing.refresh_from_db()
    assert wing.active


def test_import_page_checks_then_imports_and_shows_rejected_rows(client, ada, prison_a):
    login_verified(client, ada)
    url = reverse("facilities:import", args=[prison_a.public_id])
    assert client.get(url).status_code == 200
    text = "parent_key,code,kind\n,A,unit\nA,1,wing\nA-1,1,bed\n"
    checked = client.post(url, {"csv_text": text, "dry_run": "on"})
    html = checked.content.decode()
    assert checked.status_code == 200 and "nothing was created" in html and "2 would be created" in html
    assert "Rejected rows" in html and "A bed cannot go under a wing" in html
    assert not Location.objects.filter(site=prison_a).exists()
    upload = SimpleUploadedFile("tree.csv", ("\ufeff" + text).encode(), content_type="text/csv")
    imported = client.post(url, {"file": upload})
    assert imported.status_code == 200 and "2 created, 1 rejected" in imported.content.decode()
    assert set(Location.objects.filter(site=prison_a).values_list("key", flat=True)) == {"A", "A-1"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Upload a CSV file or paste the CSV text"),
        ({"csv_text": "code,kind\n,A,unit\n"}, "The header must include the column parent_key"),
        (
            {"file": SimpleUploadedFile("x.csv", "parent_key,code,kind\n,Caf\u00e9,unit\n".encode("latin-1"))},
            "not UTF-8",
        ),
    ],
)
def test_import_page_errors(client, ada, prison_a, data, message):
    login_verified(client, ada)
    response = client.post(reverse("facilities:import", args=[prison_a.public_id]), data)
    assert response.status_code == 422 and message in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_export_downloads_the_import_format(client, charlie, prison_a, estate_a):
    response = login_verified(client, charlie).get(reverse("facilities:export", args=[prison_a.public_id]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("parent_key,code,kind") and len(lines) == len(estate_a) + 1


def test_an_oversized_or_non_csv_upload_is_refused(client, ada, prison_a, monkeypatch):
    from oms.facilities import rules

    login_verified(client, ada)
    url = reverse("facilities:import", args=[prison_a.public_id])
    wrong = client.post(url, {"file": SimpleUploadedFile("tree.xlsx", b"parent_key,code,kind\n,A,unit\n")})
    assert wrong.status_code == 422 and "must be a CSV file" in wrong.content.decode()
    monkeypatch.setattr(rules, "MAX_IMPORT_BYTES", 1000)
    big = SimpleUploadedFile("tree.csv", b"parent_key,code,kind\n" + b",A,unit\n" * 200)
    response = client.post(url, {"file": big})
    assert response.status_code == 422 and "The file is too large" in response.content.decode()
    assert not Location.objects.filter(site=prison_a).exists()


def test_the_import_page_refuses_a_post_without_the_csrf_token(ada, prison_a):
    from django.test import Client

    client = login_verified(Client(enforce_csrf_checks=True), ada)
    response = client.post(reverse("facilities:import", args=[prison_a.public_id]), {"csv_text": ",A,unit"})
    assert response.status_code == 403


def test_a_very_large_site_asks_for_a_unit(client, ada, prison_a, estate_a, monkeypatch):
    from oms.facilities import views

    monkeypatch.setattr(views, "TREE_PAGE_LIMIT", 5)
    html = login_verified(client, ada).get(reverse("facilities:site", args=[prison_a.public_id])).content.decode()
    assert "too many locations to show at once" in html
    assert f"loc-{estate_a['A'].public_id}" in html and f"loc-{estate_a['A-1'].public_id}" not in html
    assert "Show this unit to see its capacities" in html
