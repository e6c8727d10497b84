"""The per-site custody sub-navigation and the custody home's links to each establishment's pages."""

from __future__ import annotations

import dataclasses
import re

import pytest

from oms.custody.templatetags.custody_nav import site_nav_items
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db

NAV = re.compile(r'<nav class="moj-sub-navigation".*?</nav>', re.S)


def nav_of(body: str) -> str:
    found = NAV.search(body)
    assert found, "no sub-navigation on the page"
    return found.group(0)


def labels(nav: str) -> list[str]:
    return re.findall(r'class="moj-sub-navigation__link"[^>]*>([^<]+)</a>', nav)


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("roll/", "Roll"),
        ("action-plan/", "Action plan"),
        ("movements/", "Movements"),
        ("counts/", "Counts"),
        ("count-times/", "Counts"),
        ("observations/", "Observations"),
        ("observations/overdue/", "Observations"),
    ],
)
def test_every_per_site_page_shows_the_sub_navigation(client, olive, prison_a, estate_a, path, current):
    login_verified(client, olive)
    page = client.get(f"/custody/sites/{prison_a.public_id}/{path}")
    assert page.status_code == 200
    nav = nav_of(page.content.decode())
    assert labels(nav) == ["Roll", "Action plan", "Movements", "Counts", "Observations", "Reception"]
    assert re.search(rf'aria-current="page">{current}</a>', nav)
    assert f'href="/custody/sites/{prison_a.public_id}/movements/"' in nav
    assert f'href="/custody/reception/?site={prison_a.public_id}"' in nav


def test_each_link_needs_its_permission(olive_actor, prison_a):
    no_receive = dataclasses.replace(olive_actor, permissions=olive_actor.permissions - {"custody.receive"})
    assert [i["label"] for i in site_nav_items(no_receive, prison_a.public_id)] == [
        "Roll",
        "Action plan",
        "Movements",
        "Counts",
        "Observations",
    ]
    no_view = dataclasses.replace(olive_actor, permissions=olive_actor.permissions - {"custody.view"})
    assert [i["label"] for i in site_nav_items(no_view, prison_a.public_id)] == ["Reception"]
    assert site_nav_items(None, prison_a.public_id) == []


def test_reception_link_preselects_the_establishment(client, olive, prison_a, estate_a):
    login_verified(client, olive)
    body = client.get(f"/custody/reception/?site={prison_a.public_id}").content.decode()
    assert re.search(rf'value="{prison_a.public_id}"[^>]*selected', body)


def test_custody_home_links_each_site_to_its_pages(client, prison_a, prison_b, estate_a):
    # With one establishment the home page goes straight to its roll; with two it lists both.
    login_verified(client, make_user("otto", roles=("custody_officer",), sites=(prison_a, prison_b)))
    body = client.get("/custody/").content.decode()
    for site in (prison_a, prison_b):
        for page in ("roll", "action-plan", "movements", "counts", "observations"):
            assert f'href="/custody/sites/{site.public_id}/{page}/"' in body
        assert f'href="/custody/reception/?site={site.public_id}"' in body
