"""The logon pages: banner, one message for every failure, locked and throttled pages, MFA enrolment
(QR as inline SVG, encrypted secret, recovery codes shown once), codes used once, forced password change."""

from __future__ import annotations

import base64
import datetime as dt
import re

from django_otp.oath import totp

from oms.accounts.models import ProtectedTOTPDevice, RecoveryCode, User
from oms.audit.models import AuditEvent
from oms.core import clock
from tests.accounts.helpers import code_for, mfa_user, web_login
from tests.factories import STRONG_PASSWORD, make_user

NEW_PASSWORD = "a fresh and rather long passphrase"


def test_the_login_page_shows_the_banner_before_logon(client, settings, db):
    settings.LOGIN_BANNER = "Restricted system. Use is monitored."
    page = client.get("/accounts/login")
    assert page.status_code == 200
    assert "Restricted system. Use is monitored." in page.content.decode()


def test_a_protected_page_sends_an_anonymous_visitor_to_login(client, db):
    answer = client.get("/")
    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login")


def test_wrong_password_and_unknown_user_look_the_same(client, prison_a):
    mfa_user("gina", sites=(prison_a,))
    known = client.post("/accounts/login", {"username": "gina", "password": "not it at all"})
    unknown = client.post("/accounts/login", {"username": "nobody", "password": "not it at all"})
    assert known.status_code == unknown.status_code == 200
    assert "Enter a correct username and password." in known.content.decode()

    def normalised(page) -> str:
        text = page.content.decode().replace("gina", "X").replace("nobody", "X")
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", re.sub(r"[0-9a-f]{32}", "REQUEST-ID", text))

    assert normalised(known) == normalised(unknown)


def test_full_logon_through_the_pages(client, prison_a):
    user = mfa_user("hana", sites=(prison_a,), roles=("records_officer",))
    first = client.post("/accounts/login", {"username": "hana", "password": STRONG_PASSWORD})
    assert first["Location"] == "/accounts/mfa/verify"
    assert client.get("/").status_code == 302  # not yet: the second factor is owed
    second = client.post("/accounts/mfa/verify", {"code": code_for(user)})
    assert second.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.logon_succeeded", actor_username="hana").count() == 1


def test_logon_gives_a_new_session_id(client, prison_a):
    user = mfa_user("ivy", sites=(prison_a,))
    client.get("/accounts/login")
    client.post("/accounts/login", {"username": "ivy", "password": STRONG_PASSWORD})
    after_password = client.session.session_key
    client.post("/accounts/mfa/verify", {"code": code_for(user)})
    assert client.session.session_key != after_password


def test_the_locked_page_is_generic(client, prison_a):
    mfa_user("jade", sites=(prison_a,))
    for _ in range(5):
        client.post("/accounts/login", {"username": "jade", "password": "wrong wrong wrong"})
    locked = client.post("/accounts/login", {"username": "jade", "password": STRONG_PASSWORD})
    assert locked.status_code == 423
    assert "locked" in locked.content.decode()


def test_the_login_page_is_throttled_per_address(client, db):
    for i in range(10):
        client.post("/accounts/login", {"username": f"u{i}", "password": "x"}, REMOTE_ADDR="10.5.5.5")
    answer = client.post("/accounts/login", {"username": "u", "password": "x"}, REMOTE_ADDR="10.5.5.5")
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0


def test_the_mfa_page_is_throttled_per_address(client, prison_a):
    mfa_user("kim", sites=(prison_a,))
    client.post("/accounts/login", {"username": "kim", "password": STRONG_PASSWORD}, REMOTE_ADDR="10.6.6.6")
    statuses = [
        client.post("/accounts/mfa/verify", {"code": "000000"}, REMOTE_ADDR="10.6.6.6").status_code for _ in range(11)
    ]
    assert statuses[-1] == 429


def test_enrolment_is_forced_at_first_logon_and_shows_recovery_codes_once(client, prison_a):
    newcomer = make_user("newcomer", sites=(prison_a,), roles=("records_officer",), with_totp=False)
    answer = client.post("/accounts/login", {"username": "newcomer", "password": STRONG_PASSWORD})
    assert answer["Location"] == "/accounts/mfa/enrol"
    assert client.get("/accounts/mfa/verify")["Location"] == "/accounts/mfa/enrol"

    page = client.get("/accounts/mfa/enrol").content.decode()
    assert "<svg" in page and "<img" not in page  # the QR code is inline SVG (CSP: nothing external)
    device = ProtectedTOTPDevice.objects.get(user=newcomer, confirmed=False)
    assert device.key.startswith("enc1:")  # AUTH-4: the secret is encrypted at rest
    secret = base64.b32encode(device.bin_key).decode()
    assert secret[:4] in page

    bad = client.post("/accounts/mfa/enrol", {"code": "000000"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    done = client.post("/accounts/mfa/enrol", {"code": str(totp(device.bin_key)).zfill(6)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=newcomer).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.mfa_enrolled").count() == 1
    assert client.get("/accounts/mfa/enrol").status_code == 302  # shown once: no way back to the codes


def test_a_code_used_once_is_refused_the_second_time(client, prison_a):
    user = mfa_user("lena", sites=(prison_a,))
    code = code_for(user)
    client.post("/accounts/login", {"username": "lena", "password": STRONG_PASSWORD})
    assert client.post("/accounts/mfa/verify", {"code": code}).status_code == 302
    client.post("/accounts/logout")
    client.post("/accounts/login", {"username": "lena", "password": STRONG_PASSWORD})
    replay = client.post("/accounts/mfa/verify", {"code": code})
    assert replay.status_code == 200
    assert "Enter a correct code." in replay.content.decode()


def test_a_recovery_code_works_once(client, prison_a):
    from oms.accounts import logon

    user = mfa_user("mona", sites=(prison_a,))
    codes = logon.issue_recovery_codes(user)
    client.post("/accounts/login", {"username": "mona", "password": STRONG_PASSWORD})
    assert client.post("/accounts/mfa/verify", {"code": codes[3]}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/accounts/logout")
    client.post("/accounts/login", {"username": "mona", "password": STRONG_PASSWORD})
    assert client.post("/accounts/mfa/verify", {"code": codes[3]}).status_code == 200  # refused
    assert client.post("/accounts/mfa/verify", {"code": codes[4].upper()}).status_code == 302
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 8
    assert AuditEvent.objects.filter(action="accounts.recovery_code_used").count() == 2


def test_a_one_time_password_must_be_changed_before_anything_else(client, prison_a):
    user = mfa_user("nora", sites=(prison_a,), must_change_password=True)
    web_login(client, user)
    assert client.get("/")["Location"].startswith("/accounts/login")
    assert client.get("/accounts/login")["Location"] == "/accounts/password"
    short = client.post(
        "/accounts/password",
        {"current_password": STRONG_PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert "too short" in short.content.decode()
    banned = client.post(
        "/accounts/password",
        {"current_password": STRONG_PASSWORD, "new_password": "qwerty123456", "confirm_password": "qwerty123456"},
    )
    assert "commonly used" in banned.content.decode()
    changed = client.post(
        "/accounts/password",
        {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(NEW_PASSWORD)


def test_a_password_older_than_the_limit_must_be_changed(client, prison_a, settings):
    user = mfa_user("olga", sites=(prison_a,), password_changed_at=clock.now() - dt.timedelta(days=366))
    web_login(client, user)
    assert User.objects.get(pk=user.pk).must_change_password
    assert client.get("/accounts/login")["Location"] == "/accounts/password"
    assert AuditEvent.objects.filter(action="accounts.password_expired").exists()


def test_service_accounts_cannot_use_the_login_page(client, prison_a):
    robot = mfa_user("robot2", sites=(prison_a,), is_service_account=True)
    answer = client.post("/accounts/login", {"username": robot.username, "password": STRONG_PASSWORD})
    assert answer.status_code == 200
    assert "Enter a correct username and password." in answer.content.decode()


def test_logout_deletes_the_session(client, prison_a):
    from django.contrib.sessions.models import Session

    user = mfa_user("pia", sites=(prison_a,))
    web_login(client, user)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post("/accounts/logout")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
