"""Release is where a mistake cannot be undone: failed checks refuse it. A supervisor may override the
property, cash and notification checks with a reason; never the release date (without a court order)
and never an outstanding warrant or detainer."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.core.models import OutboxMessage
from oms.custody import rules, services
from oms.custody.models import BedAssignment, CashEntry, LawfulAuthority, Movement, PropertyItem
from oms.custody.rules.reception import AuthorityFacts, ReleaseFacts, blocking_checks, release_checks
from oms.people.models import PersonSiteLink
from oms.people.services import add_alert
from oms.sentencing.models import Warrant
from tests.custody.factories import SYSTEM, make_prisoner
from tests.factories import actor_of, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 10)


def ready(site, bed=None, **fields):
    """A person whose release date is today, nothing held, notifications queued."""
    fields.setdefault("release_due_on", clock.today())
    episode = make_prisoner(site, bed=bed, legal_status="sentenced", **fields)
    services.queue_release_notifications(SYSTEM, episode_id=episode.public_id)
    return episode


def failed(error) -> list[str]:
    return [c.code for c in error.value.failed]


def test_supervisor_releases_when_every_check_passes(sam_actor, prison_a, estate_a):
    bed = estate_a["A-1-1-01-1"]
    episode = ready(prison_a, bed=bed)
    assert all(c.passed for c in services.release_checks(sam_actor, episode.public_id))
    released = services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served")
    assert released.status == "released" and released.in_out == "out" and released.released_at is not None
    assert released.released_by_id == sam_actor.user_id
    assert not BedAssignment.objects.filter(episode=episode, ended_at__isnull=True).exists()
    movement = Movement.objects.get(episode=episode, kind="release")
    assert (movement.direction, movement.status) == ("out", "completed")
    assert not PersonSiteLink.objects.filter(
        person=episode.person, site=prison_a, kind="custody", ended_on=None
    ).exists()
    assert AuditEvent.objects.filter(action="custody.person_released", object_id=str(episode.public_id)).exists()
    assert AuditEvent.objects.filter(
        action="people.site_link_ended", actor_username="sam", reason="Released from custody"
    )
    assert OutboxMessage.objects.filter(name="custody.person_released", payload__episode_id=str(episode.public_id))
    with pytest.raises(Conflict):
        services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served")


def test_release_permission_matrix(olive_actor, charlie, oscar_actor, prison_a, prison_b):
    episode = ready(prison_a)
    supervisor_b = actor_of(make_user("sid", roles=("supervisor",), sites=(prison_b,)))
    with pytest.raises(PermissionDenied):
        services.release_person(olive_actor, episode_id=episode.public_id, reason="sentence_served")
    with pytest.raises(PermissionDenied):
        services.release_person(actor_of(charlie), episode_id=episode.public_id, reason="sentence_served")
    with pytest.raises(NotFound):
        services.release_person(supervisor_b, episode_id=episode.public_id, reason="sentence_served")
    with pytest.raises(NotFound):
        services.release_checks(oscar_actor, episode.public_id)


def test_release_date_not_reached_is_refused_and_not_overridable(sam_actor, prison_a):
    episode = ready(prison_a, release_due_on=clock.today() + dt.timedelta(days=3))
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(
            sam_actor, episode_id=episode.public_id, reason="sentence_served", override_reason="Governor says so"
        )
    assert failed(refused) == ["release_date"]
    released = services.release_person(
        sam_actor, episode_id=episode.public_id, reason="court_order", court_order_reference="T2026/0042"
    )
    assert released.status == "released"


def test_no_release_date_needs_a_court_order(sam_actor, prison_a):
    episode = ready(prison_a, release_due_on=None)
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(sam_actor, episode_id=episode.public_id, reason="bail")
    assert failed(refused) == ["release_date"]
    with pytest.raises(RuleViolation) as needs_reference:
        services.release_person(sam_actor, episode_id=episode.public_id, reason="court_order")
    assert needs_reference.value.field == "court_order_reference"


def test_outstanding_detainer_blocks_release_even_with_override(sam_actor, prison_a):
    episode = ready(prison_a)
    hold = LawfulAuthority.objects.create(episode=episode, kind="detainer", reference="ICE-77", issued_by="ICE")
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(
            sam_actor, episode_id=episode.public_id, reason="sentence_served", override_reason="Urgent"
        )
    assert failed(refused) == ["holds"]
    services.end_lawful_authority(sam_actor, episode_id=episode.public_id, authority_id=hold.pk, reason="Hold lifted")
    assert services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served").released_at


def test_a_detainer_on_the_legal_record_blocks_release_until_lifted(sam_actor, prison_a):
    episode = ready(prison_a)
    detainer = Warrant.objects.create(
        person=episode.person, kind="immigration", reference="HO-2291", issued_by="Home Office", issued_on=TODAY
    )
    Warrant.objects.create(  # a remand warrant already executed holds nobody
        person=episode.person, kind="remand", reference="RW-1", issued_by="Court", issued_on=TODAY, status="executed"
    )
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(
            sam_actor, episode_id=episode.public_id, reason="sentence_served", override_reason="Urgent"
        )
    assert failed(refused) == ["holds"]
    assert "HO-2291 (Home Office)" in refused.value.failed[0].message
    Warrant.objects.filter(pk=detainer.pk).update(status="lifted")
    assert services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served").released_at


def test_property_in_store_blocks_until_returned_or_overridden(sam_actor, prison_a):
    episode = ready(prison_a)
    item = PropertyItem.objects.create(episode=episode, description="Bag")
    PropertyItem.objects.create(episode=episode, description="Clothes worn", status="in_possession")
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served")
    assert failed(refused) == ["property"]
    services.close_property_item(sam_actor, episode_id=episode.public_id, item_id=item.pk, outcome="returned")
    assert services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served").released_at


def test_cash_balance_blocks_and_supervisor_may_override_with_reason(sam_actor, prison_a):
    episode = ready(prison_a)
    CashEntry.objects.create(episode=episode, kind="intake", amount_minor=1250)
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served")
    assert failed(refused) == ["cash"] and "12.50" in refused.value.detail
    released = services.release_person(
        sam_actor, episode_id=episode.public_id, reason="sentence_served", override_reason="Cash to be posted"
    )
    assert released.release_override_reason == "Cash to be posted"
    event = AuditEvent.objects.get(action="custody.person_released")
    assert event.details["overridden_checks"] == ["cash"] and event.reason == "Cash to be posted"


def test_notifications_not_queued_block_and_an_override_queues_them_late(sam_actor, prison_a):
    episode = make_prisoner(prison_a, legal_status="sentenced", release_due_on=clock.today())
    add_alert(SYSTEM, person_id=episode.person.public_id, type="violence", description="Threats to ex-partner")
    with pytest.raises(services.ReleaseRefused) as refused:
        services.release_person(sam_actor, episode_id=episode.public_id, reason="sentence_served")
    assert failed(refused) == ["notifications"]
    services.release_person(
        sam_actor, episode_id=episode.public_id, reason="sentence_served", override_reason="Court release, no notice"
    )
    queued = OutboxMessage.objects.filter(name="custody.release_notification_queued")
    assert sorted(m.payload["recipient"] for m in queued) == ["police", "probation", "victim_liaison"]
    assert all(m.payload["late"] for m in queued)


def test_queue_notifications_once_then_conflict(sam_actor, olive_actor, prison_a):
    episode = make_prisoner(prison_a, legal_status="remand")
    with pytest.raises(PermissionDenied):
        services.queue_release_notifications(olive_actor, episode_id=episode.public_id)
    assert services.queue_release_notifications(sam_actor, episode_id=episode.public_id) == ["police"]
    with pytest.raises(Conflict):
        services.queue_release_notifications(sam_actor, episode_id=episode.public_id)
    assert AuditEvent.objects.filter(action="custody.release_notifications_queued").count() == 1


# --- the pure rules, table-driven ----------------------------------------------------------------


def facts(**overrides) -> ReleaseFacts:
    values = {
        "today": TODAY,
        "release_due_on": TODAY,
        "court_order_reference": "",
        "authorities": [],
        "property_outstanding": 0,
        "cash_balance_minor": 0,
        "notifications_needed": ["police"],
        "notifications_queued": ["police"],
    }
    return ReleaseFacts(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "failing"),
    [
        ({}, []),
        ({"release_due_on": TODAY - dt.timedelta(days=1)}, []),
        ({"release_due_on": TODAY + dt.timedelta(days=1)}, ["release_date"]),
        ({"release_due_on": TODAY + dt.timedelta(days=1), "court_order_reference": "CO1"}, []),
        ({"release_due_on": None}, ["release_date"]),
        ({"authorities": [AuthorityFacts("detainer", "D1", None, True)]}, ["holds"]),
        ({"authorities": [AuthorityFacts("outstanding_warrant", "W1", None, True, TODAY)]}, []),
        ({"authorities": [AuthorityFacts("remand_warrant", "R1", None, True)]}, []),
        ({"property_outstanding": 2}, ["property"]),
        ({"cash_balance_minor": -1}, ["cash"]),
        ({"notifications_queued": []}, ["notifications"]),
    ],
)
def test_release_check_rules(overrides, failing):
    assert [c.code for c in release_checks(facts(**overrides)) if not c.passed] == failing


@pytest.mark.parametrize(
    ("failing", "may_override", "reason", "still_blocking"),
    [
        ({"property_outstanding": 1, "cash_balance_minor": 5}, True, "Sent on", []),
        ({"property_outstanding": 1}, True, "", ["property"]),
        ({"property_outstanding": 1}, False, "Sent on", ["property"]),
        ({"release_due_on": None, "cash_balance_minor": 5}, True, "Because", ["release_date"]),
        ({"authorities": [AuthorityFacts("detainer", "D", None, True)]}, True, "Because", ["holds"]),
    ],
)
def test_which_checks_a_supervisor_may_override(failing, may_override, reason, still_blocking):
    checks = release_checks(facts(**failing))
    blocking = blocking_checks(checks, may_override=may_override, override_reason=reason)
    assert [c.code for c in blocking] == still_blocking


@pytest.mark.parametrize(
    ("legal_status", "alerts", "recipients"),
    [
        ("remand", [], ["police"]),
        ("sentenced", [], ["police", "probation"]),
        ("recall", ["safeguarding"], ["police", "probation", "victim_liaison"]),
        ("immigration_detainee", ["medical"], ["police"]),
    ],
)
def test_release_notification_recipients(legal_status, alerts, recipients):
    assert rules.reception.release_notification_recipients(legal_status, alerts) == recipients
