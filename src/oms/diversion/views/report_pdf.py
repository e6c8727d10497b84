"""The compliance report as a PDF (fpdf2, built-in Helvetica): what a prosecutor or court reads.

Built from the same ``ParticipationDetail`` as the page, so the two cannot disagree. The built-in fonts
hold Latin-1 only; any other character is shown as "?" rather than failing the report.
"""

from __future__ import annotations

from fpdf import FPDF

from oms.diversion.queries.participations import ParticipationDetail
from oms.diversion.rules.progress import format_minor

STATUS = {"met": "Met", "on_track": "On track", "due_soon": "Due soon", "overdue": "Overdue", "failed": "Failed"}


def _latin(value) -> str:
    return str(value).encode("latin-1", "replace").decode("latin-1")


def _date(value) -> str:
    return value.strftime("%d %B %Y").lstrip("0") if value else "-"


def compliance_pdf(detail: ParticipationDetail, *, prepared_by: str) -> bytes:
    p = detail.participation
    person = p.person
    pdf = FPDF(format="A4")
    pdf.set_title(_latin(f"Diversion compliance report: {person.family_name.upper()}, {person.given_name}"))
    pdf.set_author("OMS")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()

    def line(value: str, *, size: int = 10, style: str = "", height: float = 6) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(0, height, _latin(value), new_x="LMARGIN", new_y="NEXT")

    def pair(key: str, value: str) -> None:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(55, 6, _latin(key))
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, _latin(value), new_x="LMARGIN", new_y="NEXT")

    line("Diversion compliance report", size=16, style="B", height=9)
    line(f"{p.programme.name}, {p.programme.site.name}. Prepared {_date(detail.today)} by {prepared_by}.", size=9)
    pdf.ln(3)
    pair("Participant", f"{person.family_name.upper()}, {person.given_name} ({person.system_number})")
    if person.date_of_birth:
        pair("Date of birth", _date(person.date_of_birth))
    referral = p.referral
    pair(
        "Referred by",
        f"{referral.get_referrer_kind_display()}: {referral.referrer_name}"
        + (f" (ref. {referral.referrer_reference})" if referral.referrer_reference else ""),
    )
    pair("Referred on", _date(referral.referred_on))
    pair("Offence", referral.offence_summary)
    pair("Status", p.get_state_display())
    if p.agreement_signed_on:
        pair("Agreement", f"signed {_date(p.agreement_signed_on)}, runs {_date(p.starts_on)} to {_date(p.ends_on)}")
    if p.outcome_on:
        outcome = (
            "Completed: dismissal recommended" if p.state == "completed" else "Terminated: returned to prosecution"
        )
        pair("Outcome", f"{outcome} on {_date(p.outcome_on)}. {p.outcome_reason}")
    pair("Progress", f"{detail.summary.percent_complete}% of the requirements' targets reached")
    pdf.ln(3)

    line("Requirements", size=13, style="B", height=8)
    for item in detail.requirements:
        status = STATUS.get(item.status.status, item.status.status)
        line(f"{item.label} - due {_date(item.requirement.due_on)} - {status}", style="B")
        line(item.status.explanation, size=9)
        if item.requirement.kind == "community_service":
            verified = sum(e.minutes for e in item.hours_entries if e.verified_at) / 60
            line(f"Hours verified: {verified:g}; entries: {len(item.hours_entries)}", size=9)
        if item.attendances:
            kept = sum(1 for a in item.attendances if a.outcome == "attended")
            missed = sum(1 for a in item.attendances if a.outcome == "missed")
            positive = sum(1 for a in item.attendances if a.test_result == "positive")
            text = f"Sessions attended: {kept}; missed without excuse: {missed}"
            if item.requirement.kind == "drug_tests":
                text += f"; positive tests: {positive}"
            line(text, size=9)
        if item.balance_minor is not None:
            line(f"Restitution outstanding: {format_minor(item.balance_minor)}", size=9)
        pdf.ln(1)

    line("Fee and payments", size=13, style="B", height=8)
    fee = "waived (indigent)" if p.fee_waived else format_minor(p.fee_minor)
    line(f"Programme fee: {fee}; outstanding: {format_minor(detail.fee_balance_minor)}")
    for entry in detail.ledger:
        account = "restitution" if entry.requirement_id else "fee"
        line(
            f"{_date(entry.on)}  {entry.get_kind_display()} ({account})  "
            f"{format_minor(entry.amount_minor)}  {entry.note}",
            size=9,
        )
    return bytes(pdf.output())
