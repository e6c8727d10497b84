"""Reception records reality: a person physically received is always recorded; problems become
warnings on the episode, never a refusal. Then the intake records: authorities, property, cash and
screening, each audited, with screening health detail only for those who may read it."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.core.models import OutboxMessage
from oms.custody import queries, services
from oms.custody.models import CustodyEpisode, IntakeScreening, Movement, PropertyItem
from oms.people.models import Person, PersonSiteLink
from oms.people.services import PossibleDuplicates
from tests.custody.factories import make_episode
from tests.factories import actor_of, make_user
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db

SEEN_WARRANT = services.NewAuthority(
    kind="remand_warrant",
    reference="RW/2026/001",
    issued_by="Crown Court",
    issued_on=dt.date(2026, 1, 1),
    expires_on=dt.date(2099, 1, 1),
    document_seen=True,
)
SCREENING = services.Screening(
    health_concerns=True,
    health_notes="Asthma; inhaler",
    suicide_self_harm_risk="medium",
    suicide_self_harm_notes="Previous attempt 2019",
    cell_sharing="standard",
)


def receive(actor, site, **kwargs):
    kwargs.setdefault("legal_status", "remand")
    return services.receive_person(actor, site_id=site.public_id, **kwargs)


def codes(episode):
    return [w["code"] for w in episode.reception_warnings]


def test_officer_receives_a_new_person_with_everything_recorded(olive_actor, prison_a, estate_a):
    episode = receive(
        olive_actor,
        prison_a,
        new_person=services.NewPerson("Quinlan", "Ardal", dt.date(1990, 4, 2), sex="male"),
        received_from="Crown Court",
        authorities=[SEEN_WARRANT],
        security_level="medium",
        property_items=[services.NewPropertyItem("Wallet", seal_number="S1"), services.NewPropertyItem("Watch")],
        cash_minor=2350,
        screening=SCREENING,
    )
    assert episode.status == "active" and episode.in_reception and episode.in_out == "in"
    assert episode.current_location == estate_a["RECP"]
    assert episode.booking_number.startswith(f"PRA{clock.today().year % 100:02d}-")
    assert episode.reception_warnings == []
    assert episode.authorities.count() == 1 and episode.property_items.count() == 2
    assert services.reception.cash_balance(episode) == 2350
    person = episode.person
    assert person.legal_status == "remand"
    assert PersonSiteLink.objects.filter(person=person, site=prison_a, kind="custody", ended_on=None).exists()
    admission = Movement.objects.get(episode=episode)
    assert (admission.kind, admission.direction, admission.status) == ("admission", "in", "completed")
    assert admission.to_location == estate_a["RECP"]
    event = AuditEvent.objects.get(action="custody.person_received")
    assert event.object_id == str(episode.public_id) and event.site_id == prison_a.pk
    message = OutboxMessage.objects.get(name="custody.person_received")
    assert message.payload["episode_id"] == str(episode.public_id) and message.site_code == "PRA"
    assert "Quinlan" not in str(message.payload)  # public ids only leave through the outbox


def test_problems_are_warnings_never_a_refusal(olive_actor, prison_a, estate_a):
    expired = services.NewAuthority(
        kind="remand_warrant", reference="RW-OLD", issued_on=dt.date(2025, 1, 1), expires_on=dt.date(2025, 2, 1)
    )
    episode = receive(olive_actor, prison_a, new_person=services.NewPerson("Abbot", "Nell"), authorities=[expired])
    assert episode.pk is not None and episode.status == "active"
    assert codes(episode) == [
        "custody.authority_expired",
        "custody.authority_document_not_seen",
        "custody.no_screening",
    ]
    bare = receive(olive_actor, prison_a, new_person=services.NewPerson("Birch", "Owen"))
    assert codes(bare) == ["custody.no_lawful_authority", "custody.no_screening"]
    assert AuditEvent.objects.filter(action="custody.person_received").count() == 2


def test_booking_numbers_are_generated_in_sequence_per_site(olive_actor, prison_a, estate_a):
    first = receive(olive_actor, prison_a, new_person=services.NewPerson("Carr", "Ann"))
    second = receive(olive_actor, prison_a, new_person=services.NewPerson("Dunn", "Bea"))
    assert int(second.booking_number.rsplit("-", 1)[1]) == int(first.booking_number.rsplit("-", 1)[1]) + 1


def test_duplicate_booking_number_is_a_conflict_on_its_field(olive_actor, prison_a, estate_a):
    receive(olive_actor, prison_a, new_person=services.NewPerson("Carr", "Ann"), booking_number="BK100")
    with pytest.raises(Conflict) as error:
        receive(olive_actor, prison_a, new_person=services.NewPerson("Dunn", "Bea"), booking_number="bk100")
    assert error.value.code == "custody.booking_number_in_use" and error.value.field == "booking_number"
    with pytest.raises(RuleViolation) as bad:
        receive(olive_actor, prison_a, new_person=services.NewPerson("Dunn", "Bea"), booking_number="no spaces!")
    assert bad.value.field == "booking_number"


def test_possible_duplicate_person_lists_candidates_then_override_or_pick(olive_actor, prison_a, estate_a):
    existing = make_person(prison_a, family="Evans", given="Gwen", dob=dt.date(1970, 1, 1))
    with pytest.raises(PossibleDuplicates) as duplicates:
        receive(olive_actor, prison_a, new_person=services.NewPerson("Evans", "Gwen", dt.date(1970, 1, 1)))
    assert [c.person.pk for c in duplicates.value.candidates] == [existing.pk]
    picked = receive(olive_actor, prison_a, person_id=existing.public_id, legal_status="sentenced")
    assert picked.person == existing
    existing.refresh_from_db()
    assert existing.legal_status == "sentenced"  # through the people service, audited there
    assert AuditEvent.objects.filter(action="people.person_updated", subject_person_id=existing.pk).exists()


def test_override_reason_creates_a_new_person_despite_duplicates(olive_actor, prison_a, estate_a):
    make_person(prison_a, family="Evans", given="Gwen", dob=dt.date(1970, 1, 1))
    episode = receive(
        olive_actor,
        prison_a,
        new_person=services.NewPerson("Evans", "Gwen", dt.date(1970, 1, 1)),
        duplicate_override_reason="Different person: checked fingerprints",
    )
    assert Person.objects.filter(family_name="Evans").count() == 2 and episode.person.family_name == "Evans"


def test_person_active_at_another_site_closes_that_episode_as_unrecorded_transfer(
    olive_actor, prison_a, prison_b, estate_a
):
    person = make_person(prison_a, family="Fox", given="Hal")
    stale = make_episode(person, prison_b)
    episode = receive(olive_actor, prison_a, person_id=person.public_id, authorities=[SEEN_WARRANT])
    stale.refresh_from_db()
    assert stale.status == CustodyEpisode.Status.TRANSFERRED and stale.released_at is not None
    assert "custody.closed_by_reception_elsewhere" in codes(stale)
    assert "custody.active_elsewhere" in codes(episode)
    assert not PersonSiteLink.objects.filter(person=person, site=prison_b, kind="custody", ended_on=None).exists()
    out = Movement.objects.get(episode=stale)
    assert (out.kind, out.direction, out.to_site) == ("transfer", "out", prison_a)
    assert AuditEvent.objects.filter(action="custody.episode_closed_on_transfer", site_id=prison_b.pk).exists()
    assert OutboxMessage.objects.filter(name="custody.person_transferred", payload__unrecorded=True).exists()


def test_already_in_custody_here_is_a_conflict(olive_actor, prison_a, estate_a):
    episode = make_episode(make_person(prison_a, family="Gale"), prison_a)
    with pytest.raises(Conflict) as error:
        receive(olive_actor, prison_a, person_id=episode.person.public_id)
    assert error.value.code == "custody.already_in_custody" and error.value.field == "person"


def test_wrong_role_is_403_and_other_facility_is_404(charlie, oscar_actor, prison_a, estate_a):
    with pytest.raises(PermissionDenied):
        receive(actor_of(charlie), prison_a, new_person=services.NewPerson("Hart", "Ivy"))
    with pytest.raises(NotFound):
        receive(oscar_actor, prison_a, new_person=services.NewPerson("Hart", "Ivy"))


def test_bad_input_names_its_field(olive_actor, prison_a, estate_a):
    cases = [
        ({"legal_status": "none"}, "legal_status"),
        ({"security_level": "extreme"}, "security_level"),
        ({"authorities": [services.NewAuthority(kind="spell", reference="X")]}, "authority_kind"),
        ({"authorities": [services.NewAuthority(kind="court_order", reference=" ")]}, "authority_reference"),
        (
            {
                "authorities": [
                    services.NewAuthority(
                        kind="court_order", reference="X", issued_on=dt.date(2026, 1, 5), expires_on=dt.date(2026, 1, 1)
                    )
                ]
            },
            "authority_expires_on",
        ),
        ({"cash_minor": -5}, "cash_minor"),
        ({"currency": "POUNDS"}, "currency"),
        ({}, "person"),
    ]
    for extra, field in cases:
        kwargs = {"new_person": services.NewPerson("Ives", "Jo"), **extra}
        if field == "person":
            kwargs.pop("new_person")
        with pytest.raises(RuleViolation) as error:
            receive(olive_actor, prison_a, **kwargs)
        assert error.value.field == field, extra


# --- intake records after reception ------------------------------------------------------------------


@pytest.fixture
def received(olive_actor, prison_a, estate_a):
    return receive(olive_actor, prison_a, new_person=services.NewPerson("Jones", "Kit"))


def test_property_is_added_returned_and_disposed_of(olive_actor, received):
    item = services.add_property_item(
        olive_actor, episode_id=received.public_id, item=services.NewPropertyItem("Phone")
    )
    bag = services.add_property_item(olive_actor, episode_id=received.public_id, item=services.NewPropertyItem("Bag"))
    services.close_property_item(olive_actor, episode_id=received.public_id, item_id=item.pk, outcome="returned")
    with pytest.raises(RuleViolation) as no_reason:
        services.close_property_item(olive_actor, episode_id=received.public_id, item_id=bag.pk, outcome="disposed")
    assert no_reason.value.field == "reason"
    services.close_property_item(
        olive_actor, episode_id=received.public_id, item_id=bag.pk, outcome="disposed", reason="Perishable food"
    )
    with pytest.raises(Conflict):
        services.close_property_item(olive_actor, episode_id=received.public_id, item_id=bag.pk, outcome="returned")
    assert set(PropertyItem.objects.values_list("status", flat=True)) == {"returned", "disposed"}
    actions = list(AuditEvent.objects.filter(action__startswith="custody.property").values_list("action", flat=True))
    assert sorted(actions) == [
        "custody.property_added",
        "custody.property_added",
        "custody.property_disposed",
        "custody.property_returned",
    ]


def test_cash_balance_is_the_sum_and_cannot_go_negative(olive_actor, received):
    eid = received.public_id
    services.record_cash(olive_actor, episode_id=eid, kind="intake", amount_minor=1000)
    services.record_cash(olive_actor, episode_id=eid, kind="return", amount_minor=400)
    with pytest.raises(RuleViolation) as overdrawn:
        services.record_cash(olive_actor, episode_id=eid, kind="return", amount_minor=700)
    assert overdrawn.value.code == "custody.cash_overdrawn"
    with pytest.raises(RuleViolation) as no_note:
        services.record_cash(olive_actor, episode_id=eid, kind="adjustment", amount_minor=-100)
    assert no_note.value.field == "note"
    services.record_cash(olive_actor, episode_id=eid, kind="adjustment", amount_minor=-100, note="Counting error")
    with pytest.raises(RuleViolation) as currency:
        services.record_cash(olive_actor, episode_id=eid, kind="intake", amount_minor=5, currency="EUR")
    assert currency.value.field == "currency"
    assert services.reception.cash_balance(received) == 500
    assert AuditEvent.objects.filter(action="custody.cash_recorded").count() == 3


def test_screening_resolves_the_warning_and_keeps_notes_when_not_given(olive_actor, received):
    assert "custody.no_screening" in codes(received)
    services.record_screening(olive_actor, episode_id=received.public_id, screening=SCREENING)
    received.refresh_from_db()
    warning = next(w for w in received.reception_warnings if w["code"] == "custody.no_screening")
    assert warning["resolved_at"]
    services.record_screening(
        olive_actor,
        episode_id=received.public_id,
        screening=services.Screening(suicide_self_harm_risk="high", cell_sharing="single_cell"),
    )
    row = IntakeScreening.objects.get(episode=received)
    assert row.suicide_self_harm_risk == "high" and row.health_notes == "Asthma; inhaler"
    updated = AuditEvent.objects.get(action="custody.screening_updated")
    assert "suicide_self_harm_risk" in updated.changed_fields and "health_notes" not in updated.changed_fields
    assert "Asthma" not in str(updated.details)


def test_screening_health_detail_only_for_those_who_may_read_it(olive_actor, prison_a, received):
    services.record_screening(olive_actor, episode_id=received.public_id, screening=SCREENING)
    hidden = queries.reception_record(olive_actor, received.public_id).screening
    assert not hidden.health_visible and hidden.health_notes is None and hidden.suicide_self_harm_notes is None
    nurse = actor_of(make_user("nina", roles=("health_worker",), sites=(prison_a,)))
    shown = queries.reception_record(nurse, received.public_id).screening
    assert shown.health_notes == "Asthma; inhaler" and shown.suicide_self_harm_notes == "Previous attempt 2019"
    assert AuditEvent.objects.filter(action="custody.screening_health_viewed", actor_username="nina").exists()


def test_authorities_are_added_and_ended(olive_actor, received):
    assert "custody.no_lawful_authority" in codes(received)
    row = services.add_lawful_authority(olive_actor, episode_id=received.public_id, authority=SEEN_WARRANT)
    received.refresh_from_db()
    assert next(w for w in received.reception_warnings if w["code"] == "custody.no_lawful_authority")["resolved_at"]
    with pytest.raises(RuleViolation):
        services.end_lawful_authority(olive_actor, episode_id=received.public_id, authority_id=row.pk, reason="")
    services.end_lawful_authority(olive_actor, episode_id=received.public_id, authority_id=row.pk, reason="Bailed")
    row.refresh_from_db()
    assert row.ended_on == clock.today()
    with pytest.raises(NotFound):
        services.end_lawful_authority(olive_actor, episode_id=received.public_id, authority_id=10**9, reason="x")


def test_intake_records_permission_matrix(charlie, oscar_actor, received):
    for actor, error in ((actor_of(charlie), PermissionDenied), (oscar_actor, NotFound)):
        with pytest.raises(error):
            services.add_property_item(actor, episode_id=received.public_id, item=services.NewPropertyItem("Pen"))
        with pytest.raises(error):
            services.record_cash(actor, episode_id=received.public_id, kind="intake", amount_minor=1)
        with pytest.raises(error):
            services.record_screening(actor, episode_id=received.public_id, screening=SCREENING)
        with pytest.raises(error):
            services.add_lawful_authority(actor, episode_id=received.public_id, authority=SEEN_WARRANT)
