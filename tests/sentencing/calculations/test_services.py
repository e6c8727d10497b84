"""Stored calculations, manual requests and overrides through their services: what is stored, who may
do it (403 wrong role, 404 other facility), and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.sentencing.models import Calculation, DateOverride
from oms.sentencing.queries import calculations as queries
from oms.sentencing.services import calculations as services
from oms.sentencing.services import overrides
from tests.factories import actor_of
from tests.sentencing.calculations.conftest import sentenced_person
from tests.sentencing.factories import make_adjustment

pytestmark = pytest.mark.django_db


def test_a_manual_request_stores_inputs_profile_dates_explanation_and_who(alice_actor, alice, turner):
    calculation = services.request_calculation(alice_actor, person_id=turner.public_id, detail="Checking after appeal")

    assert calculation.is_latest and calculation.reason == "manual"
    assert calculation.reason_detail == "Checking after appeal" and calculation.calculated_by_id == alice.pk
    assert calculation.profile_code == "england-wales" and calculation.profile_version
    assert calculation.inputs["sentences"][0]["months"] == 24
    assert calculation.inputs["adjustments"][0]["days"] == 30
    assert calculation.release_date is not None and calculation.release_date_type
    release = calculation.result["dates"][calculation.release_date_type]
    assert release["steps"], "every date carries the steps that explain it"
    event = AuditEvent.objects.filter(action="sentencing.release_dates_calculated").latest("seq")
    assert event.object_id == str(calculation.public_id) and event.subject_person_id == turner.pk
    assert event.details["reason"] == "manual"


def test_a_recalculation_records_what_changed_from_the_previous(alice_actor, turner):
    first = services.request_calculation(alice_actor, person_id=turner.public_id)
    make_adjustment(turner, "additional_days", 10)

    second = services.request_calculation(alice_actor, person_id=turner.public_id)

    first.refresh_from_db()
    assert not first.is_latest and second.is_latest and second.previous_id == first.pk
    moved = {c["type"] for c in second.changes}
    assert first.release_date_type in moved
    assert Calculation.objects.filter(person=turner, is_latest=True).count() == 1


def test_calculating_needs_the_permission_and_the_person_in_reach(bob, charlie, turner):
    with pytest.raises(PermissionDenied):
        services.request_calculation(actor_of(charlie), person_id=turner.public_id)
    with pytest.raises(NotFound):
        services.request_calculation(actor_of(bob), person_id=turner.public_id)
    assert not Calculation.objects.exists()


def test_nothing_to_calculate_without_a_sentence(alice_actor, prison_a):
    from tests.people.conftest import make_person

    person = make_person(prison_a, family="Clean")
    with pytest.raises(RuleViolation) as refused:
        services.request_calculation(alice_actor, person_id=person.public_id)
    assert refused.value.code == "sentencing.nothing_to_calculate"


def test_an_override_replaces_one_date_in_the_key_dates_and_is_kept_apart(sam_actor, sam, alice_actor, turner):
    calculation = services.request_calculation(alice_actor, person_id=turner.public_id)
    release_type = calculation.release_date_type
    new_date = calculation.release_date + dt.timedelta(days=7)

    made = overrides.override_date(
        sam_actor, person_id=turner.public_id, date_type=release_type, new_date=new_date, reason="Court order 12/3"
    )

    assert made.authorised_by_id == sam.pk and made.calculated_date == calculation.release_date
    key = queries.key_dates(turner)
    assert key.release_date == new_date and key.release.calculated == calculation.release_date
    assert not key.release.moved_since_override
    assert Calculation.objects.get(pk=calculation.pk).release_date == calculation.release_date  # apart
    assert AuditEvent.objects.filter(action="sentencing.release_date_overridden", subject_person_id=turner.pk).exists()


def test_the_key_dates_flag_a_calculated_date_that_moved_since_the_override(sam_actor, alice_actor, turner):
    calculation = services.request_calculation(alice_actor, person_id=turner.public_id)
    overrides.override_date(
        sam_actor,
        person_id=turner.public_id,
        date_type=calculation.release_date_type,
        new_date=calculation.release_date,
        reason="Agreed with the court",
    )
    make_adjustment(turner, "additional_days", 14)
    services.request_calculation(alice_actor, person_id=turner.public_id)

    key = queries.key_dates(turner)
    assert key.release.moved_since_override and key.release_date == calculation.release_date


def test_withdrawing_an_override_brings_back_the_calculated_date(sam_actor, alice_actor, turner):
    calculation = services.request_calculation(alice_actor, person_id=turner.public_id)
    made = overrides.override_date(
        sam_actor,
        person_id=turner.public_id,
        date_type=calculation.release_date_type,
        new_date=calculation.release_date + dt.timedelta(days=3),
        reason="Court order",
    )

    overrides.withdraw_override(sam_actor, override_id=made.public_id, reason="Order set aside")

    made.refresh_from_db()
    assert made.status == DateOverride.Status.WITHDRAWN and made.withdrawn_reason == "Order set aside"
    assert queries.key_dates(turner).release_date == calculation.release_date
    with pytest.raises(Conflict):
        overrides.withdraw_override(sam_actor, override_id=made.public_id, reason="again")
    assert AuditEvent.objects.filter(action="sentencing.date_override_withdrawn").count() == 1


def test_override_rules_and_permissions(sam_actor, alice_actor, alice, bob, turner, prison_b):
    with pytest.raises(RuleViolation) as no_calculation:
        overrides.override_date(
            sam_actor, person_id=turner.public_id, date_type="CRD", new_date=dt.date(2027, 1, 1), reason="x"
        )
    assert no_calculation.value.code == "sentencing.no_calculation"
    calculation = services.request_calculation(alice_actor, person_id=turner.public_id)
    kind = calculation.release_date_type
    args = {"person_id": turner.public_id, "date_type": kind, "new_date": dt.date(2027, 1, 1)}
    with pytest.raises(PermissionDenied):  # a records officer calculates but does not override
        overrides.override_date(alice_actor, reason="x", **args)
    other_supervisor = actor_of(_supervisor_at(prison_b))
    with pytest.raises(NotFound):
        overrides.override_date(other_supervisor, reason="x", **args)
    with pytest.raises(RuleViolation):
        overrides.override_date(sam_actor, reason="  ", **args)
    overrides.override_date(sam_actor, reason="first", **args)
    with pytest.raises(Conflict):
        overrides.override_date(sam_actor, reason="second", **args)


def _supervisor_at(site):
    from tests.factories import make_user

    return make_user("sue", roles=("supervisor",), sites=(site,))


def test_an_input_the_engine_refuses_names_the_field(alice_actor, prison_a):
    person = sentenced_person(prison_a, family="Loop", months=0, remand_days=0)
    with pytest.raises(RuleViolation) as refused:
        services.request_calculation(alice_actor, person_id=person.public_id)
    assert refused.value.field


def test_the_json_request_format_round_trips(turner):
    request = services.build_request(turner)
    assert services.request_from_json(services.request_as_json(request)) == request


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"sentences": [{"kind": "determinate", "sentenced_on": "2026-02-30", "months": 6}]},
            "sentences[0].sentenced_on",
        ),
        ({"sentences": [{"kind": "flogging", "sentenced_on": "2026-01-01"}]}, "sentences[0].kind"),
        ({"sentences": [], "adjustments": [{"kind": "remand", "days": -3}]}, "adjustments[0].days"),
        ({"sentences": [], "colour": "blue"}, "colour"),
        ([1, 2], ""),
    ],
)
def test_bad_json_requests_name_the_field(body, field):
    from oms.sentencing.rules.types import CalculationError

    with pytest.raises(CalculationError) as refused:
        services.request_from_json(body)
    assert refused.value.field == field
