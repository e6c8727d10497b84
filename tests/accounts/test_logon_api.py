"""AUTH-1 lockout, AUTH-2 enumeration and throttling, AUTH-4 codes used once, through POST /login."""

from __future__ import annotations

import time

from oms.accounts import services
from oms.accounts.api_auth import hash_token
from oms.accounts.models import ApiToken, LoginAttempt
from oms.audit.models import AuditEvent
from oms.core.actor import Scope
from tests.accounts.helpers import api_login, code_for, mfa_user
from tests.factories import STRONG_PASSWORD, actor_of


def actions_about(user) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(user.public_id)).values_list("action", flat=True))


def test_lockout_sequence_then_unlock(client, prison_a, dave):
    victor = mfa_user("victor", sites=(prison_a,), roles=("records_officer",))
    for attempt in range(1, 6):
        answer = api_login(client, "victor", password=f"wrong password {attempt}")
        assert answer.status_code == 401, attempt
        assert answer.json()["code"] == "auth.invalid_credentials"
    victor.refresh_from_db()
    assert victor.locked_at is not None

    sixth = api_login(client, "victor", otp=code_for(victor))  # the right password and code
    assert sixth.status_code == 423
    assert sixth.json()["code"] == "auth.locked"

    services.unlock_user(actor_of(dave), user_id=victor.public_id)
    after = api_login(client, "victor", otp=code_for(victor))
    assert after.status_code == 200
    assert after.json()["token"].startswith("oms_")

    steps = actions_about(victor)
    assert steps.count("accounts.logon_failed") == 5
    assert steps.index("accounts.user_locked") > steps.index("accounts.logon_failed")
    assert steps[steps.index("accounts.user_locked") + 1 :] == [
        "accounts.logon_refused",
        "accounts.user_unlocked",
        "accounts.logon_succeeded",
    ]
    refused = AuditEvent.objects.get(action="accounts.logon_refused")
    assert refused.outcome == "denied"
    assert "password" not in str(refused.details).lower() or refused.details == {"step": "password", "reason": "locked"}


def test_a_wrong_code_counts_towards_the_lockout(client, prison_a):
    wendy = mfa_user("wendy", sites=(prison_a,))
    for _ in range(5):
        assert api_login(client, "wendy", otp="123456").status_code == 401
    wendy.refresh_from_db()
    assert wendy.locked_at is not None
    assert set(LoginAttempt.objects.filter(user=wendy).values_list("kind", flat=True)) == {"password", "mfa"}


def test_failures_outside_the_window_do_not_lock(client, prison_a, settings):
    import datetime as dt

    from oms.core import clock

    mfa_user("xavier", sites=(prison_a,))
    start = clock.now()
    with clock.freeze(start):
        for _ in range(4):
            api_login(client, "xavier", password="wrong password here")
        clock.advance(settings.LOCKOUT_WINDOW + dt.timedelta(seconds=61))
        api_login(client, "xavier", password="wrong password here")
    from oms.accounts.models import User

    assert User.objects.get(username="xavier").locked_at is None


def test_failed_logon_records_survive_the_request(client, prison_a):
    """The 401 is returned, not raised, so the request transaction commits the evidence."""
    mfa_user("yolanda", sites=(prison_a,))
    api_login(client, "yolanda", password="not the password")
    assert LoginAttempt.objects.filter(username="yolanda", succeeded=False).count() == 1
    assert AuditEvent.objects.filter(action="accounts.logon_failed", actor_username="yolanda").count() == 1


def test_unknown_and_known_usernames_get_the_same_answer(client, prison_a):
    mfa_user("zara", sites=(prison_a,))
    known = api_login(client, "zara", password="not the password", ip="10.0.0.7")
    unknown = api_login(client, "nobody-here", password="not the password", ip="10.0.0.8")
    assert known.status_code == unknown.status_code == 401
    assert known.json() == unknown.json()


def test_unknown_usernames_take_as_long_as_known_ones(client, prison_a, settings):
    """A password hash is computed for unknown users too, so timing does not reveal who exists."""
    # Production's Argon2 cost, so the hash (not request noise) dominates what is timed; the suite's
    # cheap hasher takes about a millisecond.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    mfa_user("amos", sites=(prison_a,))

    def timed(username, ip):
        started = time.perf_counter()
        api_login(client, username, password="not the password", ip=ip)
        return time.perf_counter() - started

    known = min(timed("amos", f"10.1.0.{i}") for i in range(3))
    unknown = min(timed(f"ghost{i}", f"10.2.0.{i}") for i in range(3))
    assert unknown > known * 0.5


def test_unknown_usernames_lock_like_real_ones(client, db):
    for _ in range(5):
        assert api_login(client, "ghost", password="whatever it is").status_code == 401
    assert api_login(client, "ghost", password="whatever it is").status_code == 423


def test_the_eleventh_attempt_in_a_minute_from_one_address_is_throttled(client, db):
    for i in range(10):
        assert api_login(client, f"someone{i}", ip="10.9.9.9").status_code == 401
    eleventh = api_login(client, "someone-else", ip="10.9.9.9")
    assert eleventh.status_code == 429
    assert 1 <= int(eleventh["Retry-After"]) <= 61
    assert eleventh.json()["code"] == "auth.throttled"
    assert api_login(client, "someone-else", ip="10.9.9.10").status_code == 401  # another address is not
    assert AuditEvent.objects.filter(action="accounts.logon_throttled").exists()


def test_the_throttle_lifts_after_a_minute(client, db):
    import datetime as dt

    from oms.core import clock

    with clock.freeze(clock.now()):
        for i in range(10):
            api_login(client, f"someone{i}", ip="10.9.9.9")
        assert api_login(client, "x", ip="10.9.9.9").status_code == 429
        clock.advance(dt.timedelta(seconds=61))
        assert api_login(client, "x", ip="10.9.9.9").status_code == 401


def test_the_second_factor_step_is_throttled_too(prison_a):
    from oms.accounts import logon

    user = mfa_user("bea", sites=(prison_a,))
    outcomes = [
        logon.check_second_factor_step(user=user, code="000000", ip="10.3.3.3", channel="api").status for _ in range(11)
    ]
    assert outcomes[:4] == ["invalid"] * 4
    assert outcomes[4] == "invalid"  # the fifth failure locks
    assert outcomes[5:10] == ["locked"] * 5
    assert outcomes[10] == "throttled"


def test_a_code_is_accepted_once(client, prison_a):
    user = mfa_user("carla", sites=(prison_a,))
    code = code_for(user)
    assert api_login(client, "carla", otp=code).status_code == 200
    replay = api_login(client, "carla", otp=code)
    assert replay.status_code == 401


def test_logon_token_is_stored_hashed_and_acts_as_the_user(client, prison_a):
    user = mfa_user("dora", sites=(prison_a,), roles=("records_officer",))
    answer = api_login(client, "dora", otp=code_for(user))
    secret = answer.json()["token"]
    stored = ApiToken.objects.get(user=user)
    assert stored.kind == ApiToken.Kind.LOGON
    assert stored.token_hash == hash_token(secret)
    assert secret not in str(list(ApiToken.objects.values()))
    me = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert me["username"] == "dora"
    assert "people.view" in me["permissions"]
    assert client.post("/api/v1/accounts/logout", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 204
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_api_logon_refuses_a_pending_password_change(client, prison_a):
    user = mfa_user("ella", sites=(prison_a,), must_change_password=True)
    answer = api_login(client, "ella", otp=code_for(user))
    assert answer.status_code == 403
    assert answer.json()["code"] == "auth.password_change_required"


def test_service_accounts_cannot_log_on(client, prison_a):
    robot = mfa_user("robot", sites=(prison_a,), is_service_account=True)
    assert api_login(client, "robot", otp=code_for(robot)).status_code == 401


def test_disabled_and_expired_accounts_answer_like_a_wrong_password(client, prison_a):
    import datetime as dt

    from oms.core import clock

    gone = mfa_user("gone", sites=(prison_a,), disabled_at=clock.now(), is_active=False)
    old = mfa_user("old", sites=(prison_a,), expires_at=clock.now() - dt.timedelta(hours=1))
    assert api_login(client, "gone", otp=code_for(gone)).json()["code"] == "auth.invalid_credentials"
    assert api_login(client, "old", otp=code_for(old)).json()["code"] == "auth.invalid_credentials"


def test_login_rejects_extra_fields(client, db):
    answer = client.post(
        "/api/v1/accounts/login",
        {"username": "a", "password": "b", "otp": "1", "is_superuser": True},
        content_type="application/json",
    )
    assert answer.status_code == 422


def test_logon_audit_details_hold_no_secrets(client, prison_a):
    user = mfa_user("fay", sites=(prison_a,), scope=Scope.SITES)
    code = code_for(user)
    api_login(client, "fay", password="a wrong password xyz")
    api_login(client, "fay", otp=code)
    everything = str(list(AuditEvent.objects.values("details", "reason")))
    assert STRONG_PASSWORD not in everything
    assert "a wrong password xyz" not in everything
    assert code not in everything
