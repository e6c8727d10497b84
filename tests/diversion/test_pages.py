"""The diversion pages: programme list, referral intake, the participant page with its action forms
(GOV.UK error summary on bad input, 422), hours verification, the compliance report and its PDF, and
403 / 404 for the wrong role and another site."""

import datetime as dt
import re
import zlib

import pytest

from oms.diversion.models import HoursEntry, Participation
from tests.diversion.test_services import active, refer
from tests.factories import login_verified

pytestmark = pytest.mark.django_db


def date_fields(prefix: str, value: dt.date) -> dict:
    return {f"{prefix}_day": value.day, f"{prefix}_month": value.month, f"{prefix}_year": value.year}


def pdf_text(body: bytes) -> str:
    """The text shown by the PDF's content streams (fpdf2 deflates them)."""
    shown = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S):
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            data = raw
        shown += [s.decode("latin-1") for s in re.findall(rb"\(((?:\\.|[^\\)])*)\) ?Tj", data)]
    return "\n".join(shown).replace("\\(", "(").replace("\\)", ")")


def test_programme_list_and_navigation(client, cora, programme, person, cora_actor):
    refer(cora_actor, person, programme)
    page = login_verified(client, cora).get("/diversion/")
    body = page.content.decode()
    assert page.status_code == 200 and "First-time offender programme" in body and "Record a referral" in body
    home = client.get("/").content.decode()
    assert "/diversion/" in home
    detail = client.get(f"/diversion/programmes/{programme.public_id}/").content.decode()
    assert "OKAFOR, Jade" in detail and "min_age" in detail


def test_referral_intake(client, cora, programme, person):
    as_cora = login_verified(client, cora)
    assert as_cora.get("/diversion/referrals/new/").status_code == 200
    empty = as_cora.post("/diversion/referrals/new/", {})
    assert empty.status_code == 422 and "Enter the person" in empty.content.decode()
    unknown = as_cora.post(
        "/diversion/referrals/new/",
        {
            "system_number": "Z9999ZZ",
            "programme_id": str(programme.public_id),
            "referrer_kind": "police",
            "referrer_name": "PC 22",
            "offence_summary": "Theft",
            **date_fields("referred_on", dt.date(2026, 6, 1)),
        },
    )
    assert unknown.status_code == 422 and "No person with this system number" in unknown.content.decode()
    made = as_cora.post(
        "/diversion/referrals/new/",
        {
            "system_number": person.system_number,
            "programme_id": str(programme.public_id),
            "referrer_kind": "police",
            "referrer_name": "PC 22",
            "offence_summary": "Theft of a bicycle",
            "offence_category": "theft",
            **date_fields("referred_on", dt.date(2026, 5, 30)),
        },
    )
    p = Participation.objects.get()
    assert made.status_code == 302 and made.url == f"/diversion/participants/{p.public_id}/"
    page = as_cora.get(made.url).content.decode()
    assert "Theft of a bicycle" in page and "Assess eligibility" in page


def test_assessment_agreement_and_start_through_the_pages(client, cora, programme, person, cora_actor):
    p = refer(cora_actor, person, programme)
    as_cora = login_verified(client, cora)
    base = f"/diversion/participants/{p.public_id}"
    assessed = as_cora.post(f"{base}/assess/", {"version": 1, "prior_convictions": 0, "pending_charges": "no"})
    assert assessed.status_code == 302
    stale = as_cora.post(f"{base}/agreement/", {"version": 1})
    assert stale.status_code == 422
    signed = as_cora.post(
        f"{base}/agreement/",
        {
            "version": 2,
            **date_fields("signed_on", dt.date(2026, 6, 1)),
            "household_income": "12000.00",
            "household_size": 1,
            "community_service_target": 10,
            **date_fields("community_service_due_on", dt.date(2026, 7, 1)),
            "restitution_target": "45.50",
            **date_fields("restitution_due_on", dt.date(2026, 7, 15)),
            "restitution_detail": "Shop owner",
        },
    )
    assert signed.status_code == 302, signed.content.decode()[:3000]
    p.refresh_from_db()
    assert p.state == "agreement_signed" and p.fee_waived  # 12,000 a year is under 125% of the guideline
    assert p.requirements.get(kind="restitution").target == 4_550
    assert as_cora.post(f"{base}/start/", {"version": 3}).status_code == 302
    page = as_cora.get(f"{base}/").content.decode()
    assert "Log hours" in page and "45.50" in page and "Indigent waiver" in page


def test_hours_logged_then_verified_by_another(client, cora, dan, programme, person, cora_actor):
    p = active(cora_actor, person, programme)
    cs = p.requirements.get(kind="community_service")
    as_cora = login_verified(client, cora)
    logged = as_cora.post(
        f"/diversion/requirements/{cs.public_id}/hours/new/",
        {**date_fields("worked_on", dt.date(2026, 6, 1)), "minutes": 180},
    )
    assert logged.status_code == 302
    entry = HoursEntry.objects.get()
    refused = as_cora.post(f"/diversion/hours/{entry.public_id}/verify/", follow=True)
    assert "someone other than" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.verified_at is None
    as_dan = login_verified(client, dan)
    as_dan.post(f"/diversion/hours/{entry.public_id}/verify/")
    entry.refresh_from_db()
    assert entry.verified_by == dan


def test_compliance_report_page_and_pdf(client, cora, programme, person, cora_actor):
    p = active(cora_actor, person, programme)
    as_cora = login_verified(client, cora)
    page = as_cora.get(f"/diversion/participants/{p.public_id}/report/")
    assert page.status_code == 200 and "Compliance report" in page.content.decode()
    pdf = as_cora.get(f"/diversion/participants/{p.public_id}/report.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    body = pdf.content
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "OKAFOR, Jade" in text
    assert "Community service: 20 hours - due 1 August 2026 - On track" in text
    assert "Classes: 2 (Theft awareness) - due 1 July 2026 - On track" in text
    assert "Restitution: 60.00" in text and "No new arrest" in text
    assert "Programme fee: 50.00" in text


def test_wrong_role_and_other_site(client, cora, vic, alice, programme, person, cora_actor):
    p = refer(cora_actor, person, programme)
    assert login_verified(client, alice).get(f"/diversion/participants/{p.public_id}/").status_code == 403
    assert login_verified(client, vic).get(f"/diversion/participants/{p.public_id}/").status_code == 404
    assert client.get(f"/diversion/participants/{p.public_id}/report.pdf").status_code == 404
