"""Field-level encryption (security.md DP-1): AES-256-GCM, the key id stored in every ciphertext.

Keys live outside the database in ``OMS_FIELD_KEYS_FILE`` (lines ``<key id>:<base64 key>``; the last
line encrypts, every line decrypts, so keys rotate without rewriting old rows). Without a key file,
development and tests derive one key from SECRET_KEY; production refuses to run that way.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "enc1"


@functools.cache
def _keys() -> tuple[str, dict[str, bytes]]:
    path = settings.FIELD_ENCRYPTION_KEYS_FILE
    keys: dict[str, bytes] = {}
    current = ""
    if path:
        for line in Path(path).read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key_id, _, b64 = line.partition(":")
            raw = base64.b64decode(b64)
            if len(raw) != 32:
                raise ValueError(f"field key {key_id!r} is not 32 bytes")
            keys[key_id] = raw
            current = key_id
    else:
        if getattr(settings, "PRODUCTION", False):
            raise RuntimeError("OMS_FIELD_KEYS_FILE is required in production")
        keys["dev"] = hashlib.sha256(("oms-field-key:" + settings.SECRET_KEY).encode()).digest()
        current = "dev"
    return current, keys


def encrypt(plaintext: str) -> str:
    key_id, keys = _keys()
    nonce = os.urandom(12)
    sealed = AESGCM(keys[key_id]).encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    prefix, key_id, b64 = token.split(":", 2)
    if prefix != PREFIX:
        raise ValueError("not an OMS ciphertext")
    raw = base64.b64decode(b64)
    _, keys = _keys()
    return AESGCM(keys[key_id]).decrypt(raw[:12], raw[12:], key_id.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; cannot be searched or ordered in the database, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
