"""The checkpoint signing key (security.md AUD-5): read from a file the database never sees.

``OMS_AUDIT_SIGNING_KEY_FILE`` holds at least 32 bytes of secret (any text; surrounding whitespace is
ignored). Development and tests derive a key from SECRET_KEY so `make run` needs no set-up; production
refuses to sign or verify without the file (and the system check below stops start-up).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from django.conf import settings
from django.core import checks

MIN_KEY_BYTES = 32


class SigningKeyUnavailable(RuntimeError):
    """The checkpoint signing key is missing, unreadable or too short."""


@functools.cache
def signing_key() -> bytes:
    path = settings.AUDIT_SIGNING_KEY_FILE
    if path:
        try:
            key = Path(path).read_bytes().strip()
        except OSError as exc:
            raise SigningKeyUnavailable(f"the audit signing key file cannot be read: {exc.strerror}") from exc
        if len(key) < MIN_KEY_BYTES:
            raise SigningKeyUnavailable(f"the audit signing key is shorter than {MIN_KEY_BYTES} bytes")
        return key
    if getattr(settings, "PRODUCTION", False):
        raise SigningKeyUnavailable("OMS_AUDIT_SIGNING_KEY_FILE is required in production")
    return hashlib.sha256(("oms-audit-signing-key:" + settings.SECRET_KEY).encode()).digest()


def signing_key_problems(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not getattr(settings, "PRODUCTION", False):
        return []
    path = settings.AUDIT_SIGNING_KEY_FILE
    if not path:
        return [checks.Critical("OMS_AUDIT_SIGNING_KEY_FILE is required in production.", id="oms.audit.E001")]
    try:
        key = Path(path).read_bytes().strip()
    except OSError:
        return [checks.Critical("OMS_AUDIT_SIGNING_KEY_FILE cannot be read.", id="oms.audit.E002")]
    if len(key) < MIN_KEY_BYTES:
        return [checks.Critical(f"The audit signing key is under {MIN_KEY_BYTES} bytes.", id="oms.audit.E003")]
    return []
