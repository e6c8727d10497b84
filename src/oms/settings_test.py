"""Settings for the test suite: the normal settings with OMS_ENV=test (immediate tasks, and the
PostgreSQL database from OMS_TEST_DATABASE_URL when it is set)."""

import os

os.environ.setdefault("OMS_ENV", "test")
os.environ["OMS_ENV"] = "test"

from oms.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # the real hasher, tested as used
