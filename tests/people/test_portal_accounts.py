"""Participant portal accounts: the participant reaches only their own record, through every scoped
query, and nothing at all once the account is closed; opening and closing are permission-checked,
scoped and audited."""

from __future__ import annotations

import pytest

from oms.accounts.models import User
from oms.accounts.services import AccessRequest, change_access
from oms.audit.models import AuditEvent
from oms.core.actor import Actor, Scope
from oms.core.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from oms.people.models import PortalAccount
from oms.people.queries import people_in_scope
from oms.people.queries.portal import portal_person
from oms.people.services.portal import close_portal_account, open_portal_account
from tests.factories import actor_of, make_participant, make_user
from tests.people.conftest import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(prison_a):
    return make_user("officer1", roles=("probation_officer",), sites=(prison_a,))


def test_an_officer_opens_an_account_that_reaches_only_the_persons_own_record(officer, prison_a):
    person = make_person(prison_a, family="Owen", given="Ada")
    other = make_person(prison_a, family="Other", given="Bea")
    user, password = open_portal_account(actor_of(officer), person.public_id, username="ada.owen")
    assert len(password) >= 12 and user.must_change_password and user.check_password(password)
    assert user.scope == Scope.SELF
    assert list(user.role_grants.values_list("role__code", flat=True)) == ["participant"]
    actor = actor_of(user)
    assert actor.permissions == {"supervision.use_portal", "diversion.use_portal"}
    assert list(people_in_scope(actor)) == [person]
    assert other not in people_in_scope(actor)
    assert portal_person(actor) == person
    event = AuditEvent.objects.filter(action="people.portal_account_opened").get()
    assert event.subject_person_id == person.pk and password not in str(event.details)


def test_staff_and_strangers_have_no_portal_person(officer, prison_a):
    with pytest.raises(NotFound):
        portal_person(actor_of(officer))
    with pytest.raises(NotFound):
        portal_person(Actor.system())


def test_opening_needs_the_permission_and_the_person_in_scope(prison_a, prison_b):
    person = make_person(prison_a)
    clerk = make_user(roles=("custody_officer",), sites=(prison_a,))
    with pytest.raises(PermissionDenied):
        open_portal_account(actor_of(clerk), person.public_id, username="x.y")
    elsewhere = make_user(roles=("probation_officer",), sites=(prison_b,))
    with pytest.raises(NotFound):
        open_portal_account(actor_of(elsewhere), person.public_id, username="x.y")
    assert not User.objects.filter(username="x.y").exists()


def test_one_open_account_per_person_and_usernames_stay_unique(officer, prison_a):
    person = make_person(prison_a)
    open_portal_account(actor_of(officer), person.public_id, username="first")
    with pytest.raises(Conflict):
        open_portal_account(actor_of(officer), person.public_id, username="second")
    with pytest.raises(Conflict):
        open_portal_account(actor_of(officer), make_person(prison_a, family="Z").public_id, username="FIRST")
    with pytest.raises(RuleViolation):
        open_portal_account(actor_of(officer), make_person(prison_a, family="Y").public_id, username="  ")


def test_closing_disables_the_user_and_the_participant_then_reaches_nothing(officer, prison_a):
    person = make_person(prison_a)
    user = make_participant(person)
    actor = actor_of(user)
    with pytest.raises(RuleViolation):
        close_portal_account(actor_of(officer), person.public_id, reason=" ")
    close_portal_account(actor_of(officer), person.public_id, reason="Order completed")
    user.refresh_from_db()
    assert not user.is_active and user.disabled_at is not None
    assert PortalAccount.objects.get(user=user).closed_reason == "Order completed"
    assert list(people_in_scope(actor)) == []
    with pytest.raises(NotFound):
        portal_person(actor)
    assert AuditEvent.objects.filter(action="people.portal_account_closed").count() == 1
    # The account can be reopened later under a new username.
    open_portal_account(actor_of(officer), person.public_id, username="again")


def test_user_administration_cannot_hand_out_own_record_scope(prison_a):
    admin = make_user(roles=("user_administrator",), sites=(prison_a,), scope=Scope.ORGANISATION)
    target = make_user(sites=(prison_a,))
    with pytest.raises(RuleViolation):
        change_access(
            actor_of(admin),
            user_id=target.public_id,
            access=AccessRequest(organisation=prison_a.organisation, scope=Scope.SELF, sites=[], role_codes=[]),
        )


def test_a_participant_cannot_open_staff_pages(client, prison_a):
    from tests.factories import login_verified

    user = make_participant(make_person(prison_a))
    login_verified(client, user)
    for path in ("/people/", "/people/new", "/accounts/users", "/audit/"):
        response = client.get(path)
        assert response.status_code in (403, 404), path


def test_the_portal_account_holds_where_the_persons_own_notices_go(officer, prison_a):
    from oms.people.queries.portal import portal_recipients

    person = make_person(prison_a, family="Owen", given="Ada")
    assert portal_recipients(person) == ()
    with pytest.raises(RuleViolation):
        open_portal_account(actor_of(officer), person.public_id, username="ada", phone="call me")
    open_portal_account(
        actor_of(officer), person.public_id, username="ada", email="ada@example.org", phone="+44 7700 900123"
    )
    (recipient,) = portal_recipients(person)
    assert (recipient.name, recipient.email, recipient.phone) == ("Ada Owen", "ada@example.org", "+44 7700 900123")
    close_portal_account(actor_of(officer), person.public_id, reason="Order ended")
    assert portal_recipients(person) == ()
