"""Sentences and adjustments through their services: each change recalculates in the same transaction
(with the reason the brief names), our own checks name the field at fault before the engine is asked,
and a refused change leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.sentencing.models import Adjustment, Calculation, Sentence
from oms.sentencing.services import sentences as services
from tests.people.conftest import make_person
from tests.sentencing.factories import make_court_case, make_sentence

pytestmark = pytest.mark.django_db


def record(actor, court_case, **fields):
    values = {
        "kind": "determinate",
        "sentenced_on": dt.date(2026, 1, 12),
        "offence_committed_on": dt.date(2025, 10, 1),
        "years": 2,
    }
    return services.record_sentence(actor, court_case_id=court_case.public_id, **{**values, **fields})


def latest(person):
    return Calculation.objects.get(person=person, is_latest=True)


def test_recording_a_sentence_calculates_and_audits(alice_actor, person, court_case):
    sentence = record(alice_actor, court_case)
    assert sentence.line_number == 1 and sentence.status == "active"
    calculation = latest(person)
    assert calculation.reason == "new_sentence" and calculation.release_date is not None
    [event] = AuditEvent.objects.filter(action="sentencing.sentence_recorded")
    assert event.subject_person_id == person.pk and event.details["length"] == "2 years"
    assert AuditEvent.objects.filter(action="sentencing.release_dates_calculated").count() == 1


def test_permission_and_scope(charlie_actor, bob_actor, court_case):
    with pytest.raises(PermissionDenied):
        record(charlie_actor, court_case)
    with pytest.raises(NotFound):
        record(bob_actor, court_case)
    assert not Sentence.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"years": 0}, "years", "sentencing.zero_length"),
        ({"months": -1}, "months", "sentencing.negative_length"),
        ({"offence_committed_on": dt.date(2026, 2, 1)}, "offence_committed_on", "sentencing.offence_after_sentence"),
        ({"sentenced_on": dt.date(2027, 1, 1)}, "sentenced_on", "sentencing.sentence_in_future"),
        ({"kind": "flogging"}, "kind", "sentencing.bad_choice"),
    ],
)
def test_bad_sentences_are_refused_by_field(alice_actor, court_case, fields, field, code):
    with pytest.raises(RuleViolation) as refused:
        record(alice_actor, court_case, **fields)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Sentence.objects.exists()


def test_consecutive_only_to_an_earlier_sentence_of_the_same_person(alice_actor, person, court_case, prison_a):
    first = record(alice_actor, court_case)
    later = record(alice_actor, court_case, sentenced_on=dt.date(2026, 2, 1))
    with pytest.raises(RuleViolation) as refused:
        record(alice_actor, court_case, sentenced_on=dt.date(2026, 1, 20), consecutive_to_id=later.public_id)
    assert refused.value.code == "sentencing.consecutive_to_later" and refused.value.field == "consecutive_to"
    someone_else = make_person(prison_a, family="Other", given="Person")
    theirs = make_sentence(someone_else, years=1)
    with pytest.raises(RuleViolation) as other:
        record(alice_actor, court_case, consecutive_to_id=theirs.public_id)
    assert other.value.code == "sentencing.consecutive_missing"
    follower = record(alice_actor, court_case, sentenced_on=dt.date(2026, 2, 1), consecutive_to_id=first.public_id)
    assert follower.consecutive_to == first and follower.line_number == 3


def test_changes_cannot_make_a_cycle_or_use_a_stale_version(alice_actor, person, court_case):
    first = record(alice_actor, court_case)
    second = record(alice_actor, court_case, consecutive_to_id=first.public_id)
    with pytest.raises(RuleViolation) as refused:
        services.change_sentence(
            alice_actor, sentence_id=first.public_id, version=1, changes={"consecutive_to": second.public_id}
        )
    assert refused.value.code == "sentencing.consecutive_cycle"
    changed = services.change_sentence(alice_actor, sentence_id=first.public_id, version=1, changes={"years": 3})
    assert changed.version == 2 and latest(person).reason == "sentence_changed"
    with pytest.raises(Conflict):
        services.change_sentence(alice_actor, sentence_id=first.public_id, version=1, changes={"years": 4})
    with pytest.raises(RuleViolation) as moved:
        services.change_sentence(
            alice_actor, sentence_id=first.public_id, version=2, changes={"sentenced_on": dt.date(2026, 3, 1)}
        )
    assert moved.value.field == "sentenced_on"
    assert Sentence.objects.get(pk=first.pk).years == 3


def test_quash_waits_until_nothing_follows(alice_actor, person, court_case):
    first = record(alice_actor, court_case)
    second = record(alice_actor, court_case, consecutive_to_id=first.public_id)
    with pytest.raises(Conflict) as refused:
        services.quash_sentence(alice_actor, sentence_id=first.public_id, version=1, status="quashed", reason="Appeal")
    assert refused.value.code == "sentencing.sentence_followed"
    services.change_sentence(alice_actor, sentence_id=second.public_id, version=1, changes={"consecutive_to": None})
    quashed = services.quash_sentence(
        alice_actor, sentence_id=first.public_id, version=1, status="quashed", reason="Court of Appeal"
    )
    assert quashed.status == "quashed" and quashed.status_reason == "Court of Appeal"
    assert [c["consecutive_to"] for c in latest(person).inputs["sentences"]] == [None]
    with pytest.raises(RuleViolation) as linked:
        services.change_sentence(
            alice_actor, sentence_id=second.public_id, version=2, changes={"consecutive_to": first.public_id}
        )
    assert linked.value.code == "sentencing.consecutive_inactive"
    with pytest.raises(Conflict):
        services.change_sentence(alice_actor, sentence_id=first.public_id, version=2, changes={"years": 1})
    assert AuditEvent.objects.filter(action="sentencing.sentence_quashed").count() == 1


def test_linked_charges_must_be_on_the_same_case(alice_actor, person, court_case, theft):
    from oms.sentencing.services.records import add_charge

    charge = add_charge(
        alice_actor, court_case_id=court_case.public_id, offence_code=theft.code, committed_from=dt.date(2025, 9, 1)
    )
    other_case = make_court_case(person)
    elsewhere = add_charge(
        alice_actor, court_case_id=other_case.public_id, offence_code=theft.code, committed_from=dt.date(2025, 9, 1)
    )
    with pytest.raises(RuleViolation) as refused:
        record(alice_actor, court_case, charge_ids=[charge.public_id, elsewhere.public_id])
    assert refused.value.field == "charges"
    sentence = record(alice_actor, court_case, charge_ids=[charge.public_id])
    assert list(sentence.charges.all()) == [charge]


def test_adjustment_days_from_dates_and_the_reason_given(alice_actor, person, court_case):
    sentence = record(alice_actor, court_case)
    remand = services.record_adjustment(
        alice_actor,
        person_id=person.public_id,
        kind="remand",
        from_date=dt.date(2025, 11, 1),
        to_date=dt.date(2025, 11, 10),
        sentence_id=sentence.public_id,
        source="Court record",
    )
    assert remand.days == 10 and latest(person).reason == "adjustment"
    with pytest.raises(RuleViolation) as mismatch:
        services.record_adjustment(
            alice_actor,
            person_id=person.public_id,
            kind="remand",
            days=9,
            from_date=dt.date(2025, 11, 1),
            to_date=dt.date(2025, 11, 10),
        )
    assert mismatch.value.code == "sentencing.days_mismatch" and "10 days" in mismatch.value.detail
    added = services.record_adjustment(alice_actor, person_id=person.public_id, kind="additional_days", days=14)
    assert latest(person).reason == "additional_days"
    services.withdraw_adjustment(alice_actor, adjustment_id=added.public_id, reason="Quashed on review")
    assert latest(person).reason == "additional_days"
    assert Adjustment.objects.get(pk=added.pk).status == "withdrawn"
    with pytest.raises(Conflict):
        services.withdraw_adjustment(alice_actor, adjustment_id=added.public_id, reason="again")
    actions = list(
        AuditEvent.objects.filter(action__startswith="sentencing.adjustment_").values_list("action", flat=True)
    )
    assert actions == ["sentencing.adjustment_recorded"] * 2 + ["sentencing.adjustment_withdrawn"]


def test_adjustments_need_their_own_permission(charlie_actor, bob_actor, person):
    with pytest.raises(PermissionDenied):
        services.record_adjustment(charlie_actor, person_id=person.public_id, kind="remand", days=3)
    with pytest.raises(NotFound):
        services.record_adjustment(bob_actor, person_id=person.public_id, kind="remand", days=3)


def test_an_input_the_engine_refuses_refuses_the_change(alice_actor, person, court_case):
    record(alice_actor, court_case)
    # Unlawfully at large before any sentence exists is a request the engine cannot place; whatever
    # it says, nothing of the refused change may stay.
    before = Adjustment.objects.count()
    try:
        services.record_adjustment(alice_actor, person_id=person.public_id, kind="remand", days=36_000)
    except RuleViolation as refused:
        assert refused.detail
        assert Adjustment.objects.count() == before


def test_malformed_or_foreign_ids_in_a_request_name_their_field(alice_actor, person, court_case, prison_a):
    with pytest.raises(RuleViolation) as link:
        record(alice_actor, court_case, consecutive_to_id="not-an-id")
    assert link.value.field == "consecutive_to"
    with pytest.raises(RuleViolation) as charges:
        record(alice_actor, court_case, charge_ids=["not-an-id"])
    assert charges.value.field == "charges"
    theirs = make_sentence(make_person(prison_a, family="Else", given="Someone"), years=1)
    with pytest.raises(RuleViolation) as adjustment:
        services.record_adjustment(
            alice_actor, person_id=person.public_id, kind="remand", days=3, sentence_id=theirs.public_id
        )
    assert adjustment.value.field == "sentence" and adjustment.value.code == "sentencing.sentence_missing"
