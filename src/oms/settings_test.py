"""Settings for the test suite: the normal settings with OMS_ENV=test (immediate tasks, and the
PostgreSQL database from OMS_TEST_DATABASE_URL when it is set)."""

import os

os.environ["OMS_ENV"] = "test"

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

from oms.settings import *  # noqa: E402,F403


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id as in production, with cheap cost parameters: the suite creates hundreds of users, and
    production's 100 MiB / 2-pass cost would make hashing most of its run time. Hashes keep the
    ``argon2`` algorithm name, so what tests assert about stored passwords holds for production."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


PASSWORD_HASHERS = ["oms.settings_test.CheapArgon2PasswordHasher"]
