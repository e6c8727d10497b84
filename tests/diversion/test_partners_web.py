"""Partner referrals through the API and the pages: what a partner receives holds only the consented
fields (absent, not null), each read is a disclosure row, withdrawn consent answers 404, and the
permission matrix (partner of another organisation 404, coordinator of another site 404, wrong role 403).
"""

import datetime as dt

import pytest

from oms.diversion.models import Disclosure, PartnerConsent, PartnerReferral
from oms.diversion.rules import partners as rules
from oms.diversion.services import partners as services
from tests.diversion import test_partners as base
from tests.diversion.test_pages import date_fields
from tests.factories import actor_of, login_verified
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
BASE = "/api/v1/diversion"
consent, send = base.consent, base.send
# The partner fixtures of the service tests, used here too.
housing_org, treatment_org, pat, tom, participation = (
    base.housing_org,
    base.treatment_org,
    base.pat,
    base.tom,
    base.participation,
)


def post(client, path, body, auth):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **auth)


# --- API -----------------------------------------------------------------------------------------


def test_consent_referral_and_partner_view_through_the_api(client, cora, pat, housing_org, participation):
    as_cora = bearer(cora)
    pid = participation.public_id
    partners = client.get(f"{BASE}/partners", **as_cora).json()
    assert {p["name"] for p in partners} == {"Harbour Housing Association"}
    bad = post(
        client,
        f"/participations/{pid}/consents",
        {
            "partner_id": str(housing_org.public_id),
            "purpose": "x",
            "categories": ["shoe_size"],
            "expires_on": "2026-9-1",
        },
        as_cora,
    )
    assert bad.status_code == 422
    made = post(
        client,
        f"/participations/{pid}/consents",
        {
            "partner_id": str(housing_org.public_id),
            "purpose": "Find settled housing",
            "categories": ["name", "housing_needs"],
            "expires_on": "2026-09-01",
        },
        as_cora,
    )
    assert made.status_code == 201, made.content
    assert made.json()["state"] == "active" and made.json()["categories"] == ["name", "housing_needs"]
    sent = post(
        client,
        f"/participations/{pid}/partner-referrals",
        {
            "consent_id": made.json()["id"],
            "service_type": "housing",
            "purpose": "Supported housing",
            "needs": "Sofa-surfing",
            "telephone": "07700 900456",
        },
        as_cora,
    )
    assert sent.status_code == 201, sent.content
    rid = sent.json()["id"]

    as_pat = bearer(pat)
    listed = client.get(f"{BASE}/partner/referrals", **as_pat)
    assert listed.status_code == 200 and [r["referral_id"] for r in listed.json()] == [rid]
    seen = client.get(f"{BASE}/partner/referrals/{rid}", **as_pat)
    assert seen.status_code == 200, seen.content
    body = seen.json()
    # fields the consent does not cover are absent from the answer, not merely empty
    assert set(body) - rules.REFERRAL_FIELDS == {"given_name", "family_name", "housing_needs"}
    assert body["housing_needs"] == "Sofa-surfing" and "07700" not in seen.content.decode()
    assert "Shoplifting" not in seen.content.decode() and "2001" not in seen.content.decode()
    assert Disclosure.objects.filter(channel="api").count() == 2  # the list and the read

    accepted = post(client, f"/partner/referrals/{rid}/accept", {"version": 1, "note": "Booked"}, as_pat)
    assert accepted.status_code == 200 and accepted.json() == {"referral_id": rid, "status": "accepted", "version": 2}
    stale = post(client, f"/partner/referrals/{rid}/complete", {"version": 1, "outcome_note": "Housed"}, as_pat)
    assert stale.status_code == 409
    completed = post(client, f"/partner/referrals/{rid}/complete", {"version": 2, "outcome_note": "Housed"}, as_pat)
    assert completed.json()["status"] == "completed"

    side = client.get(f"{BASE}/participations/{pid}/partners", **as_cora).json()
    assert side["referrals"][0]["outcome_note"] == "Housed"
    assert [d["fields"] for d in side["disclosures"]] == [
        ["family_name", "given_name", "housing_needs"],
        ["family_name", "given_name"],
    ]


def test_withdrawn_consent_is_404_for_the_partner_through_the_api(client, cora, pat, housing_org, participation):
    c = consent(actor_of(cora), participation, housing_org)
    referral = send(actor_of(cora), participation, c)
    as_pat = bearer(pat)
    assert client.get(f"{BASE}/partner/referrals/{referral.public_id}", **as_pat).status_code == 200
    withdrawn = post(client, f"/consents/{c.public_id}/withdraw", {"reason": "Participant asked"}, bearer(cora))
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert client.get(f"{BASE}/partner/referrals/{referral.public_id}", **as_pat).status_code == 404
    assert client.get(f"{BASE}/partner/referrals", **as_pat).json() == []
    again = post(
        client,
        f"/participations/{participation.public_id}/partner-referrals",
        {"consent_id": str(c.public_id), "service_type": "housing", "purpose": "Again"},
        bearer(cora),
    )
    assert again.status_code == 422 and again.json()["field"] == "consent_id"


def test_api_permission_matrix(client, cora, vic, alice, pat, tom, housing_org, participation):
    c = consent(actor_of(cora), participation, housing_org)
    referral = send(actor_of(cora), participation, c)
    rid = referral.public_id
    assert client.get(f"{BASE}/partner/referrals/{rid}", **bearer(tom)).status_code == 404
    assert post(client, f"/partner/referrals/{rid}/accept", {"version": 1}, bearer(tom)).status_code == 404
    assert client.get(f"{BASE}/participations/{participation.public_id}/partners", **bearer(vic)).status_code == 404
    body = {"version": 1, "reason": "x"}
    assert post(client, f"/partner-referrals/{rid}/withdraw", body, bearer(vic)).status_code == 404
    assert client.get(f"{BASE}/partner/referrals/{rid}", **bearer(alice)).status_code == 403
    assert client.get(f"{BASE}/partner/referrals/{rid}", **bearer(cora)).status_code == 403
    assert post(client, f"/partner-referrals/{rid}/withdraw", body, bearer(pat)).status_code == 403
    assert client.get(f"{BASE}/partner/referrals/{rid}").status_code == 401
    assert not Disclosure.objects.exists()


# --- pages ---------------------------------------------------------------------------------------


def test_coordinator_records_consent_and_refers_through_the_pages(client, cora, housing_org, participation):
    as_cora = login_verified(client, cora)
    base = f"/diversion/participants/{participation.public_id}"
    page = as_cora.get(f"{base}/").content.decode()
    assert "Partner referrals and consent" in page and "Record consent" in page and "Refer to a partner" not in page
    form = as_cora.get(f"{base}/consents/new/")
    assert form.status_code == 200 and "Harbour Housing Association" in form.content.decode()
    empty = as_cora.post(f"{base}/consents/new/", {})
    assert empty.status_code == 422
    made = as_cora.post(
        f"{base}/consents/new/",
        {
            "partner_id": str(housing_org.public_id),
            "purpose": "Find settled housing",
            "categories": ["name", "contact_details"],
            **date_fields("given_on", dt.date(2026, 6, 1)),
            **date_fields("expires_on", dt.date(2026, 11, 30)),
        },
    )
    assert made.status_code == 302, made.content.decode()[:3000]
    c = PartnerConsent.objects.get()
    assert c.categories == ["name", "contact_details"]
    sent = as_cora.post(
        f"{base}/partner-referrals/new/",
        {"consent_id": str(c.public_id), "service_type": "housing", "purpose": "Supported housing", "telephone": "1"},
    )
    assert sent.status_code == 302, sent.content.decode()[:3000]
    referral = PartnerReferral.objects.get()
    page = as_cora.get(f"{base}/").content.decode()
    assert "Supported housing" in page and "Contact details (address and telephone)" in page
    withdrawn = as_cora.post(f"/diversion/partner-referrals/{referral.public_id}/withdraw/", {"version": 1})
    assert withdrawn.status_code == 422
    withdrawn = as_cora.post(
        f"/diversion/partner-referrals/{referral.public_id}/withdraw/", {"version": 1, "reason": "Found a place"}
    )
    assert withdrawn.status_code == 302
    assert as_cora.post(f"/diversion/consents/{c.public_id}/withdraw/", {"reason": "Asked"}).status_code == 302
    assert "Withdrawn" in as_cora.get(f"{base}/").content.decode()


def test_partner_pages_show_only_what_the_consent_covers(client, cora, pat, housing_org, participation):
    c = consent(actor_of(cora), participation, housing_org, ["name", "contact_details"])
    referral = send(actor_of(cora), participation, c)
    as_pat = login_verified(client, pat)
    listed = as_pat.get("/diversion/partner/referrals/").content.decode()
    assert "OKAFOR, Jade" in listed
    page = as_pat.get(f"/diversion/partner/referrals/{referral.public_id}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Canal Row" in text and "07700 900456" in text  # contact details: covered
    for hidden in ("Shoplifting", "Sofa-surfing", "4 March 2001", "Community service", "theft"):
        assert hidden not in text, hidden
    assert Disclosure.objects.filter(referral=referral, channel="web").count() == 2
    accept = as_pat.post(f"/diversion/partner/referrals/{referral.public_id}/accept/", {"version": 1, "note": ""})
    assert accept.status_code == 302
    outcome = as_pat.post(f"/diversion/partner/referrals/{referral.public_id}/complete/", {"version": 2})
    assert outcome.status_code == 422
    outcome = as_pat.post(
        f"/diversion/partner/referrals/{referral.public_id}/complete/", {"version": 2, "outcome_note": "Housed"}
    )
    assert outcome.status_code == 302
    disclosed = as_pat.get(f"/diversion/partner/referrals/{referral.public_id}/").content.decode()
    assert "Housed" in disclosed
    # the coordinator sees the log with field names
    log = login_verified(client, cora).get(f"/diversion/participants/{participation.public_id}/").content.decode()
    assert "address, family_name, given_name, telephone" in log


def test_page_permission_matrix(client, cora, vic, alice, pat, tom, housing_org, participation):
    c = consent(actor_of(cora), participation, housing_org)
    referral = send(actor_of(cora), participation, c)
    url = f"/diversion/partner/referrals/{referral.public_id}/"
    assert login_verified(client, tom).get(url).status_code == 404
    assert client.get(f"{url}accept/").status_code == 404
    assert login_verified(client, vic).get(f"/diversion/consents/{c.public_id}/withdraw/").status_code == 404
    assert client.get(f"/diversion/participants/{participation.public_id}/consents/new/").status_code == 404
    assert login_verified(client, alice).get(url).status_code == 403
    assert login_verified(client, pat).get(f"/diversion/consents/{c.public_id}/withdraw/").status_code == 403
    services.withdraw_consent(actor_of(cora), consent_id=c.public_id, reason="Asked")
    assert client.get(url).status_code == 404
    assert not Disclosure.objects.exists()


def test_every_category_serialises_through_the_api(client, cora, pat, housing_org, participation):
    c = consent(actor_of(cora), participation, housing_org, list(rules.CATEGORIES))
    referral = send(actor_of(cora), participation, c)
    seen = client.get(f"{BASE}/partner/referrals/{referral.public_id}", **bearer(pat))
    assert seen.status_code == 200, seen.content
    body = seen.json()
    assert set(body) - rules.REFERRAL_FIELDS == set(rules.FIELD_CATEGORY) - {"treatment_needs", "employment_needs"}
    assert body["date_of_birth"] == "2001-03-04" and body["address"] == "1 Canal Row, Northtown, NT1 1AA"
    assert {r["label"] for r in body["requirements"]} >= {"Community service: 20 hours"}
