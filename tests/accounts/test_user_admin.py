"""User administration: the permission matrix (allowed / wrong role 403 / other organisation 404),
AZ-5 (nobody changes their own roles; no one holds user administration and audit reading together),
temporary accounts, unlock, disable and re-enable; through the API, the pages and the services."""

from __future__ import annotations

import datetime as dt

import pytest

from oms.accounts import services
from oms.accounts.models import User
from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Scope
from oms.core.errors import NotFound, PermissionDenied, RuleViolation
from tests.accounts.helpers import bearer
from tests.factories import actor_of, login_verified, make_user

USERS = "/api/v1/accounts/users"


def new_user_body(**overrides) -> dict:
    body = {
        "username": "newstarter",
        "first_name": "New",
        "last_name": "Starter",
        "organisation": "HMPS",
        "scope": "sites",
        "sites": ["PRA"],
        "roles": ["custody_officer"],
    }
    return {**body, **overrides}


def test_a_user_administrator_creates_a_user_with_a_one_time_password(client, dave, prison_a):
    answer = client.post(USERS, new_user_body(), content_type="application/json", **bearer(dave))
    assert answer.status_code == 201
    body = answer.json()
    assert body["user"]["roles"] == ["custody_officer"]
    created = User.objects.get(username="newstarter")
    assert created.must_change_password
    assert created.check_password(body["one_time_password"])
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert body["one_time_password"] not in str(event.details)


def test_a_wrong_role_is_refused(client, charlie, prison_a):
    answer = client.post(USERS, new_user_body(), content_type="application/json", **bearer(charlie))
    assert answer.status_code == 403


def test_another_organisation_is_out_of_scope(client, dave, frank, office_c):
    other_org = client.post(
        USERS, new_user_body(organisation="PROB", sites=["OFC"]), content_type="application/json", **bearer(dave)
    )
    assert other_org.status_code == 404
    for path in (f"{USERS}/{frank.public_id}/unlock", f"{USERS}/{frank.public_id}/enable"):
        assert client.post(path, **bearer(dave)).status_code == 404
    assert client.get(f"{USERS}/{frank.public_id}", **bearer(dave)).status_code == 404
    disable = client.post(
        f"{USERS}/{frank.public_id}/disable", {"reason": "x"}, content_type="application/json", **bearer(dave)
    )
    assert disable.status_code == 404


def test_the_user_list_holds_only_the_administrators_organisation(client, dave, alice, bob, frank):
    names = [u["username"] for u in client.get(USERS, **bearer(dave)).json()["items"]]
    assert "alice" in names and "bob" in names and "frank" not in names


def test_nobody_changes_their_own_roles(client, dave):
    answer = client.put(
        f"{USERS}/{dave.public_id}/access",
        {"organisation": "HMPS", "scope": "organisation", "roles": ["user_administrator", "auditor"]},
        content_type="application/json",
        **bearer(dave),
    )
    assert answer.status_code == 403
    assert answer.json()["code"] == "accounts.self_grant"


def test_user_administration_and_audit_reading_cannot_be_combined(dave, alice):
    with pytest.raises(RuleViolation) as refused:
        services.change_access(
            actor_of(dave),
            user_id=alice.public_id,
            access=services.AccessRequest(
                organisation=alice.organisation,
                scope=Scope.SITES,
                sites=list(alice.sites.all()),
                role_codes=["user_administrator", "auditor"],
            ),
        )
    assert refused.value.code == "accounts.separation_of_duties"


def test_an_organisation_administrator_cannot_give_national_scope(dave, alice):
    with pytest.raises(PermissionDenied):
        services.change_access(
            actor_of(dave),
            user_id=alice.public_id,
            access=services.AccessRequest(
                organisation=alice.organisation, scope=Scope.NATIONAL, sites=[], role_codes=["records_officer"]
            ),
        )


def test_changing_roles_applies_at_the_next_request_and_is_audited(client, dave, alice, prison_b):
    answer = client.put(
        f"{USERS}/{alice.public_id}/access",
        {"organisation": "HMPS", "scope": "sites", "sites": ["PRA", "PRB"], "roles": ["supervisor"]},
        content_type="application/json",
        **bearer(dave),
    )
    assert answer.status_code == 200
    assert actor_of(alice).roles == {"supervisor"}
    event = AuditEvent.objects.get(action="accounts.user_access_changed")
    assert set(event.changed_fields) == {"roles", "sites"}
    assert event.details["before"]["roles"] == ["records_officer"]


def test_unknown_fields_are_refused(client, dave):
    answer = client.post(USERS, new_user_body(is_superuser=True), content_type="application/json", **bearer(dave))
    assert answer.status_code == 422


def test_temporary_accounts_expire_within_72_hours(dave, prison_a):
    access = services.AccessRequest(
        organisation=prison_a.organisation, scope=Scope.SITES, sites=[prison_a], role_codes=["custody_officer"]
    )
    with pytest.raises(RuleViolation):
        services.create_user(
            actor_of(dave),
            username="contractor",
            first_name="",
            last_name="",
            access=access,
            expires_at=clock.now() + dt.timedelta(hours=73),
        )
    created = services.create_user(
        actor_of(dave),
        username="contractor",
        first_name="",
        last_name="",
        access=access,
        expires_at=clock.now() + dt.timedelta(hours=72),
    )
    assert created.user.expires_at is not None


def test_unlock_needs_the_unlock_permission_and_an_actual_lock(dave, alice, charlie):
    with pytest.raises(PermissionDenied):
        services.unlock_user(actor_of(charlie), user_id=alice.public_id)
    alice.locked_at = clock.now()
    alice.save()
    services.unlock_user(actor_of(dave), user_id=alice.public_id)
    alice.refresh_from_db()
    assert alice.locked_at is None and alice.failures_reset_at is not None


def test_disable_and_re_enable(client, dave, alice):
    disabled = client.post(
        f"{USERS}/{alice.public_id}/disable", {"reason": "On leave"}, content_type="application/json", **bearer(dave)
    )
    assert disabled.status_code == 200 and disabled.json()["disabled"]
    assert client.get("/api/v1/accounts/me", **bearer_of_disabled(alice)).status_code == 401
    enabled = client.post(f"{USERS}/{alice.public_id}/enable", **bearer(dave))
    assert enabled.status_code == 200 and not enabled.json()["disabled"]
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "accounts.user_disabled" in actions and "accounts.user_enabled" in actions


def bearer_of_disabled(user) -> dict:
    from oms.accounts.api_auth import hash_token
    from oms.accounts.models import ApiToken

    ApiToken.objects.create(user=user, name="t", prefix="oms_x", token_hash=hash_token("oms_secret_x"), scopes=[])
    return {"HTTP_AUTHORIZATION": "Bearer oms_secret_x"}


def test_nobody_disables_themselves(dave):
    with pytest.raises(PermissionDenied):
        services.disable_user(actor_of(dave), user_id=dave.public_id, reason="oops")


def test_out_of_scope_service_calls_answer_not_found(dave, frank):
    with pytest.raises(NotFound):
        services.reset_password(actor_of(dave), user_id=frank.public_id)


# --- the pages ------------------------------------------------------------------------------------


def stepped_up(client, user):
    login_verified(client, user)
    session = client.session
    session["oms_step_up_at"] = clock.now().isoformat()
    session.save()
    return client


def test_user_pages_permission_matrix(client, dave, alice, charlie, frank):
    stepped_up(client, dave)
    assert client.get("/accounts/users").status_code == 200
    assert client.get(f"/accounts/users/{alice.public_id}").status_code == 200
    assert client.get(f"/accounts/users/{frank.public_id}").status_code == 404
    assert client.post(f"/accounts/users/{frank.public_id}/disable", {"reason": "x"}).status_code == 404
    stepped_up(client, charlie)
    assert client.get("/accounts/users").status_code == 403
    assert client.post(f"/accounts/users/{alice.public_id}/disable", {"reason": "x"}).status_code == 403


def test_create_user_page_shows_the_one_time_password_once(client, dave, prison_a):
    stepped_up(client, dave)
    answer = client.post(
        "/accounts/users/new",
        {
            "username": "paged",
            "first_name": "Paged",
            "last_name": "User",
            "organisation": prison_a.organisation.pk,
            "scope": "sites",
            "sites": [prison_a.pk],
            "roles": ["custody_officer"],
        },
    )
    assert answer.status_code == 200
    password = answer.context["password"]
    assert User.objects.get(username="paged").check_password(password)
    detail = client.get(f"/accounts/users/{User.objects.get(username='paged').public_id}")
    assert password not in detail.content.decode()


def test_create_user_page_explains_a_refusal(client, dave, prison_a):
    stepped_up(client, dave)
    answer = client.post(
        "/accounts/users/new",
        {
            "username": "combo",
            "organisation": prison_a.organisation.pk,
            "scope": "sites",
            "sites": [prison_a.pk],
            "roles": ["user_administrator", "auditor"],
        },
    )
    assert answer.status_code == 200
    assert "separation of duties" in answer.content.decode()
    assert not User.objects.filter(username="combo").exists()


def test_unlock_and_disable_pages(client, dave, alice):
    alice.locked_at = clock.now()
    alice.save()
    stepped_up(client, dave)
    assert client.post(f"/accounts/users/{alice.public_id}/unlock").status_code == 302
    assert client.post(f"/accounts/users/{alice.public_id}/disable", {"reason": "Moved on"}).status_code == 302
    alice.refresh_from_db()
    assert alice.locked_at is None and alice.disabled_at is not None


def test_a_user_administrator_with_sites_scope_reaches_only_users_of_their_sites(prison_a, prison_b, alice, bob):
    local_admin = make_user("lisa", roles=("user_administrator",), sites=(prison_a,))
    services.unlock_user  # noqa: B018 - the same scoping applies to every verb
    with pytest.raises(NotFound):
        services.disable_user(actor_of(local_admin), user_id=bob.public_id, reason="x")
    services.disable_user(actor_of(local_admin), user_id=alice.public_id, reason="x")


def test_access_page_changes_roles_and_refuses_self_edits(client, dave, alice, prison_a):
    stepped_up(client, dave)
    form = client.get(f"/accounts/users/{alice.public_id}/access")
    assert form.status_code == 200 and "records_officer" in form.content.decode()
    saved = client.post(
        f"/accounts/users/{alice.public_id}/access",
        {"organisation": prison_a.organisation.pk, "scope": "sites", "sites": [prison_a.pk], "roles": ["supervisor"]},
    )
    assert saved.status_code == 302
    assert actor_of(alice).roles == {"supervisor"}
    own = client.post(
        f"/accounts/users/{dave.public_id}/access",
        {"organisation": prison_a.organisation.pk, "scope": "organisation", "roles": ["auditor"]},
    )
    assert own.status_code == 200 and "cannot change your own roles" in own.content.decode()
    assert actor_of(dave).roles == {"user_administrator"}


def test_reset_password_and_authenticator_pages(client, dave, alice):
    from oms.accounts.models import ProtectedTOTPDevice

    stepped_up(client, dave)
    reset = client.post(f"/accounts/users/{alice.public_id}/reset-password")
    assert reset.status_code == 200
    alice.refresh_from_db()
    assert alice.must_change_password and alice.check_password(reset.context["password"])
    assert client.post(f"/accounts/users/{alice.public_id}/reset-mfa").status_code == 302
    assert not ProtectedTOTPDevice.objects.filter(user=alice).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.password_reset", "accounts.mfa_reset"} <= actions
