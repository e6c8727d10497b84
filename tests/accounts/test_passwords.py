"""AUTH-3: length 12..128 (never below 8), never truncated, banned list (Django's plus a local file
updatable without a release), no username inside; the message says why; Argon2id storage."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from oms.accounts.passwords import BannedPasswordValidator, LengthValidator
from tests.factories import make_user


def reasons(password, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("elevenchars", "too short"),
        ("twelve chars", ""),
        ("x" * 128, ""),
        ("x" * 129, "too long"),
        ("qwerty123456", "commonly used"),
        ("QWERTY123456", "commonly used"),
    ],
)
def test_password_rules(password, reason, db):
    assert (reason in reasons(password)) if reason else reasons(password) == ""


def test_the_username_may_not_be_inside(db):
    user = make_user("marguerite", with_totp=False)
    assert "must not contain your username" in reasons("hello marguerite 2024", user)


def test_the_minimum_never_drops_below_eight(settings):
    settings.PASSWORD_MIN_LENGTH = 4
    with pytest.raises(ValidationError):
        LengthValidator().validate("seven77")
    LengthValidator().validate("eight888")


def test_the_common_list_is_large(db):
    assert len(BannedPasswordValidator()._common.passwords) >= 10_000


def test_the_local_banned_file_is_reread_when_it_changes(tmp_path, settings):
    banned = tmp_path / "banned.txt"
    banned.write_text("# local list\nprison service 2026\n")
    settings.BANNED_PASSWORDS_FILE = str(banned)
    assert "commonly used" in reasons("Prison Service 2026")
    assert reasons("another long phrase") == ""
    banned.write_text("another long phrase\n")
    os.utime(banned, (1, 1))  # a different modification time, as any edit gives
    assert "commonly used" in reasons("another long phrase")


def test_a_long_password_is_not_truncated(db):
    user = make_user("tess", with_totp=False, password="p" * 100 + "A")
    assert user.check_password("p" * 100 + "A")
    assert not user.check_password("p" * 100 + "B")
    assert user.password.startswith("argon2$argon2id$")
