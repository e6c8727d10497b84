"""Adjudication services: charges, hearings, punishments, suspension, appeals, additional days."""

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.incidents.models import DisciplinaryCharge, OffenceParagraph, Punishment
from oms.incidents.queries import adjudications as queries
from oms.incidents.services import adjudications as services
from oms.sentencing.models import Adjustment, Calculation
from tests.factories import actor_of, make_user
from tests.incidents.factories import make_incident, make_paragraph
from tests.sentencing.factories import make_sentence

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def lay(actor, person, **fields):
    values = {
        "person_id": person.public_id,
        "paragraph": "1",
        "offence_at": NOW - dt.timedelta(hours=2),
        "particulars": "Punched another prisoner on the landing.",
        **fields,
    }
    return services.lay_charge(actor, **values)


def scheduled(sam_actor, charge, **fields):
    values = {"charge_id": charge.public_id, "scheduled_for": NOW + dt.timedelta(hours=24), **fields}
    return services.schedule_hearing(sam_actor, **values)


def hold(sam_actor, hearing, **fields):
    values = {"hearing_id": hearing.public_id, "plea": "not_guilty", "outcome": "proved", **fields}
    return services.hold_hearing(sam_actor, **values)


def test_laying_a_charge_computes_the_deadline_and_audits(olly_actor, person, held, paragraph, prison_a):
    charge = lay(olly_actor, person)
    assert charge.reference == f"ADJ-{prison_a.code}-000001"
    assert charge.first_hearing_due_by == dt.datetime(2026, 6, 3, 9, 0, tzinfo=dt.UTC)
    assert charge.status == "awaiting_hearing" and charge.paragraph == paragraph
    assert lay(olly_actor, person).reference.endswith("000002")
    assert AuditEvent.objects.filter(action="incidents.charge_laid").count() == 2


def test_a_charge_uses_the_paragraph_version_in_force(olly_actor, person, held, paragraph):
    newer = make_paragraph("1", version=2, title="Commits any assault (revised)", effective_from=dt.date(2026, 5, 1))
    assert lay(olly_actor, person).paragraph == newer
    old = lay(
        olly_actor,
        person,
        offence_at=dt.datetime(2026, 4, 30, 12, 0, tzinfo=dt.UTC),
        discovered_at=NOW - dt.timedelta(hours=1),  # found in a cell search this morning
    )
    assert old.paragraph == paragraph


def test_a_charge_more_than_48_hours_after_discovery_needs_exceptional_circumstances(
    olly_actor, person, held, paragraph
):
    two_days_ago = NOW - dt.timedelta(hours=48)
    assert lay(olly_actor, person, offence_at=two_days_ago).late_reason == ""  # exactly 48 hours is in time
    with pytest.raises(RuleViolation) as late:
        lay(olly_actor, person, offence_at=two_days_ago - dt.timedelta(minutes=1))
    assert (late.value.field, late.value.code) == ("late_reason", "incidents.charge_late")
    charge = lay(
        olly_actor,
        person,
        offence_at=NOW - dt.timedelta(days=4),
        late_reason="The reporting officer was injured and off duty until today",
    )
    assert charge.late_reason.startswith("The reporting officer") and charge.discovered_at == charge.offence_at
    event = AuditEvent.objects.filter(action="incidents.charge_laid").last()
    assert event.details["late"] is True and event.reason.startswith("The reporting officer")
    discovered = lay(
        olly_actor, person, offence_at=NOW - dt.timedelta(days=4), discovered_at=NOW - dt.timedelta(hours=3)
    )
    assert discovered.late_reason == "" and discovered.discovered_at == NOW - dt.timedelta(hours=3)
    for fields, code in (
        ({"discovered_at": NOW - dt.timedelta(hours=5)}, "incidents.discovered_before_offence"),
        ({"discovered_at": NOW + dt.timedelta(hours=5)}, "incidents.discovered_in_future"),
    ):
        with pytest.raises(RuleViolation) as bad:
            lay(olly_actor, person, **fields)
        assert (bad.value.field, bad.value.code) == ("discovered_at", code)


def test_a_charge_from_an_incident_at_the_facility(olly_actor, olly, otto, person, held, paragraph, prison_a, prison_b):
    incident = make_incident(prison_a, olly)
    assert lay(olly_actor, person, incident_id=incident.public_id).incident == incident
    elsewhere = make_incident(prison_b, otto, incident_type=incident.incident_type, number=2)
    with pytest.raises(NotFound) as missing:
        lay(olly_actor, person, incident_id=elsewhere.public_id)
    assert missing.value.field == "incident"


def test_laying_a_charge_permissions_and_scope(olly_actor, alice_actor, otto_actor, sam_actor, person, held, paragraph):
    with pytest.raises(PermissionDenied):
        lay(alice_actor, person)
    with pytest.raises(NotFound):
        lay(otto_actor, person)
    assert lay(sam_actor, person)  # supervisors hold incidents.charge too


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"particulars": "  "}, "particulars", "incidents.required"),
        ({"paragraph": "99"}, "paragraph", "incidents.paragraph_unknown"),
        ({"offence_at": NOW + dt.timedelta(days=1)}, "offence_at", "incidents.offence_in_future"),
        ({"offence_at": dt.datetime(2026, 6, 1, 9, 0)}, "offence_at", "incidents.datetime_required"),
        ({"offence_at": "yesterday"}, "offence_at", "incidents.datetime_required"),
    ],
)
def test_bad_charges_name_the_field(olly_actor, person, held, paragraph, fields, field, code):
    with pytest.raises(RuleViolation) as bad:
        lay(olly_actor, person, **fields)
    assert (bad.value.field, bad.value.code) == (field, code)
    assert not DisciplinaryCharge.objects.exists()


def test_a_person_not_in_custody_cannot_be_charged(olly_actor, person, paragraph):
    with pytest.raises(Conflict) as refused:
        lay(olly_actor, person)
    assert refused.value.code == "incidents.person_not_in_custody"


def test_scheduling_before_the_deadline_or_with_a_reason(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    with pytest.raises(PermissionDenied):
        scheduled(olly_actor, charge)
    with pytest.raises(RuleViolation) as late:
        scheduled(sam_actor, charge, scheduled_for=NOW + dt.timedelta(hours=72))
    assert late.value.field == "late_reason"
    hearing = scheduled(
        sam_actor, charge, scheduled_for=NOW + dt.timedelta(hours=72), late_reason="Prisoner in hospital"
    )
    assert "hospital" in hearing.notes
    charge.refresh_from_db()
    assert charge.status == "scheduled"
    with pytest.raises(Conflict):
        scheduled(sam_actor, charge)


def test_other_facility_adjudicator_gets_not_found(olly_actor, person, held, paragraph, prison_b):
    charge = lay(olly_actor, person)
    other = actor_of(make_user("sid", roles=("supervisor",), sites=(prison_b,)))
    with pytest.raises(NotFound):
        scheduled(other, charge)


def test_adjourn_then_prove_then_no_more_hearings(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    hearing = scheduled(sam_actor, charge)
    with pytest.raises(RuleViolation) as no_reason:
        hold(sam_actor, hearing, outcome="adjourned")
    assert no_reason.value.field == "adjournment_reason"
    hold(
        sam_actor,
        hearing,
        outcome="adjourned",
        plea="not_asked",
        adjournment_reason="Witness on leave",
        next_hearing_at=NOW + dt.timedelta(days=3),
    )
    charge.refresh_from_db()
    assert charge.status == "scheduled" and charge.hearings.count() == 2
    with pytest.raises(Conflict):
        hold(sam_actor, hearing)
    second = charge.hearings.get(held_at__isnull=True)
    hold(sam_actor, second, punishments=[{"kind": "loss_of_privileges", "days": 14, "privilege": "TV"}])
    charge.refresh_from_db()
    assert charge.status == "proved"
    punishment = charge.punishments.get()
    assert (punishment.starts_on, punishment.ends_on) == (dt.date(2026, 6, 1), dt.date(2026, 6, 14))
    with pytest.raises(Conflict) as refused:
        scheduled(sam_actor, charge)
    assert refused.value.code == "incidents.charge_transition_refused"


def test_punishments_only_on_a_proved_charge_and_within_limits(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    hearing = scheduled(sam_actor, charge)
    with pytest.raises(RuleViolation) as not_proved:
        hold(sam_actor, hearing, outcome="dismissed", punishments=[{"kind": "caution"}])
    assert not_proved.value.field == "punishments"
    with pytest.raises(RuleViolation) as too_many:
        hold(
            sam_actor,
            hearing,
            punishments=[
                {"kind": "loss_of_privileges", "days": 7, "privilege": "Gym"},
                {"kind": "confinement_to_cell", "days": 22},
            ],
        )
    assert too_many.value.field == "punishments.1.days"
    with pytest.raises(RuleViolation) as governor:
        hold(sam_actor, hearing, punishments=[{"kind": "additional_days", "days": 5}])
    assert governor.value.code == "incidents.punishment_not_allowed"
    # Nothing was kept from the refused attempts.
    charge.refresh_from_db()
    assert charge.status == "scheduled" and not Punishment.objects.exists()


def test_suspension_activation_and_expiry(olly_actor, sam_actor, person, held, paragraph):
    first = lay(olly_actor, person)
    hold(
        sam_actor,
        scheduled(sam_actor, first),
        punishments=[
            {"kind": "loss_of_privileges", "days": 14, "suspended_until": dt.date(2026, 9, 1)},
            {"kind": "confinement_to_cell", "days": 3, "suspended_until": dt.date(2026, 7, 1)},
        ],
    )
    lop, cc = first.punishments.order_by("id")
    assert lop.status == "suspended" and lop.starts_on is None
    with clock.freeze(dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)):
        from oms.incidents import tasks

        assert tasks.expire_suspended_punishments.call() == 1  # the daily job (settings.SCHEDULE)
        assert tasks.expire_suspended_punishments.call() == 0
        second = lay(olly_actor, person, offence_at=dt.datetime(2026, 7, 9, 9, 0, tzinfo=dt.UTC))
        hearing = scheduled(sam_actor, second, scheduled_for=dt.datetime(2026, 7, 10, 14, 0, tzinfo=dt.UTC))
        with pytest.raises(Conflict):
            hold(sam_actor, hearing, activate_punishment_ids=[cc.public_id])
        hold(sam_actor, hearing, activate_punishment_ids=[lop.public_id])
    lop.refresh_from_db()
    cc.refresh_from_db()
    assert cc.status == "expired"
    assert (lop.status, lop.activated_on, lop.ends_on) == ("activated", dt.date(2026, 7, 10), dt.date(2026, 7, 23))


def test_activation_outside_a_hearing_needs_a_proved_later_charge(olly_actor, sam_actor, person, held, paragraph):
    first = lay(olly_actor, person)
    hold(
        sam_actor,
        scheduled(sam_actor, first),
        punishments=[{"kind": "loss_of_privileges", "days": 7, "suspended_until": dt.date(2026, 8, 1)}],
    )
    suspended = first.punishments.get()
    second = lay(olly_actor, person)
    with pytest.raises(Conflict):
        services.activate_punishment(sam_actor, punishment_id=suspended.public_id, charge_id=second.public_id)
    hold(sam_actor, scheduled(sam_actor, second))
    with pytest.raises(RuleViolation):
        services.activate_punishment(sam_actor, punishment_id=suspended.public_id, charge_id=first.public_id)
    with pytest.raises(PermissionDenied):
        services.activate_punishment(olly_actor, punishment_id=suspended.public_id, charge_id=second.public_id)
    activated = services.activate_punishment(sam_actor, punishment_id=suspended.public_id, charge_id=second.public_id)
    assert activated.status == "activated"
    assert AuditEvent.objects.filter(action="incidents.punishment_activated").count() == 1


def release_date(person):
    calculation = Calculation.objects.get(person=person, is_latest=True)
    release_type = calculation.release_date_type
    return dt.date.fromisoformat(calculation.result["dates"][release_type]["date"]), calculation


def test_additional_days_move_the_release_date_and_a_quash_moves_it_back(
    olly_actor, sam_actor, person, held, paragraph
):
    make_sentence(person, years=2)
    hearing = scheduled(sam_actor, lay(olly_actor, person), adjudicator_kind="independent")
    hold(sam_actor, hearing, punishments=[{"kind": "additional_days", "days": 14}])
    punishment = Punishment.objects.get()
    adjustment = Adjustment.objects.get(public_id=punishment.adjustment_public_id)
    assert (adjustment.kind, adjustment.days, adjustment.status) == ("additional_days", 14, "active")
    with_days, calculation = release_date(person)
    assert calculation.reason == "additional_days"
    assert "14 additional days awarded" in str(calculation.result)  # the explanation shows them
    services.quash_finding(
        actor_of(make_user("dee", roles=("supervisor",), sites=(held.site,))),
        charge_id=hearing.charge.public_id,
        grounds="Evidence not disclosed",
        reasons="Procedurally unfair",
    )
    without_days, _ = release_date(person)
    assert with_days - without_days == dt.timedelta(days=14)
    punishment.refresh_from_db()
    assert punishment.status == "quashed" and punishment.adjustment_public_id is None
    assert Adjustment.objects.get(pk=adjustment.pk).status == "withdrawn"
    assert DisciplinaryCharge.objects.get().status == "quashed"


def test_reducing_additional_days_re_records_them(olly_actor, sam_actor, person, held, paragraph):
    make_sentence(person, years=2)
    hearing = scheduled(sam_actor, lay(olly_actor, person), adjudicator_kind="independent")
    hold(sam_actor, hearing, punishments=[{"kind": "additional_days", "days": 21}])
    before, _ = release_date(person)
    punishment = Punishment.objects.get()
    with pytest.raises(RuleViolation):
        services.reduce_punishment(sam_actor, punishment_id=punishment.public_id, days=21, reasons="No change")
    with pytest.raises(PermissionDenied):
        services.reduce_punishment(olly_actor, punishment_id=punishment.public_id, days=7, reasons="Too harsh")
    reduced = services.reduce_punishment(sam_actor, punishment_id=punishment.public_id, days=7, reasons="Too harsh")
    after, _ = release_date(person)
    assert before - after == dt.timedelta(days=14)  # whole weeks: no working-day move
    assert reduced.days == 7 and reduced.status == "reduced"
    assert Adjustment.objects.filter(status="active").get().days == 7


def test_suspended_additional_days_do_not_touch_the_sentence(olly_actor, sam_actor, person, held, paragraph):
    make_sentence(person, years=2)
    hearing = scheduled(sam_actor, lay(olly_actor, person), adjudicator_kind="independent")
    hold(
        sam_actor,
        hearing,
        punishments=[{"kind": "additional_days", "days": 7, "suspended_until": dt.date(2026, 10, 1)}],
    )
    assert not Adjustment.objects.exists()


def test_quash_needs_a_proved_charge_and_the_permission(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    with pytest.raises(PermissionDenied):
        services.quash_finding(olly_actor, charge_id=charge.public_id, grounds="g", reasons="r")
    with pytest.raises(Conflict):
        services.quash_finding(sam_actor, charge_id=charge.public_id, grounds="g", reasons="r")
    with pytest.raises(RuleViolation) as blank:
        services.quash_finding(sam_actor, charge_id=charge.public_id, grounds="", reasons="r")
    assert blank.value.field == "grounds"


def test_adjudicators_lists(olly_actor, sam_actor, otto_actor, person, other_person, held, paragraph, prison_a):
    from tests.custody.factories import make_episode

    make_episode(other_person, prison_a)
    soon = lay(olly_actor, person)
    with clock.freeze(NOW + dt.timedelta(hours=1)):
        later = lay(olly_actor, other_person)
    assert queries.hearings_due(sam_actor) == [soon, later]
    assert queries.hearings_due(otto_actor) == []
    with clock.freeze(NOW + dt.timedelta(hours=49)):
        assert queries.deadlines_missed(sam_actor) == [soon]
    hold(sam_actor, scheduled(sam_actor, soon), punishments=[{"kind": "confinement_to_cell", "days": 3}])
    assert queries.hearings_due(sam_actor) == [later]
    ending = queries.punishments_ending(sam_actor, within_days=7)
    assert [(e.punishment.kind, e.days_left) for e in ending] == [("confinement_to_cell", 2)]
    assert queries.punishments_ending(otto_actor) == []


def test_importing_paragraphs_adds_versions_only_when_changed(sam, db):
    from oms.core.actor import Actor

    system = Actor.system(channel="cli")
    rows = [
        {"code": "1", "title": "Commits any assault"},
        {"code": "2", "title": "Commits any racially aggravated assault"},
    ]
    assert len(services.import_offence_paragraphs(system, rows)) == 2
    assert services.import_offence_paragraphs(system, rows) == []
    rows[0]["title"] = "Commits any assault (new wording)"
    (added,) = services.import_offence_paragraphs(system, rows)
    assert (added.code, added.version) == ("1", 2)
    assert OffenceParagraph.objects.count() == 3
    with pytest.raises(PermissionDenied):
        services.import_offence_paragraphs(actor_of(sam), rows)


def test_the_shipped_paragraphs_load_once(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_offence_paragraphs", stdout=out)
    assert "29 added" in out.getvalue()
    call_command("import_offence_paragraphs", stdout=out)
    assert out.getvalue().endswith("0 added\n")
    assert OffenceParagraph.objects.get(code="1A").title == "Commits any racially aggravated assault"
    assert [p.code for p in queries.current_paragraphs()][:3] == ["1", "1A", "2"]


def test_the_expiry_command(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("expire_suspended_punishments", stdout=out)
    assert "0 suspended" in out.getvalue()


def test_a_first_hearing_held_late_stays_on_the_missed_list(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    hearing = scheduled(sam_actor, charge, scheduled_for=NOW + dt.timedelta(days=3), late_reason="Lockdown")
    with clock.freeze(NOW + dt.timedelta(days=3)):
        hold(sam_actor, hearing, outcome="dismissed")
        assert queries.deadlines_missed(sam_actor) == [charge]
        assert queries.hearings_due(sam_actor) == []


def test_restored_days_bring_the_release_date_back_and_a_quash_withdraws_them(
    olly_actor, sam_actor, person, held, paragraph
):
    make_sentence(person, years=2)
    hearing = scheduled(sam_actor, lay(olly_actor, person), adjudicator_kind="independent")
    hold(sam_actor, hearing, punishments=[{"kind": "additional_days", "days": 28}])
    with_days, _ = release_date(person)
    punishment = Punishment.objects.get()
    with pytest.raises(PermissionDenied):
        services.restore_days(olly_actor, punishment_id=punishment.public_id, days=7, reasons="Good behaviour")
    with pytest.raises(RuleViolation) as empty:
        services.restore_days(sam_actor, punishment_id=punishment.public_id, days=7, reasons=" ")
    assert empty.value.field == "reasons"
    first = services.restore_days(
        sam_actor, punishment_id=punishment.public_id, days=14, reasons="Six months without a proven charge"
    )
    restored, calculation = release_date(person)
    assert with_days - restored == dt.timedelta(days=14)
    assert "plus 14 net additional days awarded" in str(calculation.result)  # 28 awarded less 14 restored
    assert Adjustment.objects.get(public_id=first.adjustment_public_id).kind == "restored_days"
    with pytest.raises(RuleViolation) as too_many:
        services.restore_days(sam_actor, punishment_id=punishment.public_id, days=15, reasons="More")
    assert too_many.value.code == "incidents.restoration_too_many"
    services.restore_days(sam_actor, punishment_id=punishment.public_id, days=14, reasons="The rest")
    all_restored, _ = release_date(person)
    assert with_days - all_restored == dt.timedelta(days=28)
    with pytest.raises(RuleViolation) as below:
        services.reduce_punishment(sam_actor, punishment_id=punishment.public_id, days=7, reasons="Too harsh")
    assert below.value.code == "incidents.reduction_below_restored"
    assert AuditEvent.objects.filter(action="incidents.days_restored").count() == 2
    services.quash_finding(sam_actor, charge_id=hearing.charge.public_id, grounds="Unfair", reasons="Unfair")
    quashed, _ = release_date(person)
    assert quashed == all_restored  # the award and its restorations are all withdrawn: net zero either way
    assert not Adjustment.objects.filter(status="active").exists()
    assert list(punishment.restorations.values_list("withdrawn_on", flat=True)) == [clock.today()] * 2


def test_only_additional_days_in_force_can_be_restored(olly_actor, sam_actor, person, held, paragraph):
    make_sentence(person, years=2)
    hearing = scheduled(sam_actor, lay(olly_actor, person), adjudicator_kind="independent")
    hold(
        sam_actor,
        hearing,
        punishments=[
            {"kind": "loss_of_privileges", "days": 14, "privilege": "TV"},
            {"kind": "additional_days", "days": 10, "suspended_until": clock.today() + dt.timedelta(days=60)},
        ],
    )
    for punishment in Punishment.objects.all():
        with pytest.raises(Conflict) as refused:
            services.restore_days(sam_actor, punishment_id=punishment.public_id, days=1, reasons="x")
        assert refused.value.code == "incidents.not_restorable"


def test_an_appeal_is_lodged_then_decided(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    with pytest.raises(Conflict) as unproved:
        services.lodge_appeal(olly_actor, charge_id=charge.public_id, grounds="Not me")
    assert unproved.value.code == "incidents.not_appealable"
    hold(sam_actor, scheduled(sam_actor, charge), punishments=[{"kind": "confinement_to_cell", "days": 3}])
    with pytest.raises(RuleViolation):
        services.lodge_appeal(olly_actor, charge_id=charge.public_id, grounds=" ")
    with pytest.raises(RuleViolation) as future:
        services.lodge_appeal(
            olly_actor, charge_id=charge.public_id, grounds="x", lodged_on=clock.today() + dt.timedelta(days=1)
        )
    assert future.value.field == "lodged_on"
    lodged = services.lodge_appeal(olly_actor, charge_id=charge.public_id, grounds="The witness was not called")
    assert lodged.outcome == "pending" and lodged.decided_on is None
    assert [a.pk for a in queries.appeals_pending(sam_actor)] == [lodged.pk]
    with pytest.raises(Conflict) as twice:
        services.lodge_appeal(olly_actor, charge_id=charge.public_id, grounds="Again")
    assert twice.value.code == "incidents.appeal_pending"
    with pytest.raises(PermissionDenied):
        services.uphold_finding(olly_actor, charge_id=charge.public_id, reasons="Stands")
    upheld = services.uphold_finding(sam_actor, charge_id=charge.public_id, reasons="The evidence was sufficient")
    assert upheld.pk == lodged.pk and upheld.outcome == "upheld" and upheld.decided_on == clock.today()
    assert queries.appeals_pending(sam_actor) == []
    with pytest.raises(Conflict) as none_left:
        services.uphold_finding(sam_actor, charge_id=charge.public_id, reasons="Again")
    assert none_left.value.code == "incidents.no_appeal"
    # A second appeal, quashed: the lodged appeal is the one decided, with its grounds kept.
    second = services.lodge_appeal(olly_actor, charge_id=charge.public_id, grounds="New evidence")
    services.quash_finding(sam_actor, charge_id=charge.public_id, grounds="", reasons="The new evidence is credible")
    second.refresh_from_db()
    assert (second.outcome, second.grounds) == ("quashed", "New evidence")
    assert DisciplinaryCharge.objects.get().appeals.count() == 2
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"incidents.appeal_lodged", "incidents.appeal_dismissed", "incidents.finding_quashed"} <= actions


def test_quash_without_a_lodged_appeal_needs_grounds(olly_actor, sam_actor, person, held, paragraph):
    charge = lay(olly_actor, person)
    hold(sam_actor, scheduled(sam_actor, charge))
    with pytest.raises(RuleViolation) as missing:
        services.quash_finding(sam_actor, charge_id=charge.public_id, grounds="", reasons="r")
    assert missing.value.field == "grounds"


def test_additional_days_for_charges_from_one_incident_total_at_most_42(
    olly, olly_actor, sam_actor, person, held, paragraph, prison_a
):
    make_sentence(person, years=3)
    incident = make_incident(prison_a, olly)
    first = lay(olly_actor, person, incident_id=incident.public_id)
    hold(
        sam_actor,
        scheduled(sam_actor, first, adjudicator_kind="independent"),
        punishments=[{"kind": "additional_days", "days": 30}],
    )
    second = lay(olly_actor, person, incident_id=incident.public_id)
    hearing = scheduled(sam_actor, second, adjudicator_kind="independent")
    with pytest.raises(RuleViolation) as over:
        hold(sam_actor, hearing, punishments=[{"kind": "additional_days", "days": 13}])
    assert (over.value.code, over.value.field) == ("incidents.incident_additional_days_too_many", "punishments.0.days")
    hold(sam_actor, hearing, punishments=[{"kind": "additional_days", "days": 12}])
    # a charge from another incident has its own 42
    other = lay(olly_actor, person)
    hold(
        sam_actor,
        scheduled(sam_actor, other, adjudicator_kind="independent"),
        punishments=[{"kind": "additional_days", "days": 42}],
    )


def test_a_caution_cannot_be_combined(olly_actor, sam_actor, person, held, paragraph):
    hearing = scheduled(sam_actor, lay(olly_actor, person))
    with pytest.raises(RuleViolation) as combined:
        hold(sam_actor, hearing, punishments=[{"kind": "caution"}, {"kind": "loss_of_privileges", "days": 7}])
    assert combined.value.code == "incidents.caution_combined"
