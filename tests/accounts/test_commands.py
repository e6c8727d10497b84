"""AUTH-5 the first administrator from the CLI; AUTH-8 inactive and expired accounts disabled by the
scheduled task and its command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from oms.accounts import tasks
from oms.accounts.models import User, UserSession
from oms.audit.models import AuditEvent
from oms.core import clock
from tests.factories import login_verified, make_user


def test_there_are_no_default_accounts(db):
    assert not User.objects.exists()


def test_create_admin_prints_a_one_time_password_that_must_be_changed(db, capsys, client):
    call_command("create_admin", "root")
    out = capsys.readouterr().out
    password = out.split("One-time password (shown once): ")[1].split()[0]
    admin = User.objects.get(username="root")
    assert admin.check_password(password)
    assert admin.must_change_password and admin.scope == "national"
    assert sorted(admin.role_grants.values_list("role__code", flat=True)) == ["administrator", "user_administrator"]
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert event.channel == "cli" and password not in str(event.details)
    first_logon = client.post("/accounts/login", {"username": "root", "password": password})
    assert first_logon["Location"] == "/accounts/mfa/enrol"  # then the password change


def test_create_admin_refuses_a_second_one_unless_asked(db, capsys):
    call_command("create_admin", "root")
    with pytest.raises(CommandError):
        call_command("create_admin", "another")
    call_command("create_admin", "another", "--another")
    with pytest.raises(CommandError):
        call_command("create_admin", "root", "--another")


def test_the_inactivity_task_disables_unused_and_expired_accounts(prison_a, settings):
    now = clock.now()
    idle = make_user("idle", sites=(prison_a,), last_seen_at=now - dt.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS))
    busy = make_user("busy", sites=(prison_a,), last_seen_at=now - dt.timedelta(days=3))
    temp = make_user("temp", sites=(prison_a,), last_seen_at=now, expires_at=now - dt.timedelta(minutes=1))
    browser = Client()
    login_verified(browser, idle)
    browser.get("/")
    User.objects.filter(pk=idle.pk).update(last_seen_at=now - dt.timedelta(days=settings.INACTIVE_ACCOUNT_DAYS))

    result = tasks.disable_inactive_accounts.enqueue()
    assert result.return_value == {"inactive": 1, "expired": 1}
    assert User.objects.get(pk=idle.pk).disabled_at is not None
    assert User.objects.get(pk=temp.pk).disabled_at is not None
    assert User.objects.get(pk=busy.pk).disabled_at is None
    assert not UserSession.objects.filter(user=idle, ended_at__isnull=True).exists()
    assert browser.get("/").status_code == 302
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts.user_disabled_inactive", "accounts.user_expired"} <= actions


def test_the_inactivity_command(prison_a, capsys, settings):
    make_user("idle", sites=(prison_a,), last_seen_at=clock.now() - dt.timedelta(days=400))
    call_command("disable_inactive_accounts")
    assert "Disabled 1 inactive" in capsys.readouterr().out
    call_command("disable_inactive_accounts")
    assert "Disabled 0 inactive" in capsys.readouterr().out


def test_plain_totp_secrets_can_be_encrypted_in_place(alice, capsys):
    from django_otp.oath import totp

    from oms.accounts.models import ProtectedTOTPDevice

    before = ProtectedTOTPDevice.objects.get(user=alice)
    assert not before.key.startswith("enc1:")  # the shared test factory writes plain hex
    call_command("encrypt_totp_secrets")
    assert "Encrypted 1" in capsys.readouterr().out
    after = ProtectedTOTPDevice.objects.get(user=alice)
    assert after.key.startswith("enc1:") and after.bin_key == before.bin_key
    assert after.verify_token(str(totp(after.bin_key)).zfill(6))
    call_command("encrypt_totp_secrets")
    assert "Encrypted 0" in capsys.readouterr().out
