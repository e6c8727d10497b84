"""Diversion services: the course of a participation from referral to outcome, progress, the ledger,
notices, and the permission matrix (allowed / wrong role 403 / other site 404)."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.diversion.models import LedgerEntry, NoticeSent, Participation
from oms.diversion.queries import participations as queries
from oms.diversion.services import notices, participations, programmes, progress
from oms.people.models import PersonSiteLink
from tests.factories import actor_of, make_user

D = dt.date


def refer(actor, person, programme, **kw):
    values = {
        "person_id": person.public_id,
        "programme_id": programme.public_id,
        "referrer_kind": "prosecutor",
        "referrer_name": "CPS Northtown",
        "offence_summary": "Shoplifting, goods worth 40.00",
        "offence_category": "theft",
        **kw,
    }
    return participations.refer(actor, **values)


def assess(actor, p, **kw):
    return participations.assess_eligibility(
        actor, participation_id=p.public_id, version=p.version, **{"prior_convictions": 0, **kw}
    )


REQUIREMENTS = [
    {"kind": "community_service", "target": 20, "due_on": D(2026, 8, 1)},
    {"kind": "classes", "target": 2, "due_on": D(2026, 7, 1), "detail": "Theft awareness"},
    {
        "kind": "restitution",
        "target": 6_000,
        "due_on": D(2026, 9, 1),
        "instalment_minor": 2_000,
        "instalment_every_days": 30,
        "first_instalment_on": D(2026, 7, 1),
    },
    {"kind": "no_new_arrest", "due_on": D(2026, 9, 1)},
]


def sign(actor, p, requirements=REQUIREMENTS, **kw):
    values = {"household_income_minor": 3_000_000, "household_size": 1, **kw}  # 199% of the guideline: 25%
    return participations.sign_agreement(
        actor, participation_id=p.public_id, version=p.version, requirements=requirements, **values
    )


def active(actor, person, programme, requirements=REQUIREMENTS):
    p = sign(actor, assess(actor, refer(actor, person, programme)), requirements)
    return participations.start(actor, participation_id=p.public_id, version=p.version)


def reqs(p):
    return {r.kind: r for r in p.requirements.all()}


def actions(p):
    return list(AuditEvent.objects.filter(object_id=str(p.public_id)).order_by("id").values_list("action", flat=True))


# --- programmes ----------------------------------------------------------------------------------


def test_programme_needs_a_diversion_site(cora_actor, dv1, prison_a):
    made = programmes.create_programme(
        cora_actor, site_id=dv1.public_id, name="Youth panel", eligibility={"max_age": 17}, full_fee_minor=0
    )
    assert made.eligibility == {"max_age": 17}
    admin = actor_of(make_user("nat", roles=("diversion_coordinator",), scope="national"))
    with pytest.raises(RuleViolation) as caught:
        programmes.create_programme(admin, site_id=prison_a.public_id, name="X")
    assert caught.value.field == "site_id"
    with pytest.raises(RuleViolation) as caught:
        programmes.create_programme(cora_actor, site_id=dv1.public_id, name="Y", eligibility={"min_age": "x"})
    assert caught.value.field == "eligibility.min_age"


# --- referral and assessment ---------------------------------------------------------------------


def test_referral_opens_a_participation_and_links_the_person(cora_actor, person, programme, dv1):
    p = refer(cora_actor, person, programme)
    assert p.state == "referred" and p.referral.referrer_kind == "prosecutor"
    assert PersonSiteLink.objects.filter(person=person, site=dv1, kind="diversion", ended_on=None).exists()
    assert actions(p) == ["diversion.participation_referred"]
    with pytest.raises(RuleViolation) as caught:
        refer(cora_actor, person, programme)
    assert caught.value.code == "diversion.already_referred"


def test_referral_permission_matrix(alice, vic, person, programme):
    with pytest.raises(PermissionDenied):
        refer(actor_of(alice), person, programme)
    with pytest.raises(NotFound):
        refer(actor_of(vic), person, programme)


def test_bad_referrer_kind_names_the_field(cora_actor, person, programme):
    with pytest.raises(RuleViolation) as caught:
        refer(cora_actor, person, programme, referrer_kind="court")
    assert caught.value.field == "referrer_kind"


def test_assessment_eligible_keeps_each_explanation(cora_actor, person, programme):
    p = assess(cora_actor, refer(cora_actor, person, programme))
    assert p.state == "eligible"
    assert {r["criterion"]: r["outcome"] for r in p.eligibility_results} == {
        "min_age": "met",
        "max_prior_convictions": "met",
        "excluded_offence_categories": "met",
    }
    assert p.eligibility_facts["age_on_referral"] == 25


def test_assessment_ineligible_and_then_final(cora_actor, person, programme):
    p = assess(cora_actor, refer(cora_actor, person, programme, offence_category="Violence"), prior_convictions=3)
    assert p.state == "ineligible"
    not_met = [r for r in p.eligibility_results if r["outcome"] == "not_met"]
    assert [r["criterion"] for r in not_met] == ["max_prior_convictions", "excluded_offence_categories"]
    with pytest.raises(RuleViolation) as caught:
        sign(cora_actor, p)
    assert caught.value.field == "state" and caught.value.code == "diversion.illegal_transition"


def test_stale_version_conflicts(cora_actor, person, programme):
    p = refer(cora_actor, person, programme)
    with pytest.raises(Conflict):
        participations.assess_eligibility(cora_actor, participation_id=p.public_id, version=p.version + 1)


def test_other_site_cannot_reach_the_participation(cora_actor, vic, person, programme):
    p = refer(cora_actor, person, programme)
    with pytest.raises(NotFound):
        assess(actor_of(vic), p)
    with pytest.raises(NotFound):
        queries.get_participation(actor_of(vic), p.public_id)


# --- agreement and fee ---------------------------------------------------------------------------


def test_agreement_creates_requirements_and_charges_the_scaled_fee(cora_actor, person, programme):
    p = sign(cora_actor, assess(cora_actor, refer(cora_actor, person, programme)))
    assert p.state == "agreement_signed" and p.ends_on == D(2026, 9, 1)
    assert p.fee_band == "25%" and p.fee_minor == 5_000 and not p.fee_waived
    ledger = [(e.kind, e.amount_minor, e.requirement.kind if e.requirement else None) for e in p.ledger.all()]
    assert ledger == [("charge", 5_000, None), ("charge", 6_000, "restitution")]
    assert set(reqs(p)) == {"community_service", "classes", "restitution", "no_new_arrest"}


def test_indigent_fee_is_charged_and_waived(cora_actor, person, programme):
    p = sign(cora_actor, assess(cora_actor, refer(cora_actor, person, programme)), household_income_minor=1_000_000)
    assert p.fee_waived and p.fee_minor == 0
    fee = [(e.kind, e.amount_minor) for e in p.ledger.filter(requirement=None)]
    assert fee == [("charge", 20_000), ("waiver", 20_000)]
    assert queries.detail_of(p).fee_balance_minor == 0


@pytest.mark.parametrize(
    "requirements, field",
    [
        ([], "requirements"),
        ([{"kind": "juggling", "target": 1, "due_on": D(2026, 7, 1)}], "requirements[0].kind"),
        ([{"kind": "community_service", "due_on": D(2026, 7, 1)}], "requirements[0].target"),
        ([{"kind": "community_service", "target": 10, "due_on": D(2026, 5, 1)}], "requirements[0].due_on"),
        ([{"kind": "no_new_arrest", "target": 3, "due_on": D(2026, 7, 1)}], "requirements[0].target"),
        (
            [{"kind": "classes", "target": 3, "due_on": D(2026, 7, 1), "instalment_minor": 5}],
            "requirements[0].instalment_minor",
        ),
        (
            [
                {"kind": "classes", "target": 3, "due_on": D(2026, 7, 1)},
                {
                    "kind": "restitution",
                    "target": 100,
                    "due_on": D(2026, 7, 1),
                    "instalment_minor": 50,
                    "instalment_every_days": 7,
                    "first_instalment_on": D(2026, 8, 1),
                },
            ],
            "requirements[1].first_instalment_on",
        ),
    ],
)
def test_bad_requirements_name_the_field(cora_actor, person, programme, requirements, field):
    p = assess(cora_actor, refer(cora_actor, person, programme))
    with pytest.raises(RuleViolation) as caught:
        sign(cora_actor, p, requirements)
    assert caught.value.field == field


# --- progress ------------------------------------------------------------------------------------


def test_hours_count_once_verified_by_someone_else(cora_actor, dan_actor, person, programme):
    p = active(cora_actor, person, programme)
    cs = reqs(p)["community_service"]
    entry = progress.log_hours(cora_actor, requirement_id=cs.public_id, worked_on=D(2026, 6, 1), minutes=600)
    item = next(i for i in queries.detail_of(p).requirements if i.requirement.kind == "community_service")
    assert (item.facts.done, item.facts.pending) == (0, 10)
    with pytest.raises(RuleViolation) as caught:
        progress.verify_hours(cora_actor, entry_id=entry.public_id)
    assert caught.value.code == "diversion.self_verification"
    progress.verify_hours(dan_actor, entry_id=entry.public_id)
    item = next(i for i in queries.detail_of(p).requirements if i.requirement.kind == "community_service")
    assert (item.facts.done, item.facts.pending) == (10, 0)
    with pytest.raises(Conflict):
        progress.verify_hours(dan_actor, entry_id=entry.public_id)
    assert "diversion.hours_verified" in actions(p)


def test_hours_refused_before_start_or_in_future_or_not_active(cora_actor, person, programme):
    p = sign(cora_actor, assess(cora_actor, refer(cora_actor, person, programme)))
    cs = reqs(p)["community_service"]
    with pytest.raises(RuleViolation) as caught:
        progress.log_hours(cora_actor, requirement_id=cs.public_id, worked_on=D(2026, 6, 1), minutes=60)
    assert caught.value.field == "state"
    participations.start(cora_actor, participation_id=p.public_id, version=p.version)
    with pytest.raises(RuleViolation) as caught:
        progress.log_hours(cora_actor, requirement_id=cs.public_id, worked_on=D(2026, 6, 2), minutes=60)
    assert caught.value.field == "worked_on"
    with pytest.raises(RuleViolation) as caught:
        progress.log_hours(cora_actor, requirement_id=cs.public_id, worked_on=D(2026, 6, 1), minutes=0)
    assert caught.value.field == "minutes"


def test_payments_and_waiver_on_the_ledger(cora_actor, person, programme):
    p = active(cora_actor, person, programme)
    restitution = reqs(p)["restitution"]
    progress.record_ledger_entry(
        cora_actor,
        participation_id=p.public_id,
        kind="payment",
        amount_minor=2_500,
        requirement_id=restitution.public_id,
    )
    progress.record_ledger_entry(cora_actor, participation_id=p.public_id, kind="payment", amount_minor=1_000)
    with pytest.raises(RuleViolation) as caught:
        progress.record_ledger_entry(cora_actor, participation_id=p.public_id, kind="waiver", amount_minor=100)
    assert caught.value.field == "note"
    progress.record_ledger_entry(
        cora_actor, participation_id=p.public_id, kind="waiver", amount_minor=4_000, note="Lost job: hardship"
    )
    detail = queries.detail_of(p)
    item = next(i for i in detail.requirements if i.requirement.kind == "restitution")
    assert item.balance_minor == 3_500 and item.facts.done == 2_500
    assert detail.fee_balance_minor == 0
    with pytest.raises(RuleViolation) as caught:
        progress.record_ledger_entry(
            cora_actor,
            participation_id=p.public_id,
            kind="payment",
            amount_minor=5,
            requirement_id=reqs(p)["classes"].public_id,
        )
    assert caught.value.field == "requirement_id"
    with pytest.raises(RuleViolation) as caught:
        progress.record_ledger_entry(cora_actor, participation_id=p.public_id, kind="payment", amount_minor=0)
    assert caught.value.field == "amount_minor"


def test_ledger_permission_matrix(cora_actor, alice, vic, person, programme):
    p = active(cora_actor, person, programme)
    with pytest.raises(PermissionDenied):
        progress.record_ledger_entry(actor_of(alice), participation_id=p.public_id, kind="payment", amount_minor=1)
    with pytest.raises(NotFound):
        progress.record_ledger_entry(actor_of(vic), participation_id=p.public_id, kind="payment", amount_minor=1)


def test_missed_class_is_followed_up_at_once(
    cora_actor, person, programme, memory_notifier, django_capture_on_commit_callbacks
):
    p = active(cora_actor, person, programme)
    classes = reqs(p)["classes"]
    with django_capture_on_commit_callbacks(execute=True):
        progress.record_attendance(cora_actor, requirement_id=classes.public_id, on=D(2026, 6, 1), outcome="missed")
    assert [m.kind for m in memory_notifier] == ["diversion.obligation_missed"]
    assert [r.name for r in memory_notifier[0].recipients] == ["cora"]
    assert "OKAFOR" in memory_notifier[0].subject


def test_drug_test_result_rules(cora_actor, person, programme):
    p = active(cora_actor, person, programme, [{"kind": "drug_tests", "target": 2, "due_on": D(2026, 7, 1)}])
    tests_req = reqs(p)["drug_tests"]
    with pytest.raises(RuleViolation) as caught:
        progress.record_attendance(cora_actor, requirement_id=tests_req.public_id, on=D(2026, 6, 1), outcome="attended")
    assert caught.value.field == "test_result"
    progress.record_attendance(
        cora_actor, requirement_id=tests_req.public_id, on=D(2026, 6, 1), outcome="attended", test_result="negative"
    )


# --- outcome -------------------------------------------------------------------------------------


def test_complete_refuses_naming_the_unmet_then_completes(
    cora_actor, dan_actor, person, programme, django_capture_on_commit_callbacks
):
    p = active(
        cora_actor,
        person,
        programme,
        [
            {"kind": "community_service", "target": 2, "due_on": D(2026, 7, 1)},
            {"kind": "classes", "target": 1, "due_on": D(2026, 7, 1), "detail": "Theft awareness"},
        ],
    )
    r = reqs(p)
    with pytest.raises(RuleViolation) as caught:
        participations.complete(cora_actor, participation_id=p.public_id, version=p.version)
    assert caught.value.field == "requirements"
    assert "Community service: 2 hours" in caught.value.detail and "Theft awareness" in caught.value.detail
    entry = progress.log_hours(
        cora_actor, requirement_id=r["community_service"].public_id, worked_on=D(2026, 6, 1), minutes=120
    )
    progress.record_attendance(cora_actor, requirement_id=r["classes"].public_id, on=D(2026, 6, 1), outcome="attended")
    with pytest.raises(RuleViolation) as caught:  # the hours are not verified yet
        participations.complete(cora_actor, participation_id=p.public_id, version=p.version)
    assert "Community service" in caught.value.detail and "Theft" not in caught.value.detail
    progress.verify_hours(dan_actor, entry_id=entry.public_id)
    done = participations.complete(cora_actor, participation_id=p.public_id, version=p.version)
    assert done.state == "completed" and "dismissal" in done.outcome_reason
    assert actions(p)[-1] == "diversion.participation_completed"


def test_terminate_needs_a_reason_and_is_final(cora_actor, person, programme):
    p = active(cora_actor, person, programme)
    with pytest.raises(RuleViolation) as caught:
        participations.terminate(cora_actor, participation_id=p.public_id, version=p.version, reason=" ")
    assert caught.value.field == "reason"
    p = participations.terminate(
        cora_actor, participation_id=p.public_id, version=p.version, reason="New arrest; returned to prosecution"
    )
    assert p.state == "terminated"
    with pytest.raises(RuleViolation) as caught:
        participations.start(cora_actor, participation_id=p.public_id, version=p.version)
    assert caught.value.field == "state"


def test_new_arrest_breaks_the_requirement(cora_actor, person, programme, django_capture_on_commit_callbacks):
    p = active(cora_actor, person, programme)
    with django_capture_on_commit_callbacks(execute=True):
        progress.record_new_arrest(
            cora_actor,
            requirement_id=reqs(p)["no_new_arrest"].public_id,
            arrested_on=D(2026, 5, 30),
            note="Arrested for burglary",
        )
    item = next(i for i in queries.detail_of(p).requirements if i.requirement.kind == "no_new_arrest")
    assert item.status.status == "failed"


# --- notices -------------------------------------------------------------------------------------


def test_daily_job_reminds_once_and_follows_up_missed(
    cora_actor, person, programme, memory_notifier, django_capture_on_commit_callbacks
):
    from oms.core.actor import Actor

    p = active(
        cora_actor,
        person,
        programme,
        [
            {"kind": "classes", "target": 2, "due_on": D(2026, 6, 5)},
            {"kind": "counselling", "target": 2, "due_on": D(2026, 6, 20)},
        ],
    )
    job = Actor.system()
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.send_due_notices(job) == {"reminder": 1, "missed": 0}
    assert [m.kind for m in memory_notifier] == ["diversion.due_reminder"]
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.send_due_notices(job) == {"reminder": 0, "missed": 0}  # once per date
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.send_due_notices(job, today=D(2026, 6, 6)) == {"reminder": 0, "missed": 1}
        assert notices.send_due_notices(job, today=D(2026, 6, 7)) == {"reminder": 0, "missed": 0}
    assert memory_notifier[-1].kind == "diversion.obligation_missed"
    assert NoticeSent.objects.filter(requirement__participation=p).count() == 2
    assert actions(p).count("diversion.notice_sent") == 2


def test_participation_view_is_audited(cora_actor, person, programme):
    p = refer(cora_actor, person, programme)
    queries.get_participation(cora_actor, p.public_id)
    assert actions(p)[-1] == "diversion.participation_viewed"
    assert Participation.objects.count() == 1 and LedgerEntry.objects.count() == 0
