"""The custody landing page, the facility roll (full page and htmx fragment) and the unit roll."""

from __future__ import annotations

import pytest
from django.urls import reverse

from oms.custody.models import CustodyEpisode
from tests.custody.factories import make_estate, make_prisoner
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate(prison_a):
    estate = make_estate(prison_a)
    make_prisoner(prison_a, family="Able", bed=estate["A-1-1-01-1"])
    make_prisoner(prison_a, family="Court", bed=estate["A-1-1-01-2"], in_out=CustodyEpisode.InOut.OUT)
    return estate


def test_home_goes_to_the_only_sites_roll(client, olive, prison_a, estate):
    login_verified(client, olive)
    response = client.get(reverse("custody:home"))
    assert response.status_code == 302 and response.url == reverse("custody:roll", args=[prison_a.public_id])


def test_home_lists_every_site_in_reach(client, prison_a, prison_b, estate):
    regional = make_user("rita", roles=("custody_officer",), sites=(prison_a, prison_b))
    login_verified(client, regional)
    page = client.get(reverse("custody:home")).content.decode()
    assert "Prison A" in page and "Prison B" in page
    assert reverse("custody:roll", args=[prison_a.public_id]) in page


def test_roll_page_and_fragment(client, olive, prison_a, estate):
    login_verified(client, olive)
    url = reverse("custody:roll", args=[prison_a.public_id])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 30s"' in html and "Establishment roll" in html and "COURT, John" in html
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="roll"') and "<html" not in fragment
    unit = client.get(reverse("custody:unit_roll", args=[prison_a.public_id, estate["A"].public_id]))
    assert unit.status_code == 200 and "ABLE, John" in unit.content.decode()


def test_roll_pages_are_scoped(client, oscar, charlie, prison_a, estate):
    login_verified(client, oscar)
    assert client.get(reverse("custody:roll", args=[prison_a.public_id])).status_code == 404
    unit_url = reverse("custody:unit_roll", args=[prison_a.public_id, estate["A"].public_id])
    assert client.get(unit_url).status_code == 404
    client.logout()
    login_verified(client, charlie)
    assert client.get(reverse("custody:roll", args=[prison_a.public_id])).status_code == 403
    assert client.get(reverse("custody:home")).status_code == 403
