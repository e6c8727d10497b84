"""API clients: tokens shown once, stored hashed, scopes a subset of the owner's permissions (and the
token can do no more than its scopes), revocation, expiry; API, pages and CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oms.accounts import services
from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken
from oms.audit.models import AuditEvent
from oms.core import clock
from oms.core.actor import Actor, Scope
from oms.core.errors import RuleViolation
from tests.accounts.helpers import bearer
from tests.factories import actor_of, login_verified, make_user

TOKENS = "/api/v1/accounts/tokens"


@pytest.fixture
def integrator(db):
    return make_user("integrator", roles=("administrator",), scope=Scope.NATIONAL)


@pytest.fixture
def device(prison_a):
    return make_user("kiosk", roles=("records_officer",), sites=(prison_a,), is_service_account=True, with_totp=False)


def test_a_token_is_shown_once_stored_hashed_and_narrowed_to_its_scopes(client, integrator, device):
    created = client.post(
        TOKENS,
        {"owner": str(device.public_id), "name": "Kiosk", "scopes": ["people.view"], "expires_in_days": 30},
        content_type="application/json",
        **bearer(integrator),
    )
    assert created.status_code == 201
    secret = created.json()["secret"]
    stored = ApiToken.objects.get(name="Kiosk")
    assert stored.token_hash == hash_token(secret)
    assert secret.startswith(stored.prefix)
    assert secret not in str(list(ApiToken.objects.values())) + str(list(AuditEvent.objects.values()))
    listed = client.get(TOKENS, **bearer(integrator)).json()
    assert listed[0]["prefix"] == stored.prefix and "secret" not in listed[0]

    me = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert me["permissions"] == ["people.view"]  # the owner holds more; the token only its scope


def test_scopes_must_be_held_by_the_owner(integrator, device):
    with pytest.raises(RuleViolation) as refused:
        services.create_api_token(
            actor_of(integrator), owner_id=device.public_id, name="Too much", scopes=["accounts.manage_users"]
        )
    assert "never do more than its user" in refused.value.detail


def test_a_revoked_token_is_refused(client, integrator, device):
    issued = services.create_api_token(
        actor_of(integrator), owner_id=device.public_id, name="K", scopes=["people.view"]
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert client.get("/api/v1/accounts/me", **auth).status_code == 200
    answer = client.post(f"{TOKENS}/{issued.token.public_id}/revoke", **bearer(integrator))
    assert answer.status_code == 200 and answer.json()["revoked_at"]
    assert client.get("/api/v1/accounts/me", **auth).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.api_token_revoked").count() == 1


def test_an_expired_token_is_refused(client, integrator, device):
    issued = services.create_api_token(
        actor_of(integrator), owner_id=device.public_id, name="K", scopes=["people.view"], expires_in_days=1
    )
    with clock.freeze(clock.now() + dt.timedelta(days=1, seconds=1)):
        answer = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert answer.status_code == 401


def test_token_management_needs_the_permission(client, alice, device):
    answer = client.post(
        TOKENS,
        {"owner": str(device.public_id), "name": "K", "scopes": ["people.view"]},
        content_type="application/json",
        **bearer(alice),
    )
    assert answer.status_code == 403


def test_an_organisation_scoped_manager_cannot_reach_another_organisations_users(client, prison_service, frank):
    manager = make_user("orgadmin", roles=("administrator",), organisation=prison_service, scope=Scope.ORGANISATION)
    answer = client.post(
        TOKENS,
        {"owner": str(frank.public_id), "name": "K", "scopes": ["people.view"]},
        content_type="application/json",
        **bearer(manager),
    )
    assert answer.status_code == 404


def test_the_tokens_page_creates_and_revokes(client, integrator, device):
    login_verified(client, integrator)
    session = client.session
    session["oms_step_up_at"] = clock.now().isoformat()
    session.save()
    assert client.get("/accounts/tokens").status_code == 200
    created = client.post(
        "/accounts/tokens",
        {"owner": str(device.public_id), "name": "Gate", "scopes": ["people.view"], "expires_in_days": 10},
    )
    assert created.status_code == 200
    secret = created.context["secret"]
    token = ApiToken.objects.get(name="Gate")
    assert token.token_hash == hash_token(secret)
    assert secret not in client.get("/accounts/tokens").content.decode()
    assert client.post(f"/accounts/tokens/{token.public_id}/revoke").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_cli_creates_and_revokes_tokens(device, capsys):
    call_command("tokens", "create", "--user", "kiosk", "--name", "Scanner", "--scope", "people.view")
    out = capsys.readouterr().out
    secret = out.split("Secret (shown once): ")[1].strip()
    token = ApiToken.objects.get(name="Scanner")
    assert token.token_hash == hash_token(secret)
    call_command("tokens", "list")
    assert token.prefix in capsys.readouterr().out
    call_command("tokens", "revoke", str(token.public_id))
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("tokens", "create", "--user", "kiosk", "--name", "X", "--scope", "audit.view")
    event = AuditEvent.objects.filter(action="accounts.api_token_created").first()
    assert event.channel == "cli"


def test_system_actor_is_not_a_user_for_logon_tokens(db):
    assert Actor.system().user_id is None
