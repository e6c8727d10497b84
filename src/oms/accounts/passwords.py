"""Password rules (security.md AUTH-3): length 12..128 (never below 8), no composition rules, never
truncated; not on the banned list; not containing the username. Each rejection says why.

The banned list is Django's list of 20,000 common passwords plus a local file
(``settings.BANNED_PASSWORDS_FILE``, one password a line, ``#`` comments) that an operator can extend
without a release; the file is re-read when it changes.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError

ABSOLUTE_MINIMUM_LENGTH = 8


def _minimum_length() -> int:
    return max(ABSOLUTE_MINIMUM_LENGTH, int(settings.PASSWORD_MIN_LENGTH))


class LengthValidator:
    def validate(self, password: str, user=None) -> None:
        minimum, maximum = _minimum_length(), settings.PASSWORD_MAX_LENGTH
        if len(password) < minimum:
            raise ValidationError(
                f"Your password is too short: it must be at least {minimum} characters. A few unrelated words"
                " make a long password that is easy to remember.",
                code="password_too_short",
            )
        if len(password) > maximum:
            # Rejected rather than cut: a truncated password would silently accept other passwords.
            raise ValidationError(
                f"Your password is too long: it must be at most {maximum} characters.", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"Use {_minimum_length()} to {settings.PASSWORD_MAX_LENGTH} characters. Spaces are allowed."


class BannedPasswordValidator:
    """Django's common-password list plus the local banned file; compared case-insensitively."""

    _local_cache: tuple[float, frozenset[str]] = (-1.0, frozenset())

    def __init__(self):
        self._common = CommonPasswordValidator()

    @classmethod
    def _local_banned(cls) -> frozenset[str]:
        path = Path(settings.BANNED_PASSWORDS_FILE) if settings.BANNED_PASSWORDS_FILE else None
        if path is None or not path.exists():
            return frozenset()
        mtime = os.stat(path).st_mtime
        if cls._local_cache[0] != mtime:
            lines = path.read_text(encoding="utf-8").splitlines()
            words = frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))
            cls._local_cache = (mtime, words)
        return cls._local_cache[1]

    def is_banned(self, password: str) -> bool:
        candidate = password.strip().lower()
        return candidate in self._common.passwords or candidate in self._local_banned()

    def validate(self, password: str, user=None) -> None:
        if self.is_banned(password):
            raise ValidationError(
                "Your password is on a list of passwords that are commonly used or known to attackers. Choose"
                " a different one.",
                code="password_banned",
            )

    def get_help_text(self) -> str:
        return "Do not use a common password."


class ContainsUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError("Your password must not contain your username.", code="password_contains_username")

    def get_help_text(self) -> str:
        return "Do not include your username."
