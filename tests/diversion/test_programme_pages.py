"""The programme set-up page (diversion.manage_programmes): the criteria as fields, errors on the field
(422), a site of another kind or out of reach refused, and 403 for the wrong role."""

import pytest

from oms.audit.models import AuditEvent
from oms.diversion.models import Programme
from tests.factories import login_verified, make_user

pytestmark = pytest.mark.django_db
URL = "/diversion/programmes/new/"


def form(site, **kw):
    return {
        "site_id": str(site.public_id),
        "name": "Youth panel",
        "description": "For people aged 10 to 17",
        "full_fee_minor": "50.00",
        "min_age": "10",
        "max_age": "17",
        "max_prior_convictions": "0",
        "excluded_offence_categories": "Violence, sexual",
        "allow_pending_charges": "no",
        "referrer_kinds": ["police"],
        **kw,
    }


def test_set_up_a_programme(client, cora, dv1):
    as_cora = login_verified(client, cora)
    assert "Set up a programme" in as_cora.get("/diversion/").content.decode()
    page = as_cora.get(URL)
    assert page.status_code == 200 and "Northtown Diversion" in page.content.decode()
    made = as_cora.post(URL, form(dv1))
    programme = Programme.objects.get(name="Youth panel")
    assert made.status_code == 302 and made.url == f"/diversion/programmes/{programme.public_id}/"
    assert programme.full_fee_minor == 5_000 and programme.site == dv1
    assert programme.eligibility == {
        "min_age": 10,
        "max_age": 17,
        "max_prior_convictions": 0,
        "excluded_offence_categories": ["sexual", "violence"],
        "allow_pending_charges": False,
        "referrer_kinds": ["police"],
    }
    assert AuditEvent.objects.filter(action="diversion.programme_created").count() == 1


def test_criteria_left_empty_do_not_apply(client, cora, dv1):
    as_cora = login_verified(client, cora)
    blank = {k: "" for k in ("min_age", "max_age", "max_prior_convictions", "excluded_offence_categories")}
    made = as_cora.post(URL, {**form(dv1, referrer_kinds=[], allow_pending_charges="", full_fee_minor=""), **blank})
    assert made.status_code == 302
    programme = Programme.objects.get(name="Youth panel")
    assert programme.eligibility == {} and programme.full_fee_minor == 0


def test_errors_land_on_their_fields(client, cora, dv1):
    as_cora = login_verified(client, cora)
    empty = as_cora.post(URL, {})
    body = empty.content.decode()
    assert empty.status_code == 422 and "Select the site" in body and "Enter the programme name" in body
    bad_ages = as_cora.post(URL, form(dv1, min_age="30", max_age="20"))
    assert bad_ages.status_code == 422 and "max_age must be at least min_age" in bad_ages.content.decode()
    as_cora.post(URL, form(dv1))
    twice = as_cora.post(URL, form(dv1))
    assert twice.status_code == 422 and "already runs at this site" in twice.content.decode()
    assert Programme.objects.filter(name="Youth panel").count() == 1


def test_only_reachable_diversion_sites_are_offered(client, cora, dv1, dv2, prison_a):
    as_cora = login_verified(client, cora)
    page = as_cora.get(URL).content.decode()
    assert "Northtown Diversion" in page and "Southtown Diversion" not in page
    other = as_cora.post(URL, form(dv2))
    assert other.status_code == 422 and not Programme.objects.filter(site=dv2).exists()
    national = make_user("nat", roles=("diversion_coordinator",), scope="national")
    prison = login_verified(client, national).post(URL, form(prison_a))
    assert prison.status_code == 422 and not Programme.objects.filter(site=prison_a).exists()


def test_wrong_role_is_403(client, alice, dv1):
    assert login_verified(client, alice).get(URL).status_code == 403
    assert login_verified(client, alice).post(URL, form(dv1)).status_code == 403
    assert not Programme.objects.filter(name="Youth panel").exists()
