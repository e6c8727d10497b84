"""Changes to the person that change release dates: a merge keeps every calculation and override readable
under the survivor and leaves exactly one latest calculation, recalculated from the combined sentences;
a corrected date of birth recalculates (the under-18 rules)."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.people import services as people_services
from oms.sentencing.models import Calculation, DateOverride, Sentence
from oms.sentencing.services import calculations as services
from oms.sentencing.services import overrides
from oms.sentencing.services.merge import MERGED_OVERRIDE_REASON
from tests.factories import actor_of
from tests.people.conftest import make_person
from tests.sentencing.calculations.conftest import sentenced_person
from tests.sentencing.factories import make_sentence

pytestmark = pytest.mark.django_db


def merge(alice, survivor, duplicate):
    people_services.merge_people(
        actor_of(alice), survivor_id=survivor.public_id, duplicate_id=duplicate.public_id, reason="Same fingerprints"
    )


def test_both_records_calculated_merge_into_one_latest_calculation_over_both_sentences(alice, prison_a):
    survivor = sentenced_person(prison_a, family="Keeper", months=12, in_custody=False)
    duplicate = sentenced_person(prison_a, family="Copy", months=36, in_custody=False)
    for person in (survivor, duplicate):
        services.request_calculation(actor_of(alice), person_id=person.public_id)
    before = Calculation.objects.count()

    merge(alice, survivor, duplicate)

    assert Sentence.objects.filter(person=survivor).count() == 2
    mine = Calculation.objects.filter(person=survivor)
    assert mine.count() == before + 1  # nothing lost, one new calculation from the combined sentences
    latest = mine.get(is_latest=True)
    assert latest.reason == "merged" and len(latest.inputs["sentences"]) == 2
    assert not Calculation.objects.filter(person=duplicate).exists()
    assert AuditEvent.objects.filter(
        action="sentencing.release_dates_moved_on_merge", subject_person_id=survivor.pk
    ).exists()


def test_the_survivors_override_stands_and_the_duplicates_is_withdrawn_not_lost(alice, sam_actor, prison_a):
    survivor = sentenced_person(prison_a, family="Keeper", in_custody=False)
    duplicate = sentenced_person(prison_a, family="Copy", in_custody=False)
    for person, day, other in ((survivor, dt.date(2026, 9, 1), "PED"), (duplicate, dt.date(2026, 8, 1), "SLED")):
        calculation = services.request_calculation(actor_of(alice), person_id=person.public_id)
        date_type = calculation.release_date_type
        overrides.override_date(
            sam_actor, person_id=person.public_id, date_type=date_type, new_date=day, reason="Court"
        )
    duplicate_sled = overrides.override_date(
        sam_actor, person_id=duplicate.public_id, date_type="SLED", new_date=dt.date(2027, 1, 4), reason="Court"
    )

    merge(alice, survivor, duplicate)

    active = DateOverride.objects.filter(person=survivor, status="active")
    assert sorted(active.values_list("date_type", flat=True)) == sorted(["CRD", "SLED"])
    assert active.get(date_type="CRD").overridden_date == dt.date(2026, 9, 1)  # the survivor's stands
    assert active.get(date_type="SLED").pk == duplicate_sled.pk  # nothing to clash with: moved as it was
    withdrawn = DateOverride.objects.get(person=survivor, status="withdrawn")
    assert withdrawn.overridden_date == dt.date(2026, 8, 1) and withdrawn.withdrawn_reason == MERGED_OVERRIDE_REASON


def test_a_duplicate_without_sentences_merges_without_a_calculation(alice, prison_a):
    survivor = sentenced_person(prison_a, family="Keeper", in_custody=False)
    services.request_calculation(actor_of(alice), person_id=survivor.public_id)
    duplicate = make_person(prison_a, family="Copy")

    merge(alice, survivor, duplicate)

    assert Calculation.objects.filter(person=survivor, is_latest=True).count() == 1


def test_a_corrected_date_of_birth_recalculates_under_the_rules_for_the_new_age(alice, prison_a):
    # 8 months from 27 October 2022: released 25 February 2023 at 18 (CRD and top-up supervision), or at 17
    # (automatic release, no top-up supervision) once the date of birth is corrected.
    person = make_person(prison_a, family="Young", dob=dt.date(2004, 4, 1))
    make_sentence(person, sentenced_on=dt.date(2022, 10, 27), offence_committed_on=dt.date(2022, 6, 21), months=8)
    first = services.request_calculation(actor_of(alice), person_id=person.public_id)
    assert first.release_date_type == "CRD"

    people_services.update_person(
        actor_of(alice), person_id=person.public_id, version=person.version, date_of_birth=dt.date(2005, 4, 1)
    )

    latest = Calculation.objects.get(person=person, is_latest=True)
    assert latest.reason == "birth_date" and latest.release_date_type == "ARD"
    assert {"type": "TUSED", "before": first.result["dates"]["TUSED"]["date"], "after": None} in latest.changes


def test_other_identity_changes_do_not_recalculate(alice, prison_a):
    person = sentenced_person(prison_a, family="Steady", in_custody=False)
    services.request_calculation(actor_of(alice), person_id=person.public_id)
    person.refresh_from_db()
    people_services.update_person(actor_of(alice), person_id=person.public_id, version=person.version, given_name="Al")
    assert Calculation.objects.filter(person=person).count() == 1
